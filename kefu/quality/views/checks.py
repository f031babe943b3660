"""The QA desk (Q1): the checks list (filters, search, sorting, paging, Excel), adding a contact to
check, the scoring page, the check with its appeal and the lead's decision, the scorecards and their
versions, and calibrations. Thin: the reads are in selectors_checks, the writes in services."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from kefu.accounts.models import User
from kefu.core.excel import export_workbook, local_minute, set_widths, xlsx_response
from kefu.core.params import object_id, parse_month
from kefu.core.permissions import can, require
from kefu.core.responses import bad_request, error_text
from kefu.hotline.models import Contact
from kefu.quality import selectors_checks as selectors
from kefu.quality.models import Calibration, QaAppeal, QaCheck, Scorecard
from kefu.quality.permissions_checks import get_calibration_for, get_check_for
from kefu.quality.services import appeals as appeal_services
from kefu.quality.services import calibration as calibration_services
from kefu.quality.services import checks as services
from kefu.quality.services import scorecards as scorecard_services

PER_PAGE = 30
EXPORT_LIMIT = 20000
# The other subjects' pages, by path: the desk links to them without depending on their URL names.
OTHER_PAGES = [
    ("抽样", "/quality/sampling/"),
    ("质检周小结", "/quality/summaries/"),
    ("月度质检汇总", "/quality/rollup/"),
]


def _month(text: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    year, month = parse_month(text)
    return date(year, month, 1)


def _filters(request) -> dict:
    """The list's filters; a month that is not one is a ValidationError under "month"."""
    return {
        "month": _month(request.GET.get("month", "")),
        "status": request.GET.get("status", "")[:20],
        "agent_id": object_id(request.GET.get("agent")),
        "inspector_id": object_id(request.GET.get("inspector")),
        "q": request.GET.get("q", "").strip()[:50],
        "sort": request.GET.get("sort", "")[:20],
    }


def _people(rows, field: str):
    ids = rows.order_by().values_list(field, flat=True).distinct()[:500]
    return User.objects.filter(pk__in=list(ids)).order_by("name").only("pk", "name")


def checks_list(request):
    require(request.user, "quality.view_qacheck")
    try:
        filters = _filters(request)
    except ValidationError as error:
        return bad_request(request, "quality/checks_list.html", error, filters={}, page=None)
    rows = selectors.checks(request.user, **filters)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    visible = selectors.checks(request.user)
    return render(
        request,
        "quality/checks_list.html",
        {
            "page": page,
            "filters": filters,
            "month_text": f"{filters['month']:%Y-%m}" if filters["month"] else "",
            "statuses": QaCheck.Status.choices,
            "agents": _people(visible, "agent_id"),
            "inspectors": _people(visible.exclude(inspector=None), "inspector_id"),
            "sorts": [
                ("-scored", "评分时间（新→旧）"),
                ("scored", "评分时间（旧→新）"),
                ("-score", "得分（高→低）"),
                ("score", "得分（低→高）"),
                ("agent", "被检人"),
                ("-number", "质检编号"),
                ("-month", "月份"),
            ],
            "appeals": list(selectors.open_appeals(request.user)[:50]),
            "open_calibrations": selectors.calibrations(request.user, status="open").count(),
            "can_add": can(request.user, "quality.add_qacheck"),
            "can_score": can(request.user, "quality.score_qacheck"),
            "can_scorecards": can(request.user, "quality.view_scorecard"),
            "other_pages": OTHER_PAGES,
            "query": request.GET.urlencode(),
        },
    )


HEADERS = [
    "质检编号",
    "月份",
    "被检人",
    "班组",
    "受理编号",
    "渠道",
    "类别",
    "来源",
    "抽样理由",
    "状态",
    "质检员",
    "评分表",
    "得分",
    "合格",
    "关键项不合格",
    "评分时间",
    "申诉截止",
    "评语",
    "辅导意见",
]


