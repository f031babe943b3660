"""An appraisal sheet: drafted from the records, lines entered by hand, the adjustment, recomputed
(Q2, Q4).

- `draft_sheet` creates or refreshes a person's sheet: the team and joining date are snapshot, the
  lines the records give (kefu.quality.collect) are added once each (constraint
  appraisalline_evidence_once), automatic lines whose record no longer qualifies are voided, manual
  lines are kept, and the sheet is computed. A line struck off by a person (an appeal) is not added
  again by a later drafting.
- `add_line` (the training specialist; on the specialist's own sheet only a reviewer — a team leader or
  the department head — 002: 培训专员的考核由主管评分), `void_line` with a reason, `adjust` (a team leader's
  sheet only, by holders of quality.adjust_appraisalsheet — 002: 培训专员可以根据各组长本月工作整体表现给与
  额外的奖惩).
- A locked month (主任已批准) refuses every change except through an appeal: the months service calls
  add_line / void_line with `allow_locked=True` after checking the appeal decider's permission.
"""

from collections import defaultdict
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kefu.accounts.models import Role
from kefu.core.permissions import require
from kefu.core.policies import policy
from kefu.quality import collect, computation, rules
from kefu.quality.events import AppraisalEvents, quality_event, quality_events
from kefu.quality.models import AppraisalItem, AppraisalLine, AppraisalMonth, AppraisalSheet, ItemSource

# A line voided by drafting because its record no longer qualifies starts with this; drafting may add
# it again when the record qualifies again. A line voided by a person is never added back.
AUTO_VOID = "记录已不再符合："
LAST_PLACE_MARK = "班组最后一名"
RESULT_FIELDS = ("score", "grade", "pay_delta", "termination_flag")
REVIEWER_ROLES = (Role.TEAM_LEADER, Role.DEPARTMENT_HEAD, Role.CENTER_DIRECTOR)
# The items a person enters by hand; the others come from the records (collect.py) and are corrected
# there (an appeal may still add or strike any item).
HAND_SOURCES = (ItemSource.MANUAL, ItemSource.EMERGENCY_LATE)


def joined_on_of(person) -> date | None:
    if getattr(person, "hired_on", None):
        return person.hired_on
    joined = getattr(person, "date_joined", None)
    return timezone.localdate(joined) if joined else None


def _locked_sheets():
    return AppraisalSheet.objects.select_for_update().select_related("appraisal_month", "person")


def _refuse_locked(sheet: AppraisalSheet, allow_locked: bool) -> None:
    if sheet.appraisal_month.status == AppraisalMonth.Status.LOCKED and not allow_locked:
        raise ValidationError(
            {"__all__": [f"{sheet.appraisal_month}已经客服部主任批准锁定，只能通过考核申诉更正"]}
        )


