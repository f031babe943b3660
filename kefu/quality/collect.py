"""The appraisal lines the center's own records give for one person and one month (Q2 "items come from
the records where the system has them"). Each line names its catalogue item by the item's `source`
(and kind, where one source feeds two items), its evidence "<app>.<model>:<pk>" and a page showing it.
Inactive catalogue items give no lines. Read-only: services/sheets.draft_sheet writes what is found.

Where each comes from:
- lateness (迟到早退, light): each signed-in shift late by less than the discipline limit
  (workforce.late_case_minutes) costs rule quality.late_minor_points; each 迟到 discipline case rule
  quality.late_case_points (kefu.workforce.selectors_attendance.discipline_cases; cases withdrawn by
  an attendance correction are left out there).
- absence (旷工, severe) and away (擅离岗位未告知, light): the 旷工 and 擅离岗位 discipline cases.
- valid complaints: a ComplaintFinding found valid — the quarrel item (severe) when it was a quarrel
  with the customer, else the light complaint-reply item.
- zero valid complaints (bonus): the person took at least one contact in the month and no finding
  against them that month is valid.
- QA results (light): each non-calibration QaCheck of the month, scored or final, that did not pass,
  rule quality.qa_fail_points; a failed critical item costs the light maximum.
- standing-in shifts (顶班, bonus): the workforce has no field that marks a 顶班, and no migration is
  added for one. A shift counts as standing in when its roster note says 顶班, or when it was put on the
  roster by hand (not by a plan or a swap) on the day it starts and is not the person's own shift
  replaced that day (no cancelled entry of theirs that day); either way only when the person signed in.
- entry errors (录入错误, light): each 更正登记 (hotline contact.corrected) event in the month on a contact
  the person took.
- the exam: the month's ExamScore at full marks (rule quality.exam_full_marks) is the bonus, below the
  pass mark (quality.exam_pass_mark) the medium deduction.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from kefu.core.models import Event
from kefu.core.policies import policies
from kefu.hotline.events import HotlineEvents
from kefu.hotline.models import Contact
from kefu.quality.models import AppraisalItem, ComplaintFinding, ExamScore, ItemKind, ItemSource, QaCheck
from kefu.quality.rules import KIND_RULES, parse_range
from kefu.workforce.models import Attendance, DisciplineCase, RosterEntry
from kefu.workforce.selectors_attendance import discipline_cases

STANDING_IN_WORD = "顶班"


@dataclass(frozen=True)
class Found:
    item: AppraisalItem
    points: int
    occurred_on: date | None
    note: str
    evidence: str
    evidence_url: str

    @property
    def key(self) -> tuple[int, str]:
        return (self.item.pk, self.evidence)


def month_bounds(month: date) -> tuple[date, date]:
    first = date(month.year, month.month, 1)
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _url(name: str, *args, query: str = "") -> str:
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    return f"{url}?{query}" if query else url


def evidence_of(record) -> str:
    return f"{record._meta.app_label}.{record._meta.model_name}:{record.pk}"


class _Catalogue:
    """The active catalogue items by (source, kind); the first by position where several match."""

    def __init__(self):
        self.items: dict[tuple[str, str], AppraisalItem] = {}
        for item in AppraisalItem.objects.filter(active=True).exclude(source=ItemSource.MANUAL):
            self.items.setdefault((item.source, item.kind), item)

    def get(self, source: str, kind: str | None = None) -> AppraisalItem | None:
        if kind is not None:
            return self.items.get((source, kind))
        return next((item for (s, _k), item in self.items.items() if s == source), None)


def _fit(item: AppraisalItem, points: int) -> int:
    """A rule's points within the item's own range (an administrator may have narrowed it)."""
    return max(item.min_points, min(item.max_points, points))


# Every rule the collection reads, read once per collection (the monthly close collects for hundreds).
RULE_KEYS = (
    "quality.late_case_points",
    "quality.late_minor_points",
    "workforce.late_case_minutes",
    "quality.qa_fail_points",
    KIND_RULES["light"],
    "quality.exam_full_marks",
    "quality.exam_pass_mark",
)


def read_rules() -> dict:
    return dict(zip(RULE_KEYS, policies(*RULE_KEYS), strict=True))


def lines_for(person, month: date) -> list[Found]:
    """Every line the records give `person` for `month` (the month's first day)."""
    return lines_for_all([person], month)[person.pk]


def lines_for_all(people, month: date, *, rules: dict | None = None) -> dict[int, list[Found]]:
    """person id → every line the records give that person for `month`, each source read once for
    all of `people` (the monthly close): the same lines, in the same order, as lines_for one by one."""
    rules = rules or read_rules()
    catalogue = _Catalogue()
    first, last = month_bounds(month)
    ids = [person.pk for person in people]
    found: dict[int, list[Found]] = {pk: [] for pk in ids}
    for source in (
        _attendance(ids, first, last, catalogue, rules),
        _complaints(ids, first, last, catalogue),
        _qa(ids, first, catalogue, rules),
        _standing_in(ids, first, last, catalogue),
        _entry_errors(ids, first, last, catalogue),
        _exam(ids, first, catalogue, rules),
    ):
        for person_id, rows in source.items():
            found[person_id] += rows
    return found


def _grouped(rows, key) -> dict[int, list]:
    groups: dict[int, list] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    return groups


def _attendance(ids, first: date, last: date, catalogue: _Catalogue, rules: dict) -> dict[int, list[Found]]:
    found: dict[int, list[Found]] = defaultdict(list)
    late_item = catalogue.get(ItemSource.LATENESS)
    absence_item = catalogue.get(ItemSource.ABSENCE)
    away_item = catalogue.get(ItemSource.AWAY)
    cases = list(discipline_cases(start=first, end=last).filter(person_id__in=ids))
    discipline_url = _url("workforce:discipline")
    for case in cases:
        item = {
            DisciplineCase.Kind.LATE: late_item,
            DisciplineCase.Kind.ABSENT: absence_item,
            DisciplineCase.Kind.AWAY: away_item,
        }.get(case.kind)
        if item is None:
            continue
        points = (
            rules["quality.late_case_points"] if case.kind == DisciplineCase.Kind.LATE else item.max_points
        )
        minutes = f"{case.minutes}分钟" if case.minutes else ""
        found[case.person_id].append(
            Found(
                item=item,
                points=_fit(item, points),
                occurred_on=case.occurred_on,
                note=f"{case.get_kind_display()}{minutes}：{case.reason}"[:300],
                evidence=evidence_of(case),
                evidence_url=discipline_url,
            )
        )
    if late_item is None:
        return found
    limit = rules["workforce.late_case_minutes"]
    cased = {case.entry_id for case in cases if case.kind == DisciplineCase.Kind.LATE and case.entry_id}
    minor = (
        Attendance.objects.filter(
            entry__person_id__in=ids,
            entry__status=RosterEntry.Status.SCHEDULED,
            entry__starts_at__gte=_moment(first),
            entry__starts_at__lt=_moment(last + timedelta(days=1)),
            signed_in_at__isnull=False,
            minutes_late__gt=0,
            minutes_late__lt=limit,
        )
        .exclude(entry_id__in=cased)
        .select_related("entry")
        .order_by("entry__starts_at", "id")
    )
    points = _fit(late_item, rules["quality.late_minor_points"])
    for row in minor:
        day = timezone.localdate(row.entry.starts_at)
        found[row.entry.person_id].append(
            Found(
                item=late_item,
                points=points,
                occurred_on=day,
                note=f"迟到{row.minutes_late}分钟（不足{limit}分钟违纪时长）",
                evidence=evidence_of(row),
                evidence_url=_url("workforce:attendance", query=f"day={day:%Y-%m-%d}"),
            )
        )
    return found


def _complaints(ids, first: date, last: date, catalogue: _Catalogue) -> dict[int, list[Found]]:
    found: dict[int, list[Found]] = defaultdict(list)
    findings = ComplaintFinding.objects.filter(
        person_id__in=ids, occurred_on__gte=first, occurred_on__lte=last
    ).select_related("work_order")
    valid = _grouped((finding for finding in findings if finding.valid), lambda finding: finding.person_id)
    for person_id, rows in valid.items():
        for finding in rows:
            kind = ItemKind.SEVERE if finding.quarrel else ItemKind.LIGHT
            item = catalogue.get(ItemSource.VALID_COMPLAINT, kind)
            if item is None:
                continue
            found[person_id].append(
                Found(
                    item=item,
                    points=item.max_points,
                    occurred_on=finding.occurred_on,
                    note=f"有效投诉 {finding.work_order.number}：{finding.note}"[:300],
                    evidence=evidence_of(finding),
                    evidence_url=_url("hotline:work_order", finding.work_order_id),
                )
            )
    zero_item = catalogue.get(ItemSource.ZERO_COMPLAINTS)
    clean = [pk for pk in ids if pk not in valid]
    if zero_item is None or not clean:
        return found
    contacts = (
        Contact.objects.filter(
            agent_id__in=clean,
            received_at__gte=_moment(first),
            received_at__lt=_moment(last + timedelta(days=1)),
        )
        .order_by("received_at", "id")
        .values_list("agent_id", "id")
    )
    first_contact: dict[int, int] = {}
    counts: dict[int, int] = defaultdict(int)
    for agent_id, contact_id in contacts:
        first_contact.setdefault(agent_id, contact_id)
        counts[agent_id] += 1
    evidence_model = f"{Contact._meta.app_label}.{Contact._meta.model_name}"
    for agent_id, contact_id in first_contact.items():
        found[agent_id].append(
            Found(
                item=zero_item,
                points=zero_item.max_points,
                occurred_on=last,
                note=f"当月受理{counts[agent_id]}件，无有效投诉",
                evidence=f"{evidence_model}:{contact_id}",
                evidence_url=_url("hotline:contact", contact_id),
            )
        )
    return found


def _qa(ids, first: date, catalogue: _Catalogue, rules: dict) -> dict[int, list[Found]]:
    item = catalogue.get(ItemSource.QA_RESULT)
    if item is None:
        return {}
    checks = (
        QaCheck.objects.filter(
            agent_id__in=ids,
            month=first,
            calibration__isnull=True,
            status__in=[QaCheck.Status.SCORED, QaCheck.Status.FINAL],
            passed=False,
        )
        .exclude(source=QaCheck.Source.CALIBRATION)
        .select_related("contact")
        .order_by("scored_at", "id")
    )
    light_max = parse_range(rules[KIND_RULES["light"]])[1]
    found: dict[int, list[Found]] = defaultdict(list)
    for check in checks:
        points = light_max if check.critical_failed else rules["quality.qa_fail_points"]
        why = "关键项不合格" if check.critical_failed else f"得分{check.score}，不合格"
        found[check.agent_id].append(
            Found(
                item=item,
                points=_fit(item, points),
                # The day of the call listened to, inside the month appraised (the scoring may be later).
                occurred_on=check.contact.received_on,
                note=f"质检 {check.number}：{why}",
                evidence=evidence_of(check),
                evidence_url=_url("quality:check", check.pk),
            )
        )
    return found


def _standing_in(ids, first: date, last: date, catalogue: _Catalogue) -> dict[int, list[Found]]:
    item = catalogue.get(ItemSource.STANDING_IN)
    if item is None:
        return {}
    entries = list(
        RosterEntry.objects.filter(
            person_id__in=ids, day__gte=first, day__lte=last, status=RosterEntry.Status.SCHEDULED
        )
        .filter(
            Q(note__contains=STANDING_IN_WORD)
            | Q(source=RosterEntry.Source.MANUAL, plan__isnull=True, swap__isnull=True)
        )
        .select_related("shift")
        .order_by("starts_at", "id")
    )
    if not entries:
        return {}
    signed_in = set(
        Attendance.objects.filter(
            entry_id__in=[entry.pk for entry in entries], signed_in_at__isnull=False
        ).values_list("entry_id", flat=True)
    )
    replaced_days = set(
        RosterEntry.objects.filter(
            person_id__in={entry.person_id for entry in entries},
            day__gte=first,
            day__lte=last,
            status=RosterEntry.Status.CANCELLED,
        ).values_list("person_id", "day")
    )
    found: dict[int, list[Found]] = defaultdict(list)
    for entry in entries:
        if entry.pk not in signed_in:
            continue
        marked = STANDING_IN_WORD in entry.note
        same_day = (
            timezone.localdate(entry.created_at) == entry.day
            and (entry.person_id, entry.day) not in replaced_days
        )
        if not (marked or same_day):
            continue
        why = "排班备注为顶班" if marked else "当天临时排班"
        found[entry.person_id].append(
            Found(
                item=item,
                points=item.max_points,
                occurred_on=entry.day,
                note=f"顶班 {entry.day:%m-%d} {entry.shift.name}（{why}）",
                evidence=evidence_of(entry),
                evidence_url=_url("workforce:attendance", query=f"day={entry.day:%Y-%m-%d}"),
            )
        )
    return found


def _entry_errors(ids, first: date, last: date, catalogue: _Catalogue) -> dict[int, list[Found]]:
    item = catalogue.get(ItemSource.ENTRY_ERROR)
    if item is None:
        return {}
    contact_type = ContentType.objects.get_for_model(Contact)
    events = list(
        Event.objects.filter(
            verb=HotlineEvents.CONTACT_CORRECTED,
            target_type=contact_type,
            occurred_at__gte=_moment(first),
            occurred_at__lt=_moment(last + timedelta(days=1)),
        ).order_by("occurred_at", "id")
    )
    if not events:
        return {}
    agent_of = dict(
        Contact.objects.filter(agent_id__in=ids, pk__in={event.target_id for event in events}).values_list(
            "pk", "agent_id"
        )
    )
    found: dict[int, list[Found]] = defaultdict(list)
    for event in events:
        if event.target_id not in agent_of:
            continue
        found[agent_of[event.target_id]].append(
            Found(
                item=item,
                points=item.max_points,
                occurred_on=timezone.localdate(event.occurred_at),
                note=f"受理信息更正：{event.target_repr}"[:300],
                evidence=evidence_of(event),
                evidence_url=_url("hotline:contact", event.target_id),
            )
        )
    return found


def _exam(ids, first: date, catalogue: _Catalogue, rules: dict) -> dict[int, list[Found]]:
    found: dict[int, list[Found]] = {}
    full_marks, pass_mark = rules["quality.exam_full_marks"], rules["quality.exam_pass_mark"]
    exams: dict[int, ExamScore] = {}
    for exam in ExamScore.objects.filter(person_id__in=ids, month=first):
        exams.setdefault(exam.person_id, exam)
    for person_id, exam in exams.items():
        if exam.score >= full_marks:
            item = catalogue.get(ItemSource.EXAM_FULL)
            note = f"月度考试满分（{exam.score}分）"
        elif exam.score < pass_mark:
            item = catalogue.get(ItemSource.EXAM_FAIL)
            note = f"月度考试{exam.score}分，低于{pass_mark}分"
        else:
            continue
        if item is None:
            continue
        found[person_id] = [
            Found(
                item=item,
                points=item.max_points,
                occurred_on=None,
                note=note,
                evidence=evidence_of(exam),
                evidence_url=_url("quality:exams", query=f"month={first:%Y-%m}"),
            )
        ]
    return found
