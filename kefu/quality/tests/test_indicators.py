"""Indicators by role (Q3): every hard figure equals a plain count of its source records; the page's
queries do not grow with the number of people; who reads which tab; who scores whom, and a second
score of the same indicator updating it with its history."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Avg, Q
from django.test.utils import CaptureQueriesContext

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import TeamFactory, UserFactory
from kefu.core import periods
from kefu.core.events import events_for
from kefu.hotline.measures import callback_counts
from kefu.hotline.models import Callback, Contact, ReturnVisit, WorkOrder
from kefu.hotline.services import alerts as escalation
from kefu.processes.models import Process
from kefu.processes.tests.factories import ProcessFactory
from kefu.quality import selectors_indicators as selectors
from kefu.quality.events import AppraisalEvents
from kefu.quality.indicators import AGENT, CATALOGUE, MANAGER, SUPERVISOR
from kefu.quality.models import AppraisalSheet, QaCheck, SoftIndicatorScore
from kefu.quality.services.indicators import score_soft_indicator
from kefu.quality.tests.factories_indicators import (
    at,
    call,
    closed_order,
    contact,
    rostered,
    scored_check,
    signed_in,
    travel,
)
from kefu.quality.tests.factories_months import (  # close_world_fixture: the close_world fixture
    close_world_fixture,  # noqa: F401
    deduct,
    drafted_month,
    lock,
)
from kefu.telephony.models import Call
from kefu.workforce.selectors_attendance import attendance_summary
from kefu.workforce.services import attendance as attendance_services

NOVEMBER = periods.month(2026, 11)
START, END = NOVEMBER.bounds()


@pytest.fixture
def pbx(make_user):
    return make_user(Role.ADMINISTRATOR, username="pbx", name="呼叫中心中间件")


@pytest.fixture
def inspector(make_user):
    return make_user(Role.QA_INSPECTOR, username="qa1", name="质检员小孙")


@pytest.fixture
def month_of_work(world, pbx, inspector):
    """November for the day shift's agent, with records just outside the month and another agent's."""
    agent, other = world.agent, world.night_agent
    # contacts: two answered on the spot, one repair transferred, visited satisfied; one in October
    first = contact(world, agent, at("11-03 09:00"), answered=True)
    contact(world, agent, at("11-10 10:00"), answered=True)
    closed_order(world, agent, at("11-12 09:00"), visit="satisfied")
    closed_order(world, agent, at("11-13 09:00"), visit="dissatisfied")
    contact(world, agent, at("10-31 23:50"), answered=True)
    contact(world, other, at("11-05 21:00"), answered=True)
    # calls: in time (5 s) and late (20 s); one on the line still; one in October
    call(pbx, agent, at("11-03 08:59"), ring_seconds=5, talk_seconds=60)
    call(pbx, agent, at("11-04 09:00"), ring_seconds=20, talk_seconds=120)
    call(pbx, agent, at("11-05 09:00"), ring_seconds=3, talk_seconds=None)
    call(pbx, agent, at("10-30 09:00"), ring_seconds=3, talk_seconds=30)
    call(pbx, other, at("11-05 21:00"), ring_seconds=3, talk_seconds=30)
    # attendance: three shifts, one signed in on time, one 25 minutes late, one missed (旷工)
    shifts = [rostered(agent, date(2026, 11, d)) for d in (2, 3, 4)]
    signed_in(agent, shifts[0])
    signed_in(agent, shifts[1], minutes_late=25)
    attendance_services.detect_absences(at("11-04 17:00"))
    # QA: one check scored in November
    scored_check(inspector, first, points=8, when=at("11-20 10:00"))
    return agent


def _agent_row(world, agent):
    table = selectors.indicator_table(world.head, role=AGENT, period=NOVEMBER)
    return next(r for r in table.rows if r.person == agent)


def test_an_agents_hard_figures_equal_counts_of_the_records(world, month_of_work):
    # given the agent's November, with records outside it
    agent = month_of_work
    # when the head reads the agent tab
    f = _agent_row(world, agent).figures
    # then each figure is the count of its records
    in_month = Q(received_at__gte=START, received_at__lt=END)
    contacts = Contact.objects.filter(in_month, agent=agent)
    assert f.contacts == contacts.count() == 4
    assert f.solved == contacts.filter(disposition=Contact.Disposition.ANSWERED).count() == 2
    assert f.work_orders == WorkOrder.objects.filter(contact__in=contacts).count() == 2
    calls = Call.objects.filter(agent=agent, answer_at__gte=START, answer_at__lt=END)
    assert f.calls_answered == calls.count() == 3
    assert f.calls_in_time == calls.filter(answered_in_time=True).count() == 2
    timed = [c for c in calls if c.hangup_at]
    assert f.handling_seconds == sum((c.hangup_at - c.answer_at).total_seconds() for c in timed) / len(timed)
    assert f.handling_seconds == 90
    visits = ReturnVisit.objects.filter(
        work_order__contact__agent=agent, visited_at__gte=START, visited_at__lt=END
    )
    assert f.visits == visits.count() == 2
    assert f.visits_satisfied == visits.exclude(result="dissatisfied").count() == 1
    assert f.satisfaction == 50.0
    summary = attendance_summary(person=agent, start=NOVEMBER.start, end=NOVEMBER.last_day)
    assert (f.shifts_rostered, f.shifts_worked, f.late_count, f.absences) == (
        summary["shifts_rostered"],
        summary["shifts_worked"],
        summary["late_count"],
        summary["absences"],
    )
    assert (f.shifts_rostered, f.shifts_worked, f.late_count, f.absences) == (3, 2, 1, 1)
    checks = QaCheck.objects.filter(agent=agent, month=NOVEMBER.start, calibration__isnull=True)
    assert f.qa_checks == checks.filter(status__in=["scored", "final"]).count() == 1
    assert f.qa_average == float(checks.get().score)


def test_another_agents_row_holds_only_their_own_records(world, month_of_work):
    f = _agent_row(world, world.night_agent).figures
    assert (f.contacts, f.solved, f.calls_answered, f.visits, f.qa_checks) == (1, 1, 1, 0, 0)


def test_attendance_grouped_for_many_people_equals_the_workforce_summary_of_each(world):
    # given two people with different months
    a, b = world.agent, world.night_agent
    signed_in(a, rostered(a, date(2026, 11, 2)), minutes_late=3)
    rostered(b, date(2026, 11, 2), "N")
    rostered(b, date(2026, 11, 30), status="leave")
    attendance_services.detect_absences(at("11-03 12:00"))
    # when the figures are read for both at once
    figures = selectors.person_figures([a.pk, b.pk], NOVEMBER)
    # then each equals the workforce's own summary of that person
    for person in (a, b):
        s = attendance_summary(person=person, start=NOVEMBER.start, end=NOVEMBER.last_day)
        f = figures[person.pk]
        assert (f.shifts_rostered, f.shifts_worked, f.late_count, f.absences) == (
            s["shifts_rostered"],
            s["shifts_worked"],
            s["late_count"],
            s["absences"],
        )


def test_a_team_leaders_row_sums_the_team_and_counts_its_difficult_cases(world, month_of_work):
    # given a day-shift order escalated and closed in November, one escalated and still open, and one
    # closed before November
    agent, leader = world.agent, world.leader
    solved = contact(world, agent, at("11-14 09:00"), customer=world.east_customer).work_order
    escalation.escalate(actor=leader, work_order=solved, level=1, reason="客户反复来电")
    world.handle(solved, at("11-14 12:00"))
    world.call_back(solved, at("11-14 13:00"))
    world.close(solved, at("11-15 09:00"))
    still_open = contact(world, agent, at("11-20 09:00"), customer=world.east_customer).work_order
    escalation.escalate(actor=leader, work_order=still_open, level=1, reason="涉及多个单位")
    # when the head reads the supervisor tab
    table = selectors.indicator_table(world.head, role=SUPERVISOR, period=NOVEMBER)
    team = next(r for r in table.rows if r.person == leader).figures
    # then the team's figures are its people's, and the difficult cases are counted from the orders
    members = [world.agent.pk, world.leader.pk]
    assert (
        team.people.contacts
        == Contact.objects.filter(agent_id__in=members, received_at__gte=START, received_at__lt=END).count()
    )
    assert team.people.contacts == _agent_row(world, agent).figures.contacts
    difficult = WorkOrder.objects.filter(contact__agent__team=world.day_shift, escalation_level__gt=0)
    assert team.difficult == difficult.count() == 2
    assert team.difficult_solved == difficult.filter(closed_at__gte=START, closed_at__lt=END).count() == 1
    assert team.difficult_rate == 50.0


def test_the_department_figures_count_orders_due_callbacks_and_plans(world, month_of_work):
    # when the director reads the manager tab
    table = selectors.indicator_table(world.director, role=MANAGER, period=NOVEMBER)
    d = table.department
    # then the orders due in the month and those closed by then are counted from the orders
    orders = [o for o in WorkOrder.objects.all() if START <= o.due_at < END]
    assert d.orders_due == len(orders)
    assert d.orders_on_time == sum(
        1 for o in orders if o.closed_at and o.state == "closed" and o.closed_at <= o.due_at
    )
    # and callbacks with the hotline's own measure
    counted = Callback.objects.filter(due_at__gte=START, due_at__lt=END).aggregate(**callback_counts())
    assert (d.callbacks_due, d.callbacks_on_time) == (counted["due"], counted["on_time"])
    assert d.callbacks_due == Callback.objects.filter(attempt=1, due_at__gte=START, due_at__lt=END).count()
    assert d.appraisal_status_label == "未开始"
    assert {r.person for r in table.rows} == {world.head, world.director}


def test_a_page_of_thirty_agents_costs_the_same_queries_as_a_page_of_three(world, django_assert_num_queries):
    # given a team of three, with a contact each
    team = TeamFactory(code="T30", name="热线三班")
    few = [UserFactory(role=Role.AGENT, team=team) for _ in range(3)]
    for person in few:
        contact(world, person, at("11-03 09:00"), answered=True)
    selectors.indicator_table(world.head, role=AGENT, period=NOVEMBER)  # the reader's permissions, cached
    with CaptureQueriesContext(connection) as three:
        selectors.indicator_table(world.head, role=AGENT, period=NOVEMBER, team_id=team.pk)
    # when the team has thirty
    many = [UserFactory(role=Role.AGENT, team=team) for _ in range(27)]
    for person in many[:5]:
        contact(world, person, at("11-04 09:00"), answered=True)
    # then reading them costs the same number of queries
    with django_assert_num_queries(len(three.captured_queries)):
        table = selectors.indicator_table(world.head, role=AGENT, period=NOVEMBER, team_id=team.pk)
    assert len(table.rows) == 30
    assert len(three.captured_queries) <= 15


# ---------------------------------------------------------------- who reads


def test_a_team_leader_reads_their_teams_staff_and_their_own_row_only(world):
    leader = world.leader
    agents = selectors.indicator_table(leader, role=AGENT, period=NOVEMBER)
    assert [r.person for r in agents.rows] == [world.agent]
    supervisors = selectors.indicator_table(leader, role=SUPERVISOR, period=NOVEMBER)
    assert [r.person for r in supervisors.rows] == [leader]
    with pytest.raises(PermissionDenied, match="班长只能查看本班组"):
        selectors.indicator_table(leader, role=MANAGER, period=NOVEMBER)


def test_an_agent_reads_no_tab(world):
    with pytest.raises(PermissionDenied):
        selectors.indicator_table(world.agent, role=AGENT, period=NOVEMBER)


def test_the_head_reads_every_tab(world):
    assert selectors.readable_roles(world.head) == [AGENT, SUPERVISOR, MANAGER]
    agents = selectors.indicator_table(world.head, role=AGENT, period=NOVEMBER)
    assert {r.person for r in agents.rows} == {world.agent, world.night_agent}


# ---------------------------------------------------------------- soft scores


def test_a_team_leader_scores_their_teams_agent_and_the_row_shows_it(world):
    # when the day shift's leader scores the day shift's agent
    with travel(at("11-28 10:00")):
        result = score_soft_indicator(
            actor=world.leader, person=world.agent, month=NOVEMBER.start, indicator="attitude", score=92
        )
    # then the score is stored once, with its event, and shows on the row
    assert result.created and result.changed
    row = _agent_row(world, world.agent)
    assert row.value("soft:attitude") == 92 and row.soft_average == 92
    [event] = events_for(result.score)
    assert event.verb == AppraisalEvents.SOFT_SCORED and event.changes["score"] == [None, 92]


def test_scoring_again_updates_the_score_and_keeps_the_old_one_in_the_history(world):
    with travel(at("11-28 10:00")):
        score_soft_indicator(
            actor=world.leader, person=world.agent, month=NOVEMBER.start, indicator="attitude", score=80
        )
        again = score_soft_indicator(
            actor=world.head, person=world.agent, month=NOVEMBER.start, indicator="attitude", score=85
        )
        repeated = score_soft_indicator(
            actor=world.head, person=world.agent, month=NOVEMBER.start, indicator="attitude", score=85
        )
    assert SoftIndicatorScore.objects.get().score == 85
    assert again.changed and not again.created and not repeated.changed
    history = [e.changes.get("score") for e in events_for(again.score).order_by("id")]
    assert history == [[None, 80], [80, 85]]
    assert events_for(again.score).count() == 2  # the repeat wrote nothing


def test_a_team_leader_cannot_score_another_teams_agent_nor_themselves(world):
    with travel(at("11-28 10:00")):
        with pytest.raises(PermissionDenied, match="本班组班长"):
            score_soft_indicator(
                actor=world.leader,
                person=world.night_agent,
                month=NOVEMBER.start,
                indicator="attitude",
                score=90,
            )
        with pytest.raises(PermissionDenied, match="不能给自己评分"):
            score_soft_indicator(
                actor=world.leader, person=world.leader, month=NOVEMBER.start, indicator="attitude", score=90
            )


def test_the_head_scores_leaders_and_the_director_scores_the_head(world):
    with travel(at("11-28 10:00")):
        score_soft_indicator(
            actor=world.head, person=world.leader, month=NOVEMBER.start, indicator="bridge", score=88
        )
        score_soft_indicator(
            actor=world.director, person=world.head, month=NOVEMBER.start, indicator="innovation", score=90
        )
        with pytest.raises(PermissionDenied, match="中心主任评分"):
            score_soft_indicator(
                actor=world.leader, person=world.head, month=NOVEMBER.start, indicator="attitude", score=90
            )
    assert SoftIndicatorScore.objects.count() == 2


@pytest.mark.parametrize("score", [-1, 101, 3.5, True])
def test_a_score_outside_0_to_100_is_refused_naming_the_rule(world, score):
    with travel(at("11-28 10:00")), pytest.raises(ValidationError) as error:
        score_soft_indicator(
            actor=world.leader, person=world.agent, month=NOVEMBER.start, indicator="attitude", score=score
        )
    assert "百分制" in error.value.message_dict["score"][0]


def test_an_indicator_of_another_role_is_refused_with_the_list_of_the_persons(world):
    with travel(at("11-28 10:00")), pytest.raises(ValidationError) as error:
        score_soft_indicator(
            actor=world.leader, person=world.agent, month=NOVEMBER.start, indicator="bridge", score=80
        )
    assert "attitude（工作态度）" in error.value.message_dict["indicator"][0]


def test_a_month_not_yet_begun_cannot_be_scored(world):
    with travel(at("11-28 10:00")), pytest.raises(ValidationError) as error:
        score_soft_indicator(
            actor=world.leader, person=world.agent, month=date(2026, 12, 1), indicator="attitude", score=80
        )
    assert "尚未开始" in error.value.message_dict["month"][0]


def test_every_role_has_hard_and_soft_indicators_with_their_source_clause():
    for entry in CATALOGUE.values():
        assert entry.hard and entry.soft
        codes = [i.code for i in entry.hard + entry.soft]
        assert len(codes) == len(set(codes))
        assert all("客服管理制度" in i.clause for i in entry.hard + entry.soft)
        assert all(
            len(i.code) <= SoftIndicatorScore._meta.get_field("indicator").max_length for i in entry.soft
        )


def test_a_counter_clerks_row_counts_the_businesses_they_took_in(world, make_user):
    # given a counter clerk who takes in two businesses in November and one in October
    clerk = make_user(Role.COUNTER_CLERK, username="clerk1", name="营业员小王", team=world.day_shift)
    for moment in (at("11-03 09:00"), at("11-20 15:00"), at("10-30 09:00")):
        with travel(moment):
            ProcessFactory(actor=clerk, customer=world.customer)
    # when the head reads the agent tab
    row = _agent_row(world, clerk)
    # then the figure is the count of the processes the clerk started in the month
    started = Process.objects.filter(started_by=clerk, created_at__gte=START, created_at__lt=END)
    assert row.figures.counter_processes == started.count() == 2
    assert row.person.role == Role.COUNTER_CLERK


def test_a_locked_month_gives_the_team_leader_their_teams_average_appraisal_score(close_world):
    # given the month drafted (a light deduction for one agent of team A) but not yet locked
    october = date(2026, 10, 1)
    appraisal_month = drafted_month(close_world, october)
    deduct(close_world, appraisal_month, close_world.agents_a[0], "no_mandarin")
    period = periods.month(2026, 10)

    def leader_row():
        table = selectors.indicator_table(close_world.head, role=SUPERVISOR, period=period)
        return next(r for r in table.rows if r.person == close_world.leader).figures

    assert leader_row().sheet_average is None
    # when the head locks it
    lock(close_world, appraisal_month)
    # then the leader's row shows the average of team A's sheets
    sheets = AppraisalSheet.objects.filter(appraisal_month=appraisal_month, team=close_world.team_a)
    team = leader_row()
    assert team.sheets == sheets.count() == 4
    assert team.sheet_average == round(float(sheets.aggregate(a=Avg("score"))["a"]), 1)
