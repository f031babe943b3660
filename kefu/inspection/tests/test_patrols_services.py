"""Patrol plans and patrols (I4, seed 000 ch.7 第四条(一), 第三条(三)): one plan a year, drafted by an
inspector and approved by the director (not the drafter), the yearly count spread over the months,
patrols by two inspectors or more on days not in the future, planned vs done from the records, and the
month's behind-plan alert once a month."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import ServiceAreaFactory, UserFactory
from kefu.core.events import Event
from kefu.core.models import Alert, JobClaim
from kefu.core.services import set_policy
from kefu.inspection import selectors_patrols as selectors
from kefu.inspection.events import PatrolEvents
from kefu.inspection.models import Patrol, PatrolPlan, PatrolPlanLine, TargetType
from kefu.inspection.services import patrols as services
from kefu.inspection.tests.factories_patrols import at, make_plan, patrol, patrol_world, patrols

pytestmark = pytest.mark.django_db


@pytest.fixture
def pw(world):
    return patrol_world(world)


# ---------------------------------------------------------------- the plan


def test_a_new_plan_gives_every_active_area_the_default_monthly_counts(pw, administrator):
    # given the rule's defaults changed and an area no longer in use
    set_policy(actor=administrator, key="inspection.patrol_default_counts", value="hydrant:3,market:1")
    ServiceAreaFactory(code="OLD", name="旧片区", branch=pw.world.east, active=False)
    # when an inspector drafts the year's plan without lines
    with time_machine.travel(at(date(2026, 1, 5)), tick=False):
        plan = services.draft_plan(actor=pw.drafter, year=2026)
    # then each active area has 3 hydrant patrols and 1 market patrol every month, nothing else
    lines = PatrolPlanLine.objects.filter(plan=plan)
    assert set(lines.values_list("area__code", flat=True)) == {"CD", "CX"}
    assert lines.count() == 2 * 2 * 12
    assert set(lines.filter(target_type="hydrant").values_list("planned", flat=True)) == {3}
    assert set(lines.filter(target_type="market").values_list("planned", flat=True)) == {1}
    assert plan.state == PatrolPlan.State.DRAFT and plan.drafted_by == pw.drafter
    assert Event.objects.filter(verb=PatrolEvents.PLAN_DRAFTED, target_id=plan.pk).exists()


def test_there_is_one_plan_a_year(pw):
    make_plan(pw, 2026, {(pw.east, "hydrant"): [1] * 12})
    with time_machine.travel(at(date(2026, 2, 1)), tick=False), pytest.raises(ValidationError) as refused:
        services.draft_plan(actor=pw.drafter, year=2026, lines=[])
    assert refused.value.message_dict["year"] == [
        "2026年的巡查年度计划已经编制（每年一份），请在原计划上调整"
    ]


def test_only_an_inspector_drafts_a_plan(pw):
    with pytest.raises(PermissionDenied, match="只有稽查员可以编制巡查年度计划"):
        services.draft_plan(actor=pw.world.agent, year=2026, lines=[])
    with pytest.raises(PermissionDenied):
        services.draft_plan(actor=pw.director, year=2026, lines=[])


def test_a_plan_line_outside_the_seeds_target_types_is_refused(pw):
    with time_machine.travel(at(date(2026, 1, 5)), tick=False), pytest.raises(ValidationError) as refused:
        services.draft_plan(actor=pw.drafter, year=2026, lines=[services.Line(pw.east, "casino", 1, 2)])
    assert "巡查对象「casino」不在" in refused.value.message_dict["target_type"][0]
    assert "第四条(一)" in refused.value.message_dict["target_type"][0]


@pytest.mark.parametrize(
    ("yearly", "months"),
    [
        (12, [1] * 12),
        (14, [2, 2] + [1] * 10),
        (5, [1] * 5 + [0] * 7),
        (0, [0] * 12),
        (30, [3] * 6 + [2] * 6),
    ],
)
def test_a_yearly_count_is_spread_evenly_with_the_remainder_to_the_first_months(yearly, months):
    assert services.spread(yearly) == months
    assert sum(services.spread(yearly)) == yearly


def test_split_year_replaces_the_rows_monthly_counts(pw):
    plan = make_plan(pw, 2026, {(pw.east, "construction"): [5] * 12}, approve=False)
    services.split_year(actor=pw.drafter, plan=plan, area=pw.east, target_type="construction", yearly=26)
    counts = dict(
        PatrolPlanLine.objects.filter(plan=plan, area=pw.east, target_type="construction").values_list(
            "month", "planned"
        )
    )
    assert [counts[m] for m in range(1, 13)] == [3, 3] + [2] * 10
    assert Event.objects.filter(verb=PatrolEvents.PLAN_CHANGED, target_id=plan.pk).exists()


def test_changing_an_approved_plan_sends_it_back_for_approval(pw):
    plan = make_plan(pw, 2026, {(pw.east, "hydrant"): [2] * 12})
    assert plan.state == PatrolPlan.State.APPROVED
    plan = services.set_line(
        actor=pw.inspectors[1], plan=plan, area=pw.east, target_type="hydrant", month=3, planned=4
    )
    plan.refresh_from_db()
    assert plan.state == PatrolPlan.State.DRAFT and plan.approved_by is None
    event = Event.objects.filter(verb=PatrolEvents.PLAN_CHANGED, target_id=plan.pk).latest("id")
    assert event.changes["lines"] == {f"{pw.east.pk}-hydrant-3": [2, 4]}
    # the same count again changes nothing
    services.set_line(
        actor=pw.inspectors[1], plan=plan, area=pw.east, target_type="hydrant", month=3, planned=4
    )
    assert Event.objects.filter(verb=PatrolEvents.PLAN_CHANGED, target_id=plan.pk).count() == 1


def test_the_drafter_cannot_approve_and_only_the_director_may(pw, make_user):
    plan = make_plan(pw, 2026, {(pw.east, "hydrant"): [2] * 12}, approve=False)
    # an inspector has no right to approve
    with pytest.raises(PermissionDenied, match="巡查年度计划由中心主任批准"):
        services.approve_plan(actor=pw.inspectors[1], plan=plan)
    # a director who drafted it (given the right to draft) may not approve their own
    drafting_director = make_user(Role.CENTER_DIRECTOR, username="dd")
    with time_machine.travel(at(date(2026, 1, 5)), tick=False):
        from django.contrib.auth.models import Permission

        drafting_director.user_permissions.add(Permission.objects.get(codename="add_patrolplan"))
        drafting_director = type(drafting_director).objects.get(pk=drafting_director.pk)
        own = services.draft_plan(
            actor=drafting_director, year=2027, lines=[services.Line(pw.east, "hotel", 1, 1)]
        )
    with pytest.raises(PermissionDenied, match="编制人不能批准自己编制的巡查年度计划"):
        services.approve_plan(actor=drafting_director, plan=own)
    # the director approves; approving again answers with the plan
    approved = services.approve_plan(actor=pw.director, plan=plan)
    assert approved.state == PatrolPlan.State.APPROVED and approved.approved_by == pw.director
    assert services.approve_plan(actor=pw.director, plan=plan).approved_at == approved.approved_at


def test_an_empty_plan_is_not_approved(pw):
    plan = make_plan(pw, 2026, {(pw.east, "hydrant"): [0] * 12}, approve=False)
    with pytest.raises(ValidationError) as refused:
        services.approve_plan(actor=pw.director, plan=plan)
    assert refused.value.message_dict["lines"] == ["2026年的巡查计划还没有任何计划次数，不能批准"]


def test_the_default_counts_rule_refuses_a_target_type_that_is_not_one(administrator):
    with pytest.raises(ValidationError) as refused:
        set_policy(actor=administrator, key="inspection.patrol_default_counts", value="hydrant:2,casino:1")
    assert "巡查对象应为" in str(refused.value)


# ---------------------------------------------------------------- patrols


def record(pw, **changes):
    fields = {
        "actor": pw.inspectors[0],
        "area": pw.east,
        "target_type": TargetType.HYDRANT,
        "patrolled_on": date(2026, 3, 5),
        "inspectors": pw.inspectors[:2],
        "places": "解放路、庆春路沿线消火栓",
        "findings": "",
    } | changes
    with time_machine.travel(at(date(2026, 3, 5), 18), tick=False):
        return services.record_patrol(**fields)


def test_a_patrol_by_two_inspectors_is_recorded_with_its_event(pw):
    done = record(pw, findings="庆春路12号消火栓铅封破损")
    assert set(done.inspectors.all()) == set(pw.inspectors[:2])
    assert done.recorded_by == pw.inspectors[0]
    event = Event.objects.get(verb=PatrolEvents.RECORDED, target_id=done.pk)
    assert event.changes["inspectors"] == sorted(p.pk for p in pw.inspectors[:2])


def test_a_patrol_by_one_inspector_is_refused_quoting_the_rule(pw, administrator):
    with pytest.raises(ValidationError) as refused:
        record(pw, inspectors=[pw.inspectors[0]])
    assert refused.value.message_dict["inspectors"] == [
        "巡查须有2名以上稽查人员（供水手册第七章供水稽查管理制度第三条(三)：稽查人员必须二人以上），现有1名"
    ]
    # the number is the rule's
    set_policy(actor=administrator, key="inspection.min_inspectors", value=3)
    with pytest.raises(ValidationError) as refused:
        record(pw)
    assert refused.value.message_dict["inspectors"][0].startswith("巡查须有3名以上稽查人员")
    assert record(pw, inspectors=pw.inspectors).pk


def test_the_same_inspector_twice_is_one_inspector(pw):
    with pytest.raises(ValidationError, match="现有1名"):
        record(pw, inspectors=[pw.inspectors[0], pw.inspectors[0]])


def test_only_active_inspectors_go_on_patrol(pw):
    with pytest.raises(ValidationError) as refused:
        record(pw, inspectors=[pw.inspectors[0], pw.world.agent])
    assert refused.value.message_dict["inspectors"] == ["话务员甲不是在岗的稽查员，不能作为巡查人员"]
    gone = UserFactory(role=Role.FIELD_INSPECTOR, name="离职稽查员", is_active=False)
    with pytest.raises(ValidationError, match="离职稽查员不是在岗的稽查员"):
        record(pw, inspectors=[pw.inspectors[0], gone])


def test_a_patrol_in_the_future_is_refused(pw):
    with pytest.raises(ValidationError) as refused:
        record(pw, patrolled_on=date(2026, 3, 6))
    assert refused.value.message_dict["patrolled_on"] == [
        "巡查日期2026-03-06在今天之后：只能登记已完成的巡查"
    ]


def test_a_patrol_needs_a_place_an_area_and_a_target_type(pw):
    with pytest.raises(ValidationError) as refused:
        record(pw, places=" ", target_type="casino", area=None)
    assert set(refused.value.message_dict) == {"places", "target_type", "area"}
    assert refused.value.message_dict["places"] == ["请填写巡查地点"]


def test_only_inspectors_record_patrols(pw):
    with pytest.raises(PermissionDenied, match="只有稽查员可以登记巡查"):
        record(pw, actor=pw.director)
    assert not Patrol.objects.exists()


# ---------------------------------------------------------------- planned vs done


def test_planned_vs_done_equals_the_patrols_counted_one_by_one(pw, django_assert_num_queries):
    # given a plan and patrols in March and April in both areas, one outside the plan (a hotel)
    make_plan(pw, 2026, {(pw.east, "hydrant"): [4] * 12, (pw.west, "construction"): [2] * 12})
    patrols(pw, pw.east, "hydrant", date(2026, 3, 2), 3)
    patrols(pw, pw.east, "hydrant", date(2026, 4, 1), 5)
    patrols(pw, pw.west, "construction", date(2026, 3, 10), 1)
    patrol(pw, pw.west, "hotel", date(2026, 3, 20))
    patrol(pw, pw.east, "hydrant", date(2025, 12, 31))  # last year's
    # when done is counted (one grouped query)
    with django_assert_num_queries(1):
        done = selectors.done_counts(2026)
    # then it equals the records
    for (area, code, month), n in done.items():
        assert (
            n
            == Patrol.objects.filter(
                area_id=area, target_type=code, patrolled_on__year=2026, patrolled_on__month=month
            ).count()
        )
    assert done == {
        (pw.east.pk, "hydrant", 3): 3,
        (pw.east.pk, "hydrant", 4): 5,
        (pw.west.pk, "construction", 3): 1,
        (pw.west.pk, "hotel", 3): 1,
    }
    # and the grid shows planned and done per area, target type and month, with totals
    grid = selectors.plan_grid(2026, PatrolPlan.objects.get(year=2026), today=date(2026, 4, 15))
    east = next(b for b in grid.areas if b.area == pw.east)
    hydrants = next(r for r in east.rows if r.target_type == "hydrant")
    assert (hydrants.cells[2].planned, hydrants.cells[2].done, hydrants.cells[2].shade) == (4, 3, "behind")
    assert (hydrants.cells[3].done, hydrants.cells[3].shade) == (5, "done")
    assert hydrants.cells[4].shade == "none"  # May: not begun
    assert (hydrants.planned, hydrants.done, hydrants.percent) == (48, 8, 17)
    assert grid.planned == 48 + 24 and grid.done == 10
    assert grid.month_totals[2].planned == 6 and grid.month_totals[2].done == 5
    # the month's rows list the hotel outside the plan
    march = {(r.area.code, r.target_type): (r.planned, r.done) for r in selectors.month_rows(2026, 3)}
    assert march == {("CD", "hydrant"): (4, 3), ("CX", "construction"): (2, 1), ("CX", "hotel"): (0, 1)}


# ---------------------------------------------------------------- the month's alert (run_due)


def test_the_behind_plan_alert_goes_once_a_month_to_the_inspectors_and_the_director(pw):
    # given November's plan: 4 hydrant patrols in the east, 2 building-site patrols in the west
    make_plan(pw, 2026, {(pw.east, "hydrant"): [4] * 12, (pw.west, "construction"): [2] * 12})
    patrols(pw, pw.east, "hydrant", date(2026, 11, 2), 2)
    patrols(pw, pw.west, "construction", date(2026, 11, 3), 2)
    # when the job runs before the month's last day: nothing
    assert services.run_due(at(date(2026, 11, 29))) == []
    # on the last day: one alert each to the three inspectors and the director
    lines = services.run_due(at(date(2026, 11, 30), 20))
    assert lines == ["巡查：2026年11月有1项进度落后于计划，已提醒4人"]
    alerts = Alert.objects.filter(kind=services.BEHIND_KIND)
    assert {a.recipient_id for a in alerts} == {p.pk for p in pw.inspectors} | {pw.director.pk}
    message = alerts.first().message
    assert message == "2026年11月巡查进度落后于年度计划：城东片区公共消火栓计划4次完成2次"
    assert "/inspection/patrols/plan/?year=2026&month=11" in alerts.first().url
    # a second run the same month adds nothing
    assert services.run_due(at(date(2026, 11, 30), 23)) == []
    assert alerts.count() == 4
    assert JobClaim.objects.filter(job=services.JOB, period="2026-11").count() == 1


def test_the_check_day_and_the_threshold_are_rules(pw, administrator):
    make_plan(pw, 2026, {(pw.east, "hydrant"): [4] * 12})
    patrols(pw, pw.east, "hydrant", date(2026, 11, 2), 3)
    set_policy(actor=administrator, key="inspection.patrol_check_days_before_end", value=5)
    set_policy(actor=administrator, key="inspection.patrol_behind_percent", value=75)
    # 3 of 4 is 75%: not behind at a 75% threshold, checked from the 25th
    assert services.run_due(at(date(2026, 11, 24))) == []
    assert services.run_due(at(date(2026, 11, 25))) == ["巡查：2026年11月各片区巡查均已按计划完成"]
    assert not Alert.objects.filter(kind=services.BEHIND_KIND).exists()


def test_no_alert_without_an_approved_plan(pw):
    make_plan(pw, 2026, {(pw.east, "hydrant"): [4] * 12}, approve=False)
    assert services.run_due(at(date(2026, 11, 30))) == []
    assert not JobClaim.objects.filter(job=services.JOB).exists()
