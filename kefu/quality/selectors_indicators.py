"""Indicators by role (Q3): who may read which tab, who scores whom, and the month's hard figures read
from the center's own records, beside the soft scores.

Every figure is a grouped aggregate over its source (contacts, calls, return visits, counter
processes, roster entries and sign-ins, discipline cases, QA checks, work orders, callbacks…), one
query per source whatever the number of people: a page of 30 agents or 300 costs the same handful of
queries. Each figure is a count the tests hold equal to a plain count of the same records.

Definitions (the catalogue in kefu.quality.indicators says them in Chinese on the page):
- A person's month is [first local midnight, next month's first local midnight) on each record's own
  moment: Contact.received_at, Call.answer_at, ReturnVisit.visited_at, Process.created_at (窗口受理),
  RosterEntry.starts_at (the workforce's attendance_summary reads the same), DisciplineCase.occurred_on,
  QaCheck.month.
- Attendance is kefu.workforce.selectors_attendance.attendance_summary's definition, grouped by person
  instead of one person at a time (that selector is three queries per person); a test holds the two equal.
- A team is the people whose present team it is (User.team), the leader included: the contacts of a
  person who moved team count for the new one, as the reports' per-agent rows do for calls.
- 疑难工单 (difficult cases): a work order that was escalated (escalated_at set or a level above 0) or
  carries a leader's 督办意见/批示 (LeaderInstruction). In hand in the month: taken before the month
  ends and not closed before it began; solved: closed within the month.
- The department (manager tab) is the center: the hotline is one 客服部, so both the department head and
  the director read the center's completion figures. Work orders are due at the latest promise, else the
  deadline (WorkOrder.due_at); callbacks are counted with kefu.hotline.measures.callback_counts, the
  reports' own definition. Plans: roster plans published (workforce), the month's QA weekly summaries
  with their training plans submitted and read by the head, and whether the appraisal month is locked.
  The meters' replacement plans are not read: meters and quality are independent layers (pyproject's
  import contract), and they are the branches' plans, not the department's.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, Sum
from django.db.models.functions import Coalesce

from kefu.accounts.models import Role, Team, User
from kefu.core.periods import Period
from kefu.core.permissions import require
from kefu.hotline.measures import callback_counts, percent
from kefu.hotline.models import Callback, Contact, LeaderInstruction, ReturnVisit, WorkOrder
from kefu.processes.models import Process, ProcessState
from kefu.quality.indicators import AGENT, CATALOGUE, MANAGER, SUPERVISOR, RoleIndicators
from kefu.quality.models import AppraisalMonth, AppraisalSheet, QaCheck, SoftIndicatorScore, WeeklySummary
from kefu.telephony.models import Call
from kefu.workforce.models import Attendance, DisciplineCase, RosterEntry, RosterPlan
from kefu.workforce.selectors_attendance import discipline_cases

VIEW = "quality.view_softindicatorscore"
SCORE = "quality.add_softindicatorscore"
# Read every tab's people (the training specialist reads staff and supervisors, not the managers).
SEE_ALL = (Role.DEPARTMENT_HEAD, Role.CENTER_DIRECTOR)
LEADER_ONLY_OWN = "班长只能查看本班组客服专员和本人的指标"


# ---------------------------------------------------------------- who reads, who scores


@dataclass(frozen=True)
class Scope:
    """What a reader sees of one tab: everyone (team_id None, own_only False), one team, or themselves."""

    user: User
    role: str
    team_id: int | None = None
    own_only: bool = False


def indicator_scope(user, role: str) -> Scope:
    """The reader's view of the tab `role`, or PermissionDenied: the department head and the director
    read every tab; the training specialist the staff's and the supervisors'; a team leader their own
    team's staff and their own row; anyone else nothing (the same helper for the page and the API)."""
    require(user, VIEW)
    if user.is_superuser or user.role in SEE_ALL:
        return Scope(user=user, role=role)
    if user.role == Role.TRAINING_SPECIALIST and role in (AGENT, SUPERVISOR):
        return Scope(user=user, role=role)
    if user.role == Role.TEAM_LEADER and user.team_id:
        if role == AGENT:
            return Scope(user=user, role=role, team_id=user.team_id)
        if role == SUPERVISOR:
            return Scope(user=user, role=role, own_only=True)
        raise PermissionDenied(LEADER_ONLY_OWN)
    raise PermissionDenied("您的角色不能查看此岗位的考核指标")


