"""The store's writes (M2, M3 stocktake; seed 000 ch.4 §2, §3.1).

Goods-in (ch.4 §2 水表入库验收): the store keeper checks and signs for every meter of a delivery one by
one; a meter without its test certificate (合格证号 and 检定日期) is refused (表库应当拒收) and listed
on the receipt with the reason, as is a meter whose number is already in the store or the archive. A
delivery of which nothing is acceptable is refused whole. Receipts are numbered RK+yyyymmdd-seq.

Stocktake (ch.4 §3.1 每月最后一个工作日为表库盘存时间): a count sheet per caliber of the meters in
stock, opened on the month's last working day (rule meters.stocktake_only_on_last_working_day), every
difference between book and count explained before the sheet is closed. While a sheet is open no
goods are taken in, so the book count it froze stays the store's."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from kefu.core.alerts import send_alert
from kefu.core.numbering import day_period, next_number
from kefu.core.params import day_problem
from kefu.core.permissions import require
from kefu.customers.models import Meter
from kefu.meters.calibers import minimum_stock
from kefu.meters.dates import last_working_day_of_month
from kefu.meters.events import StoreEvents, meters_event
from kefu.meters.models import GoodsReceipt, PurchasePlan, StockMeter, Stocktake, StocktakeLine
from kefu.meters.recipients import store_keepers

ALERT_KINDS: dict[str, str] = {"meters.stocktake_due": "今日为表库月末盘存日"}

RECEIPT_PREFIX = "RK"
RECEIPT_SERIES = "meters.receipt"  # NumberSequence key; one series per day
MAX_METERS_PER_RECEIPT = 2000
FIELDS = ("number", "caliber_dn", "model", "maker", "batch", "certificate_no", "certificate_date")


def cn_day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def receipt_number(day: date, sequence: int) -> str:
    return f"{RECEIPT_PREFIX}{day:%Y%m%d}-{sequence:04d}"


def _text(value, limit: int) -> str:
    return str(value if value is not None else "").strip()[:limit]


def _caliber(value) -> int | None:
    text = str(value if value is not None else "").strip().upper().removeprefix("DN")
    if not (text.isascii() and text.isdigit()):
        return None
    caliber = int(text)
    return caliber if 15 <= caliber <= 600 else None


def _day(value) -> date | None:
    if isinstance(value, date):
        return value if not day_problem(value) else None
    try:
        day = date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None
    return None if day_problem(day) else day


def _check_meter(raw: dict, received_on: date) -> tuple[dict, str]:
    """The meter as it will be stocked, and the reason it is refused ("" when accepted)."""
    meter = {
        "number": _text(raw.get("number"), 30),
        "caliber_dn": _caliber(raw.get("caliber_dn")),
        "model": _text(raw.get("model"), 50),
        "maker": _text(raw.get("maker"), 100),
        "batch": _text(raw.get("batch"), 50),
        "certificate_no": _text(raw.get("certificate_no"), 50),
        "certificate_date": _day(raw.get("certificate_date")),
    }
    if not meter["number"]:
        return meter, "表号未填"
    if not meter["certificate_no"] or raw.get("certificate_date") in (None, ""):
        return meter, "无检验合格证（合格证号、检定日期须齐全），按第四章2的规定拒收"
    if meter["certificate_date"] is None:
        return meter, "检定日期格式应为 YYYY-MM-DD"
    if meter["certificate_date"] > received_on:
        return meter, "检定日期晚于入库日期，合格证有误"
    if meter["caliber_dn"] is None:
        return meter, "口径应为DN15–600的整数"
    if not meter["model"] or not meter["maker"]:
        return meter, "型号、生产厂家须填写"
    return meter, ""


@transaction.atomic
def receive_goods(
    *,
    actor,
    meters: list[dict],
    supplier: str = "物贸公司",
    received_on: date | None = None,
    purchase_plan: PurchasePlan | None = None,
    note: str = "",
) -> GoodsReceipt:
    """Check and sign for a delivery: each acceptable meter stocked (IN_STOCK, checked_by the store
    keeper), each refused one listed on the receipt's `refused` with its reason; ValidationError when
    none is acceptable. A receipt against an approved purchase plan marks the plan received once what
    arrived on its receipts covers every caliber of it."""
    require(actor, "meters.add_goodsreceipt")
    today = timezone.localdate()
    received_on = received_on or today
    if day_problem(received_on) or received_on > today:
        raise ValidationError({"received_on": "入库日期不能晚于今天"})
    if not meters:
        raise ValidationError({"meters": "请填写送货的水表（每行一只）"})
    if len(meters) > MAX_METERS_PER_RECEIPT:
        raise ValidationError({"meters": f"一张入库单最多{MAX_METERS_PER_RECEIPT}只水表，请分批入库"})
    supplier = _text(supplier, 100) or "物贸公司"
    counting = Stocktake.objects.filter(state=Stocktake.State.COUNTING).first()
    if counting is not None:
        raise ValidationError({"__all__": f"表库正在盘存（{counting}），盘存完成后再验收入库"})
    if purchase_plan is not None:
        purchase_plan = PurchasePlan.objects.select_for_update().get(pk=purchase_plan.pk)
        if purchase_plan.state != PurchasePlan.State.APPROVED:
            shown = purchase_plan.get_state_display()
            raise ValidationError(
                {
                    "purchase_plan": f"购置计划{purchase_plan.number}为「{shown}」，"
                    "只有已批准采购中的计划可以关联入库"
                }
            )

    checked = [_check_meter(raw if isinstance(raw, dict) else {}, received_on) for raw in meters]
    numbers = [m["number"] for m, reason in checked if not reason]
    in_store = dict(StockMeter.objects.filter(number__in=numbers).values_list("number", "receipt__number"))
    in_archive = set(Meter.objects.filter(number__in=numbers).values_list("number", flat=True))
    accepted: list[dict] = []
    refused: list[dict] = []
    seen: set[str] = set()
    for meter, reason in checked:
        number = meter["number"]
        if not reason:
            if number in seen:
                reason = f"表号{number}在本次送货中重复"
            elif number in in_store:
                reason = f"表号{number}已在表库（入库单{in_store[number]}）"
            elif number in in_archive:
                reason = f"表号{number}已在水表档案中"
        if reason:
            refused.append({"number": number, "caliber_dn": meter["caliber_dn"], "reason": reason})
        else:
            seen.add(number)
            accepted.append(meter)
    if not accepted:
        reasons = "；".join(f"{r['number'] or '（无表号）'}：{r['reason']}" for r in refused[:20])
        raise ValidationError({"meters": f"没有可以入库的水表，整批拒收：{reasons}"})

    now = timezone.now()
    receipt = GoodsReceipt.objects.create(
        number=receipt_number(today, next_number(RECEIPT_SERIES, day_period(today))),
        purchase_plan=purchase_plan,
        supplier=supplier,
        received_on=received_on,
        received_by=actor,
        refused=refused,
        note=_text(note, 200),
    )
    stocked = StockMeter.objects.bulk_create(
        [StockMeter(receipt=receipt, checked_by=actor, checked_at=now, **meter) for meter in accepted]
    )
    for stock_meter in stocked:
        meters_event(
            actor=actor,
            target=stock_meter,
            verb=StoreEvents.METER_RECEIVED,
            changes={"receipt": receipt.number, "state": [None, str(StockMeter.State.IN_STOCK.label)]},
            note=f"{supplier}送货，验收签字：{actor}",
        )
    if purchase_plan is not None and plan_covered(purchase_plan):
        from kefu.meters.services.purchases import mark_received

        mark_received(actor=actor, plan=purchase_plan, received_on=received_on, automatic=True)
    return receipt


def received_by_caliber(plan: PurchasePlan) -> dict[int, int]:
    rows = (
        StockMeter.objects.filter(receipt__purchase_plan=plan)
        .values_list("caliber_dn")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


def plan_covered(plan: PurchasePlan) -> bool:
    """Whether the meters received against the plan cover every caliber's quantity."""
    received = received_by_caliber(plan)
    lines = list(plan.lines.filter(quantity__gt=0).values_list("caliber_dn", "quantity"))
    return bool(lines) and all(received.get(caliber, 0) >= quantity for caliber, quantity in lines)


