"""Patrol plans and patrols (I4; seed 000 ch.7 第四条(一)): the team patrols its districts by area and
target type (hydrants, building sites, public bodies, estates, factories, hotels, markets) according to a
yearly plan split into months. An inspector drafts the year's plan, the center director (not the drafter)
approves it; a change to an approved plan sends it back for approval. Each patrol is recorded by two
inspectors or more (第三条(三)). At the month's end the areas and target types behind plan are alerted,
once a month, to the inspectors and the director.

Every write: keyword-only arguments, @transaction.atomic, its event (PatrolEvents) in the same
transaction."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from kefu.accounts.models import Role, ServiceArea, User
from kefu.core import periods
from kefu.core.alerts import send_alert
from kefu.core.claims import claim
from kefu.core.params import EARLIEST_MONTH_YEAR, LATEST_YEAR
from kefu.core.policies import policy
from kefu.inspection.events import PatrolEvents, inspection_event
from kefu.inspection.models import Patrol, PatrolPlan, PatrolPlanLine, TargetType
from kefu.inspection.sources import CH7

BEHIND_KIND = "inspection.patrol_behind"
ALERT_KINDS: dict[str, str] = {BEHIND_KIND: "巡查进度落后于年度计划"}
JOB = "inspection.patrol_behind"

DRAFT = "inspection.add_patrolplan"
CHANGE = "inspection.change_patrolplan"
APPROVE = "inspection.approve_patrolplan"
RECORD = "inspection.add_patrol"
MIN_KEY = "inspection.min_inspectors"  # the cases' rule: one minimum for every task (第三条(三))
MAX_PLANNED = 999  # a month's count for one area and target type; more is a typo
PLACES_LIMIT = 300
FINDINGS_LIMIT = 5000
CLAUSE_PAIR = f"{CH7}第三条(三)"
CLAUSE_PLAN = f"{CH7}第四条(一)"


# ---------------------------------------------------------------- the default counts rule


def parse_default_counts(text: str) -> dict[str, int]:
    """ "hydrant:2,construction:2,…" as {target type: monthly count}; a Chinese ValidationError for a
    code that is no target type, a count that is not a whole number, or a type named twice."""
    counts: dict[str, int] = {}
    labels = dict(TargetType.choices)
    for piece in str(text or "").split(","):
        piece = piece.strip()
        if not piece:
            continue
        code, sep, number = piece.partition(":")
        code, number = code.strip(), number.strip()
        if not sep or code not in labels:
            names = "、".join(TargetType.values)
            raise ValidationError(f"「{piece}」不是“巡查对象:次数”：巡查对象应为{names}之一")
        if not (number.isascii() and number.isdigit()) or int(number) > MAX_PLANNED:
            raise ValidationError(f"「{piece}」的次数应为0至{MAX_PLANNED}的整数")
        if code in counts:
            raise ValidationError(f"巡查对象{labels[code]}写了两次")
        counts[code] = int(number)
    return counts


def check_default_counts(text: str) -> None:
    parse_default_counts(text)


def default_counts() -> dict[str, int]:
    counts = parse_default_counts(policy("inspection.patrol_default_counts"))
    return {code: counts.get(code, 0) for code in TargetType.values}


# ---------------------------------------------------------------- plan lines


@dataclass(frozen=True)
class Line:
    """One cell of the plan: an area, a target type, a month and its planned count."""

    area: ServiceArea | int
    target_type: str
    month: int
    planned: int

    @property
    def area_id(self) -> int:
        return getattr(self.area, "pk", self.area)


def _as_line(value) -> Line:
    if isinstance(value, Line):
        return value
    if isinstance(value, dict):
        return Line(value["area"], value["target_type"], value["month"], value["planned"])
    return Line(*value)


def _check_lines(lines: Iterable) -> list[Line]:
    checked: dict[tuple[int, str, int], Line] = {}
    for raw in lines:
        line = _as_line(raw)
        if line.target_type not in TargetType.values:
            raise ValidationError(
                {"target_type": f"巡查对象「{line.target_type}」不在{CLAUSE_PLAN}所列的范围内"}
            )
        if not isinstance(line.month, int) or not 1 <= line.month <= 12:
            raise ValidationError({"month": f"月份「{line.month}」应在1至12之间"})
        if not isinstance(line.planned, int) or isinstance(line.planned, bool):
            raise ValidationError({"planned": "计划次数应为整数"})
        if not 0 <= line.planned <= MAX_PLANNED:
            raise ValidationError({"planned": f"计划次数应在0至{MAX_PLANNED}之间"})
        checked[(line.area_id, line.target_type, line.month)] = line
    areas = {area_id for area_id, _t, _m in checked}
    known = set(ServiceArea.objects.filter(pk__in=areas).values_list("pk", flat=True))
    if areas - known:
        raise ValidationError({"area": "片区不存在：" + "、".join(map(str, sorted(areas - known)))})
    return list(checked.values())


def _write_lines(plan: PatrolPlan, lines: list[Line]) -> dict[str, list[int]]:
    """Bring the plan's cells to `lines` (a zero where a cell had a count keeps the row at 0); the
    changes as {"area-type-month": [old, new]}."""
    existing = {
        (row.area_id, row.target_type, row.month): row
        for row in PatrolPlanLine.objects.select_for_update().filter(
            plan=plan, area_id__in={line.area_id for line in lines}
        )
    }
    changes: dict[str, list[int]] = {}
    create, update = [], []
    for line in lines:
        key = (line.area_id, line.target_type, line.month)
        row = existing.get(key)
        if row is None:
            if line.planned:
                create.append(
                    PatrolPlanLine(
                        plan=plan,
                        area_id=line.area_id,
                        target_type=line.target_type,
                        month=line.month,
                        planned=line.planned,
                    )
                )
                changes[f"{line.area_id}-{line.target_type}-{line.month}"] = [0, line.planned]
        elif row.planned != line.planned:
            changes[f"{line.area_id}-{line.target_type}-{line.month}"] = [row.planned, line.planned]
            row.planned = line.planned
            update.append(row)
    PatrolPlanLine.objects.bulk_create(create)
    if update:
        now = timezone.now()
        for row in update:
            row.updated_at = now
        PatrolPlanLine.objects.bulk_update(update, ["planned", "updated_at"])
    return changes


def _check_year(year) -> int:
    if not isinstance(year, int) or isinstance(year, bool) or not EARLIEST_MONTH_YEAR <= year <= LATEST_YEAR:
        raise ValidationError({"year": f"年度应在{EARLIEST_MONTH_YEAR}至{LATEST_YEAR}之间"})
    this_year = timezone.localdate().year
    if year > this_year + 1:
        raise ValidationError({"year": f"只能编制今年或明年（{this_year + 1}年）的巡查年度计划"})
    return year


def default_lines(areas: Iterable[ServiceArea]) -> list[Line]:
    counts = default_counts()
    return [
        Line(area, code, month, counts[code])
        for area in areas
        for code in TargetType.values
        for month in range(1, 13)
        if counts[code]
    ]


@transaction.atomic
def draft_plan(*, actor, year: int, lines: Iterable | None = None, note: str = "") -> PatrolPlan:
    """The year's plan (one per year), with its lines (area, target type, month, planned count); without
    lines, every active service area gets the default monthly counts of `inspection.patrol_default_counts`."""
    if not actor.has_perm(DRAFT):
        raise PermissionDenied("只有稽查员可以编制巡查年度计划")
    year = _check_year(year)
    if PatrolPlan.objects.filter(year=year).exists():
        raise ValidationError({"year": f"{year}年的巡查年度计划已经编制（每年一份），请在原计划上调整"})
    checked = _check_lines(default_lines(ServiceArea.objects.filter(active=True)) if lines is None else lines)
    plan = PatrolPlan.objects.create(year=year, drafted_by=actor, note=(note or "").strip()[:300])
    _write_lines(plan, checked)
    inspection_event(
        actor=actor,
        target=plan,
        verb=PatrolEvents.PLAN_DRAFTED,
        changes={"year": year, "planned": sum(line.planned for line in checked)},
    )
    return plan


def _change(*, actor, plan: PatrolPlan, lines: list[Line], note: str) -> PatrolPlan:
    if not actor.has_perm(CHANGE):
        raise PermissionDenied("只有稽查员可以调整巡查计划")
    plan = PatrolPlan.objects.select_for_update().get(pk=plan.pk)
    changes = _write_lines(plan, lines)
    if not changes:
        return plan
    record: dict = {"lines": changes}
    if plan.state == PatrolPlan.State.APPROVED:
        # A change to an approved plan is a new plan to approve (第四条(一): 按照领导要求及年度计划).
        record["state"] = [PatrolPlan.State.APPROVED, PatrolPlan.State.DRAFT]
        plan.state = PatrolPlan.State.DRAFT
        plan.approved_by = None
        plan.approved_at = None
        plan.save(update_fields=["state", "approved_by", "approved_at", "updated_at"])
    else:
        plan.save(update_fields=["updated_at"])
    inspection_event(actor=actor, target=plan, verb=PatrolEvents.PLAN_CHANGED, changes=record, note=note)
    return plan


@transaction.atomic
def set_lines(*, actor, plan: PatrolPlan, lines: Iterable, note: str = "") -> PatrolPlan:
    """Bulk edit: the cells given take their new counts (0 clears one). An approved plan that changes
    goes back to 草拟 and must be approved again."""
    return _change(actor=actor, plan=plan, lines=_check_lines(lines), note=note)


@transaction.atomic
def set_line(
    *, actor, plan: PatrolPlan, area: ServiceArea, target_type: str, month: int, planned: int
) -> PatrolPlan:
    return _change(
        actor=actor, plan=plan, lines=_check_lines([Line(area, target_type, month, planned)]), note=""
    )


def spread(yearly: int) -> list[int]:
    """A yearly count over the twelve months, evenly; the remainder goes to the first months."""
    base, extra = divmod(yearly, 12)
    return [base + (1 if month < extra else 0) for month in range(12)]


@transaction.atomic
def split_year(*, actor, plan: PatrolPlan, area: ServiceArea, target_type: str, yearly: int) -> PatrolPlan:
    """Spread `yearly` patrols of one area and target type over the 12 months (remainder to the first
    months), replacing that row's monthly counts."""
    if not isinstance(yearly, int) or isinstance(yearly, bool) or not 0 <= yearly <= MAX_PLANNED * 12:
        raise ValidationError({"yearly": f"全年次数应在0至{MAX_PLANNED * 12}之间"})
    lines = [Line(area, target_type, month, count) for month, count in enumerate(spread(yearly), start=1)]
    return _change(actor=actor, plan=plan, lines=_check_lines(lines), note=f"全年{yearly}次按月平均分配")


