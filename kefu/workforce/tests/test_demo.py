"""The demo shows the workforce on `make run`: a roster the rules accept with 24-hour coverage, the
month's leave, swaps, lateness and absences, and a generated plan waiting for the department head."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.accounts.demo import create_demo_organisation
from kefu.accounts.models import User
from kefu.workforce.demo import seed_workforce
from kefu.workforce.models import (
    DisciplineCase,
    LeaveRequest,
    RosterEntry,
    RosterPlan,
    ShiftSwap,
)
from kefu.workforce.roster_rules import Limits, block_for, coverage_breaches, roster_breaches

pytestmark = pytest.mark.django_db


def test_the_full_demo_roster_keeps_every_rule_and_tells_the_months_stories():
    # given
    create_demo_organisation()

    # when
    lines = seed_workforce({"customers": 10000})

    # then the roster keeps every rule and covers each hour of the days around today
    live = list(RosterEntry.objects.filter(status=RosterEntry.Status.SCHEDULED).select_related("shift"))
    assert len(live) > 500
    limits = Limits.from_rules()
    assert roster_breaches([block_for(e) for e in live], limits=limits) == []
    today = timezone.localdate()
    around = [block_for(e) for e in live if abs((e.day - today).days) <= 8]
    assert coverage_breaches(around, today - timedelta(days=6), 12, limits=limits) == []
    # the month's stories
    assert LeaveRequest.objects.filter(status=LeaveRequest.Status.APPROVED).count() == 3
    assert LeaveRequest.objects.filter(status=LeaveRequest.Status.REQUESTED).count() == 1
    assert RosterEntry.objects.filter(status=RosterEntry.Status.LEAVE).count() >= 4
    assert LeaveRequest.objects.filter(certificate_missing_flagged_at__isnull=False).count() == 1
    assert set(ShiftSwap.objects.values_list("status", flat=True)) == {"approved", "requested"}
    # the demo's team leader has one to decide (and one leave request)
    waiting = ShiftSwap.objects.get(status="requested")
    leader1 = User.objects.get(username="leader1")
    assert leader1.pk in waiting.approvers
    kinds = sorted(DisciplineCase.objects.values_list("kind", flat=True))
    assert kinds == ["absent", "away", "late", "late"]
    # a plan for the head to review, re-checked by the rules
    plan = RosterPlan.objects.get()
    assert plan.status == RosterPlan.Status.DRAFT and plan.entries.exists()
    assert any(line.startswith("排班方案") for line in lines)
    # and a second run adds nothing
    assert seed_workforce({"customers": 10000})[0].startswith("排班：已有")
