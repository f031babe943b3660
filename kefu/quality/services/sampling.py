"""Sampling each agent's checks for the month, and the month-end flag of the unchecked (Q1, 002
客服部质检员的职责3：每月每人监听不少于1-5次).

Who is sampled: everyone who took contacts in the month as an agent (话务员, every channel), and
counter clerks (窗口营业员) for their counter and visit contacts (渠道 窗口/来访).

How many (our reading of "1-5次", documented here and in docs/QUALITY.md):
- a new member of staff (入职当月起不满 rule quality.new_staff_months 个自然月, the month of joining
  being the first, as the pay rule counts) gets the target (rule quality.checks_target_per_agent);
- everyone else gets the minimum (rule quality.checks_min_per_agent) plus one for each of their
  contacts with a reason to listen (a complaint, a long call, a dissatisfied return visit), never more
  than the target. A reliable agent is listened to the minimum number of times; an agent whose month
  shows trouble up to the target. A center that wants the target for everyone sets the minimum to it.
Checks the agent already has that month (proposed, added, scored — not dropped, not calibrations)
count towards the number, so running sampling twice proposes nothing new (idempotent).

Which contacts: those with reasons first, by weight — a complaint (category in rule
reports.complaint_categories) 3, a dissatisfied return visit on its work order 2, a long call
(answer → hang-up ≥ rule quality.long_call_seconds) 1, summed — then random ones. Ties and the random
fill come from random.Random seeded with the month and the agent's id, so a run is reproducible. A
contact already checked (or dropped) is never proposed again. sample_reason says why: 投诉、长通话、
回访不满意、新员工 or 随机.

Speed: one query per signal for the whole month (not per agent or contact), one for the counts and
one for the plain candidates of the agents still short."""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from kefu.accounts.models import Role, User
from kefu.core import claims
from kefu.core.alerts import send_alert
from kefu.core.models import JobClaim
from kefu.core.policies import DEFAULTS, policies, policy
from kefu.hotline.models import Channel, Contact, ReturnVisit
from kefu.quality.events import CheckEvents, quality_event
from kefu.quality.models import QaCheck
from kefu.quality.services.checks import open_check
from kefu.telephony.models import Call

UNCHECKED = "quality.unchecked"
ALERT_KINDS: dict[str, str] = {UNCHECKED: "质检：月底监听次数不足"}
UNCHECKED_JOB = "quality_unchecked_flag"

COUNTER_CHANNELS = (Channel.COUNTER, Channel.VISIT)
# The checks that count towards the month's number (and that the flag counts once they are scored).
LIVE = ~Q(status=QaCheck.Status.DROPPED) & Q(calibration__isnull=True)
SCORED_STATES = (QaCheck.Status.SCORED, QaCheck.Status.APPEALED, QaCheck.Status.FINAL)

COMPLAINT, DISSATISFIED, LONG_CALL, NEW_STAFF, RANDOM = "投诉", "回访不满意", "长通话", "新员工", "随机"
WEIGHTS = {COMPLAINT: 3, DISSATISFIED: 2, LONG_CALL: 1}