def check_writer(sheet: AppraisalSheet, actor, permission: str) -> None:
    """Who may change a sheet's lines: the training specialist (the permission), never on their own
    sheet; the specialist's own sheet is scored by a reviewer (002: 培训专员的考核由主管评分)."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied("请先登录")
    if sheet.person_id == actor.pk and not actor.is_superuser:
        raise PermissionDenied("不能修改本人的考核表")
    if sheet.person.role == Role.TRAINING_SPECIALIST:
        if actor.is_superuser or actor.role in REVIEWER_ROLES:
            return
        raise PermissionDenied("培训专员的考核由主管（班长）或客服部主任评分")
    require(actor, permission)


def _last_place(sheet: AppraisalSheet, value: bool | None) -> bool:
    if value is not None:
        return value
    return any(LAST_PLACE_MARK in reason for reason in sheet.termination_reasons or [])


RESULT_SAVE_FIELDS = [
    "score",
    "grade",
    "pay_delta",
    "termination_flag",
    "termination_reasons",
    "computed_lines",
    "computed_at",
    "updated_at",
]


def _compute_into(
    sheet: AppraisalSheet, items: list[computation.Item], *, last_place: bool, rules: dict | None = None
) -> list[dict]:
    """Set the sheet's result from its live lines' items (not saved); the events the change calls for
    (verb, changes, note), written by the caller with the sheet saved."""
    result = computation.compute(
        month=sheet.appraisal_month.month,
        joined_on=sheet.joined_on,
        items=items,
        adjustment=sheet.adjustment,
        adjustment_reason=sheet.adjustment_reason,
        last_place_twice_below=last_place,
        rules=rules,
    )
    before = (sheet.score, sheet.grade, sheet.pay_delta, sheet.termination_flag)
    was_flagged = sheet.termination_flag
    sheet.score = result.score
    sheet.grade = result.grade or ""
    sheet.pay_delta = result.pay_delta
    sheet.termination_flag = result.termination_flag
    sheet.termination_reasons = result.termination_reasons
    sheet.computed_lines = result.lines
    sheet.computed_at = timezone.now()
    after = (sheet.score, sheet.grade, sheet.pay_delta, sheet.termination_flag)
    events = []
    if before != after and sheet.computed_lines:
        changes = {
            name: [old, new]
            for name, old, new in zip(
                ("score", "grade", "pay_delta", "termination_flag"), before, after, strict=True
            )
            if old != new
        }
        events.append({"verb": AppraisalEvents.SHEET_RECOMPUTED, "changes": changes, "note": ""})
    if sheet.termination_flag and not was_flagged:
        events.append(
            {"verb": AppraisalEvents.FLAGGED, "changes": None, "note": "；".join(sheet.termination_reasons)}
        )
    return events


def _items_of(lines) -> list[computation.Item]:
    """The computation's items from (kind, points, item name) of the live lines, in the sheet's order."""
    return [computation.Item(kind, points, name) for kind, points, name in lines]


LIVE_LINE_ORDER = ("kind", "occurred_on", "id")


def recompute(
    sheet: AppraisalSheet, *, actor=None, last_place_twice_below: bool | None = False
) -> AppraisalSheet:
    """Compute the sheet from its lines (kefu.quality.computation.compute) and store the result.
    `last_place_twice_below=None` keeps what the monthly close last decided (a line added later)."""
    lines = (
        sheet.lines.filter(void=False).order_by(*LIVE_LINE_ORDER).values_list("kind", "points", "item__name")
    )
    events = _compute_into(sheet, _items_of(lines), last_place=_last_place(sheet, last_place_twice_below))
    sheet.save(update_fields=RESULT_SAVE_FIELDS)
    for event in events:
        quality_event(actor=actor, target=sheet, **event)
    return sheet


def _refuse_late_joiner(person, month: date) -> date | None:
    joined_on = joined_on_of(person)
    if joined_on is not None and date(joined_on.year, joined_on.month, 1) > month:
        raise ValidationError({"person": [f"{person}于{joined_on:%Y-%m-%d}入职，{month:%Y年%m月}不参加考核"]})
    return joined_on


def _refresh_lines(
    sheet: AppraisalSheet, found: list[collect.Found], existing: list[AppraisalLine], *, created: bool
) -> tuple[list[AppraisalLine], list[AppraisalLine], dict | None]:
    """The drafting of one sheet, unsaved: the automatic lines voided because their record no longer
    qualifies (void set), the new lines the records give (each once, never one struck off by a person),
    and the SHEET_DRAFTED event when anything changed or the sheet is new."""
    found_by_key = {row.key: row for row in found}
    live = {(line.item_id, line.evidence): line for line in existing if not line.void}
    struck = {
        (line.item_id, line.evidence)
        for line in existing
        if line.void and not line.void_reason.startswith(AUTO_VOID)
    }
    now = timezone.now()
    voided, new_lines = [], []
    for key, line in live.items():
        if key not in found_by_key:
            line.void = True
            line.void_reason = f"{AUTO_VOID}{line.note}"[:300]
            line.updated_at = now
            voided.append(line)
    for key, row in found_by_key.items():
        if key in live or key in struck:
            continue
        new_lines.append(
            AppraisalLine(
                sheet=sheet,
                item=row.item,
                kind=row.item.kind,
                points=row.points,
                occurred_on=row.occurred_on,
                note=row.note,
                evidence=row.evidence,
                evidence_url=row.evidence_url[:200],
                automatic=True,
            )
        )
    event = None
    if created or new_lines or voided:
        added = [line.note for line in new_lines]
        gone = [line.note for line in voided]
        event = {
            "verb": AppraisalEvents.SHEET_DRAFTED,
            "changes": {"added": len(added), "voided": len(gone)},
            "note": "；".join([*(f"新增 {n}" for n in added), *(f"作废 {n}" for n in gone)])[:2000],
        }
    return voided, new_lines, event


VOID_SAVE_FIELDS = ["void", "void_reason", "updated_at"]


@transaction.atomic
def draft_sheet(*, appraisal_month: AppraisalMonth, person, actor) -> AppraisalSheet:
    """Create (or refresh) `person`'s sheet for the month: automatic lines from the records (each with
    its evidence, never doubled), manual lines kept, then computed. The monthly close drafts every
    sheet at once with draft_sheets, which shares every step of this."""
    month = appraisal_month.month
    joined_on = _refuse_late_joiner(person, month)
    sheet, created = AppraisalSheet.objects.select_for_update().get_or_create(
        appraisal_month=appraisal_month,
        person=person,
        defaults={"team_id": person.team_id, "joined_on": joined_on},
    )
    sheet.appraisal_month = appraisal_month
    _refuse_locked(sheet, allow_locked=False)
    if not created and (sheet.team_id, sheet.joined_on) != (person.team_id, joined_on):
        sheet.team_id, sheet.joined_on = person.team_id, joined_on
        sheet.save(update_fields=["team", "joined_on", "updated_at"])
    existing = list(sheet.lines.filter(automatic=True))
    voided, new_lines, event = _refresh_lines(
        sheet, collect.lines_for(person, month), existing, created=created
    )
    if voided:
        AppraisalLine.objects.bulk_update(voided, VOID_SAVE_FIELDS)
    AppraisalLine.objects.bulk_create(new_lines)
    if event:
        quality_event(actor=actor, target=sheet, **event)
    return recompute(sheet, actor=actor, last_place_twice_below=None)


@transaction.atomic
def draft_sheets(*, appraisal_month: AppraisalMonth, people, actor) -> list[AppraisalSheet]:
    """draft_sheet for every one of `people`, in bulk (the monthly close, inside its transaction): the
    records read once per source for all (collect.lines_for_all), the rules and the catalogue once, the
    sheets, lines and events written in a few statements. The same sheets, lines and history as
    draft_sheet person by person."""
    month = appraisal_month.month
    people = list(people)
    joined = {person.pk: _refuse_late_joiner(person, month) for person in people}
    found = collect.lines_for_all(people, month)
    by_person = {
        sheet.person_id: sheet
        for sheet in AppraisalSheet.objects.select_for_update().filter(
            appraisal_month=appraisal_month, person_id__in=list(joined)
        )
    }
    created_ids = {person.pk for person in people if person.pk not in by_person}
    new_sheets = [
        AppraisalSheet(
            appraisal_month=appraisal_month,
            person=person,
            team_id=person.team_id,
            joined_on=joined[person.pk],
        )
        for person in people
        if person.pk in created_ids
    ]
    AppraisalSheet.objects.bulk_create(new_sheets)
    by_person.update((sheet.person_id, sheet) for sheet in new_sheets)
    now = timezone.now()
    moved = []
    for person in people:
        sheet = by_person[person.pk]
        sheet.appraisal_month, sheet.person = appraisal_month, person
        _refuse_locked(sheet, allow_locked=False)
        if person.pk not in created_ids and (sheet.team_id, sheet.joined_on) != (
            person.team_id,
            joined[person.pk],
        ):
            sheet.team_id, sheet.joined_on, sheet.updated_at = person.team_id, joined[person.pk], now
            moved.append(sheet)
    if moved:
        AppraisalSheet.objects.bulk_update(moved, ["team", "joined_on", "updated_at"])
    existing: dict[int, list[AppraisalLine]] = defaultdict(list)
    refreshed = [by_person[pk].pk for pk in joined if pk not in created_ids]
    if refreshed:
        lines = AppraisalLine.objects.filter(sheet_id__in=refreshed, automatic=True)
        # Each sheet's lines in the order draft_sheet reads them (the model's, without its joins).
        for line in lines.order_by("sheet_id", *LIVE_LINE_ORDER):
            existing[line.sheet_id].append(line)
    voided, new_lines, events = [], [], defaultdict(list)
    for person in people:
        sheet = by_person[person.pk]
        gone, added, event = _refresh_lines(
            sheet, found[person.pk], existing[sheet.pk], created=person.pk in created_ids
        )
        voided += gone
        new_lines += added
        if event:
            events[sheet.pk].append(event)
    if voided:
        AppraisalLine.objects.bulk_update(voided, VOID_SAVE_FIELDS, batch_size=500)
    AppraisalLine.objects.bulk_create(new_lines, batch_size=1000)
    live: dict[int, list] = defaultdict(list)
    rows = (
        AppraisalLine.objects.filter(sheet_id__in=[sheet.pk for sheet in by_person.values()], void=False)
        .order_by("sheet_id", *LIVE_LINE_ORDER)
        .values_list("sheet_id", "kind", "points", "item__name")
    )
    for sheet_id, *line in rows:
        live[sheet_id].append(line)
    rules = computation.read_rules()
    drafted = []
    for person in people:
        sheet = by_person[person.pk]
        events[sheet.pk] += _compute_into(
            sheet, _items_of(live[sheet.pk]), last_place=_last_place(sheet, None), rules=rules
        )
        sheet.updated_at = sheet.computed_at
        drafted.append(sheet)
    AppraisalSheet.objects.bulk_update(drafted, RESULT_SAVE_FIELDS, batch_size=500)
    quality_events(actor=actor, rows=[(sheet, event) for sheet in drafted for event in events[sheet.pk]])
    return drafted


def _pick_emergency_item(minutes: int) -> tuple[AppraisalItem, int]:
    points = rules.emergency_late_points(minutes)
    items = AppraisalItem.objects.filter(source=ItemSource.EMERGENCY_LATE, active=True).order_by("min_points")
    for item in items:
        if item.min_points <= points <= item.max_points:
            return item, points
    raise ValidationError({"minutes": [f"超时{minutes}分钟应扣{points}分，考核项目中没有启用的对应档次"]})


@transaction.atomic
def add_line(
    *,
    sheet: AppraisalSheet,
    actor,
    item: AppraisalItem | None = None,
    points: int | None = None,
    note: str = "",
    occurred_on: date | None = None,
    minutes: int | None = None,
    allow_locked: bool = False,
) -> AppraisalLine:
    """A line entered by hand with its note. `minutes` (突发事件处理超时) picks the tier's item and points
    by rule quality.emergency_late_tiers. With `allow_locked` (an appeal decided by the months service,
    which checked the decider's permission) a locked month may change and any item may be added."""
    sheet = (
        AppraisalSheet.objects.select_for_update()
        .select_related("appraisal_month", "person")
        .get(pk=sheet.pk)
    )
    _refuse_locked(sheet, allow_locked)
    if not allow_locked:
        check_writer(sheet, actor, "quality.add_appraisalline")
    errors: dict[str, list[str]] = {}
    note = (note or "").strip()
    if minutes is not None:
        if minutes <= 0:
            raise ValidationError({"minutes": ["超时分钟应大于0"]})
        item, points = _pick_emergency_item(minutes)
        note = f"超时{minutes}分钟；{note}" if note else f"超时{minutes}分钟"
    if item is None:
        raise ValidationError({"item": ["请选择考核项目"]})
    if not item.active:
        errors["item"] = [f"考核项目“{item.name}”已停用"]
    elif item.source not in HAND_SOURCES and not allow_locked:
        errors["item"] = [
            f"“{item.name}”由系统从记录取数（{item.get_source_display()}），请在原记录中登记或更正后重新取数"
        ]
    if points is None and item.min_points == item.max_points:
        points = item.min_points
    if points is None:
        errors["points"] = [f"请填写分值（{item.min_points}至{item.max_points}分）"]
    elif not item.min_points <= points <= item.max_points:
        span = (
            f"{item.min_points}分"
            if item.min_points == item.max_points
            else f"{item.min_points}至{item.max_points}分"
        )
        errors["points"] = [f"“{item.name}”每次分值为{span}（{item.clause or '考核项目目录'}）"]
    if not note:
        errors["note"] = ["请写明情况说明（考核制度：未由系统取数的项目由培训专员录入并说明）"]
    first, last = collect.month_bounds(sheet.appraisal_month.month)
    if occurred_on is not None and not first <= occurred_on <= last:
        errors["occurred_on"] = [f"日期应在考核月份{first:%Y-%m}内"]
    if errors:
        raise ValidationError(errors)
    line = AppraisalLine.objects.create(
        sheet=sheet,
        item=item,
        kind=item.kind,
        points=points,
        occurred_on=occurred_on,
        note=note[:300],
        automatic=False,
        entered_by=actor,
    )
    quality_event(
        actor=actor,
        target=sheet,
        verb=AppraisalEvents.LINE_ADDED,
        changes={"item": item.name, "points": points},
        note=note,
    )
    recompute(sheet, actor=actor, last_place_twice_below=None)
    return line


@transaction.atomic
def void_line(*, line: AppraisalLine, actor, reason: str, allow_locked: bool = False) -> AppraisalLine:
    """Strike a line off with the reason; it stays on the sheet, marked void. Striking a line already
    void answers with it unchanged."""
    line = AppraisalLine.objects.select_for_update().select_related("item").get(pk=line.pk)
    sheet = (
        AppraisalSheet.objects.select_for_update()
        .select_related("appraisal_month", "person")
        .get(pk=line.sheet_id)
    )
    if line.void:
        return line
    _refuse_locked(sheet, allow_locked)
    if not allow_locked:
        check_writer(sheet, actor, "quality.change_appraisalline")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["请写明作废原因"]})
    line.void = True
    line.void_reason = reason[:300]
    line.save(update_fields=["void", "void_reason", "updated_at"])
    quality_event(
        actor=actor,
        target=sheet,
        verb=AppraisalEvents.LINE_VOIDED,
        changes={"item": line.item.name, "points": line.points},
        note=reason,
    )
    recompute(sheet, actor=actor, last_place_twice_below=None)
    return line