# ---- stocktake (ch.4 §3.1)


def stocktake_refusal(day: date) -> str:
    """Why a count sheet may not be opened on `day` ("" when it may)."""
    from kefu.core.policies import policy

    stocktake_day = last_working_day_of_month(day.year, day.month)
    if policy("meters.stocktake_only_on_last_working_day") and day != stocktake_day:
        return (
            f"盘存只在每月最后一个工作日进行（本月为{cn_day(stocktake_day)}），"
            "规则“meters.stocktake_only_on_last_working_day”"
        )
    return ""


def book_counts() -> dict[int, int]:
    """Meters in stock per caliber, with every caliber of the minimum-stock rule (0 when none)."""
    counts = {caliber: 0 for caliber in minimum_stock()}
    rows = (
        StockMeter.objects.filter(state=StockMeter.State.IN_STOCK)
        .values_list("caliber_dn")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts.update(dict(rows))
    return dict(sorted(counts.items()))


@transaction.atomic
def open_stocktake(*, actor, day: date | None = None) -> Stocktake:
    """Open the month's count sheet with the book count of every caliber in stock."""
    require(actor, "meters.add_stocktake")
    day = day or timezone.localdate()
    if refusal := stocktake_refusal(day):
        raise ValidationError({"__all__": refusal})
    month = day.replace(day=1)
    existing = Stocktake.objects.filter(month=month).first()
    if existing is not None:
        raise ValidationError(
            {"__all__": f"{existing}已于{existing.taken_on:%Y-%m-%d}开始，请继续在原盘存表上登记"}
        )
    stocktake = Stocktake.objects.create(month=month, taken_on=day, counted_by=actor)
    book = book_counts()
    StocktakeLine.objects.bulk_create(
        [
            StocktakeLine(stocktake=stocktake, caliber_dn=caliber, book_count=count)
            for caliber, count in book.items()
        ]
    )
    meters_event(
        actor=actor,
        target=stocktake,
        verb=StoreEvents.STOCKTAKE_OPENED,
        changes={"book": {f"DN{c}": n for c, n in book.items()}},
    )
    return stocktake


def _counting(stocktake: Stocktake) -> Stocktake:
    stocktake = Stocktake.objects.select_for_update().get(pk=stocktake.pk)
    if stocktake.state != Stocktake.State.COUNTING:
        raise ValidationError({"__all__": f"{stocktake}已完成，不能再修改"})
    return stocktake


@transaction.atomic
def record_counts(*, actor, stocktake: Stocktake, counts: list[dict]) -> Stocktake:
    """Enter counted numbers: [{"caliber_dn", "counted_count", "reason"}]. A count that differs from
    the book needs its reason; a recount replaces the earlier figure (the history keeps both)."""
    require(actor, "meters.change_stocktake")
    stocktake = _counting(stocktake)
    lines = {line.caliber_dn: line for line in stocktake.lines.all()}
    errors: list[str] = []
    changes = {}
    for entry in counts:
        caliber = _caliber(entry.get("caliber_dn"))
        line = lines.get(caliber) if caliber else None
        if line is None:
            errors.append(f"盘存表没有口径DN{entry.get('caliber_dn')}")
            continue
        counted = entry.get("counted_count")
        if counted in (None, ""):
            continue
        try:
            counted = int(counted)
        except (TypeError, ValueError):
            errors.append(f"DN{caliber}的实盘数应为整数")
            continue
        if not 0 <= counted <= 1_000_000:
            errors.append(f"DN{caliber}的实盘数应在0至1000000之间")
            continue
        reason = _text(entry.get("reason"), 200)
        if counted != line.book_count and not reason:
            errors.append(
                f"DN{caliber}实盘{counted}只，与账面{line.book_count}只相差{counted - line.book_count:+d}只，"
                "请填写差异原因"
            )
            continue
        if counted == line.book_count:
            reason = ""
        if (line.counted_count, line.reason) != (counted, reason):
            changes[f"DN{caliber}"] = [line.counted_count, counted]
            line.counted_count, line.reason = counted, reason
            line.save(update_fields=["counted_count", "reason"])
    if errors:
        raise ValidationError({"counts": errors})
    if changes:
        meters_event(actor=actor, target=stocktake, verb=StoreEvents.STOCKTAKE_COUNTED, changes=changes)
    return stocktake


@transaction.atomic
def close_stocktake(*, actor, stocktake: Stocktake) -> Stocktake:
    require(actor, "meters.change_stocktake")
    stocktake = _counting(stocktake)
    lines = list(stocktake.lines.all())
    missing = [f"DN{line.caliber_dn}" for line in lines if line.counted_count is None]
    if missing:
        raise ValidationError({"__all__": f"{'、'.join(missing)}尚未登记实盘数，不能完成盘存"})
    unexplained = [f"DN{line.caliber_dn}" for line in lines if line.difference and not line.reason]
    if unexplained:
        raise ValidationError({"__all__": f"{'、'.join(unexplained)}有盘盈盘亏，请填写差异原因"})
    stocktake.state = Stocktake.State.CLOSED
    stocktake.closed_at = timezone.now()
    stocktake.save(update_fields=["state", "closed_at", "updated_at"])
    differences = {f"DN{line.caliber_dn}": line.difference for line in lines if line.difference}
    meters_event(
        actor=actor,
        target=stocktake,
        verb=StoreEvents.STOCKTAKE_CLOSED,
        changes={"differences": differences} if differences else {},
        note="账实相符" if not differences else "",
    )
    return stocktake


def overdue(now) -> list[str]:
    """On the stocktake day, the store keepers are told once (the alert's subject is the month) while
    no count sheet has been opened."""
    today = timezone.localdate(now)
    if today != last_working_day_of_month(today.year, today.month):
        return []
    month = today.replace(day=1)
    if Stocktake.objects.filter(month=month).exists():
        return []
    sent = send_alert(
        recipients=store_keepers(),
        kind="meters.stocktake_due",
        message=f"今日（{today:%Y-%m-%d}）为月末盘存日，请盘点表库并登记盘存表",
        url=reverse("meters:stocktakes"),
        subject=f"meters.stocktake:{month:%Y-%m}",
    )
    return [f"月末盘存提醒：{today:%Y-%m-%d}（{sent}人）"] if sent else []
