"""The key cabinet's pages (D4): the cabinet (filters by kind, building and state, search by label,
paging, Excel, counts in cabinet / lent / overdue), a key with its loans, issues and copies and the
actions the user may take, 《房屋钥匙管理记录表》 (list and print), printable labels with a QR code of the
key's page, the engineering manager's queue of copy requests, and registering keys one by one or an
estate at once. Thin: fetch through permissions, call a service, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kefu.archives import selectors_keys as selectors
from kefu.archives.forms_keys import (
    CopyRequestForm,
    DecisionForm,
    EstateForm,
    IssueForm,
    KeyForm,
    LendForm,
    LostForm,
)
from kefu.archives.labels import key_qr
from kefu.archives.models import Key, KeyCopyRequest, KeyLoan
from kefu.archives.permissions import get_key_for, visible_keys
from kefu.archives.services import keys as services
from kefu.core.excel import export_workbook, set_widths, xlsx_response
from kefu.core.forms import add_service_errors
from kefu.core.params import object_id
from kefu.core.permissions import can, require
from kefu.core.responses import bad_request, error_text
from kefu.customers.models import Customer

PER_PAGE = 30
EXPORT_LIMIT = 20000
LABELS_LIMIT = 120
TABS = (
    ("keys", "钥匙柜", "archives:keys", "archives.view_key"),
    ("register", "房屋钥匙管理记录表", "archives:key_register", "archives.view_keyloan"),
    ("copies", "配制申请", "archives:key_copies", "archives.view_keycopyrequest"),
)


def tabs(user, active: str) -> list[tuple[str, str, bool]]:
    return [(label, reverse(name), code == active) for code, label, name, perm in TABS if can(user, perm)]


# ---------------------------------------------------------------- the cabinet


def cabinet(request):
    require(request.user, "archives.view_key")
    filters = selectors.key_filters(request.GET)
    page = Paginator(selectors.cabinet(request.user, filters), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "archives/keys_list.html",
        {
            "tabs": tabs(request.user, "keys"),
            "page": page,
            "filters": filters,
            "counts": selectors.counts(request.user),
            "kinds": Key.Kind.choices,
            "states": selectors.STATE_FILTERS.items(),
            "buildings": selectors.buildings(request.user),
            "query": request.GET.urlencode(),
            "can_add": can(request.user, "archives.add_key"),
        },
    )


HEADERS = [
    "小区",
    "标签",
    "类别",
    "种类",
    "栋号",
    "单元",
    "楼层",
    "房号/设施设备房",
    "把数",
    "状态",
    "保管部门",
    "专职保管人",
    "业主",
    "逾期未还",
]


def cabinet_export(request):
    require(request.user, "archives.view_key")
    rows = selectors.cabinet(request.user, selectors.key_filters(request.GET))[:EXPORT_LIMIT]

    def write(output):
        book = export_workbook()
        sheet = book.create_sheet("钥匙柜")
        set_widths(sheet, [14, 26, 16, 10, 6, 6, 6, 14, 6, 10, 12, 10, 14, 8])
        sheet.append(HEADERS)
        for k in rows.iterator(chunk_size=2000):
            sheet.append(
                [
                    k.estate,
                    k.label,
                    k.get_kind_display(),
                    k.get_owner_kind_display() if k.owner_kind else "",
                    k.building,
                    k.entrance,
                    k.floor,
                    k.room or k.equipment_room,
                    k.copies,
                    k.get_state_display(),
                    k.holder_department,
                    str(k.custodian or ""),
                    k.customer.name if k.customer_id else "",
                    "是" if k.overdue else "",
                ]
            )
        book.save(output)

    return xlsx_response(write, f"钥匙柜-{timezone.localdate():%Y%m%d}.xlsx")


# ---------------------------------------------------------------- one key


def _detail_context(request, key: Key, **forms) -> dict:
    user = request.user
    flat_keys = selectors.flat_keys(key) if key.kind == Key.Kind.OWNER else Key.objects.none()
    in_cabinet = flat_keys.filter(state=Key.State.IN_CABINET)
    open_loan = key.loans.filter(returned_at__isnull=True).select_related("borrower").first()
    may = {
        "lend": can(user, "archives.lend_key") and key.state == Key.State.IN_CABINET,
        "return": can(user, "archives.lend_key") and open_loan is not None,
        "issue": can(user, "archives.issue_key") and key.kind == Key.Kind.OWNER and in_cabinet.exists(),
        "copy": can(user, "archives.add_keycopyrequest") and key.kind != Key.Kind.OWNER,
        "lost": can(user, "archives.change_key") and key.state in (Key.State.IN_CABINET, Key.State.LENT),
        "decide": can(user, "archives.consent_keycopy"),
        "make": can(user, "archives.change_key"),
    }
    return {
        "tabs": tabs(user, "keys"),
        "key": key,
        "open_loan": open_loan,
        "now": timezone.now(),
        "loans": list(key.loans.select_related("borrower", "lent_by", "received_by")[:50]),
        "issues": selectors.issues_of(key, user),
        "copies": list(key.copy_requests.select_related("requested_by", "decided_by")[:20]),
        "history": selectors.history(key),
        "flat_keys": list(flat_keys),
        "may": may,
        "lend_form": forms.get("lend_form") or LendForm(),
        "issue_form": forms.get("issue_form")
        or IssueForm(
            flat_keys=in_cabinet,
            initial={
                "keys": list(in_cabinet),
                "customer_number": key.customer.number if key.customer_id else "",
            },
        ),
        "copy_form": forms.get("copy_form") or CopyRequestForm(),
        "lost_form": forms.get("lost_form") or LostForm(),
    }


def key_detail(request, pk: int):
    key = get_key_for(request.user, pk)
    return render(request, "archives/keys_detail.html", _detail_context(request, key))


def _refused(request, key: Key, error, **forms):
    return bad_request(request, "archives/keys_detail.html", error, **_detail_context(request, key, **forms))


@require_POST
def key_lend(request, pk: int):
    key = get_key_for(request.user, pk)
    require(request.user, "archives.lend_key")
    form = LendForm(request.POST)
    if not form.is_valid():
        return _refused(request, key, form, lend_form=form)
    data = form.cleaned_data
    try:
        loan = services.lend(
            actor=request.user,
            key=key,
            borrower=data["borrower"],
            purpose=data["purpose"],
            work_reference=data["work_reference"],
            due_at=data["due_at"],
            borrower_signed=data["borrower_signed"],
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return _refused(request, key, error, lend_form=form)
    messages.success(
        request,
        f"已登记借出：{key.label}，借用人{loan.borrower}，应还{timezone.localtime(loan.due_at):%m-%d %H:%M}",
    )
    return redirect("archives:key", pk=key.pk)


@require_POST
def key_return(request, pk: int):
    require(request.user, "archives.lend_key")
    loan = (
        KeyLoan.objects.filter(key__in=visible_keys(request.user), pk=object_id(pk))
        .select_related("key")
        .first()
    )
    if loan is None:
        raise Http404("借用记录不存在")
    try:
        services.return_key(actor=request.user, loan=loan)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"钥匙「{loan.key.label}」已归还入柜")
    if request.POST.get("back") == "register":
        return redirect("archives:key_register")
    return redirect("archives:key", pk=loan.key_id)


@require_POST
def key_issue(request, pk: int):
    key = get_key_for(request.user, pk)
    require(request.user, "archives.issue_key")
    flat = selectors.flat_keys(key).filter(state=Key.State.IN_CABINET)
    form = IssueForm(request.POST, flat_keys=flat)
    if not form.is_valid():
        return _refused(request, key, form, issue_form=form)
    data = form.cleaned_data
    number = data["customer_number"].strip()
    customer = None
    if can(request.user, "customers.view_customer"):
        customer = Customer.objects.visible_to(request.user).filter(number=number).first()
    if customer is None:
        error = ValidationError({"customer_number": f"客户编号{number}不存在或不在您的权限范围内"})
        add_service_errors(form, error)
        return _refused(request, key, error, issue_form=form)
    try:
        issue = services.issue_to_owner(
            actor=request.user,
            customer=customer,
            keys=list(data["keys"]),
            identity_document=data["identity_document"],
            identity_number=data["identity_number"],
            owner_signed=data["owner_signed"],
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return _refused(request, key, error, issue_form=form)
    messages.success(request, f"已由业主{customer.name}签领钥匙{issue.keys.count()}类，已分类登记")
    return redirect("archives:key", pk=key.pk)


@require_POST
def key_copy_request(request, pk: int):
    key = get_key_for(request.user, pk)
    require(request.user, "archives.add_keycopyrequest")
    form = CopyRequestForm(request.POST)
    if not form.is_valid():
        return _refused(request, key, form, copy_form=form)
    try:
        services.request_copy(
            actor=request.user,
            key=key,
            copies=form.cleaned_data["copies"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return _refused(request, key, error, copy_form=form)
    messages.success(request, "已提交配制申请，待工程部经理同意")
    return redirect("archives:key", pk=key.pk)


@require_POST
def key_lost(request, pk: int):
    key = get_key_for(request.user, pk)
    require(request.user, "archives.change_key")
    form = LostForm(request.POST)
    if not form.is_valid():
        return _refused(request, key, form, lost_form=form)
    try:
        services.report_lost(actor=request.user, key=key, note=form.cleaned_data["note"])
    except ValidationError as error:
        add_service_errors(form, error)
        return _refused(request, key, error, lost_form=form)
    messages.success(request, f"钥匙「{key.label}」已登记遗失")
    return redirect("archives:key", pk=key.pk)


# ---------------------------------------------------------------- labels


def key_label(request, pk: int):
    key = get_key_for(request.user, pk)
    url = request.build_absolute_uri(reverse("archives:key", args=[key.pk]))
    return render(
        request,
        "archives/keys_label.html",
        {"labels": [(key, key_qr(url, key.label))], "back": reverse("archives:key", args=[key.pk])},
    )


def key_labels(request):
    """The labels of the keys the filters select (at most LABELS_LIMIT), several to an A4 page."""
    require(request.user, "archives.view_key")
    keys = list(selectors.cabinet(request.user, selectors.key_filters(request.GET))[:LABELS_LIMIT])
    base = request.build_absolute_uri("/")[:-1]
    return render(
        request,
        "archives/keys_label.html",
        {
            "labels": [(k, key_qr(base + reverse("archives:key", args=[k.pk]), k.label)) for k in keys],
            "back": reverse("archives:keys") + "?" + request.GET.urlencode(),
            "limited": len(keys) == LABELS_LIMIT,
            "limit": LABELS_LIMIT,
        },
    )


# ---------------------------------------------------------------- the register


def key_register(request):
    require(request.user, "archives.view_key", "archives.view_keyloan")
    q = request.GET.get("q", "").strip()[:50]
    open_only = request.GET.get("open") in ("1", "on", "true")
    page = Paginator(selectors.register(request.user, q=q, open_only=open_only), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "archives/keys_register.html",
        {
            "tabs": tabs(request.user, "register"),
            "page": page,
            "q": q,
            "open_only": open_only,
            "now": timezone.now(),
            "query": request.GET.urlencode(),
            "can_return": can(request.user, "archives.lend_key"),
        },
    )


def key_register_print(request):
    require(request.user, "archives.view_key", "archives.view_keyloan")
    q = request.GET.get("q", "").strip()[:50]
    open_only = request.GET.get("open") in ("1", "on", "true")
    loans = list(selectors.register(request.user, q=q, open_only=open_only)[:500])
    return render(
        request,
        "archives/keys_register_print.html",
        {
            "loans": loans,
            "now": timezone.now(),
            "printed_at": timezone.localtime(),
            "query": request.GET.urlencode(),
        },
    )


# ---------------------------------------------------------------- copies


def key_copies(request):
    require(request.user, "archives.view_key", "archives.view_keycopyrequest")
    state = request.GET.get("state", "")
    state = state if state in KeyCopyRequest.State.values else ""
    page = Paginator(selectors.copy_requests(request.user, state=state), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "archives/keys_copies.html",
        {
            "tabs": tabs(request.user, "copies"),
            "page": page,
            "state": state,
            "states": KeyCopyRequest.State.choices,
            "can_decide": can(request.user, "archives.consent_keycopy"),
            "can_make": can(request.user, "archives.change_key"),
            "form": DecisionForm(),
        },
    )


def _copy_request(request, pk) -> KeyCopyRequest:
    found = (
        KeyCopyRequest.objects.filter(key__in=visible_keys(request.user), pk=object_id(pk))
        .select_related("key")
        .first()
    )
    if found is None:
        raise Http404("配制申请不存在")
    return found


def _decide(request, pk: int, action: str):
    require(request.user, "archives.view_key", "archives.consent_keycopy")
    copy = _copy_request(request, pk)
    note = DecisionForm(request.POST).data.get("note", "")[:200]
    try:
        if action == "consent":
            services.consent(actor=request.user, request=copy, note=note)
            messages.success(request, f"已同意配制「{copy.key.label}」{copy.copies}把")
        else:
            services.refuse(actor=request.user, request=copy, reason=note)
            messages.success(request, f"已不同意配制「{copy.key.label}」")
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    return redirect(reverse("archives:key_copies") + "?state=requested")


@require_POST
def key_copy_consent(request, pk: int):
    return _decide(request, pk, "consent")


@require_POST
def key_copy_refuse(request, pk: int):
    return _decide(request, pk, "refuse")


@require_POST
def key_copy_made(request, pk: int):
    require(request.user, "archives.view_key", "archives.change_key")
    copy = _copy_request(request, pk)
    try:
        services.record_copy_made(actor=request.user, request=copy)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"「{copy.key.label}」已配制{copy.copies}把，已计入把数")
    return redirect("archives:key", pk=copy.key_id)


# ---------------------------------------------------------------- registering


def key_create(request):
    require(request.user, "archives.view_key", "archives.add_key")
    form = KeyForm(request.POST or None)
    context = {"tabs": tabs(request.user, "keys"), "form": form}
    if request.method == "POST":
        if not form.is_valid():
            return bad_request(request, "archives/keys_form.html", form, **context)
        try:
            key = services.register_key(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return bad_request(request, "archives/keys_form.html", error, **context)
        messages.success(request, f"钥匙「{key.label}」已登记入柜")
        return redirect("archives:key", pk=key.pk)
    return render(request, "archives/keys_form.html", context)


def keys_import(request):
    require(request.user, "archives.view_key", "archives.add_key")
    form = EstateForm(request.POST or None, initial={"equipment_rooms": list(services.EQUIPMENT_ROOMS[:4])})
    context = {"tabs": tabs(request.user, "keys"), "form": form}
    if request.method == "POST":
        if not form.is_valid():
            return bad_request(request, "archives/keys_import.html", form, **context)
        try:
            added = services.bulk_register_estate(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return bad_request(request, "archives/keys_import.html", error, **context)
        estate = form.cleaned_data["estate"]
        messages.success(request, f"{estate}：新登记钥匙{added}条（已登记的未重复登记）")
        return redirect(reverse("archives:keys") + "?" + f"estate={estate}")
    return render(request, "archives/keys_import.html", context)


urlpatterns = [
    path("keys/", cabinet, name="keys"),
    path("keys/export/", cabinet_export, name="keys_export"),
    path("keys/new/", key_create, name="key_create"),
    path("keys/import/", keys_import, name="keys_import"),
    path("keys/labels/", key_labels, name="key_labels"),
    path("keys/register/", key_register, name="key_register"),
    path("keys/register/print/", key_register_print, name="key_register_print"),
    path("keys/copies/", key_copies, name="key_copies"),
    path("keys/copies/<int:pk>/consent/", key_copy_consent, name="key_copy_consent"),
    path("keys/copies/<int:pk>/refuse/", key_copy_refuse, name="key_copy_refuse"),
    path("keys/copies/<int:pk>/made/", key_copy_made, name="key_copy_made"),
    path("keys/loans/<int:pk>/return/", key_return, name="key_return"),
    path("keys/<int:pk>/", key_detail, name="key"),
    path("keys/<int:pk>/lend/", key_lend, name="key_lend"),
    path("keys/<int:pk>/issue/", key_issue, name="key_issue"),
    path("keys/<int:pk>/copy/", key_copy_request, name="key_copy_request"),
    path("keys/<int:pk>/lost/", key_lost, name="key_lost"),
    path("keys/<int:pk>/label/", key_label, name="key_label"),
]