def readable_roles(user) -> list[str]:
    readable = []
    for role in CATALOGUE:
        try:
            indicator_scope(user, role)
        except PermissionDenied:
            continue
        readable.append(role)
    return readable


def score_refusal(scorer, person) -> str | None:
    """Why `scorer` may not score `person`'s soft indicators, or None: a team leader scores their own
    team's staff (话务员, 窗口营业员); the training specialist and the department head score staff of
    any team (a team with no leader, such as the counter's, has its staff scored by them); the head
    scores the team leaders and the training specialist; the center director scores the head. Nobody
    scores themselves."""
    if not (getattr(scorer, "is_authenticated", False) and scorer.is_active and scorer.has_perm(SCORE)):
        return "您的角色没有此项权限"
    if scorer.pk == person.pk:
        return "不能给自己评分"
    staff = CATALOGUE[AGENT].roles
    if person.role in staff:
        if scorer.is_superuser or scorer.role in (Role.DEPARTMENT_HEAD, Role.TRAINING_SPECIALIST):
            return None
        if scorer.role == Role.TEAM_LEADER and scorer.team_id and scorer.team_id == person.team_id:
            return None
        return "客服专员的软性指标由本班组班长、培训专员或客服部主任评分"
    if person.role in CATALOGUE[SUPERVISOR].roles:
        if scorer.is_superuser or scorer.role == Role.DEPARTMENT_HEAD:
            return None
        return "班长和培训专员的软性指标由客服部主任评分"
    if person.role == Role.DEPARTMENT_HEAD:
        if scorer.is_superuser or scorer.role == Role.CENTER_DIRECTOR:
            return None
        return "客服部主任的软性指标由中心主任评分"
    return "该员工的岗位没有软性指标（中心主任由上级单位考核，不在本系统评分）"


# ---------------------------------------------------------------- the figures


@dataclass
class PersonFigures:
    """One person's month from the records (the agent tab's columns; summed into a team's)."""

    contacts: int = 0
    solved: int = 0  # 已当即答复
    work_orders: int = 0
    calls_answered: int = 0
    calls_in_time: int = 0
    calls_timed: int = 0  # answered and hung up: the handling time is known
    talk_seconds: float = 0.0
    visits: int = 0
    visits_satisfied: int = 0  # 满意 + 基本满意
    counter_processes: int = 0
    shifts_rostered: int = 0
    shifts_worked: int = 0
    late_count: int = 0
    absences: int = 0
    qa_checks: int = 0
    qa_total: Decimal = Decimal(0)

    COUNTS = (
        "contacts",
        "solved",
        "work_orders",
        "calls_answered",
        "calls_in_time",
        "calls_timed",
        "talk_seconds",
        "visits",
        "visits_satisfied",
        "counter_processes",
        "shifts_rostered",
        "shifts_worked",
        "late_count",
        "absences",
        "qa_checks",
        "qa_total",
    )

    def add(self, other: "PersonFigures") -> None:
        for name in self.COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def solved_rate(self) -> float | None:
        return percent(self.solved, self.contacts)

    @property
    def in_time_rate(self) -> float | None:
        return percent(self.calls_in_time, self.calls_answered)

    @property
    def handling_seconds(self) -> float | None:
        return round(self.talk_seconds / self.calls_timed, 1) if self.calls_timed else None

    @property
    def satisfaction(self) -> float | None:
        return percent(self.visits_satisfied, self.visits)

    @property
    def attendance_rate(self) -> float | None:
        return percent(self.shifts_worked, self.shifts_rostered)

    @property
    def qa_average(self) -> float | None:
        return round(float(self.qa_total) / self.qa_checks, 1) if self.qa_checks else None


