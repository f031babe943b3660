"""Pages of destruction (D3), the periodic holdings check (ch.8 §3–§5) and the archivist's hand-over
(ch.8 §6): the list of destruction lists (search, state, sorting, paging, Excel), a new proposal with a
search of the files past retention, a list's page with the workflow buttons its reader may use, the two
prints (《档案销毁清册》, 《过期文件处理登记表》); the holdings checks (list, the checklist to fill,
the printed record); the hand-overs (list, 《档案移交清单》) and what a person keeps now."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from kefu.accounts.models import User
from kefu.archives import selectors_destruction as selectors
from kefu.archives.forms_destruction import CarryOutForm, InspectionForm, NoteForm, ProposeForm
from kefu.archives.holdings import holdings_list
from kefu.archives.models import ArchiveFile, Category, Destruction, Key
from kefu.archives.permissions import visible_files
from kefu.archives.policies_destruction import RULES
from kefu.archives.services import destruction as services
from kefu.core.excel import export_workbook, local_minute, set_widths, xlsx_response
from kefu.core.params import object_id, page_number
from kefu.core.permissions import can, require
from kefu.core.policies import policy
from kefu.core.responses import bad_request

PER_PAGE = 30
CANDIDATES_PER_PAGE = 50
EXPORT_LIMIT = 5000


def _text(request, name: str, limit: int = 50) -> str:
    return request.GET.get(name, "").strip()[:limit]


# -- destruction lists --------------------------------------------------------------------------------


def _filters(request) -> dict:
    return {
        "q": _text(request, "q"),
        "state": _text(request, "state", 12),
        "sort": _text(request, "sort", 12),
    }


def destructions_list(request):
    require(request.user, "archives.view_destruction")
    filters = _filters(request)
    page = Paginator(selectors.destructions(request.user, **filters), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "archives/destruction_list.html",
        {
            "page": page,
            "filters": filters,
            "states": Destruction.State.choices,
            "can_propose": can(request.user, "archives.propose_destruction"),
        },
    )


HEADERS = [
    "销毁清册号",
    "状态",
    "销毁理由",
    "提出人",
    "提出时间",
    "审核人",
    "审核时间",
    "批准人",
    "批准时间",
    "销毁地点",
    "销毁时间",
    "复核时间",
    "案卷数",
]


def destructions_export(request):
    require(request.user, "archives.view_destruction")
    rows = selectors.destructions(request.user, **_filters(request))[:EXPORT_LIMIT]

    def write(output):
        book = export_workbook()
        sheet = book.create_sheet("档案销毁")
        set_widths(sheet, [14, 12, 40, 10, 17, 10, 17, 10, 17, 20, 17, 17, 8])
        sheet.append(HEADERS)
        for d in rows.select_related("reviewed_by"):
            sheet.append(
                [
                    d.number,
                    d.get_state_display(),
                    d.reason,
                    str(d.proposed_by),
                    local_minute(d.proposed_at),
                    str(d.reviewed_by or ""),
                    local_minute(d.reviewed_at),
                    str(d.approved_by or ""),
                    local_minute(d.approved_at),
                    d.place,
                    local_minute(d.destroyed_at),
                    local_minute(d.rechecked_at),
                    d.items.count(),
                ]
            )
        book.save(output)

    return xlsx_response(write, f"档案销毁-{timezone.localdate():%Y%m%d}.xlsx")


def _candidates(request, source) -> tuple[dict, list, int, bool]:
    filters = {"q": source.get("q", "").strip()[:50], "category": source.get("category", "").strip()[:20]}
    if filters["category"] not in Category.values:
        filters["category"] = ""
    number = page_number(source.get("page"))
    start = (number - 1) * CANDIDATES_PER_PAGE
    found = list(selectors.past_retention(request.user, **filters)[start : start + CANDIDATES_PER_PAGE + 1])
    return filters, found[:CANDIDATES_PER_PAGE], number, len(found) > CANDIDATES_PER_PAGE


def destruction_create(request):
    """The appraisal group's proposal: tick files on the page, or take every file the search finds (up to
    the list's maximum), name the group and the reason."""
    require(request.user, "archives.view_destruction", "archives.propose_destruction")
    source = request.POST if request.method == "POST" else request.GET
    filters, candidates, number, has_next = _candidates(request, source)
    form = ProposeForm(request.POST or None)
    context = {
        "form": form,
        "filters": filters,
        "candidates": candidates,
        "page_number": number,
        "has_next": has_next,
        "categories": Category.choices,
        "chosen": {object_id(v) for v in request.POST.getlist("files")},
        "least": policy("archives.destruction_min_appraisers"),
        "most": policy("archives.destruction_max_files"),
        "rule": RULES["archives.destruction_min_appraisers"],
    }
    if request.method != "POST":
        return render(request, "archives/destruction_form.html", context)
    if not form.is_valid():
        return bad_request(request, "archives/destruction_form.html", form, **context)
    if request.POST.get("take") == "all":
        most = policy("archives.destruction_max_files")
        files = list(selectors.past_retention(request.user, **filters).values_list("pk", flat=True)[:most])
    else:
        ids = [i for i in (object_id(v) for v in request.POST.getlist("files")[:20000]) if i]
        # Only files the proposer may see in the catalogue (the same rule as every list).
        files = list(visible_files(request.user).filter(pk__in=ids[:20000]).values_list("pk", flat=True))
        if len(files) != len(set(ids)):
            return bad_request(request, "archives/destruction_form.html", "所选档案不存在", **context)
    try:
        destruction = services.propose(
            actor=request.user,
            files=files,
            reason=form.cleaned_data["reason"],
            appraisal_group=list(form.cleaned_data["appraisal_group"]),
        )
    except ValidationError as error:
        return bad_request(request, "archives/destruction_form.html", error, **context)
    messages.success(
        request, f"已提出销毁清册{destruction.number}（{destruction.items.count()}卷），待部门主管审核"
    )
    return redirect("archives:destruction", pk=destruction.pk)


