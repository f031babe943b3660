"""Test helpers for the patrol plans and patrols (I4), through the services: the shared test world
(its two areas 城东/城西 and its center director) with three inspectors, a plan drafted by the first
inspector and approved by the director, patrols recorded by pairs on a given day (time-machine sets
"today" so that the day is not in the future).

    pw = patrol_world(world)
    plan = make_plan(pw, 2026, {(pw.east, "hydrant"): [4] * 12})
    patrol(pw, pw.east, "hydrant", date(2026, 3, 5))
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import UserFactory
from kefu.inspection.models import PatrolPlan
from kefu.inspection.services import patrols as services

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


@dataclass
class PatrolWorld:
    world: object
    inspectors: list
    director: object
    head: object

    @property
    def east(self):
        return self.world.east_area

    @property
    def west(self):
        return self.world.west_area

    @property
    def drafter(self):
        return self.inspectors[0]


def patrol_world(world) -> PatrolWorld:
    inspectors = [
        UserFactory(role=Role.FIELD_INSPECTOR, username=f"xc_inspector{n}", name=name, employee_no=f"JC0{n}")
        for n, name in ((1, "稽查员赵刚"), (2, "稽查员钱明"), (3, "稽查员孙磊"))
    ]
    return PatrolWorld(world=world, inspectors=inspectors, director=world.director, head=world.head)


def make_plan(
    pw: PatrolWorld, year: int, rows: dict, *, approve: bool = True, today: date | None = None
) -> PatrolPlan:
    """A plan of `year` with `rows` {(area, target type): [12 monthly counts]}, drafted by the first
    inspector and (unless `approve=False`) approved by the director."""
    lines = [
        services.Line(area, code, month, count)
        for (area, code), counts in rows.items()
        for month, count in enumerate(counts, start=1)
    ]
    with time_machine.travel(at(today or date(year, 1, 5)), tick=False):
        plan = services.draft_plan(actor=pw.drafter, year=year, lines=lines)
        if approve:
            plan = services.approve_plan(actor=pw.director, plan=plan)
    return plan


def patrol(
    pw: PatrolWorld, area, target_type: str, day: date, *, pair=None, places="解放路沿线", findings=""
):
    """A patrol on `day` by a pair of inspectors (the first two unless given), recorded the same day."""
    people = list(pair or pw.inspectors[:2])
    with time_machine.travel(at(day, 17), tick=False):
        return services.record_patrol(
            actor=people[0],
            area=area,
            target_type=target_type,
            patrolled_on=day,
            inspectors=people,
            places=places,
            findings=findings,
        )


def patrols(pw: PatrolWorld, area, target_type: str, first: date, count: int):
    """`count` patrols on consecutive days from `first`."""
    return [patrol(pw, area, target_type, first + timedelta(days=n)) for n in range(count)]
