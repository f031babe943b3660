"""Reads of the monthly close (Q2, Q4): the months with their counts per grade, a month's sheets (search,
sort, paging), the grade distribution, the appeals on a month's sheets, and the fetch-and-check helpers
shared by the pages and the API."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404

from kefu.core.events import events_for, verb_label
from kefu.core.params import object_id
from kefu.core.permissions import can, require
from kefu.quality.models import AppraisalMonth, AppraisalSheet, SheetAppeal
from kefu.quality.permissions_sheets import get_sheet_for, sheets_visible_to

READ_MONTH = "quality.view_appraisalmonth"
READ_SHEETS = "quality.view_appraisalsheet"
GRADES = ["A", "B", "C", "D", "E", ""]
GRADE_LABELS = {"A": "A", "B": "B", "C": "C", "D": "D", "E": "E", "": "无等级（<60）"}
# sort key → order_by; "-key" descends.
SORTS = {
    "no": ("person__employee_no", "person_id"),
    "name": ("person__name", "person_id"),
    "team": ("team__name", "rank_in_team", "person_id"),
    "score": ("score", "person_id"),
    "pay": ("pay_delta", "person_id"),
    "rank": ("rank_in_team", "person_id"),
}


def months():
    """Every month with the count of its sheets per grade, flags and open appeals."""
    per_grade = {
        f"grade_{grade or 'none'}": Count("sheets", filter=Q(sheets__grade=grade), distinct=True)
        for grade in GRADES
    }
    return (
        AppraisalMonth.objects.select_related("drafted_by", "reviewed_by", "approved_by")
        .annotate(
            sheet_count=Count("sheets", distinct=True),
            flag_count=Count("sheets", filter=Q(sheets__termination_flag=True), distinct=True),
            open_appeals=Count("sheets__appeals", filter=Q(sheets__appeals__status="open"), distinct=True),
            **per_grade,
        )
        .order_by("-month")
    )


def fetch_month(user, pk) -> AppraisalMonth:
    require(user, READ_MONTH)
    pk = object_id(pk)
    month = AppraisalMonth.objects.select_related("drafted_by", "reviewed_by", "approved_by").filter(pk=pk)
    month = month.first() if pk is not None else None
    if month is None:
        raise Http404("月度考核不存在")
    return month


def visible_sheets(user):
    """The sheets this user may read (kefu.quality.permissions_sheets: one's own; a team leader's team;
    the specialist, the head and the director all)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied("请先登录")
    return sheets_visible_to(user)


def fetch_sheet(user, pk) -> AppraisalSheet:
    """A sheet the user may read (404 otherwise: another person's sheet is not found)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied("请先登录")
    return get_sheet_for(user, pk)


def fetch_appeal(user, pk) -> SheetAppeal:
    """An appeal on a sheet the user may read."""
    pk = object_id(pk)
    appeal = None
    if pk is not None:
        appeal = (
            SheetAppeal.objects.select_related(
                "sheet__person", "sheet__appraisal_month", "filed_by", "decided_by"
            )
            .filter(pk=pk, sheet__in=visible_sheets(user))
            .first()
        )
    if appeal is None:
        raise Http404("考核申诉不存在")
    return appeal


def month_sheets(
    appraisal_month: AppraisalMonth,
    user,
    *,
    q: str = "",
    grade: str | None = None,
    flagged=False,
    sort: str = "no",
):
    """A month's sheets the user may read, searched by 工号 or name, filtered by grade ("none" for no
    grade) and flag, sorted by `sort` (a key of SORTS, "-" for descending)."""
    rows = (
        visible_sheets(user)
        .filter(appraisal_month=appraisal_month)
        .select_related("person", "team")
        .annotate(
            appeal_count=Count("appeals", distinct=True),
            open_appeal_count=Count("appeals", filter=Q(appeals__status="open"), distinct=True),
        )
    )
    q = (q or "").strip()
    if q:
        rows = rows.filter(
            Q(person__employee_no__icontains=q)
            | Q(person__name__icontains=q)
            | Q(person__username__icontains=q)
        )
    if grade == "none":
        rows = rows.filter(grade="")
    elif grade in ("A", "B", "C", "D", "E"):
        rows = rows.filter(grade=grade)
    if flagged:
        rows = rows.filter(termination_flag=True)
    key = sort.lstrip("-") if sort else "no"
    order = SORTS.get(key, SORTS["no"])
    if sort.startswith("-") and key in SORTS:
        order = tuple(f"-{field}" for field in order)
    return rows.order_by(*order)


def grade_distribution(appraisal_month: AppraisalMonth) -> list[dict]:
    """[{"grade", "label", "count", "share"}] over the month's sheets, A..E then no grade."""
    counts = dict(
        appraisal_month.sheets.values_list("grade").annotate(n=Count("pk")).values_list("grade", "n")
    )
    total = sum(counts.values())
    return [
        {
            "grade": grade or "none",
            "label": GRADE_LABELS[grade],
            "count": counts.get(grade, 0),
            "share": round(100 * counts.get(grade, 0) / total) if total else 0,
        }
        for grade in GRADES
    ]