def checks_export(request):
    require(request.user, "quality.view_qacheck")
    try:
        filters = _filters(request)
    except ValidationError as error:
        return bad_request(request, "quality/checks_list.html", error, filters={}, page=None)
    rows = selectors.checks(request.user, **filters)[:EXPORT_LIMIT]

    def write(output):
        book = export_workbook()
        sheet = book.create_sheet("质检记录")
        set_widths(sheet, [14, 9, 10, 12, 16, 8, 12, 10, 14, 8, 10, 22, 7, 6, 8, 17, 11, 30, 30])
        sheet.append(HEADERS)
        for c in rows.iterator(chunk_size=2000):
            sheet.append(
                [
                    c.number,
                    f"{c.month:%Y-%m}",
                    str(c.agent),
                    str(c.agent.team) if c.agent.team_id else "",
                    c.contact.number,
                    c.contact.get_channel_display(),
                    str(c.contact.category),
                    c.get_source_display(),
                    c.sample_reason,
                    c.get_status_display(),
                    str(c.inspector or ""),
                    str(c.scorecard or ""),
                    float(c.score) if c.score is not None else None,
                    "" if c.passed is None else ("是" if c.passed else "否"),
                    "是" if c.critical_failed else "",
                    local_minute(c.scored_at) if c.scored_at else None,
                    c.appeal_due,
                    c.comment,
                    c.coaching_note,
                ]
            )
        book.save(output)

    return xlsx_response(write, f"质检记录-{timezone.localdate():%Y%m%d}.xlsx")


@require_POST
def check_add(request):
    """An inspector adds any contact to check, by its 受理编号."""
    require(request.user, "quality.view_qacheck", "quality.add_qacheck")
    number = request.POST.get("contact", "").strip()[:20]
    contact = Contact.objects.filter(number=number).first() if number else None
    if contact is None:
        messages.error(request, f"受理编号：没有编号为“{number}”的受理记录" if number else "请填写受理编号")
        return redirect("quality:checks")
    existed = services._existing(contact)
    try:
        check = services.open_check(actor=request.user, contact=contact, source=QaCheck.Source.ADDED)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
        return redirect("quality:checks")
    if existed is not None:
        messages.info(request, f"受理记录{contact.number}已有质检{check.number}（每条受理记录只质检一次）")
    else:
        messages.success(request, f"已追加质检{check.number}")
    return redirect("quality:check_score", pk=check.pk)


def _contact_context(contact) -> dict:
    return {
        "contact": contact,
        "call": selectors.call_of(contact),
        "work_order": selectors.work_order_of(contact),
    }


def _score_rows(check: QaCheck, posted=None) -> list[dict]:
    """Each item of the check's card with its current (or just posted) score and remark."""
    current = selectors.scores_by_item(check)
    rows = []
    for item in scorecard_services.card_items(check.scorecard):
        row = current.get(item.pk)
        score = row.score if row else ""
        remark = row.remark if row else ""
        if posted is not None:
            score = posted.get(f"score_{item.pk}", "")
            remark = posted.get(f"remark_{item.pk}", "")
        rows.append({"item": item, "score": score, "remark": remark, "range": range(item.max_score + 1)})
    return rows


def _entries(check: QaCheck, post) -> list[dict]:
    return [
        {
            "item": item.pk,
            "score": post.get(f"score_{item.pk}", ""),
            "remark": post.get(f"remark_{item.pk}", "")[:300],
        }
        for item in scorecard_services.card_items(check.scorecard)
    ]


def check_detail(request, pk: int):
    check = get_check_for(request.user, pk)
    user = request.user
    appeals = list(check.appeals.select_related("filed_by", "decided_by").order_by("created_at"))
    open_appeal = next((a for a in appeals if a.status == QaAppeal.Status.OPEN), None)
    today = timezone.localdate()
    may_appeal = (
        user.pk == check.agent_id
        and not check.calibration_id
        and check.status == QaCheck.Status.SCORED
        and check.appeal_due is not None
        and today <= check.appeal_due
    )
    return render(
        request,
        "quality/check_detail.html",
        {
            "check": check,
            **_contact_context(check.contact),
            "rows": _score_rows(check),
            "remarks": list(check.remarks.all()),
            "appeals": appeals,
            "open_appeal": open_appeal,
            "may_appeal": may_appeal,
            "appeal_rule": services.appeal_rule_text(),
            "may_score": (
                can(user, "quality.score_qacheck")
                and user.pk != check.agent_id
                and (
                    check.inspector_id == user.pk
                    if check.calibration_id
                    else check.status in (QaCheck.Status.PROPOSED, QaCheck.Status.SCORED)
                )
            ),
            "may_decide": open_appeal is not None and appeal_services.may_decide(user, check),
            "history": selectors.history(check),
            "today": today,
        },
    )


