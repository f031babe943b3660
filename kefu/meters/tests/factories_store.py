"""Test helpers for the store and purchase plans (M1–M3): deliveries through `store.receive_goods`,
plans through `purchases.draft_plan` and its approval chain. An issue form is written directly (the
issue subject's rules are its own tests') when a test only needs a meter to have left the store."""

import itertools
from datetime import date

from django.utils import timezone

from kefu.meters.models import MeterIssue, PurchasePlan, Purpose, StockMeter
from kefu.meters.services import purchases, store

_numbers = itertools.count(1)


def meter_row(number: str | None = None, *, caliber_dn: int = 20, **overrides) -> dict:
    n = next(_numbers)
    row = {
        "number": number or f"SB{caliber_dn:03d}{n:06d}",
        "caliber_dn": caliber_dn,
        "model": "LXS-20E",
        "maker": "宁波水表",
        "batch": "2026-01",
        "certificate_no": f"JD{n:06d}",
        "certificate_date": date(2026, 1, 5),
    }
    row.update(overrides)
    return row


def receive(world, count: int = 1, *, caliber_dn: int = 20, plan=None, **kwargs):
    return store.receive_goods(
        actor=world.store_keeper,
        meters=[meter_row(caliber_dn=caliber_dn) for _ in range(count)],
        purchase_plan=plan,
        **kwargs,
    )


def issue_directly(world, stock_meter: StockMeter, *, when=None) -> MeterIssue:
    StockMeter.objects.filter(pk=stock_meter.pk).update(state=StockMeter.State.ISSUED)
    return MeterIssue.objects.create(
        number=f"LB{next(_numbers):08d}",
        purpose=Purpose.NEW_CONNECTION,
        branch=world.branch,
        collector=world.fitter,
        stock_meter=stock_meter,
        application_card=f"KH{next(_numbers):08d}",
        papers=[],
        issued_by=world.store_keeper,
        issued_at=when or timezone.now(),
    )


def plan(world, *, kind=PurchasePlan.Kind.MONTHLY, year=2026, month=2, quantities=None) -> PurchasePlan:
    return purchases.draft_plan(
        actor=world.store_keeper, kind=kind, year=year, month=month, quantities=quantities or {20: 10}
    )


def approved_plan(world, *, approved_on=None, **kwargs) -> PurchasePlan:
    drafted = plan(world, **kwargs)
    purchases.submit_plan(actor=world.store_keeper, plan=drafted)
    purchases.center_approve(actor=world.head, plan=drafted)
    return purchases.record_investment_approval(
        actor=world.head,
        plan=drafted,
        approved_on=approved_on or timezone.localdate(),
        reference="投资〔2026〕12号",
    )