def can_approve(user, plan: PatrolPlan) -> bool:
    return bool(
        user.has_perm(APPROVE) and plan.state == PatrolPlan.State.DRAFT and plan.drafted_by_id != user.pk
    )


@transaction.atomic
def approve_plan(*, actor, plan: PatrolPlan) -> PatrolPlan:
    """The center director approves the year's plan; not the one who drafted it. Approving again is
    answered with the plan as it stands."""
    if not actor.has_perm(APPROVE):
        raise PermissionDenied("巡查年度计划由中心主任批准")
    plan = PatrolPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.drafted_by_id == actor.pk:
        raise PermissionDenied("编制人不能批准自己编制的巡查年度计划")
    if plan.state == PatrolPlan.State.APPROVED:
        return plan
    if not plan.lines.filter(planned__gt=0).exists():
        raise ValidationError({"lines": f"{plan.year}年的巡查计划还没有任何计划次数，不能批准"})
    plan.state = PatrolPlan.State.APPROVED
    plan.approved_by = actor
    plan.approved_at = timezone.now()
    plan.save(update_fields=["state", "approved_by", "approved_at", "updated_at"])
    inspection_event(
        actor=actor,
        target=plan,
        verb=PatrolEvents.PLAN_APPROVED,
        changes={"state": [PatrolPlan.State.DRAFT, PatrolPlan.State.APPROVED]},
    )
    return plan


