"""The cases (I1, I3): the list (my cases / all, filters, search, paging, Excel), a new case, the case page
with every step's form, the leader's approval queue, the printed 《违章登记表》 and 《违章审批表》, and the
read log. Every view fetches a case through `get_case_for` (each read logged, 第三条(十一)) and lists
through `visible_cases`; the writes are the services'. A refusal shows the page again with the reason."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kefu.accounts.models import Role, ServiceArea, User
from kefu.core.excel import export_workbook, local_minute, set_widths, xlsx_response
from kefu.core.params import object_id, parse_day
from kefu.core.permissions import can, require
from kefu.core.policies import policy
from kefu.core.responses import bad_request
from kefu.customers.models import Customer
from kefu.inspection import selectors_cases as selectors
from kefu.inspection.models import Case, CaseKind, PenaltyApproval
from kefu.inspection.permissions import get_case_for, visible_cases
from kefu.inspection.services import cases as services

PER_PAGE = 30
EXPORT_LIMIT = 20000
FINDINGS = [(code, label) for code, label in Case.Finding.choices if code]


def _filters(request) -> dict:
    state = request.GET.get("state", "")[:20]
    kind = request.GET.get("kind", "")[:24]
    return {
        "mine": request.GET.get("mine", "") == "1",
        "state": state if state == "active" or state in Case.State.values else "",
        "kind": kind if kind in CaseKind.values else "",
        "area_id": object_id(request.GET.get("area")),
        "q": request.GET.get("q", "").strip()[:50],
        "sort": request.GET.get("sort", "")[:10],
    }


def case_list(request):
    require(request.user, "inspection.view_case")
    filters = _filters(request)
    rows = selectors.cases(request.user, **filters)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "inspection/cases_list.html",
        {
            "page": page,
            "filters": filters,
            "states": [("active", "未结案"), *Case.State.choices],
            "kinds": CaseKind.choices,
            "areas": ServiceArea.objects.order_by("code").only("pk", "name"),
            "sorts": [
                ("-opened", "立案时间（新→旧）"),
                ("opened", "立案时间（旧→新）"),
                ("due", "办理期限（近→远）"),
                ("-number", "案件编号"),
            ],
            "can_add": can(request.user, "inspection.add_case"),
            "can_approve": can(request.user, "inspection.approve_case"),
            "can_reads": can(request.user, "inspection.view_case_reads"),
            "waiting": selectors.approval_queue(request.user).count()
            if can(request.user, "inspection.approve_case")
            else 0,
            "today": timezone.localdate(),
        },
    )


HEADERS = [
    "案件编号",
    "案件类型",
    "来源",
    "状态",
    "客户编号",
    "客户",
    "黑户调查",
    "地点",
    "片区",
    "案由",
    "稽查员",
    "立案时间",
    "办理期限",
    "调查结论",
    "违约金/罚款（元）",
    "追补水费（元）",
    "档号",
    "结案时间",
]


def case_export(request):
    require(request.user, "inspection.view_case")
    rows = (
        selectors.cases(request.user, **_filters(request))
        .select_related("archive_file")
        .prefetch_related("inspectors__inspector")[:EXPORT_LIMIT]
    )

    def write(output):
        book = export_workbook()
        sheet = book.create_sheet("稽查案件")
        set_widths(sheet, [14, 14, 12, 10, 14, 16, 8, 30, 12, 40, 20, 17, 11, 10, 12, 12, 18, 17])
        sheet.append(HEADERS)
        for c in rows:
            sheet.append(
                [
                    c.number,
                    c.get_kind_display(),
                    c.get_source_display(),
                    c.get_state_display(),
                    c.customer.number if c.customer_id else "",
                    c.customer.name if c.customer_id else "",
                    "是" if c.unregistered else "",
                    c.address,
                    c.area.name if c.area_id else "",
                    c.summary,
                    "、".join(str(seat.inspector) for seat in c.inspectors.all()),
                    local_minute(c.opened_at),
                    c.due_on,
                    c.get_finding_display() if c.finding else "",
                    float(c.penalty_amount) if c.penalty_amount is not None else None,
                    float(c.recovery_amount) if c.recovery_amount is not None else None,
                    (c.archive_file.catalogue_number or "待归档") if c.archive_file_id else "",
                    local_minute(c.closed_at) if c.closed_at else "",
                ]
            )
        book.save(output)

    return xlsx_response(write, f"稽查案件-{timezone.localdate():%Y%m%d}.xlsx")


def _inspectors():
    return User.objects.filter(role=Role.FIELD_INSPECTOR, is_active=True).order_by("name")


def case_new(request):
    require(request.user, "inspection.view_case", "inspection.add_case")
    context = {
        "kinds": CaseKind.choices,
        "sources": [(c, label) for c, label in Case.Source.choices if c not in ("hotline", "meters")],
        "areas": ServiceArea.objects.order_by("code").only("pk", "name"),
        "inspectors": _inspectors(),
        "form": request.POST,
        "min_inspectors": services.min_inspectors(),
    }
    if request.method != "POST":
        return render(request, "inspection/cases_new.html", context)
    post = request.POST
    try:
        customer = None
        number = post.get("customer", "").strip()[:20]
        if number:
            customer = Customer.objects.filter(number=number).first()
            if customer is None:
                raise ValidationError({"customer": f"客户编号：没有编号为“{number}”的客户"})
        area_id = object_id(post.get("area"))
        area = ServiceArea.objects.filter(pk=area_id).first() if area_id else None
        picked = [object_id(v) for v in post.getlist("inspectors")]
        people = list(_inspectors().filter(pk__in=[p for p in picked if p]))
        due_text = post.get("due_on", "").strip()
        source = post.get("source", Case.Source.MANUAL)
        if source in (Case.Source.HOTLINE, Case.Source.METERS):
            raise ValidationError({"source": "热线举报和表务任务由系统自动立案"})
        case = services.open_case(
            actor=request.user,
            kind=post.get("kind", ""),
            source=source,
            address=post.get("address", "")[:300],
            summary=post.get("summary", "")[:400],
            customer=customer,
            area=area,
            unregistered=post.get("unregistered") == "1",
            inspectors=people,
            due_on=parse_day(due_text) if due_text else None,
        )
    except (ValidationError, PermissionDenied) as error:
        return bad_request(request, "inspection/cases_new.html", error, **context)
    messages.success(request, f"已立案：{case.number}")
    return redirect("inspection:case", pk=case.pk)


def _field_url(case) -> str:
    """The field page (the field subject's), when it is there."""
    try:
        return reverse("inspection:field", args=[case.pk])
    except NoReverseMatch:
        return ""


def _detail_context(request, case: Case) -> dict:
    user = request.user
    seats = list(case.inspectors.select_related("inspector"))
    on_case = any(seat.inspector_id == user.pk for seat in seats)
    works = can(user, "inspection.work_case")
    evidence = list(case.evidence.select_related("uploaded_by").order_by("uploaded_at", "id"))
    approvals = list(
        case.approvals.select_related("submitted_by", "decided_by").order_by("submitted_at", "id")
    )
    pending = next((a for a in approvals if a.state == PenaltyApproval.State.SUBMITTED), None)
    approved = services.approved_approval(case)
    file = case.archive_file
    return {
        "case": case,
        "seats": seats,
        "on_case": on_case,
        "may_work": works and on_case,
        "may_assign": works and case.state in services.FIELD_STATES,
        "may_decide": pending is not None
        and can(user, "inspection.approve_case")
        and pending.submitted_by_id != user.pk,
        "statements": list(case.statements.select_related("recorded_by").order_by("recorded_at", "id")),
        "evidence": evidence,
        "current_evidence": [e for e in evidence if e.superseded_by_id is None],
        "notices": list(case.notices.order_by("issued_at", "id")),
        "approvals": approvals,
        "pending": pending,
        "approved": approved,
        "has_hearing": services.has_hearing(case),
        "file": file,
        "file_url": _file_url(user, file),
        "history": selectors.history(case),
        "inspectors": _inspectors().exclude(pk__in=[s.inspector_id for s in seats]),
        "findings": FINDINGS,
        "field_url": _field_url(case),
        "min_inspectors": services.min_inspectors(),
        "today": timezone.localdate(),
    }


def _file_url(user, file) -> str:
    if file is None or not user.has_perm("archives.view_archivefile"):
        return ""
    try:
        return reverse("archives:file", args=[file.pk])
    except NoReverseMatch:
        return ""


def case_detail(request, pk: int):
    case = get_case_for(request.user, pk, what="案卷页面")
    return render(request, "inspection/case_detail.html", _detail_context(request, case))


def _act(request, pk: int, do, done: str):
    """A step on the case page: the service, then back to the page (or the page again with the reason)."""
    case = get_case_for(request.user, pk, what="办理案件", write=True)
    try:
        result = do(case)
    except (ValidationError, PermissionDenied) as error:
        case.refresh_from_db()
        return bad_request(request, "inspection/case_detail.html", error, **_detail_context(request, case))
    messages.success(request, done if isinstance(done, str) else done(result))
    return redirect("inspection:case", pk=pk)


@require_POST
def case_assign(request, pk: int):
    ids = [object_id(v) for v in request.POST.getlist("inspectors")]
    people = list(_inspectors().filter(pk__in=[i for i in ids if i]))
    return _act(
        request,
        pk,
        lambda c: services.assign_inspectors(actor=request.user, case=c, inspectors=people),
        "已指派稽查员",
    )


@require_POST
def case_remove_inspector(request, pk: int):
    person = User.objects.filter(pk=object_id(request.POST.get("inspector")) or 0).first()
    if person is None:
        raise Http404("稽查员不存在")
    return _act(
        request,
        pk,
        lambda c: services.remove_inspector(
            actor=request.user, case=c, inspector=person, reason=request.POST.get("reason", "")[:300]
        ),
        f"已撤出稽查员{person}",
    )


@require_POST
def case_id_shown(request, pk: int):
    person_id = object_id(request.POST.get("inspector"))
    person = User.objects.filter(pk=person_id).first() if person_id else None
    return _act(
        request,
        pk,
        lambda c: services.record_id_shown(actor=request.user, case=c, inspector=person),
        "已登记出示稽查证件",
    )


@require_POST
def case_start(request, pk: int):
    return _act(
        request, pk, lambda c: services.start_investigation(actor=request.user, case=c), "已开始调查取证"
    )


@require_POST
def case_conclude(request, pk: int):
    return _act(
        request,
        pk,
        lambda c: services.conclude(
            actor=request.user,
            case=c,
            finding=request.POST.get("finding", "")[:16],
            conclusion=request.POST.get("conclusion", "")[:2100],
        ),
        "已记录调查结论",
    )


def case_submit(request, pk: int):
    """The 违章登记表 and 违章审批表, sent to the center leader."""
    case = get_case_for(request.user, pk, what="填写违章登记表", write=True)
    context = {
        "case": case,
        "form": request.POST,
        "has_hearing": services.has_hearing(case),
        "statement_required": policy("inspection.statement_before_approval"),
    }
    if request.method != "POST":
        return render(request, "inspection/cases_submit.html", context)
    post = request.POST
    try:
        services.submit_for_approval(
            actor=request.user,
            case=case,
            facts=post.get("facts", "")[:5000],
            regulation=post.get("regulation", "")[:400],
            proposed_penalty=post.get("proposed_penalty", "")[:20],
            proposed_recovery=post.get("proposed_recovery", "")[:20],
            proposal=post.get("proposal", "")[:5000],
        )
    except (ValidationError, PermissionDenied) as error:
        return bad_request(request, "inspection/cases_submit.html", error, **context)
    messages.success(request, f"案件{case.number}已报客户服务中心领导审批")
    return redirect("inspection:case", pk=case.pk)


@require_POST
def case_amounts(request, pk: int):
    return _act(
        request,
        pk,
        lambda c: services.record_amounts(
            actor=request.user,
            case=c,
            penalty=request.POST.get("penalty", "")[:20],
            recovery=request.POST.get("recovery", "")[:20],
        ),
        "已登记违约金与追补水费",
    )


@require_POST
def case_archive(request, pk: int):
    return _act(
        request,
        pk,
        lambda c: services.send_to_archive(actor=request.user, case=c),
        "案卷已移交档案室，待归档",
    )


@require_POST
def case_close(request, pk: int):
    return _act(request, pk, lambda c: services.close(actor=request.user, case=c), "已结案")


def approvals(request):
    require(request.user, "inspection.view_case", "inspection.approve_case")
    return render(
        request,
        "inspection/approvals.html",
        {
            "queue": list(selectors.approval_queue(request.user)),
            "decided": list(selectors.recent_decisions(request.user)),
        },
    )


def _approval_for(request, pk: int, what: str) -> PenaltyApproval:
    require(request.user, "inspection.view_case")
    approval = PenaltyApproval.objects.filter(pk=pk).only("pk", "case_id").first()
    if approval is None:
        raise Http404("审批不存在")
    case = get_case_for(request.user, approval.case_id, what=what)
    approval = case.approvals.select_related("submitted_by", "decided_by").get(pk=pk)
    approval.case = case
    return approval


@require_POST
def approval_decide(request, pk: int):
    approval = _approval_for(request, pk, "审批违章处理")
    approve = request.POST.get("decision") == "approve"
    try:
        services.decide(
            actor=request.user,
            approval=approval,
            approve=approve,
            opinion=request.POST.get("opinion", "")[:300],
        )
    except (ValidationError, PermissionDenied) as error:
        if isinstance(error, PermissionDenied):
            raise
        return bad_request(
            request,
            "inspection/approvals.html",
            error,
            queue=list(selectors.approval_queue(request.user)),
            decided=list(selectors.recent_decisions(request.user)),
        )
    messages.success(request, f"案件{approval.case.number}：{'已批准处理' if approve else '不予批准'}")
    return redirect("inspection:approvals")


def _print_context(approval: PenaltyApproval) -> dict:
    case = approval.case
    return {
        "approval": approval,
        "case": case,
        "seats": list(case.inspectors.select_related("inspector")),
        "evidence": list(case.evidence.select_related("uploaded_by").order_by("uploaded_at", "id")),
        "statements": list(case.statements.order_by("recorded_at", "id")),
        "printed_at": timezone.now(),
    }


def approval_registration_print(request, pk: int):
    approval = _approval_for(request, pk, "打印违章登记表")
    return render(request, "inspection/approval_registration_print.html", _print_context(approval))


def approval_form_print(request, pk: int):
    approval = _approval_for(request, pk, "打印违章审批表")
    return render(request, "inspection/approval_form_print.html", _print_context(approval))


def case_reads(request):
    require(request.user, "inspection.view_case", "inspection.view_case_reads")
    q = request.GET.get("q", "").strip()[:50]
    case_id = object_id(request.GET.get("case"))
    rows = selectors.reads(request.user, case_id=case_id, q=q)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "inspection/cases_reads.html", {"page": page, "q": q, "case_id": case_id or ""})