def _seconds(value) -> float:
    """A summed duration from the database: a timedelta, or microseconds on a backend without intervals."""
    if value is None:
        return 0.0
    if hasattr(value, "total_seconds"):
        return value.total_seconds()
    return float(value) / 1_000_000


TALK = ExpressionWrapper(F("hangup_at") - F("answer_at"), output_field=DurationField())


def person_figures(person_ids: list[int], period: Period) -> dict[int, PersonFigures]:
    """Each person's month, from nine grouped queries (none when there is nobody)."""
    figures: dict[int, PersonFigures] = defaultdict(PersonFigures)
    if not person_ids:
        return figures
    start, end = period.bounds()

    def take(rows, key: str, **names: str) -> None:
        for g in rows:
            row = figures[g[key]]
            for attribute, column in names.items():
                setattr(row, attribute, getattr(row, attribute) + (g[column] or 0))

    D = Contact.Disposition
    contacts = Contact.objects.filter(agent_id__in=person_ids, received_at__gte=start, received_at__lt=end)
    take(
        contacts.order_by()
        .values("agent_id")
        .annotate(
            n=Count("id"), solved=Count("id", filter=Q(disposition=D.ANSWERED)), wo=Count("work_order")
        ),
        "agent_id",
        contacts="n",
        solved="solved",
        work_orders="wo",
    )
    calls = Call.objects.filter(agent_id__in=person_ids, answer_at__gte=start, answer_at__lt=end)
    timed = Q(hangup_at__isnull=False)
    for g in (
        calls.order_by()
        .values("agent_id")
        .annotate(
            n=Count("id"),
            in_time=Count("id", filter=Q(answered_in_time=True)),
            timed=Count("id", filter=timed),
            talk=Sum(TALK, filter=timed),
        )
    ):
        row = figures[g["agent_id"]]
        row.calls_answered += g["n"]
        row.calls_in_time += g["in_time"]
        row.calls_timed += g["timed"]
        row.talk_seconds += _seconds(g["talk"])
    R = ReturnVisit.Result
    take(
        ReturnVisit.objects.filter(
            work_order__contact__agent_id__in=person_ids, visited_at__gte=start, visited_at__lt=end
        )
        .order_by()
        .values("work_order__contact__agent_id")
        .annotate(n=Count("id"), ok=Count("id", filter=Q(result__in=[R.SATISFIED, R.BASICALLY_SATISFIED]))),
        "work_order__contact__agent_id",
        visits="n",
        visits_satisfied="ok",
    )
    take(
        Process.objects.filter(started_by_id__in=person_ids, created_at__gte=start, created_at__lt=end)
        .order_by()
        .values("started_by_id")
        .annotate(n=Count("id")),
        "started_by_id",
        counter_processes="n",
    )
    # Attendance: kefu.workforce.selectors_attendance.attendance_summary, grouped by person.
    entries = RosterEntry.objects.filter(person_id__in=person_ids, starts_at__gte=start, starts_at__lt=end)
    take(
        entries.order_by()
        .values("person_id")
        .annotate(n=Count("id", filter=Q(status=RosterEntry.Status.SCHEDULED))),
        "person_id",
        shifts_rostered="n",
    )
    take(
        Attendance.objects.filter(
            entry__in=entries.filter(status=RosterEntry.Status.SCHEDULED), signed_in_at__isnull=False
        )
        .order_by()
        .values("entry__person_id")
        .annotate(n=Count("id"), late=Count("id", filter=Q(minutes_late__gt=0))),
        "entry__person_id",
        shifts_worked="n",
        late_count="late",
    )
    take(
        discipline_cases(start=period.start, end=period.last_day)
        .filter(person_id__in=person_ids, kind=DisciplineCase.Kind.ABSENT)
        .order_by()
        .values("person_id")
        .annotate(n=Count("id")),
        "person_id",
        absences="n",
    )
    take(
        counted_checks(period)
        .filter(agent_id__in=person_ids)
        .order_by()
        .values("agent_id")
        .annotate(n=Count("id"), total=Sum("score")),
        "agent_id",
        qa_checks="n",
        qa_total="total",
    )
    return figures


