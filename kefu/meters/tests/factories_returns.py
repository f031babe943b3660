"""Test helpers for old meters, the store's tasks and acceptance (M7, M8).

Counter business goes through the processes' services (start, documents, advance) and the signal's
after-commit delivery, as it does in production. A fitted replacement and an issue for a new install
are written as their subjects write them (rows, for tests only), so that these tests do not depend on
the replacement and issue subjects' work in progress; the returns and acceptances themselves go
through services.returns and services.acceptance."""

import itertools
from decimal import Decimal

from django.utils import timezone

from kefu.accounts.models import Role
from kefu.customers.models import Meter
from kefu.meters.models import GoodsReceipt, MeterIssue, MeterWork, Purpose, Replacement, StockMeter
from kefu.meters.services import acceptance as acceptance_services
from kefu.meters.services import returns as services
from kefu.processes import services as processes

_numbers = itertools.count(1)


def clerk(make_user):
    return make_user(Role.COUNTER_CLERK, username=f"clerk{next(_numbers)}", name="窗口小王")


def start(clerk, code: str, customer, **facts):
    return processes.start_process(actor=clerk, definition_code=code, customer=customer, facts=facts)


def hand_in(actor, process) -> None:
    for doc in process.current_stage.documents_for(process.customer_kind):
        processes.receive_document(actor=actor, process=process, code=doc["code"])


def advance(actor, process, capture):
    """The advance as a request makes it: the after-commit signal (meter_work_requested) delivered."""
    hand_in(actor, process)
    with capture(execute=True):
        return processes.advance(actor=actor, process=process)


def removal_requested(world, clerk, capture, *, code="suspension", meter=None, **facts):
    """A counter business for the world's customer whose application stage asked the store for the
    removal; returns (process, work)."""
    meter = meter or world.meter
    process = start(clerk, code, meter.service_point.customer, **facts)
    process = advance(clerk, process, capture)
    return process, MeterWork.objects.get(process=process, kind=MeterWork.Kind.REMOVE)


def fitted_replacement(world, meter=None, *, fitted_at=None, replace_due=None) -> Replacement:
    """A replacement whose new meter is fitted and whose old meter (`meter`) waits to come back."""
    meter = meter or world.meter
    n = next(_numbers)
    fitted_at = fitted_at or timezone.now()
    replacement = Replacement.objects.create(
        number=f"HBR{n:07d}",
        kind=Replacement.Kind.AGE,
        state=Replacement.State.FITTED,
        meter=meter,
        branch=meter.service_point.service_area.branch,
        plan_reading=meter.last_reading,
        replace_due=replace_due or timezone.localdate(fitted_at),
        fitted_by=world.fitter,
        fitted_at=fitted_at,
        old_reading=meter.last_reading,
    )
    Meter.objects.filter(pk=meter.pk).update(status=Meter.Status.REMOVED)
    return replacement


def _own_meter(world, replacement, work):
    if replacement is not None:
        return replacement.meter
    return work.meter if work is not None and work.meter_id else world.meter


def give_back(world, *, meter=None, replacement=None, work=None, **kwargs):
    values = {
        "actor": world.store_keeper,
        "meter": meter or _own_meter(world, replacement, work),
        "returned_by": world.fitter,
        "reading": Decimal("1240.5"),
        "seal_state": Meter.SealState.INTACT,
        "replacement": replacement,
        "work": work,
    }
    values.update(kwargs)
    return services.return_old_meter(**values)


def stock_meter(keeper, *, caliber_dn=20, archive_meter=None, state=StockMeter.State.IN_STOCK) -> StockMeter:
    n = next(_numbers)
    receipt = GoodsReceipt.objects.create(
        number=f"RKR{n:07d}", received_on=timezone.localdate(), received_by=keeper
    )
    return StockMeter.objects.create(
        number=f"XBR{n:07d}",
        caliber_dn=caliber_dn,
        model="LXS-20E",
        maker="宁波水表",
        certificate_no=f"JDR{n:06d}",
        certificate_date=timezone.localdate(),
        receipt=receipt,
        checked_by=keeper,
        checked_at=timezone.now(),
        state=state,
        archive_meter=archive_meter,
    )


def issue_for(world, *, purpose=Purpose.NEW_CONNECTION, process=None, customer=None, issued_at=None):
    """An issue as issues.issue_meter writes it, and its acceptance through open_acceptance."""
    n = next(_numbers)
    issue = MeterIssue.objects.create(
        number=f"LBR{n:07d}",
        purpose=purpose,
        branch=world.branch,
        collector=world.fitter,
        stock_meter=stock_meter(world.store_keeper, state=StockMeter.State.ISSUED),
        application_card=f"KR{n:07d}",
        process=process,
        customer=customer or world.meter.service_point.customer,
        issued_by=world.store_keeper,
        issued_at=issued_at or timezone.now(),
    )
    return issue, acceptance_services.open_acceptance(actor=world.store_keeper, issue=issue)
