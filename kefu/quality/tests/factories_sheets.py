"""Appraisal rows made the way the app makes them: sheets drafted by draft_sheet, lines by add_line,
exam scores and complaint findings by their services; the records they read (discipline cases, sign-ins,
roster entries, contacts, QA checks) made here directly or through their own app's services."""

from datetime import date, datetime, timedelta

import time_machine
from django.utils import timezone

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import ServiceAreaFactory, TeamFactory, UserFactory
from kefu.customers.tests.factories import CustomerFactory
from kefu.quality import defaults
from kefu.quality.models import AppraisalMonth
from kefu.quality.services import sheets as services
from kefu.workforce.models import Attendance, DisciplineCase, RosterEntry
from kefu.workforce.shifts import ensure_default_shifts

MONTH = date(2026, 11, 1)


def moment(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


def catalogue() -> None:
    defaults.ensure_defaults()


def appraisal_month(month: date = MONTH, status: str | None = None) -> AppraisalMonth:
    """The month row (the months service opens it in the app; its tests are the months helper's);
    `status` sets it, else it stays as it is (编制中 when new)."""
    catalogue()
    row, _created = AppraisalMonth.objects.get_or_create(month=month)
    if status is not None and row.status != status:
        row.status = status
        row.save(update_fields=["status"])
    return row


def staff(role=Role.AGENT, *, team=None, hired_on=date(2020, 3, 1), **extra):
    return UserFactory(role=role, team=team or TeamFactory(), hired_on=hired_on, **extra)


def specialist(*, hired_on=date(2020, 3, 1), **extra):
    return UserFactory(role=Role.TRAINING_SPECIALIST, hired_on=hired_on, **extra)


def drafted(person, *, month: date = MONTH, actor=None):
    return services.draft_sheet(
        appraisal_month=appraisal_month(month), person=person, actor=actor or specialist()
    )


def roster_entry(person, day: date, *, shift_code: str = "D", created_on: date | None = None, **extra):
    shift = ensure_default_shifts()[shift_code]
    starts_at, ends_at = shift.span(day)
    with time_machine.travel(moment(created_on or day - timedelta(days=20), 7), tick=False):
        return RosterEntry.objects.create(
            person=person, day=day, shift=shift, starts_at=starts_at, ends_at=ends_at, **extra
        )


def signed_in(entry: RosterEntry, minutes_late: int = 0) -> Attendance:
    return Attendance.objects.create(
        entry=entry, signed_in_at=entry.starts_at + timedelta(minutes=minutes_late), minutes_late=minutes_late
    )


def discipline_case(person, day: date, kind: str, *, minutes: int = 0, entry=None) -> DisciplineCase:
    entry = entry or roster_entry(person, day)
    return DisciplineCase.objects.create(
        person=person, entry=entry, kind=kind, occurred_on=day, minutes=minutes, reason="测试情况"
    )


def contact(agent, *, at: datetime, code: str = "repair"):
    """A contact `agent` took at `at`; "consult" is answered on the spot, the others transferred."""
    from kefu.hotline.tests.factories import ContactFactory

    if code == "consult":
        return ContactFactory(actor=agent, answered=True, at=at)
    customer = CustomerFactory(service_area=ServiceAreaFactory())
    return ContactFactory(actor=agent, customer=customer, code=code, at=at)