def payroll_rows(appraisal_month: AppraisalMonth):
    """Every sheet of the month for payroll, by 工号."""
    return (
        appraisal_month.sheets.select_related("person", "team")
        .order_by("person__employee_no", "person_id")
        .only(
            "score",
            "grade",
            "pay_delta",
            "termination_flag",
            "termination_reasons",
            "person__employee_no",
            "person__name",
            "person__username",
            "team__name",
        )
    )


def month_appeals(appraisal_month: AppraisalMonth, *, status: str = ""):
    rows = SheetAppeal.objects.filter(sheet__appraisal_month=appraisal_month).select_related(
        "sheet__person", "sheet__team", "filed_by", "decided_by"
    )
    if status in SheetAppeal.Status.values:
        rows = rows.filter(status=status)
    return rows.order_by("status", "-created_at", "-id")


def _details(changes) -> list[str]:
    if not isinstance(changes, dict):
        return []
    parts = []
    for key, value in changes.items():
        label = CHANGE_LABELS.get(key, key)
        if isinstance(value, list) and len(value) == 2 and key in ("score", "grade", "pay_delta", "status"):
            parts.append(f"{label}：{value[0] if value[0] not in (None, '') else '—'} → {value[1] or '—'}")
        elif isinstance(value, list):
            parts.append(f"{label}：{'、'.join(str(v) for v in value) or '—'}")
        else:
            parts.append(f"{label}：{value}")
    return parts


CHANGE_LABELS = {
    "sheets": "考核表份数",
    "status": "状态",
    "appeal_due": "申诉截止",
    "score": "考核分",
    "grade": "绩效等级",
    "pay_delta": "工资浮动",
    "void_lines": "作废明细",
    "add_lines": "新增明细",
    "directors": "报送中心主任",
    "flags": "解除合同提示人数",
}


def history(record, *, most: int = 200) -> list[dict]:
    return [
        {
            "occurred_at": event.occurred_at,
            "actor": str(event.actor or "系统"),
            "action": verb_label(event.verb),
            "details": _details(event.changes),
            "note": event.note,
        }
        for event in events_for(record)[:most]
    ]


def home_lines(user) -> list[tuple[str, int, str]]:
    """The monthly close's lines of the home page's 我的待办 (only non-zero ones): a month to review
    (not one's own drafting), a month to approve, appeals on sheets to decide."""
    from django.urls import reverse

    lines: list[tuple[str, int, str]] = []
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return lines
    months_url = reverse("quality:months")
    if can(user, "quality.review_appraisalmonth"):
        waiting = (
            AppraisalMonth.objects.filter(status=AppraisalMonth.Status.DRAFTING, drafted_at__isnull=False)
            .exclude(drafted_by=user)
            .count()
        )
        if waiting:
            lines.append(("月度考核待审核", waiting, months_url))
    if can(user, "quality.approve_appraisalmonth"):
        waiting = AppraisalMonth.objects.filter(status=AppraisalMonth.Status.REVIEWED).count()
        if waiting:
            lines.append(("月度考核待批准锁定", waiting, months_url))
    if can(user, "quality.decide_sheetappeal"):
        appeals = SheetAppeal.objects.filter(status=SheetAppeal.Status.OPEN).count()
        if appeals:
            lines.append(("待处理的考核申诉", appeals, months_url))
    return lines
