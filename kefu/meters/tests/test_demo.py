"""The demo shows the meters on `make run`: a store with stock, plans at each step, last month's
replacements worked through with their old meters back (one late, one stopped, one damaged), urgent
reports at each step and an acceptance overdue, every step taken through the services at its time."""

from datetime import date

import pytest
import time_machine

from kefu.accounts.demo import create_demo_organisation
from kefu.accounts.models import Unit
from kefu.customers.demo import seed_customers
from kefu.meters.demo import seed_meters
from kefu.meters.models import (
    Acceptance,
    CompensationCase,
    GoodsReceipt,
    OldMeterReturn,
    PurchasePlan,
    Replacement,
    ReplacementPlan,
    Stocktake,
    TrackingTask,
)
from kefu.meters.selectors_issues import blocking_reasons

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-12-04 10:00 +0800")
def test_the_full_demo_store_tells_the_stories_a_store_keeper_chases():
    # given the demo organisation and a thousand customers
    create_demo_organisation()
    seed_customers(1000)

    # when
    lines = seed_meters({"customers": 1000})

    # then the store has stock and the refused meter is on the receipt
    receipt = GoodsReceipt.objects.get()
    assert receipt.meters.count() == 287 and len(receipt.refused) == 1
    # purchase plans: one past its purchase deadline, one with 投资管理部, next year's with the head
    states = sorted(PurchasePlan.objects.values_list("state", flat=True))
    assert states == ["approved", "center_approved", "submitted"]
    assert Stocktake.objects.get().state == Stocktake.State.CLOSED
    # last month's plans worked through: most closed with the old meter back, one stopped, one late
    closed = Replacement.objects.filter(kind="age", state=Replacement.State.CLOSED).count()
    assert closed >= 15
    assert Replacement.objects.filter(state=Replacement.State.STOPPED).count() == 1
    assert OldMeterReturn.objects.filter(keep_until__isnull=False).exists()  # a large meter kept
    assert CompensationCase.objects.count() == 1
    # this month's plans drafted by every branch, two waiting for the center
    assert ReplacementPlan.objects.filter(year=2026, month=12, state="submitted").count() == 2
    # urgent reports: one waiting, one past its verification, one fitted and tracked by inspection
    urgent = sorted(Replacement.objects.filter(kind="urgent").values_list("state", flat=True))
    assert urgent == ["closed", "reported", "reported"]
    assert TrackingTask.objects.filter(kind="usage").count() == 1
    # the branches a store keeper must refuse today: an old meter late (the second), an acceptance past
    # its month (the sixth); the others may take meters
    branches = list(Unit.objects.filter(kind=Unit.Kind.BRANCH).order_by("code"))
    reasons = {branch.code: blocking_reasons(branch, date(2026, 12, 4)) for branch in branches}
    assert [code for code, found in reasons.items() if found] == [branches[1].code, branches[5].code]
    assert "旧表" in reasons[branches[1].code][0] and "验收" in reasons[branches[5].code][0]
    assert Acceptance.objects.filter(state="pending").count() == 2
    assert Acceptance.objects.filter(state="passed").count() == 1
    assert any("入库 287 只" in line for line in lines)