@transaction.atomic
def adjust(*, sheet: AppraisalSheet, actor, adjustment: int, reason: str) -> AppraisalSheet:
    """额外奖惩 on a team leader's sheet: −5..+5 (rule quality.adjustment_max), a reason when not 0."""
    require(actor, "quality.adjust_appraisalsheet")
    sheet = (
        AppraisalSheet.objects.select_for_update()
        .select_related("appraisal_month", "person")
        .get(pk=sheet.pk)
    )
    _refuse_locked(sheet, allow_locked=False)
    if sheet.person_id == actor.pk:
        raise PermissionDenied("不能给本人额外奖惩")
    if sheet.person.role != Role.TEAM_LEADER:
        raise ValidationError(
            {
                "adjustment": [
                    "额外奖惩只适用于班长（组长）的考核表（考核制度：培训专员可以根据各组长本月工作整体表现给与额外的奖惩）"
                ]
            }
        )
    reason = (reason or "").strip()
    # The table's check constraint holds ±5 whatever the rule says.
    limit = min(policy("quality.adjustment_max"), 5)
    if not isinstance(adjustment, int) or not -limit <= adjustment <= limit:
        raise ValidationError({"adjustment": [f"额外奖惩应为-{limit}至{limit}之间的整数"]})
    if adjustment and not reason:
        raise ValidationError({"reason": ["额外奖惩不为0时必须说明理由"]})
    if (sheet.adjustment, sheet.adjustment_reason) == (adjustment, reason if adjustment else ""):
        return sheet
    before = [sheet.adjustment, sheet.adjustment_reason]
    sheet.adjustment = adjustment
    sheet.adjustment_reason = reason if adjustment else ""
    sheet.adjusted_by = actor
    sheet.save(update_fields=["adjustment", "adjustment_reason", "adjusted_by", "updated_at"])
    quality_event(
        actor=actor,
        target=sheet,
        verb=AppraisalEvents.ADJUSTED,
        changes={
            "adjustment": [before[0], adjustment],
            "adjustment_reason": [before[1], sheet.adjustment_reason],
        },
        note=reason,
    )
    return recompute(sheet, actor=actor, last_place_twice_below=None)
