"""Demo payments at the collection window: a few weeks of water fees taken by the demo clerk, on
working days in opening hours, at the times they would have been taken (so the customers' timelines,
the clerk's day and the monthly collection report read like a real window's), one of them voided by
the department head. Runs once: nothing is added when payments exist."""

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from kefu.accounts.models import User
from kefu.collection.models import Payment
from kefu.collection.services import record_payment, void_payment
from kefu.core.registry import Seeder
from kefu.customers.models import Account

DEMO_DAYS = 35
KNOWN_ACCOUNTS = 8  # the known customers' accounts (王建国 …) come first, so their archives show payments
COUNT = 60
METHODS = [("cash", 3), ("wechat", 4), ("alipay", 3), ("card", 1), ("transfer", 1)]


@dataclass
class DemoResult:
    created: int = 0
    existing: int = 0
    note: str = ""


def seed_payments(count: int = COUNT, seed: int = 2026) -> DemoResult:
    existing = Payment.objects.count()
    if existing or count <= 0:
        return DemoResult(existing=existing)
    clerk = User.objects.filter(username="clerk1", is_active=True).first()
    head = User.objects.filter(username="head", is_active=True).first()
    accounts = list(
        Account.objects.filter(status=Account.Status.ACTIVE, arrears=0)
        .select_related("customer")
        .order_by("customer_id", "id")[:300]
    )
    if clerk is None or not accounts:
        return DemoResult(note="演示收费未创建：缺少演示营业员 clerk1 或账户")
    rng = random.Random(seed)
    count = min(count, len(accounts))
    known = accounts[: min(KNOWN_ACCOUNTS, count)]
    chosen = known + rng.sample(accounts[len(known) :], count - len(known))
    result = DemoResult()
    payments = []
    for account, moment in zip(chosen, _window_times(len(chosen), rng), strict=True):
        amount = _fee(account, rng)
        method = rng.choices([m for m, _ in METHODS], weights=[w for _, w in METHODS])[0]
        with _at(moment):
            payments.append(
                record_payment(actor=clerk, account=account, amount=amount, kind="current", method=method)
            )
        result.created += 1
    if head is not None and payments:
        wrong = payments[len(payments) // 2]
        with _at(wrong.received_at + timedelta(minutes=25)):
            void_payment(actor=head, payment=wrong, reason="金额录入错误，已按正确金额重新收取")
    return result


def _fee(account: Account, rng) -> Decimal:
    """A month's water: a household pays tens of yuan, a unit or an estate's master meter far more."""
    kind = account.customer.kind
    if kind == "individual":
        tons = rng.randint(6, 25)
        return Decimal(tons) * Decimal("2.90")
    return Decimal(rng.randint(80, 3000)) * Decimal("3.85")


def _window_times(count: int, rng) -> list:
    """`count` moments over the last DEMO_DAYS days, on weekdays between 8:30 and 17:00, oldest first."""
    now = timezone.localtime()
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    moments = []
    while len(moments) < count:
        day = today - timedelta(days=rng.randrange(DEMO_DAYS))
        if day.weekday() >= 5:
            continue
        moment = day + timedelta(minutes=8 * 60 + 30 + rng.randrange(8 * 60 + 30))
        if moment < now - timedelta(minutes=10):
            moments.append(moment)
    return sorted(moments)


def _at(moment):
    import time_machine

    return time_machine.travel(moment, tick=False)


def add_arguments(parser) -> None:
    parser.add_argument(
        "--payments", type=int, default=COUNT, help="演示收费笔数（仅在没有收费记录时添加），0 为不添加"
    )


def seed_demo_payments(options: dict) -> list[str]:
    result = seed_payments(options.get("payments", COUNT))
    if result.note:
        return [result.note]
    if result.existing:
        return [f"演示收费：已有 {result.existing} 笔，未新增"]
    if not result.created:
        return []
    return [f"演示收费：{result.created} 笔（近{DEMO_DAYS}天的工作日，其中1笔已作废）"]


# After the counter's processes (50): payments are the window's day, not a business's stage.
SEEDER = Seeder("collection", 60, seed_demo_payments, arguments=add_arguments)
