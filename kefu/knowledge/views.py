"""Knowledge base and planned-outage pages, and the panel the agent workspace loads with htmx."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from kefu.accounts.models import ServiceArea
from kefu.core.forms import add_service_errors
from kefu.core.params import object_id
from kefu.core.permissions import can, require
from kefu.core.responses import error_text
from kefu.knowledge import selectors, services
from kefu.knowledge.forms import ArticleForm, CancelOutageForm, OutageForm
from kefu.knowledge.models import Article
from kefu.knowledge.permissions import get_article_for, get_outage_for

PER_PAGE = 20
PANEL_ARTICLES = 8


def index(request):
    require(request.user, "knowledge.view_article")
    query = request.GET.get("q", "").replace("\x00", "").strip()
    kind = request.GET.get("kind", "")
    kind = kind if kind in Article.Kind.values else ""
    editor = can(request.user, "knowledge.change_article")
    articles = selectors.search_articles(query, kind=kind or None, include_unpublished=editor)
    page = Paginator(articles, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "knowledge/index.html",
        {
            "page": page,
            "query": query,
            "kind": kind,
            "kinds": Article.Kind.choices,
            "can_add": can(request.user, "knowledge.add_article"),
            "can_see_outages": can(request.user, "knowledge.view_plannedoutage"),
            "current_outages": selectors.current_outages()
            if can(request.user, "knowledge.view_plannedoutage")
            else [],
        },
    )


def article_detail(request, pk: int):
    article = get_article_for(request.user, pk)
    services.note_article_used(article)
    can_edit = can(request.user, "knowledge.change_article")
    return render(
        request,
        "knowledge/article_detail.html",
        {
            "article": article,
            "areas": list(article.service_areas.all()),
            "can_edit": can_edit,
            # The old texts are for the editors who answer "what did we say last month?"
            "history": selectors.history_for(article) if can_edit else [],
        },
    )


def article_create(request):
    require(request.user, "knowledge.view_article", "knowledge.add_article")
    form = ArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            article = services.create_article(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"已新建知识条目：{article}")
            return redirect("knowledge:article_detail", pk=article.pk)
    return render(request, "knowledge/form.html", {"form": form, "title": "新建知识条目"})


def article_edit(request, pk: int):
    article = get_article_for(request.user, pk, write=True)
    form = ArticleForm(request.POST or None, instance=article)
    if request.method == "POST" and form.is_valid():
        try:
            article = services.update_article(
                actor=request.user,
                article=article,
                data=form.cleaned_data,
                note=request.POST.get("change_note", "").strip(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"已保存，当前为第{article.version}版；修改前的内容保留在修改记录中")
            return redirect("knowledge:article_detail", pk=article.pk)
    return render(
        request,
        "knowledge/form.html",
        {"form": form, "title": f"修改知识条目：{article}", "article": article, "with_note": True},
    )


def outages(request):
    require(request.user, "knowledge.view_plannedoutage")
    tab = request.GET.get("tab", "current")
    tab = tab if tab in selectors.TABS else "current"
    page = Paginator(selectors.outages_tab(tab), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "knowledge/outages.html",
        {
            "page": page,
            "tab": tab,
            "tabs": selectors.TABS,
            "can_add": can(request.user, "knowledge.add_plannedoutage"),
        },
    )


def outage_detail(request, pk: int):
    outage = get_outage_for(request.user, pk)
    return render(
        request,
        "knowledge/outage_detail.html",
        {
            "outage": outage,
            "areas": list(outage.service_areas.all()),
            "can_edit": can(request.user, "knowledge.change_plannedoutage"),
            "cancel_form": CancelOutageForm(),
            "history": selectors.history_for(outage),
        },
    )


def outage_create(request):
    require(request.user, "knowledge.view_plannedoutage", "knowledge.add_plannedoutage")
    form = OutageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outage = services.publish_outage(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"已发布停水信息：{outage}")
            return redirect("knowledge:outage_detail", pk=outage.pk)
    return render(request, "knowledge/form.html", {"form": form, "title": "发布停水信息"})


def outage_edit(request, pk: int):
    outage = get_outage_for(request.user, pk, write=True)
    form = OutageForm(request.POST or None, instance=outage)
    if request.method == "POST" and form.is_valid():
        try:
            outage = services.update_outage(
                actor=request.user,
                outage=outage,
                data=form.cleaned_data,
                note=request.POST.get("change_note", "").strip(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "停水信息已更新，修改前的内容保留在修改记录中")
            return redirect("knowledge:outage_detail", pk=outage.pk)
    return render(
        request,
        "knowledge/form.html",
        {"form": form, "title": f"修改停水信息：{outage}", "outage": outage, "with_note": True},
    )


@require_POST
def outage_cancel(request, pk: int):
    outage = get_outage_for(request.user, pk, write=True)
    form = CancelOutageForm(request.POST)
    form.is_valid()
    try:
        services.cancel_outage(actor=request.user, outage=outage, reason=form.cleaned_data.get("reason", ""))
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"已取消停水信息：{outage}")
    return redirect("knowledge:outage_detail", pk=outage.pk)


def outage_print(request, pk: int):
    outage = get_outage_for(request.user, pk)
    return render(
        request,
        "knowledge/outage_print.html",
        {"outage": outage, "areas": list(outage.service_areas.all()), "printed_at": timezone.localtime()},
    )


@require_GET
def panel(request):
    """The agent workspace's knowledge panel (htmx): the caller's area's outages first, then articles.

    GET /knowledge/for-area/?area=<service area id>&q=<text>. Both optional: without an area no outage
    is shown and articles for the whole city are offered; without q, the most used articles."""
    require(request.user, "knowledge.view_article")
    area = _area(request.GET.get("area"))
    query = request.GET.get("q", "").replace("\x00", "").strip()
    outages = []
    if area is not None and can(request.user, "knowledge.view_plannedoutage"):
        outages = list(selectors.outages_for_area(area).prefetch_related("service_areas"))
    articles = list(selectors.search_articles(query, area=area)[:PANEL_ARTICLES])
    return render(
        request,
        "knowledge/_panel.html",
        {"area": area, "query": query, "outages": outages, "articles": articles, "now": timezone.now()},
    )


def _area(value) -> ServiceArea | None:
    pk = object_id(value)  # the shared id rule: what cannot be an id is no area
    return ServiceArea.objects.filter(pk=pk).first() if pk is not None else None
