"""Figures per agent and per team: the day's workload (日工作量, seed 002 班长责任制4) and the month's
service-quality analysis (班长月度服务质量分析, 班长责任制3; Q3 hard indicators from the system's own
records).

Like kefu.reports.selectors, every figure is a grouped aggregate: the number of queries is fixed
whatever the number of contacts, agents or units.

A responsible unit's staff may be given a report right; what they read is then narrowed here, in the
selector, to their own unit's work orders (`unit=`), so no page or export can forget to narrow it."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Q

from kefu.accounts.models import Team, Unit, User
from kefu.core.models import Event
from kefu.core.periods import Period
from kefu.core.policies import get_policy
from kefu.hotline.events import HotlineEvents
from kefu.hotline.measures import percent
from kefu.hotline.models import Callback, Category, Contact, ReturnVisit, WorkOrder
from kefu.reports.selectors import contacts_in, transfer_timeliness

D = Contact.Disposition
NO_TEAM = "未分班组"


def _label(user_name: str | None, username: str | None) -> str:
    return user_name or username or "—"


# ---------------------------------------------------------------------------------------------------
# 日工作量


@dataclass
class WorkloadRow:
    key: int | None
    label: str
    team: str = ""
    contacts: int = 0
    answered: int = 0
    follow_up: int = 0
    transferred: int = 0
    closed: int = 0
    callbacks: int = 0
    visits: int = 0

    def add(self, other: "WorkloadRow") -> None:
        for name in ("contacts", "answered", "follow_up", "transferred", "closed", "callbacks", "visits"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class DispatchRow:
    unit: str
    sent: int
    accepted: int
    replied: int
    closed: int
    returned: int


@dataclass
class Workload:
    period: Period
    unit: Unit | None
    by_agent: list[WorkloadRow]
    by_team: list[WorkloadRow]
    by_unit: list[DispatchRow]

    @property
    def total(self) -> WorkloadRow:
        total = WorkloadRow(key=None, label="合计")
        for row in self.by_agent:
            total.add(row)
        return total


def daily_workload(period: Period, *, unit: Unit | None = None) -> Workload:
    """What each agent and each shift did in the period (normally one day): contacts taken and how they
    were handled, callbacks and return visits made; and the work orders sent to each unit. With `unit`,
    only what concerns that unit's work orders (a unit's staff never see the rest of the center)."""
    start, end = period.bounds()
    contacts = contacts_in(period)
    callbacks = Callback.objects.filter(done_at__gte=start, done_at__lt=end).order_by()
    visits = ReturnVisit.objects.filter(visited_at__gte=start, visited_at__lt=end).order_by()
    dispatched = WorkOrder.objects.filter(transferred_at__gte=start, transferred_at__lt=end).order_by()
    if unit is not None:
        contacts = contacts.filter(work_order__unit=unit)
        callbacks = callbacks.filter(work_order__unit=unit)
        visits = visits.filter(work_order__unit=unit)
        dispatched = dispatched.filter(unit=unit)

    counts = {
        "contacts": Count("id"),
        "answered": Count("id", filter=Q(disposition=D.ANSWERED)),
        "follow_up": Count("id", filter=Q(disposition=D.FOLLOW_UP)),
        "transferred": Count("id", filter=Q(disposition=D.TRANSFERRED)),
        "closed": Count("id", filter=Q(disposition=D.CLOSED)),
    }
    agents: dict[int, WorkloadRow] = {}
    teams: dict[int | None, WorkloadRow] = {}

    def agent_row(key, name, username, team_name) -> WorkloadRow:
        return agents.setdefault(
            key, WorkloadRow(key=key, label=_label(name, username), team=team_name or "")
        )

    def team_row(key, name) -> WorkloadRow:
        return teams.setdefault(key, WorkloadRow(key=key, label=name or NO_TEAM))

    for g in contacts.values("agent_id", "agent__name", "agent__username", "agent__team__name").annotate(
        **counts
    ):
        row = agent_row(g["agent_id"], g["agent__name"], g["agent__username"], g["agent__team__name"])
        for name in counts:
            setattr(row, name, g[name])
    for g in contacts.values("team_id", "team__name").annotate(**counts):
        row = team_row(g["team_id"], g["team__name"])
        for name in counts:
            setattr(row, name, g[name])
    # Callbacks and visits count for whoever made them, and for that person's team.
    for queryset, person, attribute in (
        (callbacks, "done_by", "callbacks"),
        (visits, "visited_by", "visits"),
    ):
        grouped = queryset.values(
            f"{person}_id",
            f"{person}__name",
            f"{person}__username",
            f"{person}__team_id",
            f"{person}__team__name",
        ).annotate(n=Count("id"))
        for g in grouped:
            if g[f"{person}_id"] is None:
                continue
            row = agent_row(
                g[f"{person}_id"], g[f"{person}__name"], g[f"{person}__username"], g[f"{person}__team__name"]
            )
            setattr(row, attribute, getattr(row, attribute) + g["n"])
            team = team_row(g[f"{person}__team_id"], g[f"{person}__team__name"])
            setattr(team, attribute, getattr(team, attribute) + g["n"])

    S = WorkOrder.State
    by_unit = [
        DispatchRow(
            unit=g["unit__name"] or "—",
            sent=g["sent"],
            accepted=g["accepted"],
            replied=g["replied"],
            closed=g["closed"],
            returned=g["returned"],
        )
        for g in dispatched.values("unit__name", "unit__code")
        .annotate(
            sent=Count("id"),
            accepted=Count("id", filter=Q(accepted_at__isnull=False)),
            replied=Count("id", filter=Q(replied_at__isnull=False)),
            closed=Count("id", filter=Q(state=S.CLOSED)),
            returned=Count("id", filter=Q(state=S.RETURNED)),
        )
        .order_by("-sent", "unit__code")
    ]
    return Workload(
        period=period,
        unit=unit,
        by_agent=sorted(agents.values(), key=lambda r: (-r.contacts, r.label)),
        by_team=sorted(teams.values(), key=lambda r: (r.label == NO_TEAM, r.label)),
        by_unit=by_unit,
    )


# ---------------------------------------------------------------------------------------------------
# 月度服务质量分析


@dataclass
class QualityRow:
    key: int | None
    label: str
    team: str = ""
    contacts: int = 0
    transfers: int = 0
    transfers_on_time: int = 0
    calls_judged: int = 0  # rung and judged: answered, or rang past the limit (a caller who gave up is not)
    calls_in_time: int = 0  # answered within three rings
    callbacks_due: int = 0  # first callbacks due in the month on the agent's work orders
    callbacks_on_time: int = 0
    visits: int = 0  # return visits on the agent's work orders
    visits_satisfied: int = 0  # 满意 + 基本满意
    reopened: int = 0  # the agent's work orders reopened in the month

    FIGURES = (
        "contacts",
        "transfers",
        "transfers_on_time",
        "calls_judged",
        "calls_in_time",
        "callbacks_due",
        "callbacks_on_time",
        "visits",
        "visits_satisfied",
        "reopened",
    )

    def add(self, other: "QualityRow") -> None:
        for name in self.FIGURES:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def transfer_rate(self) -> float | None:
        return percent(self.transfers_on_time, self.transfers)

    @property
    def answer_rate(self) -> float | None:
        return percent(self.calls_in_time, self.calls_judged)

    @property
    def callback_rate(self) -> float | None:
        return percent(self.callbacks_on_time, self.callbacks_due)

    @property
    def satisfaction_rate(self) -> float | None:
        return percent(self.visits_satisfied, self.visits)


@dataclass
class ComplaintRow:
    category: str
    total: int
    closed: int
    open: int
    by_unit: dict[str, int] = field(default_factory=dict)


@dataclass
class Quality:
    period: Period
    by_agent: list[QualityRow]
    by_team: list[QualityRow]
    complaints: list[ComplaintRow]
    staff_complaint_category: str  # the misconduct category's name
    transfer_target_minutes: float

    @property
    def total(self) -> QualityRow:
        total = QualityRow(key=None, label="合计")
        for row in self.by_agent:
            total.add(row)
        return total

    @property
    def staff_complaints(self) -> int:
        return next((c.total for c in self.complaints if c.category == self.staff_complaint_category), 0)


def complaint_codes() -> list[str]:
    """The categories the analysis counts as complaints, the first being misconduct of staff."""
    return get_policy("reports.complaint_categories")  # a LIST rule: the codes, stripped


def monthly_quality(period: Period) -> Quality:
    """The team leader's monthly service-quality analysis: for each agent (and each team) the month's
    contacts, transfer timeliness (H5, the same figures as the timeliness report), answers within three
    rings (H10, from the telephony events), first callbacks on time (H6), return-visit satisfaction (W4)
    and work orders reopened; and the complaints received, misconduct of staff first.

    Transfers and contacts count for the agent who took the call and the shift it was taken on.
    Callbacks, visits and reopened orders count for the work order's owner (首问负责制, H7), and for the
    shift the call was taken on. Telephony knows agents, not shifts: calls count for the agent's
    present team."""
    from kefu.telephony.selectors import answer_stats

    start, end = period.bounds()
    agents: dict[int, QualityRow] = {}
    teams: dict[int | None, QualityRow] = {}

    def agent_row(key: int) -> QualityRow:
        return agents.setdefault(key, QualityRow(key=key, label=""))

    def team_row(key: int | None) -> QualityRow:
        return teams.setdefault(key, QualityRow(key=key, label=""))

    def take(rows: Iterable[dict], row_for, key: str, **names: str) -> None:
        for g in rows:
            row = row_for(g[key])
            for attribute, column in names.items():
                setattr(row, attribute, getattr(row, attribute) + (g[column] or 0))

    contacts = contacts_in(period)
    take(contacts.values("agent_id").annotate(n=Count("id")), agent_row, "agent_id", contacts="n")
    take(contacts.values("team_id").annotate(n=Count("id")), team_row, "team_id", contacts="n")
    by_agent_timeliness = transfer_timeliness(period, by="agent")
    for t in by_agent_timeliness.rows:
        row = agent_row(t.key)
        row.transfers, row.transfers_on_time = t.total, t.on_time
    for t in transfer_timeliness(period, by="team").rows:
        row = team_row(t.key)
        row.transfers, row.transfers_on_time = t.total, t.on_time

    first_callbacks = Callback.objects.filter(attempt=1, due_at__gte=start, due_at__lt=end).order_by()
    callback_counts = {"due": Count("id"), "on_time": Count("id", filter=Q(done_at__lte=F("due_at")))}
    owner, shift = "work_order__owner_id", "work_order__contact__team_id"
    for key, row_for in ((owner, agent_row), (shift, team_row)):
        take(
            first_callbacks.values(key).annotate(**callback_counts),
            row_for,
            key,
            callbacks_due="due",
            callbacks_on_time="on_time",
        )
    R = ReturnVisit.Result
    visits = ReturnVisit.objects.filter(visited_at__gte=start, visited_at__lt=end).order_by()
    visit_counts = {
        "n": Count("id"),
        "ok": Count("id", filter=Q(result__in=[R.SATISFIED, R.BASICALLY_SATISFIED])),
    }
    for key, row_for in ((owner, agent_row), (shift, team_row)):
        take(visits.values(key).annotate(**visit_counts), row_for, key, visits="n", visits_satisfied="ok")

    reopened_ids = Event.objects.filter(
        verb=HotlineEvents.WORK_ORDER_REOPENED,
        target_type=ContentType.objects.get_for_model(WorkOrder),
        occurred_at__gte=start,
        occurred_at__lt=end,
    ).values("target_id")
    reopened = WorkOrder.objects.filter(id__in=reopened_ids).order_by()
    take(reopened.values("owner_id").annotate(n=Count("id")), agent_row, "owner_id", reopened="n")
    take(
        reopened.values("contact__team_id").annotate(n=Count("id")),
        team_row,
        "contact__team_id",
        reopened="n",
    )

    stats = answer_stats(period.start, period.last_day)
    for s in stats:
        row = agent_row(s.agent.pk)
        row.calls_judged, row.calls_in_time = s.judged, s.in_time
        team = team_row(s.agent.team_id)
        team.calls_judged += s.judged
        team.calls_in_time += s.in_time

    people = User.objects.select_related("team").in_bulk(list(agents))
    for key, row in agents.items():
        person = people.get(key)
        row.label = str(person) if person else "—"
        row.team = person.team.name if person and person.team else ""
    team_names = dict(Team.objects.filter(pk__in=[k for k in teams if k]).values_list("pk", "name"))
    for key, row in teams.items():
        row.label = team_names.get(key, NO_TEAM)

    return Quality(
        period=period,
        by_agent=sorted(agents.values(), key=lambda r: (r.team or "~", r.label)),
        by_team=sorted(teams.values(), key=lambda r: (r.label == NO_TEAM, r.label)),
        complaints=_complaints(period),
        staff_complaint_category=_staff_category_name(),
        transfer_target_minutes=by_agent_timeliness.target_minutes,
    )


def _staff_category_name() -> str:
    codes = complaint_codes()
    if not codes:
        return ""
    return Category.objects.filter(code=codes[0]).values_list("name", flat=True).first() or codes[0]


def _complaints(period: Period) -> list[ComplaintRow]:
    codes = complaint_codes()
    if not codes:
        return []
    categories = dict(Category.objects.filter(code__in=codes).values_list("code", "name"))
    grouped = (
        contacts_in(period)
        .filter(category__code__in=codes)
        .values("category__code", "transferred_to__name")
        .annotate(
            n=Count("id"),
            closed=Count("id", filter=Q(work_order__state=WorkOrder.State.CLOSED)),
        )
    )
    rows = {
        code: ComplaintRow(category=categories.get(code, code), total=0, closed=0, open=0) for code in codes
    }
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for g in grouped:
        row = rows[g["category__code"]]
        row.total += g["n"]
        row.closed += g["closed"]
        totals[g["category__code"]][g["transferred_to__name"] or "未转办"] += g["n"]
    for code, row in rows.items():
        row.open = row.total - row.closed
        row.by_unit = dict(sorted(totals[code].items(), key=lambda item: -item[1]))
    return [rows[code] for code in codes if code in categories]