def counted_checks(period: Period):
    """The QA checks that count for the agent in the month: scored or final, not a calibration's."""
    return QaCheck.objects.filter(
        month=period.start,
        calibration__isnull=True,
        status__in=[QaCheck.Status.SCORED, QaCheck.Status.FINAL],
        score__isnull=False,
    )


def difficult_orders():
    """疑难工单: escalated to a leader, or carrying a leader's 督办意见/批示."""
    instructed = LeaderInstruction.objects.filter(work_order=OuterRef("pk"))
    return WorkOrder.objects.filter(
        Q(escalated_at__isnull=False) | Q(escalation_level__gt=0) | Exists(instructed)
    )


def difficult_in_hand(period: Period):
    """The difficult orders someone had in hand during the month: taken before it ended, not closed
    before it began (a reopened order has no closed_at, so it counts as open)."""
    start, end = period.bounds()
    return (
        difficult_orders()
        .filter(contact__received_at__lt=end)
        .filter(~Q(state=WorkOrder.State.CLOSED) | Q(closed_at__gte=start))
    )


@dataclass
class TeamFigures:
    team: Team | None
    people: PersonFigures = field(default_factory=PersonFigures)
    difficult: int = 0  # in hand in the month
    difficult_solved: int = 0  # closed within the month
    sheets: int = 0
    sheet_average: float | None = None  # only once the month is locked

    @property
    def difficult_rate(self) -> float | None:
        return percent(self.difficult_solved, self.difficult)


def team_figures(team_ids: list[int], period: Period) -> dict[int, TeamFigures]:
    """Each team's month: its people's figures summed, its difficult cases, and its appraisal sheets'
    average once the month is locked (one query each, plus the people's)."""
    teams = {t.pk: TeamFigures(team=t) for t in Team.objects.filter(pk__in=team_ids)}
    if not teams:
        return teams
    members = list(User.objects.filter(team_id__in=teams).values_list("pk", "team_id"))
    by_person = person_figures([pk for pk, _ in members], period)
    for pk, team_id in members:
        if pk in by_person:
            teams[team_id].people.add(by_person[pk])
    start, end = period.bounds()
    for g in (
        difficult_in_hand(period)
        .filter(contact__agent__team_id__in=teams)
        .order_by()
        .values("contact__agent__team_id")
        .annotate(
            n=Count("id"),
            solved=Count(
                "id", filter=Q(state=WorkOrder.State.CLOSED, closed_at__gte=start, closed_at__lt=end)
            ),
        )
    ):
        row = teams[g["contact__agent__team_id"]]
        row.difficult, row.difficult_solved = g["n"], g["solved"]
    for g in (
        AppraisalSheet.objects.filter(
            appraisal_month__month=period.start,
            appraisal_month__status=AppraisalMonth.Status.LOCKED,
            team_id__in=teams,
        )
        .order_by()
        .values("team_id")
        .annotate(n=Count("id"), average=Avg("score"))
    ):
        row = teams[g["team_id"]]
        row.sheets, row.sheet_average = g["n"], round(float(g["average"]), 1)
    return teams