def _detail_context(request, destruction: Destruction, **extra) -> dict:
    user = request.user
    group = list(destruction.appraisal_group.order_by("name", "pk"))
    group_ids = {person.pk for person in group} | {destruction.proposed_by_id}
    independent = user.pk not in group_ids
    state = destruction.state
    return {
        "d": destruction,
        "items": selectors.items_of(destruction),
        "group": group,
        "witnesses": list(destruction.witnesses.order_by("name", "pk")),
        "history": selectors.history(destruction),
        "may_review": state == Destruction.State.PROPOSED
        and independent
        and can(user, "archives.review_destruction"),
        "may_approve": state == Destruction.State.REVIEWED
        and independent
        and user.pk != destruction.reviewed_by_id
        and can(user, "archives.approve_destruction"),
        "may_carry_out": state == Destruction.State.APPROVED
        and (can(user, "archives.propose_destruction") or can(user, "archives.review_destruction")),
        "may_recheck": state == Destruction.State.DESTROYED
        and destruction.rechecked_at is None
        and can(user, "archives.review_destruction"),
        "carry_out_form": extra.pop("carry_out_form", None) or CarryOutForm(),
        "least_witnesses": policy("archives.destruction_min_witnesses"),
        **extra,
    }


def destruction_detail(request, pk: int):
    destruction = selectors.get_destruction_for(request.user, pk)
    return render(request, "archives/destruction_detail.html", _detail_context(request, destruction))


def _act(request, pk: int, action):
    """Run one step of the workflow; a refusal is the page again with the Chinese reason (400)."""
    destruction = selectors.get_destruction_for(request.user, pk)
    try:
        message = action(destruction)
    except ValidationError as error:
        return bad_request(
            request, "archives/destruction_detail.html", error, **_detail_context(request, destruction)
        )
    messages.success(request, message)
    return redirect("archives:destruction", pk=destruction.pk)


def _note(request) -> str:
    form = NoteForm(request.POST)
    return form.cleaned_data["note"] if form.is_valid() else request.POST.get("note", "")[:200]


@require_POST
def destruction_review(request, pk: int):
    def action(d):
        services.review(actor=request.user, destruction=d, note=_note(request))
        return f"已审核销毁清册{d.number}，待领导批准"

    return _act(request, pk, action)


@require_POST
def destruction_approve(request, pk: int):
    def action(d):
        services.approve(actor=request.user, destruction=d, note=_note(request))
        return f"已批准销毁清册{d.number}"

    return _act(request, pk, action)


