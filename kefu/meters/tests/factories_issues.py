"""Test helpers for the issue subject (M3): meters in stock, replacements waiting for their meter, issues
through `services.issues.issue_meter`.

Stock meters come in through the store's goods-in (`services.store.receive_goods`), certificate and all."""

import itertools
from datetime import date

from kefu.meters import papers
from kefu.meters.models import Purpose, Replacement, StockMeter
from kefu.meters.services import issues as services
from kefu.meters.services import store

_numbers = itertools.count(1)


def stock_meters(keeper, count: int = 1, *, caliber_dn: int = 20) -> list[StockMeter]:
    rows = []
    for _ in range(count):
        n = next(_numbers)
        rows.append(
            {
                "number": f"XB{caliber_dn:03d}{n:06d}",
                "caliber_dn": caliber_dn,
                "model": "LXS-20E",
                "maker": "宁波水表",
                "batch": "2026-01",
                "certificate_no": f"JD{n:06d}",
                "certificate_date": date(2026, 1, 5),
            }
        )
    receipt = store.receive_goods(actor=keeper, meters=rows)
    return list(StockMeter.objects.filter(receipt=receipt).order_by("number"))


def stock_meter(keeper, *, caliber_dn: int = 20) -> StockMeter:
    return stock_meters(keeper, 1, caliber_dn=caliber_dn)[0]


def replacement_to_issue(world, meter=None, *, kind=Replacement.Kind.AGE, branch=None) -> Replacement:
    """A replacement of `meter` (the world's DN20 by default) waiting for its new meter (待领表)."""
    meter = meter or world.meter_in(branch or world.branch)
    return Replacement.objects.create(
        number=f"HB{next(_numbers):08d}",
        kind=kind,
        state=Replacement.State.TO_ISSUE,
        meter=meter,
        branch=branch or meter.service_point.service_area.branch,
        plan_reading=meter.last_reading,
    )


def issue(world, *, purpose=Purpose.NEW_CONNECTION, stock_meter_=None, card=None, collector=None, **kwargs):
    """Issue a meter to the world's branch with every paper its purpose needs."""
    replacement = kwargs.pop("replacement", None)
    if purpose in (Purpose.AGE_REPLACEMENT, Purpose.URGENT_REPLACEMENT) and replacement is None:
        replacement = replacement_to_issue(
            world,
            kind=Replacement.Kind.AGE if purpose == Purpose.AGE_REPLACEMENT else Replacement.Kind.URGENT,
        )
    return services.issue_meter(
        actor=kwargs.pop("actor", world.store_keeper),
        branch=kwargs.pop("branch", world.branch),
        collector=collector or world.fitter,
        stock_meter=stock_meter_ or stock_meter(world.store_keeper, caliber_dn=kwargs.pop("caliber_dn", 20)),
        purpose=purpose,
        application_card=card if card is not None else f"KH{next(_numbers):08d}",
        papers=kwargs.pop("papers", papers.required_for(purpose)),
        replacement=replacement,
        **kwargs,
    )