@dataclass
class DepartmentFigures:
    orders_due: int = 0
    orders_on_time: int = 0
    callbacks_due: int = 0
    callbacks_on_time: int = 0
    processes_completed: int = 0
    roster_plans: int = 0
    summaries_submitted: int = 0
    summaries_read: int = 0
    appraisal_status: str = ""  # AppraisalMonth.Status, "" when the month has none
    appraisal_status_label: str = "未开始"

    @property
    def orders_rate(self) -> float | None:
        return percent(self.orders_on_time, self.orders_due)

    @property
    def callbacks_rate(self) -> float | None:
        return percent(self.callbacks_on_time, self.callbacks_due)

    @property
    def appraisal_locked(self) -> bool:
        return self.appraisal_status == AppraisalMonth.Status.LOCKED


DUE = Coalesce("promised_at", "deadline")  # WorkOrder.due_at


def department_figures(period: Period) -> DepartmentFigures:
    """The center's month (five queries)."""
    start, end = period.bounds()
    figures = DepartmentFigures()
    orders = (
        WorkOrder.objects.annotate(due=DUE)
        .filter(due__gte=start, due__lt=end)
        .aggregate(
            n=Count("id"),
            on_time=Count("id", filter=Q(state=WorkOrder.State.CLOSED, closed_at__lte=F("due"))),
        )
    )
    figures.orders_due, figures.orders_on_time = orders["n"], orders["on_time"]
    callbacks = Callback.objects.filter(due_at__gte=start, due_at__lt=end).aggregate(**callback_counts())
    figures.callbacks_due, figures.callbacks_on_time = callbacks["due"], callbacks["on_time"]
    figures.processes_completed = Process.objects.filter(
        state=ProcessState.COMPLETED, completed_at__gte=start, completed_at__lt=end
    ).count()
    figures.roster_plans = RosterPlan.objects.filter(
        status=RosterPlan.Status.PUBLISHED, published_at__gte=start, published_at__lt=end
    ).count()
    S = WeeklySummary.Status
    summaries = WeeklySummary.objects.filter(
        week_start__gte=period.start, week_start__lt=period.end
    ).aggregate(
        submitted=Count("id", filter=Q(status__in=[S.SUBMITTED, S.READ])),
        read=Count("id", filter=Q(status=S.READ)),
    )
    figures.summaries_submitted, figures.summaries_read = summaries["submitted"], summaries["read"]
    month = AppraisalMonth.objects.filter(month=period.start).first()
    if month is not None:
        figures.appraisal_status = month.status
        figures.appraisal_status_label = month.get_status_display()
    return figures


# ---------------------------------------------------------------- the page's rows


@dataclass
class IndicatorCell:
    code: str
    text: str  # as the page shows it
    value: float | None  # what the column sorts on


@dataclass
class IndicatorRow:
    person: User
    cells: list[IndicatorCell]
    soft: dict[str, SoftIndicatorScore]
    soft_codes: list[str]
    soft_names: list[str]
    may_score: bool
    figures: object  # PersonFigures, TeamFigures or DepartmentFigures

    @property
    def soft_cells(self) -> list[tuple[str, str, SoftIndicatorScore | None]]:
        """(code, name, score or None) per soft indicator of the role, in the catalogue's order."""
        return [
            (code, name, self.soft.get(code))
            for code, name in zip(self.soft_codes, self.soft_names, strict=True)
        ]

    @property
    def soft_scores(self) -> list[SoftIndicatorScore | None]:
        return [self.soft.get(code) for code in self.soft_codes]

    @property
    def soft_average(self) -> float | None:
        scores = [s.score for s in self.soft.values() if s.indicator in self.soft_codes]
        return round(sum(scores) / len(scores), 1) if scores else None

    def value(self, key: str):
        if key == "soft_average":
            return self.soft_average
        if key.startswith("soft:"):
            score = self.soft.get(key[5:])
            return score.score if score else None
        return next((c.value for c in self.cells if c.code == key), None)


def _n(value) -> str:
    return "—" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:g}%"