urlpatterns = [
    path("", case_list, name="cases"),
    path("cases/export/", case_export, name="cases_export"),
    path("cases/new/", case_new, name="case_new"),
    path("cases/<int:pk>/", case_detail, name="case"),
    path("cases/<int:pk>/assign/", case_assign, name="case_assign"),
    path("cases/<int:pk>/remove-inspector/", case_remove_inspector, name="case_remove_inspector"),
    path("cases/<int:pk>/id-shown/", case_id_shown, name="case_id_shown"),
    path("cases/<int:pk>/start/", case_start, name="case_start"),
    path("cases/<int:pk>/conclude/", case_conclude, name="case_conclude"),
    path("cases/<int:pk>/submit/", case_submit, name="case_submit"),
    path("cases/<int:pk>/amounts/", case_amounts, name="case_amounts"),
    path("cases/<int:pk>/archive/", case_archive, name="case_archive"),
    path("cases/<int:pk>/close/", case_close, name="case_close"),
    path("approvals/", approvals, name="approvals"),
    path("approvals/<int:pk>/decide/", approval_decide, name="approval_decide"),
    path("approvals/<int:pk>/registration/", approval_registration_print, name="approval_registration_print"),
    path("approvals/<int:pk>/print/", approval_form_print, name="approval_form_print"),
    path("reads/", case_reads, name="case_reads"),
]

__all__ = ["urlpatterns", "visible_cases"]
