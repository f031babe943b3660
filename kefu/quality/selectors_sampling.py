"""The sampling page's reads (Q1): each agent's month — contacts taken, checks so far against the
minimum and target, the reasons to listen found in their contacts, and the checks proposed or added."""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from kefu.core.params import parse_month
from kefu.core.permissions import require
from kefu.core.policies import DEFAULTS, policy
from kefu.hotline.models import Contact
from kefu.quality.models import QaCheck
from kefu.quality.services.sampling import (
    COMPLAINT,
    DISSATISFIED,
    LIVE,
    LONG_CALL,
    SCORED_STATES,
    AgentPlan,
    month_bounds,
    plan_month,
)

READ = "quality.view_all_qachecks"


def require_reader(user) -> None:
    """The sampling page: those who see every check (inspectors, the specialist, the heads)."""
    require(user, "quality.view_qacheck", READ)


def month_from(text, *, field_name: str = "month") -> date:
    """The month a page or the API asks for (YYYY-MM), as its first day; empty is this month."""
    text = (text or "").strip()
    if not text:
        return timezone.localdate().replace(day=1)
    year, month = parse_month(text, field=field_name)
    return date(year, month, 1)


@dataclass
class AgentSampling:
    plan: AgentPlan
    checks: list[QaCheck] = field(default_factory=list)

    @property
    def agent(self):
        return self.plan.agent

    @property
    def scored(self) -> int:
        return sum(1 for check in self.checks if check.status in SCORED_STATES)

    def _count(self, reason: str) -> int:
        return sum(1 for reasons in self.plan.flagged.values() if reason in reasons)

    @property
    def complaints(self) -> int:
        return self._count(COMPLAINT)

    @property
    def dissatisfied(self) -> int:
        return self._count(DISSATISFIED)

    @property
    def long_calls(self) -> int:
        return self._count(LONG_CALL)


@dataclass
class MonthSampling:
    month: date
    minimum: int
    target: int
    rows: list[AgentSampling]

    @property
    def short(self) -> int:
        """Agents sampling would still propose checks for."""
        return sum(1 for row in self.rows if row.plan.short)

    @property
    def below_minimum(self) -> int:
        return sum(1 for row in self.rows if row.scored < self.minimum)

    @property
    def rules(self) -> list[tuple[str, object]]:
        keys = [
            "quality.checks_min_per_agent",
            "quality.checks_target_per_agent",
            "quality.long_call_seconds",
            "quality.new_staff_months",
        ]
        return [(DEFAULTS[key].label, policy(key)) for key in keys]


def month_sampling(month: date, *, query: str = "") -> MonthSampling:
    first, _following = month_bounds(month)
    plans = plan_month(first, choose=False)
    query = (query or "").strip()
    if query:
        plans = [
            p
            for p in plans
            if query in (p.agent.name or "")
            or query in (p.agent.employee_no or "")
            or query == p.agent.username
        ]
    checks: dict[int, list[QaCheck]] = {}
    rows = (
        QaCheck.objects.filter(LIVE, month=first, agent_id__in=[p.agent.pk for p in plans])
        .select_related("contact", "inspector")
        .order_by("agent_id", "pk")
    )
    for check in rows:
        checks.setdefault(check.agent_id, []).append(check)
    return MonthSampling(
        month=first,
        minimum=int(policy("quality.checks_min_per_agent")),
        target=int(policy("quality.checks_target_per_agent")),
        rows=[AgentSampling(plan=plan, checks=checks.get(plan.agent.pk, [])) for plan in plans],
    )


def contact_by_number(number: str) -> Contact:
    """The contact an inspector typed (受理编号), or a Chinese error under `contact`."""
    number = (number or "").strip()
    if not number:
        raise ValidationError({"contact": "请填写受理编号"})
    contact = Contact.objects.select_related("agent").filter(number=number[:20]).first()
    if contact is None:
        raise ValidationError({"contact": f"受理编号「{number[:20]}」不存在"})
    return contact