def agent_cells(f: PersonFigures) -> list[IndicatorCell]:
    return [
        IndicatorCell("contacts", str(f.contacts), f.contacts),
        IndicatorCell("solved", f"{f.solved}（{_pct(f.solved_rate)}）", f.solved),
        IndicatorCell("calls_answered", f"{f.calls_answered}（及时{f.calls_in_time}）", f.calls_answered),
        IndicatorCell("handling_seconds", _n(f.handling_seconds), f.handling_seconds),
        IndicatorCell(
            "satisfaction",
            f"{_pct(f.satisfaction)}（{f.visits_satisfied}/{f.visits}）" if f.visits else "—",
            f.satisfaction,
        ),
        IndicatorCell("work_orders", str(f.work_orders), f.work_orders),
        IndicatorCell("counter_processes", str(f.counter_processes), f.counter_processes),
        IndicatorCell(
            "attendance",
            f"{f.shifts_worked}/{f.shifts_rostered}，迟到{f.late_count}，旷工{f.absences}",
            f.attendance_rate,
        ),
        IndicatorCell(
            "qa_average", f"{_n(f.qa_average)}（{f.qa_checks}次）" if f.qa_checks else "—", f.qa_average
        ),
    ]


def supervisor_cells(t: TeamFigures | None) -> list[IndicatorCell]:
    if t is None:  # no team (the training specialist)
        return [IndicatorCell(i.code, "—", None) for i in CATALOGUE[SUPERVISOR].hard]
    p = t.people
    staff = f"质检{_n(p.qa_average)}（{p.qa_checks}次）" if p.qa_checks else "质检—"
    if t.sheet_average is not None:
        staff += f"，考核{_n(t.sheet_average)}（{t.sheets}人）"
    return [
        IndicatorCell("team_contacts", str(p.contacts), p.contacts),
        IndicatorCell("team_solved", f"{_pct(p.solved_rate)}（{p.solved}/{p.contacts}）", p.solved_rate),
        IndicatorCell(
            "difficult",
            f"{_pct(t.difficult_rate)}（{t.difficult_solved}/{t.difficult}）" if t.difficult else "—",
            t.difficult_rate,
        ),
        IndicatorCell(
            "team_satisfaction",
            f"{_pct(p.satisfaction)}（{p.visits_satisfied}/{p.visits}）" if p.visits else "—",
            p.satisfaction,
        ),
        IndicatorCell(
            "team_attendance",
            f"{p.shifts_worked}/{p.shifts_rostered}，迟到{p.late_count}，旷工{p.absences}",
            p.attendance_rate,
        ),
        IndicatorCell(
            "staff_results", staff, t.sheet_average if t.sheet_average is not None else p.qa_average
        ),
    ]


def _share(rate: float | None, part: int, whole: int) -> str:
    return f"{_pct(rate)}（{part}/{whole}）" if whole else "—"


def manager_cells(d: DepartmentFigures) -> list[IndicatorCell]:
    return [
        IndicatorCell("orders_on_time", _share(d.orders_rate, d.orders_on_time, d.orders_due), d.orders_rate),
        IndicatorCell(
            "callbacks_on_time",
            _share(d.callbacks_rate, d.callbacks_on_time, d.callbacks_due),
            d.callbacks_rate,
        ),
        IndicatorCell("processes_completed", str(d.processes_completed), d.processes_completed),
        IndicatorCell(
            "plans",
            f"排班方案{d.roster_plans}，周小结提交{d.summaries_submitted}/已阅{d.summaries_read}，"
            f"月度考核{d.appraisal_status_label}",
            d.roster_plans + d.summaries_read,
        ),
    ]


def people(scope: Scope, *, team_id: int | None = None, q: str = "") -> list[User]:
    """The people on the tab the reader may see, by team and staff number; `q` a name, account or
    staff number (part of it)."""
    entry = CATALOGUE[scope.role]
    rows = User.objects.filter(is_active=True, role__in=entry.roles).select_related("team")
    if scope.own_only:
        rows = rows.filter(pk=scope.user.pk)
    if scope.team_id is not None:
        rows = rows.filter(team_id=scope.team_id)
    if team_id is not None:
        rows = rows.filter(team_id=team_id)
    if q:
        rows = rows.filter(Q(name__contains=q) | Q(username__contains=q) | Q(employee_no__contains=q))
    return list(rows.order_by("team__code", "employee_no", "username"))


