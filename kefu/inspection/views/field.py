"""In the field (I2): the inspector's phone page for a case — the case header with both inspectors and
their 稽查证件, photos from the camera, the browser's location when the inspector presses 记录位置,
statements (陈述、申辩、询问笔录、现场笔记) with the refusal and witness, notices with signature and
follow-up — the evidence page (served only here, its SHA-256 checked each time), the prints and the
notices register.

Every view fetches the case through get_case_for (the API's helper too; each read logged); the
services check the rules. A refusal draws the phone page again with the reason and status 400."""

import mimetypes

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from kefu.core.actions import validated
from kefu.core.excel import export_workbook, local_minute, set_widths, xlsx_response
from kefu.core.params import object_id, page_number
from kefu.core.permissions import require
from kefu.core.policies import policy
from kefu.core.responses import bad_request, error_text
from kefu.inspection import forms_field as forms
from kefu.inspection import selectors_field as selectors
from kefu.inspection.models import Case, Evidence, Notice, Statement
from kefu.inspection.permissions import get_case_for
from kefu.inspection.services import cases as case_services
from kefu.inspection.services import evidence as evidence_services
from kefu.inspection.services import notices as notice_services
from kefu.inspection.services import statements as statement_services

FIELD_TEMPLATE = "inspection/field.html"
PER_PAGE = 30
EXPORT_LIMIT = 20000
READ_EVIDENCE = "查看证据"


def _seats(case: Case):
    return list(case.inspectors.select_related("inspector").order_by("-lead", "id"))


def field_problem(case: Case, user) -> str:
    """Why this user may not record evidence on the case now ("" when they may)."""
    try:
        case_services.require_field_work(case, user)
    except (ValidationError, PermissionDenied) as problem:
        return error_text(problem)
    return ""


def field_context(user, case: Case) -> dict:
    today = timezone.localdate()
    notices = list(case.notices.select_related("issued_by", "followed_up_by").order_by("issued_at", "id"))
    for notice in notices:
        notice.status_label, notice.status_colour = selectors.notice_status(notice, today)
    evidence = list(evidence_services.evidence_of(case))
    seats = _seats(case)
    on_case = any(seat.inspector_id == user.pk for seat in seats)
    return {
        "case": case,
        "seats": seats,
        "on_case": on_case,
        "may_work": on_case and user.has_perm("inspection.work_case"),
        "problem": field_problem(case, user) if on_case else "",
        "may_show_id": on_case and case.state in case_services.FIELD_STATES,
        "evidence": evidence,
        "current_evidence": [e for e in evidence if not e.superseded_by_id],
        "statements": list(case.statements.select_related("recorded_by").order_by("recorded_at", "id")),
        "notices": notices,
        "now_local": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "today": today,
        "default_deadline": notice_services.default_deadline(today),
        "max_deadline": today + timezone.timedelta(days=policy("inspection.rectify_max_days")),
        "evidence_kinds": Evidence.Kind.choices,
        "statement_kinds": Statement.Kind.choices,
        "notice_kinds": Notice.Kind.choices,
        "upload_max_mb": policy(evidence_services.UPLOAD_LIMIT),
    }


def _refused(request, case, error):
    return bad_request(request, FIELD_TEMPLATE, error, **field_context(request.user, case))


def _back(case, anchor: str = ""):
    response = redirect("inspection:field", pk=case.pk)
    if anchor:
        response["Location"] += "#" + anchor
    return response


def field(request, pk: int):
    """The phone page of a case (375 px wide and up)."""
    case = get_case_for(request.user, pk, what="现场取证页面")
    return render(request, FIELD_TEMPLATE, field_context(request.user, case))


@require_POST
def id_shown(request, pk: int):
    """已出示证件: an inspector of the case showed their 稽查证件 (第三条(三)), for self or a colleague."""
    case = get_case_for(request.user, pk, what="现场取证", write=True)
    seat = case.inspectors.filter(pk=object_id(request.POST.get("seat"))).select_related("inspector").first()
    if seat is None:
        return _refused(request, case, "请选择出示证件的稽查员")
    try:
        case_services.record_id_shown(actor=request.user, case=case, inspector=seat.inspector)
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, case, error)
    messages.success(request, f"已登记{seat.inspector}出示稽查证件")
    return _back(case, "inspectors")


@require_POST
def add_evidence(request, pk: int):
    """One or more photos (the camera's input is `multiple`), a scan, or a site record."""
    case = get_case_for(request.user, pk, what="现场取证", write=True)
    files = request.FILES.getlist("files")
    try:
        data = validated(forms.EvidenceForm, request.POST)
        with transaction.atomic():
            added = [
                evidence_services.add_evidence(
                    actor=request.user,
                    case=case,
                    kind=data["kind"],
                    file=file,
                    taken_at=data["taken_at"],
                    place=data["place"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    accuracy=data["accuracy"],
                    description=data["description"],
                )
                for file in (files or [None])
            ]
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, case, error)
    kind = Evidence.Kind(data["kind"]).label
    messages.success(request, f"已登记{kind}{len(added)}份，SHA-256已记录")
    return _back(case, "evidence")