# ---------------------------------------------------------------- patrols


def active_inspectors() -> QuerySet[User]:
    """Who may go on a patrol: the active 稽查员."""
    return User.objects.filter(role=Role.FIELD_INSPECTOR, is_active=True).order_by("employee_no", "pk")


@transaction.atomic
def record_patrol(
    *,
    actor,
    area: ServiceArea,
    target_type: str,
    patrolled_on: date,
    inspectors: Iterable[User],
    places: str,
    findings: str = "",
) -> Patrol:
    """One patrol done: at least `inspection.min_inspectors` inspectors (第三条(三)), all active
    稽查员, on a day not in the future, an area and a target type of the plan's range."""
    if not actor.has_perm(RECORD):
        raise PermissionDenied("只有稽查员可以登记巡查")
    errors: dict[str, str] = {}
    if area is None or not getattr(area, "pk", None):
        errors["area"] = "请选择巡查片区"
    elif not area.active:
        errors["area"] = f"片区{area}已停用"
    if target_type not in TargetType.values:
        errors["target_type"] = f"请选择巡查对象（{CLAUSE_PLAN}所列的对象）"
    if not isinstance(patrolled_on, date) or isinstance(patrolled_on, datetime):
        errors["patrolled_on"] = "请填写巡查日期"
    elif patrolled_on > timezone.localdate():
        errors["patrolled_on"] = f"巡查日期{patrolled_on:%Y-%m-%d}在今天之后：只能登记已完成的巡查"
    elif patrolled_on.year < EARLIEST_MONTH_YEAR:
        errors["patrolled_on"] = f"巡查日期应在{EARLIEST_MONTH_YEAR}年之后"
    places = (places or "").strip()
    if not places:
        errors["places"] = "请填写巡查地点"
    elif len(places) > PLACES_LIMIT:
        errors["places"] = f"巡查地点不超过{PLACES_LIMIT}字"
    findings = (findings or "").strip()
    if len(findings) > FINDINGS_LIMIT:
        errors["findings"] = f"巡查情况不超过{FINDINGS_LIMIT}字"
    people = {person.pk: person for person in inspectors if person is not None}
    least = policy(MIN_KEY)
    if len(people) < least:
        errors["inspectors"] = (
            f"巡查须有{least}名以上稽查人员（{CLAUSE_PAIR}：稽查人员必须二人以上），现有{len(people)}名"
        )
    else:
        wrong = [
            str(person)
            for person in people.values()
            if not person.is_active or person.role != Role.FIELD_INSPECTOR
        ]
        if wrong:
            errors["inspectors"] = "、".join(wrong) + "不是在岗的稽查员，不能作为巡查人员"
    if errors:
        raise ValidationError(errors)
    patrol = Patrol.objects.create(
        area=area,
        target_type=target_type,
        patrolled_on=patrolled_on,
        places=places,
        findings=findings,
        recorded_by=actor,
    )
    # A new patrol has no inspectors yet: one insert, not set()'s read-then-write.
    Patrol.inspectors.through.objects.bulk_create(
        [Patrol.inspectors.through(patrol_id=patrol.pk, user_id=pk) for pk in people]
    )
    inspection_event(
        actor=actor,
        target=patrol,
        verb=PatrolEvents.RECORDED,
        changes={
            "area": area.pk,
            "target_type": target_type,
            "patrolled_on": f"{patrolled_on:%Y-%m-%d}",
            "inspectors": sorted(people),
        },
    )
    return patrol


