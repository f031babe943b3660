"""The 旧表与验收 pages (M7): old-meter returns (list with search, branch/录入超期/保存中 filters, paging
and Excel; the store keeper's return form, one meter per submit; detail with history; labels printed
several to a page; release of kept meters), the store's tasks from counter business and the 赔表 cases."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kefu.accounts.models import Unit
from kefu.core.excel import export_workbook, local_minute, set_widths, xlsx_response
from kefu.core.forms import add_service_errors
from kefu.core.params import object_id
from kefu.core.permissions import can, require
from kefu.core.responses import bad_request, error_text
from kefu.customers.models import Meter, branch_scope
from kefu.meters import selectors_returns as selectors
from kefu.meters.forms_returns import ReturnForm
from kefu.meters.labels import label_for
from kefu.meters.models import CompensationCase, MeterWork, OldMeterReturn, Replacement
from kefu.meters.permissions import fetch, visible
from kefu.meters.services import returns as services

PER_PAGE = 30
EXPORT_LIMIT = 20000
TABS = {
    "returns": ("旧表回收", "meters:returns"),
    "works": ("表务任务", "meters:meter_works"),
    "compensations": ("赔表", "meters:compensations"),
    "acceptance": ("水表验收", "meters:acceptances"),
}


def tabs(user, active: str) -> list[tuple[str, str, bool]]:
    shown = {
        "returns": can(user, "meters.view_oldmeterreturn"),
        "works": can(user, "meters.view_meterwork"),
        "compensations": can(user, "meters.view_compensationcase"),
        "acceptance": can(user, "meters.view_acceptance"),
    }
    return [(label, reverse(name), key == active) for key, (label, name) in TABS.items() if shown[key]]


def _branches(user):
    if branch_scope(user) is not None:
        return []
    return list(Unit.objects.filter(kind=Unit.Kind.BRANCH).order_by("name").only("pk", "name"))


def _flag(request, name: str) -> bool:
    return request.GET.get(name) in ("1", "on", "true")


def _return_filters(request) -> dict:
    return {
        "q": request.GET.get("q", "").strip()[:50],
        "branch_id": object_id(request.GET.get("branch")),
        "late": _flag(request, "late"),
        "kept": _flag(request, "kept"),
    }


def returns_list(request):
    require(request.user, "meters.view_oldmeterreturn")
    filters = _return_filters(request)
    page = Paginator(selectors.returns(request.user, **filters), PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(
        request,
        "meters/returns/list.html",
        {
            "tabs": tabs(request.user, "returns"),
            "page": page,
            "filters": filters,
            "branches": _branches(request.user),
            "today": today,
            "can_add": can(request.user, "meters.add_oldmeterreturn"),
            "can_change": can(request.user, "meters.change_oldmeterreturn"),
            "query": request.GET.urlencode(),
        },
    )


HEADERS = [
    "回收单号",
    "表号",
    "口径DN",
    "客户",
    "接水点编号",
    "片区",
    "供水分公司",
    "来源",
    "交表人",
    "收表人",
    "交回日期",
    "交回期限",
    "录入时间",
    "录入超期",
    "行度（m³）",
    "铅封情况",
    "人为损坏",
    "处置",
    "保存至",
]


def returns_export(request):
    require(request.user, "meters.view_oldmeterreturn")
    rows = selectors.returns(request.user, **_return_filters(request))[:EXPORT_LIMIT]

    def write(output):
        book = export_workbook()
        sheet = book.create_sheet("旧表回收")
        set_widths(sheet, [14, 14, 8, 20, 14, 12, 16, 20, 10, 10, 12, 12, 17, 8, 10, 10, 8, 12, 12])
        sheet.append(HEADERS)
        for r in rows.iterator(chunk_size=2000):
            point = r.meter.service_point
            source = (
                r.replacement.number if r.replacement_id else (r.work.process.number if r.work_id else "")
            )
            sheet.append(
                [
                    r.number,
                    r.meter.number,
                    r.meter.caliber_dn,
                    point.customer.name,
                    point.connection_point_no,
                    point.service_area.name,
                    str(r.branch),
                    source,
                    str(r.returned_by),
                    str(r.received_by),
                    r.returned_on,
                    r.due_on,
                    local_minute(r.recorded_at),
                    "是" if r.late_entry else "",
                    r.reading,
                    r.get_seal_state_display(),
                    "是" if r.damaged else "",
                    r.get_disposition_display(),
                    r.keep_until,
                ]
            )
        book.save(output)

    return xlsx_response(write, f"旧表回收-{timezone.localdate():%Y%m%d}.xlsx")


def _resolve(request, form: ReturnForm):
    """The replacement or removal task chosen, and the meter: the replacement's own, the task's own, or
    (a task whose meter the counter could not name) the number typed."""
    kind, _, raw = form.cleaned_data["source"].partition(":")
    pk = object_id(raw)
    replacement = work = None
    if kind == "r":
        replacement = visible(Replacement.objects.select_related("meter"), request.user).filter(pk=pk).first()
        if replacement is None:
            raise ValidationError({"source": "换表单不存在"})
        meter = replacement.meter
    else:
        work = visible(MeterWork.objects.select_related("meter"), request.user).filter(pk=pk).first()
        if work is None:
            raise ValidationError({"source": "拆表任务单不存在"})
        meter = work.meter
    number = form.cleaned_data["meter_number"].strip()
    if number:
        meter = Meter.objects.filter(number=number).first()
        if meter is None:
            raise ValidationError({"meter_number": f"档案中没有表号为{number}的水表"})
    if meter is None:
        raise ValidationError({"meter_number": "该拆表任务单未指定水表，请填写所交旧表的表号"})
    return meter, replacement, work


def return_create(request):
    require(request.user, "meters.view_oldmeterreturn", "meters.add_oldmeterreturn")
    replacements, removals = selectors.awaiting_return(request.user)
    initial = {}
    if pk := object_id(request.GET.get("replacement")):
        initial["source"] = f"r:{pk}"
    elif pk := object_id(request.GET.get("work")):
        initial["source"] = f"w:{pk}"
    form = ReturnForm(request.POST or None, initial=initial, replacements=replacements, removals=removals)
    context = {
        "form": form,
        "tabs": tabs(request.user, "returns"),
        "waiting": len(replacements) + len(removals),
    }
    if request.method == "POST":
        if not form.is_valid():
            return bad_request(request, "meters/returns/form.html", form, **context)
        try:
            meter, replacement, work = _resolve(request, form)
            data = form.cleaned_data
            old_return = services.return_old_meter(
                actor=request.user,
                meter=meter,
                returned_by=data["returned_by"],
                reading=data["reading"],
                seal_state=data["seal_state"],
                damaged=data["damaged"],
                damage_note=data["damage_note"],
                replacement=replacement,
                work=work,
                returned_on=data["returned_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return bad_request(request, "meters/returns/form.html", error, **context)
        messages.success(request, f"已登记旧表回收{old_return.number}")
        return redirect("meters:return_detail", pk=old_return.pk)
    return render(request, "meters/returns/form.html", context)


def return_detail(request, pk: int):
    old_return = fetch(
        OldMeterReturn,
        request.user,
        pk,
        permission="meters.view_oldmeterreturn",
        label="旧表回收单",
        related=selectors.RETURN_RELATED,
    )
    compensation = CompensationCase.objects.filter(old_return=old_return).first()
    return render(
        request,
        "meters/returns/detail.html",
        {
            "tabs": tabs(request.user, "returns"),
            "r": old_return,
            "labelled": services.labelled(old_return),
            "compensation": compensation,
            "history": selectors.history(old_return),
            "today": timezone.localdate(),
            "can_change": can(request.user, "meters.change_oldmeterreturn"),
        },
    )


def _chosen_returns(request) -> list[OldMeterReturn]:
    ids = [i for i in (object_id(v) for v in request.POST.getlist("ids")[:200]) if i]
    rows = selectors.returns(request.user).filter(pk__in=ids)
    return list(rows)


@require_POST
def returns_labels(request):
    """The labels of the chosen returns, several to an A4 page; printing them is recorded."""
    require(request.user, "meters.view_oldmeterreturn", "meters.change_oldmeterreturn")
    chosen = _chosen_returns(request)
    try:
        services.record_labels_printed(actor=request.user, returns=chosen)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("meters:returns")
    return render(
        request,
        "meters/returns/labels.html",
        {"labels": [label_for(r) for r in chosen], "printed_at": timezone.localtime()},
    )


@require_POST
def returns_release(request):
    require(request.user, "meters.view_oldmeterreturn", "meters.change_oldmeterreturn")
    chosen = _chosen_returns(request)
    if not chosen:
        messages.error(request, "请选择要放行的旧表")
    released, refused = [], []
    for old_return in chosen:
        try:
            services.release_old_meter(actor=request.user, old_return=old_return)
        except ValidationError as error:
            refused.append(error_text(error))
        else:
            released.append(old_return.number)
    if released:
        messages.success(request, f"已放行：{'、'.join(released)}")
    for text in refused:
        messages.error(request, text)
    back = request.POST.get("back", "")
    if back.isdigit():
        return redirect("meters:return_detail", pk=int(back))
    return redirect("meters:returns")


def works_list(request):
    require(request.user, "meters.view_meterwork")
    filters = {
        "q": request.GET.get("q", "").strip()[:50],
        "state": request.GET.get("state", ""),
        "kind": request.GET.get("kind", ""),
        "branch_id": object_id(request.GET.get("branch")),
    }
    page = Paginator(selectors.works(request.user, **filters), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "meters/returns/works.html",
        {
            "tabs": tabs(request.user, "works"),
            "page": page,
            "filters": filters,
            "states": MeterWork.State.choices,
            "kinds": MeterWork.Kind.choices,
            "branches": _branches(request.user),
            "today": timezone.localdate(),
            "can_return": can(request.user, "meters.add_oldmeterreturn"),
        },
    )


def compensations_list(request):
    require(request.user, "meters.view_compensationcase")
    filters = {"q": request.GET.get("q", "").strip()[:50], "state": request.GET.get("state", "")}
    page = Paginator(selectors.compensations(request.user, **filters), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "meters/returns/compensations.html",
        {
            "tabs": tabs(request.user, "compensations"),
            "page": page,
            "filters": filters,
            "states": CompensationCase.State.choices,
            "can_settle": can(request.user, "meters.change_compensationcase"),
        },
    )


@require_POST
def compensation_settle(request, pk: int):
    case = fetch(
        CompensationCase, request.user, pk, permission="meters.change_compensationcase", label="赔表单"
    )
    try:
        services.settle_compensation(actor=request.user, case=case, note=request.POST.get("note", "")[:200])
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"赔表单{case.number}已处理完毕")
    return redirect("meters:compensations")


urlpatterns = [
    path("returns/", returns_list, name="returns"),
    path("returns/export/", returns_export, name="returns_export"),
    path("returns/new/", return_create, name="return_create"),
    path("returns/<int:pk>/", return_detail, name="return_detail"),
    path("returns/labels/", returns_labels, name="return_labels"),
    path("returns/release/", returns_release, name="returns_release"),
    path("returns/works/", works_list, name="meter_works"),
    path("returns/compensations/", compensations_list, name="compensations"),
    path("returns/compensations/<int:pk>/settle/", compensation_settle, name="compensation_settle"),
]