def teams_for(scope: Scope) -> list[Team]:
    if scope.own_only or scope.role == MANAGER:
        return []
    rows = Team.objects.filter(active=True)
    if scope.team_id is not None:
        rows = rows.filter(pk=scope.team_id)
    return list(rows.order_by("code"))


SORT_KEYS = ("name", "soft_average")


def sort_keys(entry: RoleIndicators) -> list[str]:
    return [*SORT_KEYS, *(i.code for i in entry.hard), *(f"soft:{c}" for c in entry.soft_codes())]


def sort_rows(rows: list[IndicatorRow], sort: str) -> list[IndicatorRow]:
    """By name (staff number), or by a column; rows without a figure last whichever way."""
    key = sort.lstrip("-")
    reverse = sort.startswith("-")
    if key == "name":
        return sorted(rows, key=lambda r: (r.person.employee_no or "", r.person.username), reverse=reverse)
    present = [r for r in rows if r.value(key) is not None]
    missing = [r for r in rows if r.value(key) is None]
    return sorted(present, key=lambda r: r.value(key), reverse=reverse) + missing


@dataclass
class IndicatorTable:
    role: str
    entry: RoleIndicators
    period: Period
    rows: list[IndicatorRow]
    teams: list[Team]
    team_id: int | None
    sort: str
    department: DepartmentFigures | None = None
    q: str = ""


def indicator_table(
    user, *, role: str, period: Period, team_id: int | None = None, sort: str = "name", q: str = ""
):
    """The tab `role` for `user` in the month: rows of people × hard figures and soft scores. A constant
    number of queries whatever the number of people."""
    scope = indicator_scope(user, role)
    entry = CATALOGUE[role]
    if sort.lstrip("-") not in sort_keys(entry):
        sort = "name"
    chosen = people(scope, team_id=team_id, q=q)
    ids = [p.pk for p in chosen]
    department = None
    if role == AGENT:
        figures = person_figures(ids, period)
        cells = {p.pk: agent_cells(figures[p.pk]) for p in chosen}
        detail = {p.pk: figures[p.pk] for p in chosen}
    elif role == SUPERVISOR:
        teams = team_figures(sorted({p.team_id for p in chosen if p.team_id}), period)
        cells = {p.pk: supervisor_cells(teams.get(p.team_id)) for p in chosen}
        detail = {p.pk: teams.get(p.team_id) for p in chosen}
    else:
        department = department_figures(period) if chosen else DepartmentFigures()
        cells = {p.pk: manager_cells(department) for p in chosen}
        detail = {p.pk: department for p in chosen}
    soft: dict[int, dict[str, SoftIndicatorScore]] = defaultdict(dict)
    if ids:
        for score in SoftIndicatorScore.objects.filter(month=period.start, person_id__in=ids).select_related(
            "scored_by"
        ):
            soft[score.person_id][score.indicator] = score
    codes = entry.soft_codes()
    rows = [
        IndicatorRow(
            person=p,
            cells=cells[p.pk],
            soft=soft[p.pk],
            soft_codes=codes,
            soft_names=[i.name for i in entry.soft],
            may_score=score_refusal(user, p) is None,
            figures=detail[p.pk],
        )
        for p in chosen
    ]
    return IndicatorTable(
        role=role,
        entry=entry,
        period=period,
        rows=sort_rows(rows, sort),
        teams=teams_for(scope),
        team_id=team_id,
        sort=sort,
        department=department,
        q=q,
    )


def month_start(value: date | datetime) -> date:
    return date(value.year, value.month, 1)
