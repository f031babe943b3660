"""The monthly close (Q2, Q4, seed 002 考核标准 2–4): the training specialist (培训专员) opens the month
and drafts every appraised person's sheet from the records, submits it to the supervisor (客服主管)
for review, who passes it or returns it with a reason; the department head (客服部主任) approves and
locks it. On the lock the termination flags (解除合同提示) go to the center director(s), and each member
of staff may appeal their sheet within policy("quality.sheet_appeal_days") working days
(kefu.quality.services.sheet_appeals).

The month's states are the model's three (编制中, 主管已审核, 锁定) and one more derived from them: a
month 编制中 with `drafted_at` set has been submitted for review (待主管审核); a return clears it.

When drafting may start: from the month's last working day on (the center's calendar with 调休), so
the specialist can prepare the sheets on the last day and the records of that day are read again when
drafting is repeated; a month before that is refused, naming the first day allowed. Drafting can be
repeated while the month is 编制中 and not submitted (draft_sheet refreshes a sheet, never doubling
its automatic lines).

Ranks: within each team (the team snapshotted on the sheet), by score, highest first, ties sharing a
place (competition ranking 1, 2, 2, 4); a sheet without a team has no rank. The last place is the
largest rank of a team of two or more. The termination flag's third condition (002 考核标准 3: 连续两个
月都是最后一名且评分低于70分) is: last place in the team and below policy("quality.last_place_below")
this month, and the previous month's locked sheet also last place in its team and below the mark."""

import calendar
from collections import defaultdict
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from kefu.accounts.models import Role, User
from kefu.core.alerts import send_alert
from kefu.core.calendar import is_working_day
from kefu.core.permissions import require
from kefu.core.policies import policy
from kefu.quality.events import AppraisalEvents, quality_event
from kefu.quality.models import AppraisalMonth, AppraisalSheet
from kefu.quality.selectors_mine import APPRAISED_ROLES
from kefu.quality.services import sheets
from kefu.quality.services.checks import working_days_after

FLAG_KIND = "quality.termination_flag"
ALERT_KINDS: dict[str, str] = {FLAG_KIND: "月度考核：解除合同提示（报中心主任）"}

DRAFT = "quality.draft_appraisalmonth"
REVIEW = "quality.review_appraisalmonth"
APPROVE = "quality.approve_appraisalmonth"
Status = AppraisalMonth.Status


# ---------------------------------------------------------------- dates


def month_first(day: date) -> date:
    return day.replace(day=1)