@require_POST
def supersede(request, pk: int, evidence_id: int):
    case = get_case_for(request.user, pk, what="现场取证", write=True)
    evidence = case.evidence.filter(pk=evidence_id).first()
    if evidence is None:
        raise Http404("证据不存在")
    try:
        data = validated(forms.SupersedeForm, request.POST)
        replacement = case.evidence.filter(pk=data["replacement"]).first()
        if replacement is None:
            raise ValidationError({"replacement": "用于替换的证据不是本案的证据"})
        evidence_services.supersede_evidence(
            actor=request.user, evidence=evidence, replacement=replacement, reason=data["reason"]
        )
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, case, error)
    messages.success(request, f"证据#{evidence.pk}已由证据#{replacement.pk}替换（原证据保留）")
    return _back(case, "evidence")


@require_POST
def add_statement(request, pk: int):
    case = get_case_for(request.user, pk, what="现场取证", write=True)
    try:
        data = validated(forms.StatementForm, request.POST)
        statement = statement_services.record_statement(actor=request.user, case=case, **data)
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, case, error)
    messages.success(
        request,
        f"已记录{statement.get_kind_display()}（{statement.person}，{statement.get_signature_display()}）",
    )
    return _back(case, "statements")


@require_POST
def issue_notice(request, pk: int):
    case = get_case_for(request.user, pk, what="现场取证", write=True)
    try:
        data = validated(forms.NoticeForm, request.POST)
        notice = notice_services.issue_notice(actor=request.user, case=case, **data)
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, case, error)
    messages.success(request, f"已开具{notice.get_kind_display()} {notice.number}，请当事人签收")
    return _back(case, f"notice-{notice.pk}")


def _notice(case: Case, notice_id: int) -> Notice:
    notice = case.notices.filter(pk=notice_id).select_related("issued_by", "followed_up_by").first()
    if notice is None:
        raise Http404("通知书不存在")
    return notice


@require_POST
def notice_signature(request, pk: int, notice_id: int):
    case = get_case_for(request.user, pk, what="现场取证", write=True)
    notice = _notice(case, notice_id)
    try:
        data = validated(forms.SignatureForm, request.POST)
        notice = notice_services.record_signature(actor=request.user, notice=notice, **data)
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, case, error)
    messages.success(request, f"通知书{notice.number}：{notice.get_signature_display()}")
    return _back(case, f"notice-{notice.pk}")


@require_POST
def notice_follow_up(request, pk: int, notice_id: int):
    case = get_case_for(request.user, pk, what="整改复查", write=True)
    notice = _notice(case, notice_id)
    try:
        data = validated(forms.FollowUpForm, request.POST)
        notice = notice_services.record_follow_up(actor=request.user, notice=notice, **data)
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, case, error)
    messages.success(request, f"通知书{notice.number}已复查：{'已整改' if notice.rectified else '未整改'}")
    return _back(case, f"notice-{notice.pk}")


# ---------------------------------------------------------------- evidence, served only here


def _evidence(case: Case, evidence_id: int) -> Evidence:
    evidence = case.evidence.filter(pk=evidence_id).select_related("uploaded_by", "superseded_by").first()
    if evidence is None:
        raise Http404("证据不存在")
    return evidence


def evidence_detail(request, pk: int, evidence_id: int):
    """One piece of evidence, its SHA-256 recomputed from the stored file and compared."""
    case = get_case_for(request.user, pk, what=READ_EVIDENCE)
    evidence = _evidence(case, evidence_id)
    check = evidence_services.verify(evidence)
    may_supersede = not evidence.superseded_by_id and not field_problem(case, request.user)
    others = [
        e for e in evidence_services.evidence_of(case) if e.pk != evidence.pk and not e.superseded_by_id
    ]
    return render(
        request,
        "inspection/evidence_detail.html",
        {
            "case": case,
            "e": evidence,
            "check": check,
            "is_image": evidence.name.lower().endswith(IMAGES),
            "may_supersede": may_supersede and bool(others),
            "others": others,
        },
    )


IMAGES = (".jpg", ".jpeg", ".png")


def evidence_file(request, pk: int, evidence_id: int):
    """The stored bytes (never a public media address); the header says whether they still match."""
    case = get_case_for(request.user, pk, what=READ_EVIDENCE)
    evidence = _evidence(case, evidence_id)
    if not evidence.file:
        raise Http404("该现场记录没有附件")
    check = evidence_services.verify(evidence)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404("证据文件已不存在") from None
    content_type = mimetypes.guess_type(evidence.name)[0] or "application/octet-stream"
    response = FileResponse(handle, filename=evidence.name, content_type=content_type)
    response["X-Evidence-SHA256"] = evidence.sha256
    response["X-Evidence-SHA256-Match"] = "yes" if check.ok else "no"
    return response


# ---------------------------------------------------------------- prints