@require_POST
def destruction_refuse(request, pk: int):
    def action(d):
        services.refuse(actor=request.user, destruction=d, note=_note(request))
        return f"销毁清册{d.number}：不同意销毁"

    return _act(request, pk, action)


@require_POST
def destruction_carry_out(request, pk: int):
    destruction = selectors.get_destruction_for(request.user, pk)
    form = CarryOutForm(request.POST)
    context = _detail_context(request, destruction, carry_out_form=form)
    if not form.is_valid():
        return bad_request(request, "archives/destruction_detail.html", form, **context)
    try:
        services.carry_out(
            actor=request.user,
            destruction=destruction,
            place=form.cleaned_data["place"],
            witnesses=list(form.cleaned_data["witnesses"]),
        )
    except ValidationError as error:
        return bad_request(request, "archives/destruction_detail.html", error, **context)
    messages.success(request, f"销毁清册{destruction.number}已销毁，请部门主管复核销毁内容")
    return redirect("archives:destruction", pk=destruction.pk)


@require_POST
def destruction_recheck(request, pk: int):
    def action(d):
        ids = [i for i in (object_id(v) for v in request.POST.getlist("items")[:20000]) if i]
        d = services.recheck(actor=request.user, destruction=d, items=ids)
        return f"销毁清册{d.number}复核完毕" if d.rechecked_at else f"已复核{len(ids)}卷，其余待复核"

    return _act(request, pk, action)


def destruction_print(request, pk: int):
    """《档案销毁清册》: the list with the signature lines of the group, the reviewer, the approver, the
    witnesses, the place and time."""
    destruction = selectors.get_destruction_for(request.user, pk)
    return render(
        request,
        "archives/destruction_print.html",
        {
            "d": destruction,
            "items": selectors.items_of(destruction),
            "group": list(destruction.appraisal_group.order_by("name", "pk")),
            "witnesses": list(destruction.witnesses.order_by("name", "pk")),
            "printed_at": timezone.localtime(),
        },
    )


def destruction_form_print(request, pk: int):
    """《过期文件处理登记表》 (003 档案销毁(1)): filled by the 客服主任, reviewed by the 客户服务部主管,
    approved by the 服务中心主任."""
    destruction = selectors.get_destruction_for(request.user, pk)
    return render(
        request,
        "archives/destruction_form_print.html",
        {
            "d": destruction,
            "items": selectors.items_of(destruction),
            "summary": selectors.summary_by_category(destruction),
            "group": list(destruction.appraisal_group.order_by("name", "pk")),
            "printed_at": timezone.localtime(),
        },
    )


# -- the holdings check -------------------------------------------------------------------------------


def holdings_checks(request):
    require(request.user, "archives.view_holdingsinspection")
    state = _text(request, "state", 12)
    page = Paginator(selectors.inspections(request.user, state=state), PER_PAGE).get_page(
        request.GET.get("page")
    )
    code, _start, _last = services.period_of(timezone.localdate())
    return render(
        request,
        "archives/holdings_list.html",
        {
            "page": page,
            "state": state,
            "current": selectors.inspection_due(request.user),
            "current_period": services.period_label(code),
            "current_exists": selectors.visible_inspections(request.user).filter(period=code).exists(),
            "can_change": can(request.user, "archives.change_holdingsinspection"),
            "today": timezone.localdate(),
        },
    )


@require_POST
def holdings_check_open(request):
    """Start this period's check now (the job opens it at the period's start; this is the same)."""
    require(request.user, "archives.view_holdingsinspection", "archives.change_holdingsinspection")
    inspection, _opened = services.open_inspection(day=timezone.localdate(), actor=request.user)
    return redirect("archives:holdings_check", pk=inspection.pk)


def _inspection_context(request, inspection, form=None) -> dict:
    return {
        "i": inspection,
        "period": services.period_label(inspection.period),
        "form": form or InspectionForm(checklist=inspection.checklist),
        "may_fill": inspection.done_at is None and can(request.user, "archives.change_holdingsinspection"),
        "history": selectors.history(inspection),
        "today": timezone.localdate(),
    }