def check_score(request, pk: int):
    check = get_check_for(request.user, pk, write=True)
    context = {
        "check": check,
        **_contact_context(check.contact),
        "remarks": list(check.remarks.all()),
        "rows": _score_rows(check, request.POST if request.method == "POST" else None),
        "comment": request.POST.get("comment", check.comment),
        "coaching_note": request.POST.get("coaching_note", check.coaching_note),
        "marks": request.POST.get("marks", ""),
        "appeal_rule": services.appeal_rule_text(),
    }
    if request.method == "POST":
        try:
            check = services.score_check(
                actor=request.user,
                check=check,
                scores=_entries(check, request.POST),
                comment=request.POST.get("comment", ""),
                coaching_note=request.POST.get("coaching_note", ""),
                marks=request.POST.get("marks", "")[:20000],
            )
        except (ValidationError, PermissionDenied) as error:
            return bad_request(request, "quality/check_score.html", error, **context)
        messages.success(request, f"质检{check.number}已评分：{check.score}分")
        if check.calibration_id:
            return redirect("quality:calibration", pk=check.calibration_id)
        return redirect("quality:check", pk=check.pk)
    return render(request, "quality/check_score.html", context)


@require_POST
def check_drop(request, pk: int):
    check = get_check_for(request.user, pk, write=True)
    try:
        services.drop_check(actor=request.user, check=check, reason=request.POST.get("reason", "")[:300])
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"已放弃质检{check.number}")
    return redirect("quality:check", pk=check.pk)


@require_POST
def check_appeal(request, pk: int):
    check = get_check_for(request.user, pk)
    try:
        appeal_services.file_appeal(actor=request.user, check=check, reason=request.POST.get("reason", ""))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"已对质检{check.number}提出申诉，等待质检组长处理")
    return redirect("quality:check", pk=check.pk)


def check_decide(request, pk: int):
    check = get_check_for(request.user, pk)
    require(request.user, "quality.decide_qaappeal")
    appeal = check.appeals.filter(status=QaAppeal.Status.OPEN).select_related("filed_by").first()
    if appeal is None:
        messages.info(request, f"质检{check.number}没有待处理的申诉")
        return redirect("quality:check", pk=check.pk)
    context = {
        "check": check,
        "appeal": appeal,
        **_contact_context(check.contact),
        "rows": _score_rows(check, request.POST if request.method == "POST" else None),
        "decision": request.POST.get("decision", ""),
        "note": request.POST.get("note", ""),
        "may_decide": appeal_services.may_decide(request.user, check),
    }
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        try:
            appeal_services.decide_appeal(
                actor=request.user,
                appeal=appeal,
                decision=decision,
                note=request.POST.get("note", ""),
                scores=_entries(check, request.POST) if decision == appeal_services.AMEND else None,
            )
        except (ValidationError, PermissionDenied) as error:
            return bad_request(request, "quality/check_decide.html", error, **context)
        messages.success(request, f"质检{check.number}的申诉已处理，质检已定稿")
        return redirect("quality:check", pk=check.pk)
    return render(request, "quality/check_decide.html", context)


def check_print(request, pk: int):
    check = get_check_for(request.user, pk)
    return render(
        request,
        "quality/check_print.html",
        {
            "check": check,
            **_contact_context(check.contact),
            "rows": _score_rows(check),
            "remarks": list(check.remarks.all()),
            "printed_at": timezone.localtime(),
        },
    )


# ---------------------------------------------------------------- scorecards


def scorecards(request):
    require(request.user, "quality.view_scorecard")
    scorecard_services.active_scorecard()
    cards = list(Scorecard.objects.prefetch_related("items").order_by("code", "-version"))
    return render(
        request,
        "quality/scorecards.html",
        {"cards": cards, "can_change": can(request.user, "quality.change_scorecard")},
    )