def month_last(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def previous_month(first: date) -> date:
    return date(first.year - 1, 12, 1) if first.month == 1 else date(first.year, first.month - 1, 1)


def last_working_day(first: date) -> date:
    """The month's last working day on the center's calendar (2026-02-28 is a worked Saturday)."""
    day = month_last(first)
    while not is_working_day(day).working:
        day = date.fromordinal(day.toordinal() - 1)
    return day


def appeal_due(appraisal_month: AppraisalMonth) -> date | None:
    """The last day a member of staff may appeal their sheet: rule quality.sheet_appeal_days working
    days after the day the month was locked; None while it is not locked."""
    if appraisal_month.status != Status.LOCKED or appraisal_month.approved_at is None:
        return None
    locked_on = timezone.localtime(appraisal_month.approved_at).date()
    return working_days_after(locked_on, policy("quality.sheet_appeal_days"))


def stage(appraisal_month: AppraisalMonth) -> str:
    """drafting | submitted | reviewed | locked (submitted is 编制中 with drafted_at set)."""
    if appraisal_month.status == Status.DRAFTING:
        return "submitted" if appraisal_month.drafted_at else "drafting"
    return appraisal_month.status


STAGE_LABELS = {
    "drafting": "编制中",
    "submitted": "待主管审核",
    "reviewed": "主管已审核，待主任批准",
    "locked": "已批准锁定",
}


# ---------------------------------------------------------------- who is appraised


def appraised_people(first: date):
    """Active staff of the appraised roles (selectors_mine.APPRAISED_ROLES) employed in the month: joined
    (入职日期, else the account's date) on or before its last day."""
    last = month_last(first)
    joined_by_then = Q(hired_on__lte=last) | Q(hired_on__isnull=True, date_joined__date__lte=last)
    return (
        User.objects.filter(is_active=True, role__in=list(APPRAISED_ROLES))
        .filter(joined_by_then)
        .order_by("employee_no", "pk")
    )


def center_directors() -> list[User]:
    return list(User.objects.filter(role=Role.CENTER_DIRECTOR, is_active=True))


# ---------------------------------------------------------------- the workflow


def _locked(appraisal_month: AppraisalMonth) -> AppraisalMonth:
    return AppraisalMonth.objects.select_for_update().get(pk=appraisal_month.pk)


def _refuse(appraisal_month: AppraisalMonth, action: str) -> None:
    label = STAGE_LABELS[stage(appraisal_month)]
    raise ValidationError({"__all__": f"{appraisal_month}为「{label}」，不能{action}"})


@transaction.atomic
def open_month(*, month: date, actor) -> AppraisalMonth:
    """Open a month's appraisal (the training specialist). `month` is any day of it. Allowed from the
    month's last working day on; a month already opened is answered with itself."""
    require(actor, DRAFT)
    first = month_first(month)
    existing = AppraisalMonth.objects.filter(month=first).first()
    if existing is not None:
        return existing
    opens = last_working_day(first)
    today = timezone.localdate()
    if today < opens:
        raise ValidationError(
            {"month": f"{first:%Y年%m月}的考核须从该月最后一个工作日（{opens:%Y-%m-%d}）起方可编制"}
        )
    appraisal_month, created = AppraisalMonth.objects.get_or_create(
        month=first, defaults={"drafted_by": actor}
    )
    if created:
        quality_event(actor=actor, target=appraisal_month, verb=AppraisalEvents.MONTH_OPENED)
    return appraisal_month


@transaction.atomic
def draft_all(*, appraisal_month: AppraisalMonth, actor) -> AppraisalMonth:
    """Draft (or refresh) the sheet of every appraised person, then the team ranks and the last-place
    flags. One transaction: the month is drafted whole or not at all."""
    require(actor, DRAFT)
    appraisal_month = _locked(appraisal_month)
    if stage(appraisal_month) != "drafting":
        _refuse(appraisal_month, "取数编制（已报审的考核须先退回）")
    people = list(appraised_people(appraisal_month.month))
    if not people:
        raise ValidationError({"__all__": "没有需要考核的员工（话务员、班长、质检员、营业员、培训专员）"})
    # In bulk: the same sheets, lines and history as sheets.draft_sheet person by person (test_close_in_bulk).
    sheets.draft_sheets(appraisal_month=appraisal_month, people=people, actor=actor)
    rank_and_flag(appraisal_month, actor=actor)
    if appraisal_month.drafted_by_id != actor.pk:
        appraisal_month.drafted_by = actor
        appraisal_month.save(update_fields=["drafted_by", "updated_at"])
    quality_event(
        actor=actor,
        target=appraisal_month,
        verb=AppraisalEvents.MONTH_SHEETS_DRAFTED,
        changes={"sheets": len(people)},
    )
    return appraisal_month


def _last_places(rows) -> set[int]:
    """Person ids at the last place of their team (teams of two or more), from (person, team, rank)."""
    by_team: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for person_id, team_id, rank in rows:
        if team_id is not None and rank is not None:
            by_team[team_id].append((person_id, rank))
    last = set()
    for members in by_team.values():
        if len(members) < 2:
            continue
        worst = max(rank for _, rank in members)
        last.update(person_id for person_id, rank in members if rank == worst)
    return last


def _ranks(rows) -> dict[int, int | None]:
    """sheet id → rank in its team by score, ties sharing (1, 2, 2, 4); None without a team."""
    by_team: dict[int, list[tuple[int, int]]] = defaultdict(list)
    ranks: dict[int, int | None] = {}
    for sheet_id, team_id, score in rows:
        if team_id is None:
            ranks[sheet_id] = None
        else:
            by_team[team_id].append((sheet_id, score))
    for members in by_team.values():
        members.sort(key=lambda member: -member[1])
        previous_score, previous_rank = None, 0
        for position, (sheet_id, score) in enumerate(members, start=1):
            rank = previous_rank if score == previous_score else position
            ranks[sheet_id] = rank
            previous_score, previous_rank = score, rank
    return ranks


def last_place_twice_below(appraisal_month: AppraisalMonth) -> set[int]:
    """Ids of this month's sheets meeting the third termination condition (this month read as ranked)."""
    below = policy("quality.last_place_below")
    now = list(appraisal_month.sheets.values_list("pk", "person_id", "team_id", "rank_in_team", "score"))
    last_now = _last_places((person, team, rank) for _, person, team, rank, _ in now)
    candidates = {person: pk for pk, person, _, _, score in now if person in last_now and score < below}
    if not candidates:
        return set()
    previous = AppraisalMonth.objects.filter(
        month=previous_month(appraisal_month.month), status=Status.LOCKED
    ).first()
    if previous is None:
        return set()
    before = list(previous.sheets.values_list("person_id", "team_id", "rank_in_team", "score"))
    last_before = _last_places((person, team, rank) for person, team, rank, _ in before)
    below_before = {person for person, _, _, score in before if score < below}
    return {pk for person, pk in candidates.items() if person in last_before and person in below_before}


def rank_and_flag(appraisal_month: AppraisalMonth, *, actor) -> list[AppraisalSheet]:
    """Rank every sheet in its team, then recompute the sheets whose last-place flag changes: those
    meeting the condition and not yet carrying it (recomputed with it), and those carrying it that no
    longer meet it (recomputed without). Returns the sheets meeting it. Called inside the caller's
    transaction (draft_all, submit, an amended appeal)."""
    rows = list(appraisal_month.sheets.values_list("pk", "team_id", "score", "rank_in_team"))
    ranks = _ranks((pk, team, score) for pk, team, score, _ in rows)
    changed = [AppraisalSheet(pk=pk, rank_in_team=ranks[pk]) for pk, _, _, old in rows if ranks[pk] != old]
    if changed:
        AppraisalSheet.objects.bulk_update(changed, ["rank_in_team"], batch_size=500)
    flagged_ids = last_place_twice_below(appraisal_month)
    candidates = AppraisalSheet.objects.filter(
        Q(pk__in=flagged_ids) | Q(appraisal_month=appraisal_month, termination_flag=True)
    ).select_related("person", "appraisal_month")
    flagged = []
    for sheet in candidates:
        wanted = sheet.pk in flagged_ids
        carries = any(sheets.LAST_PLACE_MARK in str(reason) for reason in sheet.termination_reasons or [])
        if wanted != carries:
            sheets.recompute(sheet, actor=actor, last_place_twice_below=wanted)
        if wanted:
            flagged.append(sheet)
    return flagged


@transaction.atomic
def submit(*, appraisal_month: AppraisalMonth, actor) -> AppraisalMonth:
    """编制完成，报主管审核: ranks and flags are brought up to date with the sheets as they are now."""
    require(actor, DRAFT)
    appraisal_month = _locked(appraisal_month)
    if stage(appraisal_month) == "submitted":
        return appraisal_month  # a repeated submission is answered
    if stage(appraisal_month) != "drafting":
        _refuse(appraisal_month, "报主管审核")
    count = appraisal_month.sheets.count()
    if not count:
        raise ValidationError({"__all__": "尚未生成考核表：请先从记录取数编制"})
    rank_and_flag(appraisal_month, actor=actor)
    appraisal_month.drafted_by = actor
    appraisal_month.drafted_at = timezone.now()
    appraisal_month.save(update_fields=["drafted_by", "drafted_at", "updated_at"])
    quality_event(
        actor=actor, target=appraisal_month, verb=AppraisalEvents.MONTH_DRAFTED, changes={"sheets": count}
    )
    return appraisal_month


@transaction.atomic
def review(*, appraisal_month: AppraisalMonth, actor, note: str = "") -> AppraisalMonth:
    """主管审核通过. The reviewer is not the one who drafted the month."""
    require(actor, REVIEW)
    appraisal_month = _locked(appraisal_month)
    if stage(appraisal_month) == "reviewed" and appraisal_month.reviewed_by_id == actor.pk:
        return appraisal_month
    if stage(appraisal_month) != "submitted":
        _refuse(appraisal_month, "审核")
    if appraisal_month.drafted_by_id == actor.pk:
        raise PermissionDenied("审核人不能是编制人：月度考核须由编制人以外的主管审核")
    appraisal_month.status = Status.REVIEWED
    appraisal_month.reviewed_by = actor
    appraisal_month.reviewed_at = timezone.now()
    appraisal_month.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"])
    quality_event(
        actor=actor, target=appraisal_month, verb=AppraisalEvents.MONTH_REVIEWED, note=str(note or "").strip()
    )
    return appraisal_month


@transaction.atomic
def return_month(*, appraisal_month: AppraisalMonth, actor, reason: str) -> AppraisalMonth:
    """退回培训专员修改, with a reason: the supervisor returns a submitted month, the department head a
    reviewed one. The month is 编制中 again."""
    appraisal_month = _locked(appraisal_month)
    current = stage(appraisal_month)
    if current == "submitted":
        require(actor, REVIEW)
    elif current == "reviewed":
        require(actor, APPROVE)
    else:
        _refuse(appraisal_month, "退回")
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "退回须写明理由"})
    appraisal_month.status = Status.DRAFTING
    appraisal_month.drafted_at = None
    appraisal_month.reviewed_by = None
    appraisal_month.reviewed_at = None
    appraisal_month.save(update_fields=["status", "drafted_at", "reviewed_by", "reviewed_at", "updated_at"])
    quality_event(
        actor=actor,
        target=appraisal_month,
        verb=AppraisalEvents.MONTH_RETURNED,
        changes={"status": [STAGE_LABELS[current], STAGE_LABELS["drafting"]]},
        note=reason,
    )
    return appraisal_month