def month_bounds(month: date) -> tuple[date, date]:
    """The month's first day and the next month's first day."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following


def month_label(month: date) -> str:
    return f"{month:%Y年%m月}"


def checkable_contacts(first: date, following: date):
    """The contacts of the month that a QA check may be about: an agent's, and a counter clerk's at the
    counter or in a visit."""
    return Contact.objects.filter(received_on__gte=first, received_on__lt=following).filter(
        Q(agent__role=Role.AGENT) | Q(agent__role=Role.COUNTER_CLERK, channel__in=COUNTER_CHANNELS)
    )


def staff_month_index(person, month: date) -> int:
    """0 in the month of joining, 1 the month after… (hired_on, else the account's date_joined)."""
    joined = person.hired_on or timezone.localdate(person.date_joined)
    return (month.year - joined.year) * 12 + month.month - joined.month


def is_new_staff(person, month: date, months: int | None = None) -> bool:
    months = int(policy("quality.new_staff_months")) if months is None else months
    return staff_month_index(person, month) < months


def signals(first: date, following: date, *, agent_ids=None) -> dict[int, dict[int, set[str]]]:
    """{agent id: {contact id: reasons}} for the month's contacts with a reason to listen: one query
    per signal."""
    contacts = checkable_contacts(first, following)
    if agent_ids is not None:
        contacts = contacts.filter(agent_id__in=agent_ids)
    codes, seconds = policies("reports.complaint_categories", "quality.long_call_seconds")
    codes, seconds = list(codes), int(seconds)
    long_calls = Call.objects.filter(
        started_at__gte=_moment(first - timedelta(days=1)),
        started_at__lt=_moment(following + timedelta(days=1)),
        answer_at__isnull=False,
        hangup_at__gte=F("answer_at") + timedelta(seconds=seconds),
    ).values("call_id")
    dissatisfied = ReturnVisit.objects.filter(result=ReturnVisit.Result.DISSATISFIED).values("work_order_id")
    found: dict[int, dict[int, set[str]]] = {}
    queries = [
        (COMPLAINT, contacts.filter(category__code__in=codes)),
        (LONG_CALL, contacts.exclude(call_id="").filter(call_id__in=long_calls)),
        (DISSATISFIED, contacts.filter(work_order__in=dissatisfied)),
    ]
    for reason, rows in queries:
        for contact_id, agent_id in rows.values_list("pk", "agent_id"):
            found.setdefault(agent_id, {}).setdefault(contact_id, set()).add(reason)
    return found


def _moment(day: date):
    return timezone.make_aware(datetime(day.year, day.month, day.day))


def weight(reasons: set[str]) -> int:
    return sum(WEIGHTS.get(reason, 0) for reason in reasons)


def reason_text(reasons: set[str], *, new_staff: bool) -> str:
    ordered = [r for r in (COMPLAINT, DISSATISFIED, LONG_CALL) if r in reasons]
    if new_staff:
        ordered.append(NEW_STAFF)
    return "、".join(ordered) or RANDOM


def quota(*, new_staff: bool, flagged: int, minimum: int, target: int) -> int:
    """How many checks sampling aims at for one agent in the month (see the module's docstring)."""
    if new_staff:
        return max(target, minimum)
    return max(minimum, min(target, minimum + flagged))


@dataclass
class AgentPlan:
    """One agent's month: what sampling aims at and what it chose."""

    agent: User
    contacts: int
    existing: int
    quota: int
    new_staff: bool
    flagged: dict[int, set[str]] = field(default_factory=dict)
    chosen: list[tuple[int, str]] = field(default_factory=list)  # (contact id, reason)

    @property
    def short(self) -> int:
        return max(self.quota - self.existing, 0)


@dataclass
class SamplingResult:
    month: date
    proposed: list[QaCheck]
    plans: list[AgentPlan]

    @property
    def agents(self) -> int:
        return len(self.plans)


def plan_month(month: date, *, choose: bool = True) -> list[AgentPlan]:
    """Every agent's plan for the month (a read: the sampling page shows it, propose_month acts on it)."""
    first, following = month_bounds(month)
    minimum, target, new_months = (
        int(value)
        for value in policies(
            "quality.checks_min_per_agent", "quality.checks_target_per_agent", "quality.new_staff_months"
        )
    )
    counts = dict(
        checkable_contacts(first, following)
        .values_list("agent_id")
        .annotate(n=Count("pk"))
        .values_list("agent_id", "n")
    )
    if not counts:
        return []
    existing = dict(
        QaCheck.objects.filter(LIVE, month=first, agent_id__in=counts)
        .values_list("agent_id")
        .annotate(n=Count("pk"))
        .values_list("agent_id", "n")
    )
    flagged = signals(first, following)
    checked = set(
        QaCheck.objects.filter(calibration__isnull=True, contact__received_on__gte=first)
        .filter(contact__received_on__lt=following)
        .values_list("contact_id", flat=True)
    )
    people = User.objects.filter(pk__in=counts).select_related("team").order_by("employee_no", "pk")
    plans = []
    for person in people:
        # Every flagged contact sets the number (a checked one too, so the number stays put once it is
        # checked); only those not yet checked can be chosen.
        mine = flagged.get(person.pk, {})
        new_staff = staff_month_index(person, first) < new_months
        plans.append(
            AgentPlan(
                agent=person,
                contacts=counts[person.pk],
                existing=existing.get(person.pk, 0),
                quota=quota(new_staff=new_staff, flagged=len(mine), minimum=minimum, target=target),
                new_staff=new_staff,
                flagged=mine,
            )
        )
    if choose:
        _choose(plans, first, following, checked)
    return plans


def _choose(plans: list[AgentPlan], first: date, following: date, checked: set[int]) -> None:
    short = [plan for plan in plans if plan.short]
    plain: dict[int, list[int]] = {}
    needing_random = [p.agent.pk for p in short if p.short > len(set(p.flagged) - checked)]
    if needing_random:
        rows = (
            checkable_contacts(first, following)
            .filter(agent_id__in=needing_random)
            .order_by("pk")
            .values_list("pk", "agent_id")
        )
        for contact_id, agent_id in rows:
            plain.setdefault(agent_id, []).append(contact_id)
    for plan in short:
        rng = random.Random(f"{first:%Y-%m}:{plan.agent.pk}")
        open_ones = [pk for pk in sorted(plan.flagged) if pk not in checked]
        ranked = sorted(open_ones, key=lambda pk: (-weight(plan.flagged[pk]), rng.random(), pk))
        chosen = [
            (pk, reason_text(plan.flagged[pk], new_staff=plan.new_staff)) for pk in ranked[: plan.short]
        ]
        missing = plan.short - len(chosen)
        if missing > 0:
            pool = [pk for pk in plain.get(plan.agent.pk, []) if pk not in checked and pk not in plan.flagged]
            picked = sorted(rng.sample(pool, min(missing, len(pool))))
            reason = NEW_STAFF if plan.new_staff else RANDOM
            chosen += [(pk, reason) for pk in picked]
        plan.chosen = chosen


def require_sampler(actor) -> None:
    if not (getattr(actor, "is_authenticated", False) and actor.has_perm("quality.add_qacheck")):
        raise PermissionDenied("您的角色没有质检抽样的权限")


def check_month(month: date, *, today: date | None = None) -> date:
    first = month.replace(day=1)
    today = today or timezone.localdate()
    if first > today:
        raise ValidationError({"month": f"{month_label(first)}尚未开始，不能抽样"})
    return first


@transaction.atomic
def propose_month(*, month: date, actor) -> SamplingResult:
    """Propose the month's checks for every agent short of their number (see the module's docstring).
    Idempotent: a second run finds every agent at their number and proposes nothing."""
    require_sampler(actor)
    first = check_month(month)
    following = month_bounds(first)[1]
    agent_ids = checkable_contacts(first, following).values_list("agent_id", flat=True).order_by().distinct()
    # Two inspectors pressing the button at once: the second waits here, then counts the first's checks.
    list(User.objects.select_for_update().filter(pk__in=list(agent_ids)).order_by("pk").values_list("pk"))
    plans = plan_month(first)
    contacts = Contact.objects.select_related("agent").in_bulk(
        [pk for plan in plans for pk, _ in plan.chosen]
    )
    proposed = []
    for plan in plans:
        for contact_id, reason in plan.chosen:
            # A chosen contact has no check (plan_month leaves checked ones out), so each is new.
            proposed.append(
                open_check(
                    actor=actor,
                    contact=contacts[contact_id],
                    source=QaCheck.Source.SAMPLED,
                    sample_reason=reason,
                    month=first,
                )
            )
    return SamplingResult(month=first, proposed=proposed, plans=plans)


# ---------------------------------------------------------------- the month-end flag


def qa_leads() -> list[User]:
    """The QA lead(s): QA inspectors and department heads holding quality.decide_qaappeal."""
    people = User.objects.filter(role__in=[Role.QA_INSPECTOR, Role.DEPARTMENT_HEAD], is_active=True)
    return [person for person in people if person.has_perm("quality.decide_qaappeal")]


def unchecked(month: date) -> list[tuple[User, int, int]]:
    """(agent, contacts, scored checks) for the agents who took contacts in the month and have fewer
    scored or final checks than the minimum."""
    first, following = month_bounds(month)
    minimum = int(policy("quality.checks_min_per_agent"))
    counts = dict(
        checkable_contacts(first, following)
        .values_list("agent_id")
        .annotate(n=Count("pk"))
        .values_list("agent_id", "n")
    )
    scored = dict(
        QaCheck.objects.filter(LIVE, month=first, status__in=SCORED_STATES, agent_id__in=counts)
        .values_list("agent_id")
        .annotate(n=Count("pk"))
        .values_list("agent_id", "n")
    )
    short = [pk for pk in counts if scored.get(pk, 0) < minimum]
    people = User.objects.filter(pk__in=short).order_by("employee_no", "pk")
    return [(person, counts[person.pk], scored.get(person.pk, 0)) for person in people]


def flag_unchecked(now) -> list[str]:
    """Once a month, after its last day: the agents with fewer scored checks than the minimum are
    flagged to the QA lead(s). The month is claimed (kefu.core.claims) so it is flagged once."""
    today = timezone.localdate(now)
    month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    period = f"{month:%Y%m}"
    # The worker passes every minute: read before claiming, so that a month's claim is not retried.
    if JobClaim.objects.filter(job=UNCHECKED_JOB, period=period).exists():
        return []
    return _flag(month, period)


@transaction.atomic
def _flag(month: date, period: str) -> list[str]:
    claim = claims.claim(UNCHECKED_JOB, period)
    if claim is None:
        return []
    rows = unchecked(month)
    claim.summary = {"month": f"{month:%Y-%m}", "agents": [person.pk for person, _, _ in rows]}
    claim.save(update_fields=["summary"])
    if not rows:
        return []
    minimum = int(policy("quality.checks_min_per_agent"))
    rule = DEFAULTS["quality.checks_min_per_agent"].label
    names = "、".join(f"{person}（{done}次）" for person, _, done in rows[:20])
    more = f"等{len(rows)}人" if len(rows) > 20 else f"共{len(rows)}人"
    message = (
        f"{month_label(month)}质检监听次数不足：{names}{more}，少于每人每月至少{minimum}次"
        f"（业务规则“{rule}”，客服管理制度·客服部质检员的职责3），请安排补检"
    )
    url = reverse("quality:sampling") + f"?month={month:%Y-%m}"
    told = send_alert(
        recipients=qa_leads(), kind=UNCHECKED, message=message, url=url, subject=f"quality.month:{period}"
    )
    quality_event(
        actor=None,
        target=claim,
        verb=CheckEvents.UNCHECKED_FLAGGED,
        changes={"month": f"{month:%Y-%m}", "agents": [str(person) for person, _, _ in rows], "told": told},
        note=f"{month_label(month)}{len(rows)}人质检次数不足{minimum}次",
    )
    return [f"{month_label(month)}质检次数不足提示：{len(rows)}人"]
