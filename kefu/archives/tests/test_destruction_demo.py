"""The destruction demo: the year's holdings checks (one problem noted, this period's done once due), last
year's destruction carried out with its entries kept, and a proposal waiting for the director; run twice,
nothing doubles."""

import pytest
import time_machine

from kefu.accounts.demo import create_demo_organisation
from kefu.archives import demo_destruction, demo_filing
from kefu.archives.models import ArchiveFile, Destruction, HoldingsInspection
from kefu.customers.demo import seed_customers

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-12-04 10:00 +0800")
def test_the_demo_shows_a_destruction_done_one_waiting_and_the_years_checks():
    # given the demo organisation and the filing demo's old meter-return files
    create_demo_organisation()
    seed_customers(30)
    demo_filing.seed({"customers": 30})

    # when the destruction demo runs twice
    lines = demo_destruction.seed({"customers": 30})
    demo_destruction.seed({"customers": 30})

    # then last year's list is destroyed and re-checked, its files' entries kept
    done = Destruction.objects.get(state=Destruction.State.DESTROYED)
    assert done.destroyed_at.year == 2025 and done.rechecked_at is not None
    destroyed = ArchiveFile.objects.filter(state=ArchiveFile.State.DESTROYED)
    assert destroyed.count() == done.items.count() == 3
    assert all(f.catalogue_number for f in destroyed)
    # and the 2020 files wait for the director
    waiting = Destruction.objects.get(state=Destruction.State.REVIEWED)
    assert waiting.items.count() == 3
    # the year's checks: all four done (Q4 was due on 15 October), one with a problem reported
    checks = {i.period: i for i in HoldingsInspection.objects.all()}
    assert set(checks) == {"2026Q1", "2026Q2", "2026Q3", "2026Q4"}
    assert all(check.done_at for check in checks.values())
    assert [i.period for i in checks.values() if i.problems] == ["2026Q2"]
    assert checks["2026Q2"].reported_to.username == "head"
    assert Destruction.objects.count() == 2
    assert any("待中心主任批准" in line for line in lines)


@time_machine.travel("2026-10-08 10:00 +0800")
def test_before_its_due_day_this_period_s_check_is_left_on_the_desk():
    create_demo_organisation()
    seed_customers(30)
    demo_filing.seed({"customers": 30})

    lines = demo_destruction.seed({"customers": 30})

    checks = {i.period: i for i in HoldingsInspection.objects.all()}
    assert checks["2026Q4"].done_at is None and checks["2026Q3"].done_at is not None
    assert any("本期检查待做" in line for line in lines)


def test_the_demo_skips_without_its_people(db):
    assert demo_destruction.seed({}) == ["档案销毁与库房检查：缺少档案员、客服部主任、中心主任或营业员，跳过"]
