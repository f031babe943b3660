"""The monthly QA roll-up (Q1, 002 质检员的职责4：每月汇总上交考核; 会议制度3：业务代表会议每月25日前
根据质检检查情况奖优罚劣): per agent and per team, the checks done against the minimum and target, the
average score, the pass rate, critical failures, appeals and their outcomes, and the weakest items.

`month_rollup(month=…, team=…)` is the one read the page, the Excel, the API and the appraisal use.
A check counts once it is scored (scored, under appeal, or final); calibrations do not count. A few
grouped queries for the whole month, whatever the number of agents."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, F, FloatField, Q, Sum
from django.db.models.functions import Cast

from kefu.accounts.models import Role, Team, User
from kefu.core.permissions import require
from kefu.core.policies import DEFAULTS, policy
from kefu.quality.models import CheckScore, QaAppeal, QaCheck
from kefu.quality.services.sampling import LIVE, SCORED_STATES, checkable_contacts, month_bounds

WEAKEST = 3


def rollup_team_scope(user) -> Team | None:
    """None when the user sees every agent (quality.view_all_qachecks); a team leader their own team;
    anyone else is refused. The one rule of the page, the Excel and the API."""
    require(user, "quality.view_qacheck")
    if user.has_perm("quality.view_all_qachecks"):
        return None
    if user.role == Role.TEAM_LEADER and user.team_id:
        return user.team
    raise PermissionDenied("质检月汇总仅质检员、培训专员、客服部主任与班长（本班组）可查看")


@dataclass
class RollupRow:
    """One agent's (or, with agent None, one team's or the whole center's) month of QA."""

    label: str
    agent: User | None = None
    team: Team | None = None
    agents: int = 1
    contacts: int = 0
    scored: int = 0
    pending: int = 0  # proposed, not yet scored
    minimum: int = 0
    target: int = 0
    score_sum: Decimal = Decimal(0)
    passed: int = 0
    critical: int = 0
    appeals: int = 0
    appeals_open: int = 0
    appeals_upheld: int = 0
    appeals_amended: int = 0
    weakest: list[tuple[str, float]] = field(default_factory=list)  # (item, average % of full marks)

    @property
    def average(self) -> Decimal | None:
        if not self.scored:
            return None
        return (self.score_sum / self.scored).quantize(Decimal("0.1"))

    @property
    def pass_rate(self) -> Decimal | None:
        if not self.scored:
            return None
        return (Decimal(100 * self.passed) / self.scored).quantize(Decimal("0.1"))

    @property
    def below_minimum(self) -> bool:
        return self.scored < self.minimum

    def add(self, other: "RollupRow") -> None:
        for name in (
            "contacts",
            "scored",
            "pending",
            "minimum",
            "target",
            "score_sum",
            "passed",
            "critical",
            "appeals",
            "appeals_open",
            "appeals_upheld",
            "appeals_amended",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _grouped(queryset, key: str, **aggregates) -> dict:
    return {row[key]: row for row in queryset.values(key).annotate(**aggregates).order_by()}


def month_rollup(*, month: date, team: Team | None = None) -> list[RollupRow]:
    """One row per agent who took contacts or was checked in the month (of `team` when given),
    ordered by team and staff number."""
    first, following = month_bounds(month)
    minimum = int(policy("quality.checks_min_per_agent"))
    target = int(policy("quality.checks_target_per_agent"))
    contacts = checkable_contacts(first, following)
    checks = QaCheck.objects.filter(LIVE, month=first)
    if team is not None:
        contacts = contacts.filter(agent__team=team)
        checks = checks.filter(agent__team=team)
    contact_counts = dict(
        contacts.values_list("agent_id").annotate(n=Count("pk")).order_by().values_list("agent_id", "n")
    )
    scored = Q(status__in=SCORED_STATES)
    figures = _grouped(
        checks,
        "agent_id",
        scored=Count("pk", filter=scored),
        pending=Count("pk", filter=Q(status=QaCheck.Status.PROPOSED)),
        passed=Count("pk", filter=scored & Q(passed=True)),
        critical=Count("pk", filter=scored & Q(critical_failed=True)),
    )
    sums = dict(
        checks.filter(scored)
        .values_list("agent_id")
        .annotate(total=Sum("score"))
        .order_by()
        .values_list("agent_id", "total")
    )
    appeals = _grouped(
        QaAppeal.objects.filter(check_record__in=checks.values("pk")),
        "check_record__agent_id",
        total=Count("pk"),
        open=Count("pk", filter=Q(status=QaAppeal.Status.OPEN)),
        upheld=Count("pk", filter=Q(status=QaAppeal.Status.UPHELD)),
        amended=Count("pk", filter=Q(status=QaAppeal.Status.AMENDED)),
    )
    items: dict[int, list[tuple[str, float]]] = {}
    for row in (
        CheckScore.objects.filter(check_record__in=checks.filter(scored).values("pk"))
        .values("check_record__agent_id", "item__name")
        .annotate(ratio=Avg(Cast(F("score"), FloatField()) * 100 / F("item__max_score")))
        .order_by()
    ):
        items.setdefault(row["check_record__agent_id"], []).append(
            (row["item__name"], round(row["ratio"], 1))
        )
    agent_ids = set(contact_counts) | set(figures)
    people = (
        User.objects.filter(pk__in=agent_ids)
        .select_related("team")
        .order_by("team__code", "employee_no", "pk")
    )
    rows = []
    for person in people:
        figure = figures.get(person.pk, {})
        appeal = appeals.get(person.pk, {})
        weakest = sorted(items.get(person.pk, []), key=lambda pair: (pair[1], pair[0]))
        rows.append(
            RollupRow(
                label=str(person),
                agent=person,
                team=person.team,
                contacts=contact_counts.get(person.pk, 0),
                scored=figure.get("scored", 0),
                pending=figure.get("pending", 0),
                minimum=minimum,
                target=target,
                score_sum=Decimal(sums.get(person.pk) or 0),
                passed=figure.get("passed", 0),
                critical=figure.get("critical", 0),
                appeals=appeal.get("total", 0),
                appeals_open=appeal.get("open", 0),
                appeals_upheld=appeal.get("upheld", 0),
                appeals_amended=appeal.get("amended", 0),
                weakest=[pair for pair in weakest if pair[1] < 100][:WEAKEST],
            )
        )
    return rows


def team_rows(rows: list[RollupRow]) -> list[RollupRow]:
    """Per team (the agents' present team), then the total line."""
    teams: dict[int | None, RollupRow] = {}
    for row in rows:
        key = row.team.pk if row.team else None
        if key not in teams:
            teams[key] = RollupRow(label=str(row.team) if row.team else "未分班组", team=row.team, agents=0)
        teams[key].add(row)
        teams[key].agents += 1
    total = RollupRow(label="合计", agents=0)
    for row in rows:
        total.add(row)
        total.agents += 1
    return [*teams.values(), total]


def rollup_due_note(month: date) -> str:
    """The representatives' meeting the roll-up feeds (rule quality.rollup_before_day)."""
    day = int(policy("quality.rollup_before_day"))
    rule = DEFAULTS["quality.rollup_before_day"]
    return (
        f"业务代表会议每月{day}日前召开，根据质检检查情况奖优罚劣：{month:%Y年%m月}的汇总请于会前完成并打印"
        f"（业务规则“{rule.label}”，{rule.source}）"
    )
