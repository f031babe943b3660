"""Test helpers for the replacements (M4–M6): urgent reports and plans through the services, and an
issued replacement as `services.issues.issue_meter` leaves it (stock meter ISSUED, the 领表单, the new
meter's number on the form, state ISSUED) — written directly so these tests do not depend on the issue
rules' working hours and papers, which the issue subject tests."""

import itertools
from decimal import Decimal

from django.utils import timezone

from kefu.meters.models import GoodsReceipt, MeterIssue, Purpose, Replacement, StockMeter
from kefu.meters.services import replacements as services

_numbers = itertools.count(1)
SIGNATURE = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6"
    "kgAAAABJRU5ErkJggg=="
)


def stock_meter(keeper, *, caliber_dn: int = 20) -> StockMeter:
    n = next(_numbers)
    receipt = GoodsReceipt.objects.create(
        number=f"RKR{n:08d}", received_on=timezone.localdate(), received_by=keeper
    )
    return StockMeter.objects.create(
        number=f"NEW{caliber_dn:03d}{n:06d}",
        caliber_dn=caliber_dn,
        model="LXS",
        maker="宁波水表",
        certificate_no=f"JDR{n:06d}",
        certificate_date=timezone.localdate(),
        receipt=receipt,
        checked_by=keeper,
        checked_at=timezone.now(),
    )


def urgent(world, meter=None, *, fault=Replacement.Fault.STOPPED) -> Replacement:
    return services.report_urgent(
        actor=world.fitter, meter=meter or world.meter, fault=fault, fault_note="表停走"
    )


def to_issue(world, meter=None, *, kind=Replacement.Kind.URGENT) -> Replacement:
    if kind == Replacement.Kind.URGENT:
        return services.verify(actor=world.head, replacement=urgent(world, meter), note="属实")
    meter = meter or world.meter
    return Replacement.objects.create(
        number=f"HBT{next(_numbers):08d}",
        kind=kind,
        state=Replacement.State.TO_ISSUE,
        meter=meter,
        branch=meter.service_point.service_area.branch,
        plan_reading=meter.last_reading,
    )


def issued(world, meter=None, *, kind=Replacement.Kind.URGENT, caliber_dn=None) -> Replacement:
    """A replacement with its new meter issued (as issue_meter leaves it)."""
    replacement = to_issue(world, meter, kind=kind)
    stock = stock_meter(world.store_keeper, caliber_dn=caliber_dn or replacement.meter.caliber_dn)
    stock.state = StockMeter.State.ISSUED
    stock.save()
    issue = MeterIssue.objects.create(
        number=f"LB{next(_numbers):08d}",
        purpose=Purpose.URGENT_REPLACEMENT if kind == Replacement.Kind.URGENT else Purpose.AGE_REPLACEMENT,
        branch=replacement.branch,
        collector=world.fitter,
        stock_meter=stock,
        application_card=replacement.number,
        papers=["换表单"],
        issued_by=world.store_keeper,
        issued_at=timezone.now(),
    )
    Replacement.objects.filter(pk=replacement.pk).update(
        issue=issue,
        new_meter_number=stock.number,
        state=Replacement.State.ISSUED,
        replace_due=replacement.replace_due or timezone.localdate(),
    )
    replacement.refresh_from_db()
    return replacement


def fit_kwargs(replacement: Replacement, **overrides) -> dict:
    data = {
        "new_meter_number": replacement.new_meter_number,
        "old_reading": replacement.plan_reading if replacement.plan_reading is not None else Decimal("0"),
        "old_seal_state": "intact",
        "new_seal_intact": True,
        "customer_signed_name": "王大爷",
        "customer_signature": SIGNATURE,
        "new_reading": Decimal("0"),
    }
    return {**data, **overrides}