# ---------------------------------------------------------------- the month's check (run_due)


def check_day(year: int, month: int) -> date:
    """The day the month's progress is checked: its last day, or `inspection.patrol_check_days_before_end`
    days before."""
    last = periods.month(year, month).last_day
    return max(last - timedelta(days=policy("inspection.patrol_check_days_before_end")), last.replace(day=1))


def _recipients() -> list[User]:
    return list(User.objects.filter(role__in=[Role.FIELD_INSPECTOR, Role.CENTER_DIRECTOR], is_active=True))


def run_due(now) -> list[str]:
    """On the month's check day (or later in the month), the areas and target types of the approved plan
    behind it get one alert to the inspectors and the center director; the month is claimed once."""
    from kefu.inspection.selectors_patrols import behind_plan

    today = timezone.localtime(now).date()
    if today < check_day(today.year, today.month):
        return []
    plan = PatrolPlan.objects.filter(year=today.year, state=PatrolPlan.State.APPROVED).first()
    if plan is None:
        return []
    period = f"{today.year}-{today.month:02d}"
    with transaction.atomic():
        rows = behind_plan(today.year, today.month)
        if claim(JOB, period, summary={"behind": len(rows)}) is None:
            return []
        if not rows:
            return [f"巡查：{today.year}年{today.month}月各片区巡查均已按计划完成"]
        parts = [f"{row.area}{row.label}计划{row.planned}次完成{row.done}次" for row in rows]
        message = f"{today.year}年{today.month}月巡查进度落后于年度计划：" + "；".join(parts)
        told = send_alert(
            recipients=_recipients(),
            kind=BEHIND_KIND,
            message=message,
            url=reverse("inspection:patrol_plan") + f"?year={today.year}&month={today.month}",
            subject=f"inspection.patrolplan:{plan.pk}:{period}",
        )
    return [f"巡查：{today.year}年{today.month}月有{len(rows)}项进度落后于计划，已提醒{told}人"]
