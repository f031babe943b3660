"""Archive pages: search (htmx), detail (logged), create/edit, documents, export, print, read log."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kefu.core.params import page_number
from kefu.core.permissions import require
from kefu.core.responses import bad_request, error_text
from kefu.core.timeline import MAX_PAGE, customer_timeline, timeline_kinds
from kefu.customers import selectors, services
from kefu.customers.exports import customers_workbook
from kefu.customers.forms import ContactPersonForm, CorrespondenceForm, CustomerForm, DocumentForm
from kefu.customers.masking import Masker
from kefu.customers.models import ArchiveAccess, Document
from kefu.customers.permissions import get_customer_for

EXPORT_LIMIT = 5000


def search(request):
    require(request.user, "customers.view_customer")
    result = _search(request, page=_page(request))
    masker = Masker(request.user)
    for customer in result.customers:
        masker.apply(customer)
    context = {
        "result": result,
        "fields": selectors.FIELDS,
        "can_add": request.user.has_perm("customers.add_customer"),
        "can_export": request.user.has_perm("customers.export_customer"),
    }
    template = "customers/_results.html" if request.htmx else "customers/search.html"
    return render(request, template, context)


def detail(request, pk: int):
    customer = get_customer_for(request.user, pk)
    return render(request, "customers/detail.html", _detail_context(request, customer))


def _detail_context(request, customer, **forms) -> dict:
    """The archive page: the archive, its relationship timeline (A2: every contact, order, callback,
    counter business, payment, paper and change the viewer may see, newest first, by kind and page),
    and the forms. Logged as a read of the archive (A3)."""
    customer = selectors.archive_for(customer)
    services.record_archive_access(
        user=request.user, customers=[customer], channel=ArchiveAccess.Channel.PAGE, request=request
    )
    masker = Masker(request.user)
    masker.apply(customer)
    kind = request.GET.get("kind", "")
    kinds = timeline_kinds(request.user)
    chosen = [kind] if kind in {k.code for k in kinds} else None
    timeline = customer_timeline(
        customer, request.user, kinds=chosen, page=page_number(request.GET.get("page"), last=MAX_PAGE)
    )
    return {
        "customer": customer,
        "timeline": timeline,
        "timeline_kinds": kinds,
        "history": selectors.history_for(customer, masker),
        "arrears": services.check_arrears(customer),
        "can_edit": request.user.has_perm("customers.change_customer"),
        "can_add_document": request.user.has_perm("customers.add_document"),
        "can_see_log": request.user.has_perm("customers.view_archiveaccess"),
        "document_form": DocumentForm(),
        "correspondence_form": CorrespondenceForm(),
        "contact_form": ContactPersonForm(),
        **forms,
    }


def print_view(request, pk: int):
    customer = selectors.archive_for(get_customer_for(request.user, pk))
    services.record_archive_access(
        user=request.user, customers=[customer], channel=ArchiveAccess.Channel.PRINT, request=request
    )
    Masker(request.user).apply(customer)
    return render(
        request,
        "customers/print.html",
        {
            "customer": customer,
            "printed_at": timezone.localtime(),
            "arrears": services.check_arrears(customer),
            # 002 客户管理制度: the letters, faxes and calls with the customer belong in the archive
            "correspondence": [d for d in customer.documents.all() if d.channel != Document.Channel.UPLOAD],
        },
    )


def create(request):
    require(request.user, "customers.add_customer")
    form = CustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        customer = services.open_customer(actor=request.user, data=form.cleaned_customer)
        messages.success(request, f"已建档：{customer}")
        return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/form.html", {"form": form, "title": "新建客户档案"})


def edit(request, pk: int):
    customer = get_customer_for(request.user, pk, write=True)
    form = CustomerForm(request.POST or None, instance=customer)
    if request.method == "POST" and form.is_valid():
        services.update_customer(
            actor=request.user,
            customer=customer,
            data=form.cleaned_customer,
            note=request.POST.get("change_note", ""),
        )
        messages.success(request, "档案已更新，修改前的内容保留在变更记录中")
        return redirect("customers:detail", pk=customer.pk)
    return render(
        request, "customers/form.html", {"form": form, "title": f"修改档案：{customer}", "customer": customer}
    )


@require_POST
def add_document(request, pk: int):
    require(request.user, "customers.add_document")
    customer = get_customer_for(request.user, pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        services.add_document(
            actor=request.user,
            customer=customer,
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            file=form.cleaned_data["file"],
        )
        messages.success(request, "资料已上传")
    else:
        messages.error(request, error_text(form))
    return redirect("customers:detail", pk=customer.pk)


@require_POST
def add_correspondence(request, pk: int):
    """A letter, fax, e-mail or a note of a call or meeting into the archive (002 客户管理制度). A bad
    entry is the archive page again with the reason and what was typed, status 400."""
    require(request.user, "customers.add_document")
    customer = get_customer_for(request.user, pk)
    form = CorrespondenceForm(request.POST, request.FILES)
    problem: ValidationError | CorrespondenceForm | None = None if form.is_valid() else form
    if problem is None:
        try:
            document = services.add_correspondence(actor=request.user, customer=customer, **form.cleaned_data)
        except ValidationError as error:
            problem = error
    if problem is not None:
        context = _detail_context(request, customer, correspondence_form=form, correspondence_open=True)
        return bad_request(request, "customers/detail.html", problem, **context)
    channel, direction = document.get_channel_display(), document.get_direction_display()
    messages.success(request, f"已登记{channel}（{direction}）：{document.title}")
    return redirect("customers:detail", pk=customer.pk)


@require_POST
def add_contact(request, pk: int):
    require(request.user, "customers.add_contactperson")
    customer = get_customer_for(request.user, pk)
    form = ContactPersonForm(request.POST)
    if form.is_valid():
        try:
            services.add_contact_person(actor=request.user, customer=customer, **form.cleaned_data)
            messages.success(request, "联系人已添加")
        except ValidationError as error:
            messages.error(request, error_text(error))
    else:
        messages.error(request, error_text(form))
    return redirect("customers:detail", pk=customer.pk)


def download_document(request, pk: int, document_id: int):
    customer = get_customer_for(request.user, pk)
    document = get_object_or_404(Document, pk=document_id, customer=customer)
    if not document.file:
        raise Http404("该记录没有附件")  # a note of a call or meeting: its summary is the record
    services.record_archive_access(
        user=request.user, customers=[customer], channel=ArchiveAccess.Channel.EXPORT, request=request
    )
    return FileResponse(
        document.file.open("rb"), as_attachment=True, filename=document.file.name.rsplit("/", 1)[-1]
    )


def export(request):
    """The current search as Excel, masked as on screen; every exported archive is logged (A3)."""
    require(request.user, "customers.view_customer", "customers.export_customer")
    try:
        result = services.search_archive(
            user=request.user,
            query=request.GET.get("q", ""),
            field=request.GET.get("field", "auto"),
            per_page=EXPORT_LIMIT,
            request=request,
            channel=ArchiveAccess.Channel.EXPORT,
        )
    except services.SearchRateLimited as refusal:
        messages.error(request, str(refusal))
        return redirect("customers:search")
    content = customers_workbook(result.customers, Masker(request.user))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''customers-{timezone.localdate():%Y%m%d}.xlsx"
    )
    return response


def access_log(request, pk: int):
    require(request.user, "customers.view_archiveaccess")
    customer = get_customer_for(request.user, pk)
    rows = ArchiveAccess.objects.of_customer(customer).select_related("user")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "customers/access_log.html", {"customer": customer, "page": page})


def _search(request, *, page: int) -> selectors.SearchPage:
    """The search box's query; past the rate limit, no results and the reason in their place."""
    return services.search_archive_or_notice(
        user=request.user,
        query=request.GET.get("q", ""),
        field=request.GET.get("field", "auto"),
        page=page,
        request=request,
    )


def _page(request) -> int:
    return page_number(request.GET.get("page"), last=500)
