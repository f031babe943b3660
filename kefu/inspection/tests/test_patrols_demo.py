"""The patrol demo (runs first among the inspection demos): this year's approved plan for the demo areas
× the seven target types, the months so far patrolled by pairs of inspector1..3, one area behind
plan last month (城东, the second area by code); a second run adds nothing."""

import time
from datetime import date

import pytest
import time_machine

from kefu.accounts.demo import create_demo_organisation
from kefu.inspection import demo_patrols, selectors_patrols
from kefu.inspection.models import Patrol, PatrolPlan
from kefu.inspection.tests.factories_patrols import at

pytestmark = pytest.mark.django_db


def test_the_demo_plan_and_patrols_tell_the_years_story():
    create_demo_organisation()
    with time_machine.travel(at(date(2026, 11, 20)), tick=False):
        started = time.monotonic()
        lines = demo_patrols.seed({"customers": 30})
        took = time.monotonic() - started
        plan = PatrolPlan.objects.get(year=2026)
        assert plan.state == PatrolPlan.State.APPROVED and plan.drafted_by.username == "inspector1"
        assert plan.approved_by.username == "director"
        assert set(plan.lines.values_list("target_type", flat=True)) == set(demo_patrols.COUNTS)
        # every patrol by two of inspector1..3, none after today
        assert (
            Patrol.objects.exists()
            and not Patrol.objects.filter(patrolled_on__gt=date(2026, 11, 20)).exists()
        )
        usernames = {
            u
            for p in Patrol.objects.prefetch_related("inspectors")[:50]
            for u in (i.username for i in p.inspectors.all())
        }
        assert usernames <= {"inspector1", "inspector2", "inspector3"}
        # October: one area (城东, the second by code) behind plan, the others on plan
        behind = selectors_patrols.behind_plan(2026, 10)
        assert {(r.area.code, r.target_type) for r in behind} == {("CD", "hydrant"), ("CD", "construction")}
        assert selectors_patrols.behind_plan(2026, 9) == []
        # a second run adds nothing
        count = Patrol.objects.count()
        assert demo_patrols.seed({}) == ["巡查：2026年巡查年度计划已存在"]
        assert Patrol.objects.count() == count
    assert lines[0].startswith("巡查：2026年巡查年度计划（6个片区，已批准），已登记巡查")
    assert took < 60  # seconds, on a loaded 2-core test machine; a few seconds when idle