def _print_context(case: Case) -> dict:
    return {
        "case": case,
        "seats": _seats(case),
        "hashes": list(evidence_services.evidence_of(case)),
        "printed_at": timezone.now(),
    }


def notice_print(request, pk: int, notice_id: int):
    case = get_case_for(request.user, pk, what="打印通知书")
    notice = _notice(case, notice_id)
    return render(request, "inspection/notice_print.html", {**_print_context(case), "notice": notice})


def notice_pdf(request, pk: int, notice_id: int):
    from kefu.inspection.papers_field import notice_pdf as draw

    case = get_case_for(request.user, pk, what="下载通知书PDF")
    notice = _notice(case, notice_id)
    return draw(notice, _print_context(case))


def statement_print(request, pk: int, statement_id: int):
    case = get_case_for(request.user, pk, what="打印笔录")
    statement = case.statements.filter(pk=statement_id).select_related("recorded_by").first()
    if statement is None:
        raise Http404("笔录不存在")
    return render(
        request, "inspection/field_statement_print.html", {**_print_context(case), "statement": statement}
    )


def evidence_print(request, pk: int):
    case = get_case_for(request.user, pk, what="打印证据清单")
    return render(request, "inspection/evidence_print.html", _print_context(case))


# ---------------------------------------------------------------- the notices register


def _filters(request) -> dict:
    state = request.GET.get("state", "")
    sort = request.GET.get("sort", "issued")
    return {
        "q": request.GET.get("q", "").strip()[:50],
        "state": state if state in selectors.NOTICE_STATES else "",
        "sort": sort if sort in selectors.NOTICE_SORTS else "issued",
    }


def notice_list(request):
    require(request.user, "inspection.view_case")
    filters = _filters(request)
    rows = selectors.notices(request.user, **filters)
    paginator = Paginator(rows, PER_PAGE)
    page = paginator.get_page(page_number(request.GET.get("page"), last=paginator.num_pages))
    today = timezone.localdate()
    for notice in page.object_list:
        notice.status_label, notice.status_colour = selectors.notice_status(notice, today)
    return render(
        request,
        "inspection/notice_list.html",
        {"page": page, "filters": filters, "states": selectors.NOTICE_STATES, "count": paginator.count},
    )


HEADERS = [
    "文书编号",
    "类别",
    "案件编号",
    "地点",
    "开具人",
    "开具时间",
    "整改期限",
    "签收",
    "见证人",
    "状态",
    "复查结果",
]


def notice_export(request):
    require(request.user, "inspection.view_case")
    rows = selectors.notices(request.user, **_filters(request))[:EXPORT_LIMIT]
    today = timezone.localdate()

    def write(output):
        book = export_workbook()
        sheet = book.create_sheet("稽查通知书")
        set_widths(sheet, [14, 24, 14, 30, 10, 17, 12, 14, 10, 10, 30])
        sheet.append(HEADERS)
        for n in rows.iterator(chunk_size=2000):
            sheet.append(
                [
                    n.number,
                    n.get_kind_display(),
                    n.case.number,
                    n.case.address,
                    str(n.issued_by),
                    local_minute(n.issued_at),
                    n.deadline,
                    n.get_signature_display() if n.signature else "未登记",
                    n.witness + ("（已签字）" if n.witness_signed else ""),
                    selectors.notice_status(n, today)[0],
                    n.follow_up_result,
                ]
            )
        book.save(output)

    return xlsx_response(write, f"稽查通知书{today:%Y%m%d}.xlsx")


urlpatterns = [
    path("cases/<int:pk>/field/", field, name="field"),
    path("cases/<int:pk>/field/id-shown/", id_shown, name="field_id_shown"),
    path("cases/<int:pk>/field/evidence/", add_evidence, name="field_evidence"),
    path("cases/<int:pk>/field/evidence/<int:evidence_id>/supersede/", supersede, name="evidence_supersede"),
    path("cases/<int:pk>/field/statements/", add_statement, name="field_statement"),
    path("cases/<int:pk>/field/notices/", issue_notice, name="field_notice"),
    path(
        "cases/<int:pk>/field/notices/<int:notice_id>/signature/",
        notice_signature,
        name="notice_signature",
    ),
    path(
        "cases/<int:pk>/field/notices/<int:notice_id>/follow-up/",
        notice_follow_up,
        name="notice_follow_up",
    ),
    path("cases/<int:pk>/evidence/<int:evidence_id>/", evidence_detail, name="evidence"),
    path("cases/<int:pk>/evidence/<int:evidence_id>/file/", evidence_file, name="evidence_file"),
    path("cases/<int:pk>/evidence/print/", evidence_print, name="evidence_print"),
    path("cases/<int:pk>/notices/<int:notice_id>/print/", notice_print, name="notice_print"),
    path("cases/<int:pk>/notices/<int:notice_id>/pdf/", notice_pdf, name="notice_pdf"),
    path("cases/<int:pk>/statements/<int:statement_id>/print/", statement_print, name="statement_print"),
    path("notices/", notice_list, name="notices"),
    path("notices/export/", notice_export, name="notices_export"),
]