def _posted_items(post) -> list[dict]:
    items = []
    for index in range(scorecard_services.MAX_ITEMS + 5):
        name = post.get(f"name_{index}")
        if name is None:
            continue
        if not name.strip() and not post.get(f"weight_{index}", "").strip():
            continue  # an empty spare line
        items.append(
            {
                "code": post.get(f"code_{index}", "")[:30],
                "name": name[:60],
                "guidance": post.get(f"guidance_{index}", "")[:300],
                "weight": post.get(f"weight_{index}", "").strip()[:6],
                "max_score": post.get(f"max_score_{index}", "").strip()[:6],
                "critical": post.get(f"critical_{index}") in ("1", "on"),
            }
        )
    return items


def scorecard_publish(request, pk: int):
    require(request.user, "quality.view_scorecard", "quality.change_scorecard")
    card = Scorecard.objects.filter(pk=object_id(pk)).first()
    if card is None:
        raise Http404("评分表不存在")
    if request.method == "POST":
        items = _posted_items(request.POST)
        lines = [dict(item, index=i) for i, item in enumerate(items)]
    else:
        lines = [
            {
                "index": i,
                "code": item.code,
                "name": item.name,
                "guidance": item.guidance,
                "weight": item.weight,
                "max_score": item.max_score,
                "critical": item.critical,
            }
            for i, item in enumerate(scorecard_services.card_items(card))
        ]
    spare = len(lines)
    lines += [
        {
            "index": spare + i,
            "code": "",
            "name": "",
            "guidance": "",
            "weight": "",
            "max_score": 10,
            "critical": False,
        }
        for i in range(2)
    ]
    context = {
        "card": card,
        "lines": lines,
        "name": request.POST.get("name", card.name),
        "pass_mark": request.POST.get("pass_mark", card.pass_mark),
        "note": request.POST.get("note", card.note),
    }
    if request.method == "POST":
        try:
            new = scorecard_services.publish_version(
                actor=request.user,
                scorecard=card,
                name=request.POST.get("name", "")[:120],
                pass_mark=request.POST.get("pass_mark", "").strip()[:6],
                note=request.POST.get("note", "")[:300],
                items=items,
            )
        except (ValidationError, PermissionDenied) as error:
            return bad_request(request, "quality/scorecard_form.html", error, **context)
        messages.success(request, f"已启用{new}，原版本停用（已评分的质检仍按原版本）")
        return redirect("quality:scorecards")
    return render(request, "quality/scorecard_form.html", context)


# ---------------------------------------------------------------- calibrations


def calibrations(request):
    require(request.user, "quality.view_calibration")
    status = request.GET.get("status", "")[:10]
    page = Paginator(selectors.calibrations(request.user, status=status), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "quality/calibrations.html",
        {
            "page": page,
            "status": status,
            "statuses": Calibration.Status.choices,
            "can_add": can(request.user, "quality.add_calibration"),
        },
    )