def holdings_check(request, pk: int):
    inspection = selectors.get_inspection_for(request.user, pk)
    if request.method != "POST":
        return render(request, "archives/holdings_detail.html", _inspection_context(request, inspection))
    require(request.user, "archives.change_holdingsinspection")
    form = InspectionForm(request.POST, checklist=inspection.checklist)
    context = _inspection_context(request, inspection, form)
    if not form.is_valid():
        return bad_request(request, "archives/holdings_detail.html", form, **context)
    try:
        services.record_inspection(
            actor=request.user,
            inspection=inspection,
            results=form.results(),
            reported_to=form.cleaned_data["reported_to"],
            problems=form.cleaned_data["problems"],
        )
    except ValidationError as error:
        return bad_request(request, "archives/holdings_detail.html", error, **context)
    messages.success(request, f"{context['period']}库房检查已记录")
    return redirect("archives:holdings_check", pk=inspection.pk)


def holdings_check_print(request, pk: int):
    inspection = selectors.get_inspection_for(request.user, pk)
    return render(
        request,
        "archives/holdings_print.html",
        {
            "i": inspection,
            "period": services.period_label(inspection.period),
            "printed_at": timezone.localtime(),
        },
    )


# -- the hand-over ------------------------------------------------------------------------------------


def hand_overs_list(request):
    require(request.user, "archives.view_handover")
    q = _text(request, "q")
    page = Paginator(selectors.hand_overs(request.user, q=q), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "archives/handover_list.html", {"page": page, "q": q})


def hand_over_print(request, pk: int):
    """《档案移交清单》: the list as it stood, signed by both, with the 监交人."""
    record = selectors.get_hand_over_for(request.user, pk)
    files, keys = holdings_list(record)
    return render(
        request,
        "archives/handover_print.html",
        {"h": record, "files": files, "keys": keys, "printed_at": timezone.localtime()},
    )


def custody(request, pk: int):
    """What a person keeps now (files in custody, keys): the list a hand-over would move."""
    require(request.user, "archives.view_handover")
    person = get_object_or_404(User, pk=pk)
    number = page_number(request.GET.get("page"))
    start = (number - 1) * PER_PAGE
    files = list(
        visible_files(request.user)
        .filter(custodian=person, state=ArchiveFile.State.FILED)
        .order_by("catalogue_number", "pk")[start : start + PER_PAGE + 1]
    )
    keys = list(Key.objects.filter(custodian=person).order_by("label", "pk")[:200]) if number == 1 else []
    return render(
        request,
        "archives/handover_custody.html",
        {
            "person": person,
            "files": files[:PER_PAGE],
            "has_next": len(files) > PER_PAGE,
            "page_number": number,
            "keys": keys,
            "can_hand_over": can(request.user, "accounts.hand_over_user"),
        },
    )


urlpatterns = [
    path("destructions/", destructions_list, name="destructions"),
    path("destructions/export/", destructions_export, name="destructions_export"),
    path("destructions/new/", destruction_create, name="destruction_new"),
    path("destructions/<int:pk>/", destruction_detail, name="destruction"),
    path("destructions/<int:pk>/review/", destruction_review, name="destruction_review"),
    path("destructions/<int:pk>/approve/", destruction_approve, name="destruction_approve"),
    path("destructions/<int:pk>/refuse/", destruction_refuse, name="destruction_refuse"),
    path("destructions/<int:pk>/carry-out/", destruction_carry_out, name="destruction_carry_out"),
    path("destructions/<int:pk>/recheck/", destruction_recheck, name="destruction_recheck"),
    path("destructions/<int:pk>/print/", destruction_print, name="destruction_print"),
    path("destructions/<int:pk>/form/", destruction_form_print, name="destruction_form_print"),
    path("holdings-checks/", holdings_checks, name="holdings_checks"),
    path("holdings-checks/open/", holdings_check_open, name="holdings_check_open"),
    path("holdings-checks/<int:pk>/", holdings_check, name="holdings_check"),
    path("holdings-checks/<int:pk>/print/", holdings_check_print, name="holdings_check_print"),
    path("hand-overs/", hand_overs_list, name="handovers"),
    path("hand-overs/<int:pk>/", hand_over_print, name="handover"),
    path("custody/<int:pk>/", custody, name="custody"),
]