@transaction.atomic
def approve(*, appraisal_month: AppraisalMonth, actor) -> AppraisalMonth:
    """客服部主任批准并锁定: after this sheets change only through an appeal. The termination flags go
    to the center director(s)."""
    require(actor, APPROVE)
    appraisal_month = _locked(appraisal_month)
    if stage(appraisal_month) == "locked":
        return appraisal_month
    if stage(appraisal_month) != "reviewed":
        _refuse(appraisal_month, "批准锁定（须先经主管审核）")
    appraisal_month.status = Status.LOCKED
    appraisal_month.approved_by = actor
    appraisal_month.approved_at = timezone.now()
    appraisal_month.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    flags = appraisal_month.sheets.filter(termination_flag=True).count()
    directors = [str(person) for person in center_directors()] if flags else []
    quality_event(
        actor=actor,
        target=appraisal_month,
        verb=AppraisalEvents.MONTH_LOCKED,
        changes={
            "appeal_due": f"{appeal_due(appraisal_month):%Y-%m-%d}",
            "flags": flags,
            "directors": directors,
        },
    )
    alert_flags(appraisal_month, actor=actor)
    return appraisal_month


def alert_flags(appraisal_month: AppraisalMonth, *, actor=None) -> int:
    """Tell the center director(s) of each flagged sheet of a locked month, once per sheet (the alert's
    subject is the sheet: a repeated lock or an appeal decided later adds nothing for a sheet already
    told). The sheet's own 解除合同提示 event is written by its computation. Returns alerts written."""
    if appraisal_month.status != Status.LOCKED:
        return 0
    directors = center_directors()
    written = 0
    flagged = appraisal_month.sheets.filter(termination_flag=True).select_related("person")
    for sheet in flagged:
        reasons = "；".join(str(reason) for reason in sheet.termination_reasons) or "解除合同提示"
        person = sheet.person
        number = f"（工号{person.employee_no}）" if person.employee_no else ""
        written += send_alert(
            recipients=directors,
            kind=FLAG_KIND,
            message=f"{appraisal_month}：{person}{number}考核分{sheet.score}，{reasons}",
            url=reverse("quality:sheet_print", kwargs={"pk": sheet.pk}),
            subject=f"quality.appraisalsheet:{sheet.pk}",
        )
    return written