@require_POST
def calibration_new(request):
    require(request.user, "quality.view_calibration", "quality.add_calibration")
    number = request.POST.get("contact", "").strip()[:20]
    contact = Contact.objects.filter(number=number).first() if number else None
    if contact is None:
        messages.error(request, f"受理编号：没有编号为“{number}”的受理记录" if number else "请填写受理编号")
        return redirect("quality:calibrations")
    try:
        calibration = calibration_services.open_calibration(
            actor=request.user, contact=contact, title=request.POST.get("title", "")[:120]
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
        return redirect("quality:calibrations")
    messages.success(request, f"已发起校准“{calibration.title}”，请各质检员背靠背评分")
    return redirect("quality:calibration", pk=calibration.pk)


def calibration_detail(request, pk: int):
    calibration = get_calibration_for(request.user, pk)
    user = request.user
    mine = calibration_services.own_check(user, calibration)
    closed = calibration.status == Calibration.Status.CLOSED
    context = {
        "calibration": calibration,
        **_contact_context(calibration.contact),
        "mine": mine,
        "closed": closed,
        "may_score": not closed
        and can(user, "quality.score_qacheck")
        and user.pk != calibration.contact.agent_id,
        "may_close": not closed and calibration_services.may_close(user, calibration),
        "scored_count": calibration.checks.filter(
            status__in=[QaCheck.Status.SCORED, QaCheck.Status.FINAL]
        ).count(),
        "history": selectors.history(calibration),
    }
    if mine is not None:
        context["my_rows"] = _score_rows(mine)
    if closed or user.has_perm("quality.decide_qaappeal"):
        checks, rows, threshold = calibration_services.spread(calibration)
        context.update({"spread_checks": checks, "spread_rows": rows, "threshold": threshold})
    return render(request, "quality/calibration_detail.html", context)


def calibration_score(request, pk: int):
    calibration = get_calibration_for(request.user, pk)
    require(request.user, "quality.score_qacheck")
    mine = calibration_services.own_check(request.user, calibration)
    shell = mine or QaCheck(scorecard=calibration.scorecard, contact=calibration.contact)
    posted = request.POST if request.method == "POST" else None
    rows = _score_rows(mine, posted) if mine else _score_rows_for_card(calibration.scorecard, posted)
    context = {
        "check": shell,
        "calibration": calibration,
        **_contact_context(calibration.contact),
        "rows": rows,
        "comment": request.POST.get("comment", mine.comment if mine else ""),
        "marks": request.POST.get("marks", ""),
        "remarks": list(mine.remarks.all()) if mine else [],
    }
    if request.method == "POST":
        entries = [
            {
                "item": row["item"].pk,
                "score": request.POST.get(f"score_{row['item'].pk}", ""),
                "remark": request.POST.get(f"remark_{row['item'].pk}", "")[:300],
            }
            for row in rows
        ]
        try:
            calibration_services.score_calibration(
                actor=request.user,
                calibration=calibration,
                scores=entries,
                comment=request.POST.get("comment", ""),
                marks=request.POST.get("marks", "")[:20000],
            )
        except (ValidationError, PermissionDenied) as error:
            return bad_request(request, "quality/calibration_score.html", error, **context)
        messages.success(request, "校准评分已保存（揭晓前其他质检员看不到您的评分）")
        return redirect("quality:calibration", pk=calibration.pk)
    return render(request, "quality/calibration_score.html", context)


def _score_rows_for_card(card, posted=None) -> list[dict]:
    return [
        {
            "item": item,
            "score": posted.get(f"score_{item.pk}", "") if posted else "",
            "remark": posted.get(f"remark_{item.pk}", "") if posted else "",
            "range": range(item.max_score + 1),
        }
        for item in scorecard_services.card_items(card)
    ]


@require_POST
def calibration_close(request, pk: int):
    calibration = get_calibration_for(request.user, pk)
    try:
        calibration_services.close_calibration(actor=request.user, calibration=calibration)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "校准结果已揭晓")
    return redirect("quality:calibration", pk=calibration.pk)


urlpatterns = [
    path("checks/", checks_list, name="checks"),
    path("checks/export/", checks_export, name="checks_export"),
    path("checks/new/", check_add, name="check_add"),
    path("checks/<int:pk>/", check_detail, name="check"),
    path("checks/<int:pk>/score/", check_score, name="check_score"),
    path("checks/<int:pk>/drop/", check_drop, name="check_drop"),
    path("checks/<int:pk>/appeal/", check_appeal, name="check_appeal"),
    path("checks/<int:pk>/appeal/decide/", check_decide, name="check_decide"),
    path("checks/<int:pk>/print/", check_print, name="check_print"),
    path("scorecards/", scorecards, name="scorecards"),
    path("scorecards/<int:pk>/publish/", scorecard_publish, name="scorecard_publish"),
    path("calibrations/", calibrations, name="calibrations"),
    path("calibrations/new/", calibration_new, name="calibration_new"),
    path("calibrations/<int:pk>/", calibration_detail, name="calibration"),
    path("calibrations/<int:pk>/score/", calibration_score, name="calibration_score"),
    path("calibrations/<int:pk>/close/", calibration_close, name="calibration_close"),
]
