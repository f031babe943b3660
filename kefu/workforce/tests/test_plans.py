"""S5 roster plans: generate (CP-SAT) a draft re-checked by the independent checker, publish it into the
roster (replacing what was scheduled, keeping attended shifts), discard it; permissions; pages and API."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import TeamFactory
from kefu.core.models import Event, Policy
from kefu.core.services import set_policy
from kefu.workforce.models import Attendance, LeaveRequest, RosterEntry, RosterPlan, Shift
from kefu.workforce.services.plans import discard_plan, generate_plan, publish_plan

MONDAY = date(2026, 11, 30)
BEFORE = "2026-11-20 09:00 +0800"


@pytest.fixture(autouse=True)
def _before_the_period():
    with time_machine.travel(BEFORE, tick=False):
        yield


def at(day: date, hour: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def peak_day() -> list[int]:
    return [1 if h < 16 else (4 if 20 <= h < 24 else 3) if h < 32 else 2 for h in range(48)]


@pytest.fixture
def team(db):
    return TeamFactory(code="RX1", name="热线一班")


@pytest.fixture
def agents(make_user, team):
    people = [
        make_user(Role.AGENT, username=f"a{i:02d}", name=f"话务员{i:02d}", team=team) for i in range(11)
    ]
    return [*people, make_user(Role.TEAM_LEADER, username="leader", name="班长老王", team=team)]


def generate(head, team, days=7, **kwargs):
    return generate_plan(
        actor=head,
        first_day=MONDAY,
        days=days,
        team=team,
        time_limit_s=5,
        requirement=peak_day() * days,
        **kwargs,
    )


def scheduled(person, day, code, **kwargs):
    shift = Shift.objects.get(code=code)
    starts_at, ends_at = shift.span(day)
    return RosterEntry.objects.create(
        person=person, day=day, shift=shift, starts_at=starts_at, ends_at=ends_at, **kwargs
    )


def approved_leave(person, start, end, number="QJ-T-1"):
    return LeaveRequest.objects.create(
        number=number,
        person=person,
        asked_by=person,
        kind="personal",
        starts_at=start,
        ends_at=end,
        reason="家事",
        status=LeaveRequest.Status.APPROVED,
    )


def test_a_generated_week_is_a_draft_with_proposals_and_no_breaches(department_head, team, agents):
    # given one agent on approved leave for two days
    approved_leave(agents[0], at(MONDAY + timedelta(days=1)), at(MONDAY + timedelta(days=3)))
    # when
    plan = generate(department_head, team)
    # then
    assert plan.status == RosterPlan.Status.DRAFT
    assert plan.solver_status in ("OPTIMAL", "FEASIBLE")
    assert plan.gap is not None and plan.objective is not None and plan.best_bound is not None
    assert plan.summary["breaches"] == 0, plan.summary["breach_messages"]
    assert plan.summary["under_total"] == 0
    entries = list(plan.entries.all())
    assert entries and {(e.status, e.source) for e in entries} == {("proposed", "generated")}
    leave_start, leave_end = at(MONDAY + timedelta(days=1)), at(MONDAY + timedelta(days=3))
    assert not [
        e for e in entries if e.person == agents[0] and e.starts_at < leave_end and leave_start < e.ends_at
    ]
    nights = [plan.summary["nights"][str(a.pk)] for a in agents[1:]]
    assert max(nights) - min(nights) <= 1
    assert Event.objects.filter(verb="rosterplan.generated", target_id=plan.pk).exists()
    # a proposal is not the roster yet
    assert not RosterEntry.objects.filter(status=RosterEntry.Status.SCHEDULED).exists()


def test_too_few_people_give_a_plan_with_the_understaffing_reported(department_head, team, make_user):
    few = [make_user(Role.AGENT, username=f"f{i}", team=team) for i in range(3)]
    plan = generate(department_head, team)
    assert plan.solver_status in ("OPTIMAL", "FEASIBLE")
    assert plan.summary["under_total"] > 0
    assert plan.summary["breaches"] == 0
    assert set(plan.entries.values_list("person", flat=True)) <= {p.pk for p in few}


def test_publishing_puts_the_proposals_on_the_roster_and_cancels_what_they_replace(
    department_head, team, agents
):
    # given a manual shift in the period, an attended one, and one just before the period
    replaced = scheduled(agents[1], MONDAY + timedelta(days=2), "D")
    attended = scheduled(agents[2], MONDAY + timedelta(days=1), "D")
    Attendance.objects.create(entry=attended, signed_in_at=attended.starts_at)
    before = scheduled(agents[3], MONDAY - timedelta(days=1), "E")
    plan = generate(department_head, team)
    assert plan.summary["breaches"] == 0
    # the attended shift stays, so its person has no other shift that day; the evening before blocks a night
    proposals = list(plan.entries.all())
    assert not [e for e in proposals if e.person == agents[2] and e.day == attended.day]
    assert not [e for e in proposals if e.person == agents[3] and e.day == MONDAY and e.shift.code == "N"]
    # when
    publish_plan(actor=department_head, plan=plan)
    # then
    plan.refresh_from_db()
    assert plan.status == RosterPlan.Status.PUBLISHED and plan.published_by == department_head
    replaced.refresh_from_db()
    assert replaced.status == RosterEntry.Status.CANCELLED and replaced.note == "由排班方案替换"
    attended.refresh_from_db()
    before.refresh_from_db()
    assert attended.status == before.status == RosterEntry.Status.SCHEDULED
    assert set(plan.entries.values_list("status", flat=True)) == {"scheduled"}
    assert Event.objects.filter(verb="rosterplan.published", target_id=plan.pk).exists()
    with pytest.raises(ValidationError):
        publish_plan(actor=department_head, plan=plan)  # only a draft


def test_a_plan_is_not_published_over_leave_approved_since(department_head, team, agents):
    plan = generate(department_head, team)
    entry = plan.entries.order_by("starts_at").first()
    approved_leave(entry.person, entry.starts_at, entry.ends_at)
    with pytest.raises(ValidationError, match="请假"):
        publish_plan(actor=department_head, plan=plan)
    plan.refresh_from_db()
    assert plan.status == RosterPlan.Status.DRAFT
    assert not RosterEntry.objects.filter(status=RosterEntry.Status.SCHEDULED).exists()


def test_discarding_cancels_the_proposals(department_head, team, agents):
    plan = generate(department_head, team)
    discard_plan(actor=department_head, plan=plan, note="需求有变")
    plan.refresh_from_db()
    assert plan.status == RosterPlan.Status.DISCARDED
    assert set(plan.entries.values_list("status", flat=True)) == {"cancelled"}


def test_an_agent_may_neither_generate_nor_publish(department_head, team, agents):
    with pytest.raises(PermissionDenied):
        generate(agents[0], team)
    plan = generate(department_head, team)
    with pytest.raises(PermissionDenied):
        publish_plan(actor=agents[0], plan=plan)


def test_a_period_in_the_past_or_too_long_is_refused(department_head, team, agents):
    with pytest.raises(ValidationError, match="起始日期"):
        generate_plan(actor=department_head, first_day=date(2026, 11, 20), days=7, requirement=[1] * 336)
    with pytest.raises(ValidationError, match="1至6周"):
        generate_plan(actor=department_head, first_day=MONDAY, days=49, requirement=[1] * 48 * 49)


def test_the_review_page_shows_the_status_gap_grid_and_checker(client_for, department_head, team, agents):
    plan = generate(department_head, team)
    page = client_for(department_head).get(f"/duty/plans/{plan.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert ("已证明最优" in text) or ("可行解" in text)
    assert "独立排班检查：0处违规" in text
    assert "发布方案" in text and "话务员01" in text
    listing = client_for(department_head).get("/duty/plans/")
    assert listing.status_code == 200 and "生成方案" in listing.content.decode()
    # the form proposes next Monday in the form a date input reads
    monday = timezone.localdate() + timedelta(days=7 - timezone.localdate().weekday())
    assert f'value="{monday:%Y-%m-%d}"' in listing.content.decode()


def test_pages_refuse_an_agent_and_bad_input_is_a_400(client, department_head, team, agents):
    client.force_login(agents[0])
    assert client.get("/duty/plans/").status_code == 403
    assert client.post("/duty/plans/new/", {"first_day": "2026-11-30", "weeks": 1}).status_code == 403
    client.force_login(department_head)
    response = client.post("/duty/plans/new/", {"first_day": "2026-11-30", "weeks": 9, "time_limit_s": 5})
    assert response.status_code == 400 and "周数" in response.content.decode()


def test_the_api_reads_publishes_and_refuses_an_agent(client, department_head, team, agents):
    plan = generate(department_head, team)
    client.force_login(agents[0])
    assert (
        client.post(
            "/api/workforce/roster-plans", {"first_day": "2026-11-30"}, "application/json"
        ).status_code
        == 403
    )
    client.force_login(department_head)
    read = client.get(f"/api/workforce/roster-plans/{plan.pk}").json()
    assert read["breaches"] == 0 and read["solver_status"] in ("OPTIMAL", "FEASIBLE")
    assert len(read["requirement"]) == 336 and read["entries"]
    published = client.post(f"/api/workforce/roster-plans/{plan.pk}/publish")
    assert published.status_code == 200 and published.json()["status"] == "published"
    again = client.post(f"/api/workforce/roster-plans/{plan.pk}/discard", {}, "application/json")
    assert again.status_code == 400


def test_a_plan_gives_everyone_their_contracted_week_and_shows_it(client_for, department_head, team, agents):
    # given twelve people, a one-agent requirement and the rule's 5 shifts a week; one agent on leave
    # from Tuesday to Thursday
    approved_leave(agents[0], at(MONDAY + timedelta(days=1)), at(MONDAY + timedelta(days=4)))
    # when
    plan = generate_plan(
        actor=department_head, first_day=MONDAY, days=7, team=team, time_limit_s=5, requirement=[1] * 336
    )
    # then
    assert plan.summary["breaches"] == 0, plan.summary["breach_messages"]
    assert plan.summary["contracted_per_week"] == 5
    worked = plan.summary["shifts_worked"]
    assert worked[str(agents[0].pk)] == plan.summary["contracted"][str(agents[0].pk)] == 2
    assert {worked[str(a.pk)] for a in agents[1:]} == {5}
    assert plan.summary["short_total"] == 0
    text = client_for(department_head).get(f"/duty/plans/{plan.pk}/").content.decode()
    assert "<td>5/5</td>" in text and "<td>2/2</td>" in text
    assert "每人均按应排班次排满" in text


def test_with_the_contract_rule_at_0_only_the_demand_is_rostered(department_head, team, agents):
    Policy.objects.create(key="workforce.contracted_shifts_per_week", value="0")
    plan = generate_plan(
        actor=department_head, first_day=MONDAY, days=7, team=team, time_limit_s=5, requirement=[1] * 336
    )
    assert plan.summary["contracted"] == {}
    assert sum(plan.summary["shifts_worked"].values()) == 21


def test_the_time_limit_rule_caps_what_a_generation_may_ask_and_the_start_stays_within_a_year(
    administrator, department_head, team, agents
):
    # given the rule lowered to 5 seconds
    set_policy(actor=administrator, key="workforce.solver_seconds", value=5)
    # when a generation asks for longer, or starts more than a year ahead
    with pytest.raises(ValidationError) as too_long:
        generate_plan(actor=department_head, first_day=date(2026, 11, 30), days=7, team=team, time_limit_s=6)
    with pytest.raises(ValidationError) as too_far:
        generate_plan(actor=department_head, first_day=date(2028, 1, 3), days=7, team=team, time_limit_s=2)
    # then both are refused, naming the rule's value and the reach of the forecast
    assert too_long.value.message_dict["time_limit_s"] == [
        "求解时限应为1至5秒（规则 workforce.solver_seconds 的上限）"
    ]
    assert too_far.value.message_dict["first_day"] == ["起始日期应在今后366天之内：更远的话务量无从预测"]
