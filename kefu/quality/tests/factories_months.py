"""The monthly close's test world and steps, all through the services: two teams of agents, the training
specialist who drafts, a team leader who reviews, the department head who locks, the center director
who receives the flags; a month opened, drafted, submitted, reviewed and locked on the day asked."""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import TeamFactory
from kefu.quality import defaults
from kefu.quality.models import AppraisalItem, AppraisalMonth, AppraisalSheet
from kefu.quality.services import months as month_services
from kefu.quality.services import sheets as sheet_services

SHANGHAI = ZoneInfo("Asia/Shanghai")
HIRED = date(2025, 1, 6)


@dataclass
class CloseWorld:
    specialist: object
    leader: object  # 班长: reviews the month (and is appraised, in team_a)
    head: object  # 客服部主任: approves and locks, decides appeals
    director: object  # 中心主任: receives the termination flags
    team_a: object
    team_b: object
    agents_a: list = field(default_factory=list)  # three agents in team_a
    agents_b: list = field(default_factory=list)  # two agents in team_b


@pytest.fixture(name="close_world")
def close_world_fixture(db, make_user) -> CloseWorld:
    defaults.ensure_defaults()
    team_a, team_b = TeamFactory(name="热线一班"), TeamFactory(name="热线二班")
    world = CloseWorld(
        specialist=make_user(
            Role.TRAINING_SPECIALIST,
            username="trainer",
            name="培训专员小周",
            employee_no="T001",
            hired_on=HIRED,
        ),
        leader=make_user(
            Role.TEAM_LEADER,
            username="leader",
            name="班长老王",
            employee_no="L001",
            hired_on=HIRED,
            team=team_a,
        ),
        head=make_user(Role.DEPARTMENT_HEAD, username="khead", name="主任老李", employee_no="H001"),
        director=make_user(
            Role.CENTER_DIRECTOR, username="director", name="中心主任老赵", employee_no="D001"
        ),
        team_a=team_a,
        team_b=team_b,
    )
    for n in range(3):
        world.agents_a.append(
            make_user(
                Role.AGENT,
                username=f"a{n}",
                name=f"一班话务员{n}",
                employee_no=f"A00{n}",
                hired_on=HIRED,
                team=team_a,
            )
        )
    for n in range(2):
        world.agents_b.append(
            make_user(
                Role.AGENT,
                username=f"b{n}",
                name=f"二班话务员{n}",
                employee_no=f"B00{n}",
                hired_on=HIRED,
                team=team_b,
            )
        )
    return world


def moment(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def drafted_month(world: CloseWorld, first: date, *, on: date | None = None) -> AppraisalMonth:
    """The month opened and every sheet drafted by the specialist on `on` (default: the month's last
    working day)."""
    on = on or month_services.last_working_day(first)
    with time_machine.travel(moment(on), tick=False):
        appraisal_month = month_services.open_month(month=first, actor=world.specialist)
        return month_services.draft_all(appraisal_month=appraisal_month, actor=world.specialist)


def sheet_of(appraisal_month: AppraisalMonth, person) -> AppraisalSheet:
    return AppraisalSheet.objects.get(appraisal_month=appraisal_month, person=person)


def deduct(world: CloseWorld, appraisal_month: AppraisalMonth, person, code: str, points: int | None = None):
    """A manual line of the catalogue item `code` on the person's sheet (the specialist's entry)."""
    item = AppraisalItem.objects.get(code=code)
    return sheet_services.add_line(
        sheet=sheet_of(appraisal_month, person),
        item=item,
        points=item.min_points if points is None else points,
        note="测试录入",
        actor=world.specialist,
    )


def lock(world: CloseWorld, appraisal_month: AppraisalMonth, *, on: date | None = None) -> AppraisalMonth:
    """Submitted by the specialist, reviewed by the leader, approved and locked by the head on `on`."""
    on = on or month_services.last_working_day(appraisal_month.month)
    with time_machine.travel(moment(on, 15), tick=False):
        month_services.submit(appraisal_month=appraisal_month, actor=world.specialist)
        month_services.review(appraisal_month=appraisal_month, actor=world.leader)
        month_services.approve(appraisal_month=appraisal_month, actor=world.head)
    appraisal_month.refresh_from_db()
    return appraisal_month
