"""Demo meters: a store with stock, purchase plans at each step of their approval (one overdue), last
month's stocktake, each branch's replacement plan, replacements issued, fitted with the customer's
signature and their old meters returned (one late, one stopped, one damaged, a large one kept with its
label), urgent reports at each step, and acceptances (one overdue), so that every meters page has content
and the desk shows what a real store has to chase.

Everything goes through the services at the time it would have happened (kefu.hotline.demo.at), so
each rule of ch.4 is checked on the demo as in use: issues on working days within the store's hours,
never on the stocktake day, one for one, the branch blocks. A story the rules refuse at its moment (a
holiday where a working day was expected) is skipped, not forced. Idempotent: nothing is added when
the store has a receipt already. A small demo (the test suite's) gets the store's stock and one urgent
report only."""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from kefu.accounts.models import Role, Unit, User
from kefu.core.calendar import is_working_day
from kefu.core.registry import Seeder
from kefu.customers.models import Customer, Meter
from kefu.hotline.demo import at
from kefu.meters.dates import last_working_day_of_month
from kefu.meters.models import (
    Acceptance,
    GoodsReceipt,
    MeterIssue,
    PurchasePlan,
    Purpose,
    Replacement,
    ReplacementPlan,
    StockMeter,
)
from kefu.meters.papers import required_for
from kefu.meters.selectors_plan import IN_SERVICE
from kefu.meters.services import acceptance, issues, purchases, replacements, returns, store

SMALL_DEMO_CUSTOMERS = 1000
# (caliber, count, model, maker) of the delivery on the demo's first day: above the minimum stock
# (rule meters.min_stock) for the small calibers after a month's replacements, below it for DN100+
DELIVERY = [
    (15, 120, "LXS-15E", "宁波水表股份有限公司"),
    (20, 80, "LXS-20E", "宁波水表股份有限公司"),
    (25, 40, "LXS-25C", "三川智慧科技股份有限公司"),
    (40, 14, "LXLC-40", "三川智慧科技股份有限公司"),
    (50, 14, "LXLC-50", "三川智慧科技股份有限公司"),
    (80, 6, "WPD-80", "山东积成电子股份有限公司"),
    (100, 6, "WPD-100", "山东积成电子股份有限公司"),
    (150, 4, "WPD-150", "山东积成电子股份有限公司"),
    (200, 3, "WPD-200", "山东积成电子股份有限公司"),
]
SIGNATURE = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAA"
    "AABJRU5ErkJggg=="
)


def _moment(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _working_days_back(today: date, count: int) -> list[date]:
    """The `count` working days before today, oldest first, none of them a stocktake day (the store
    issues nothing then)."""
    days, day = [], today
    while len(days) < count:
        day -= timedelta(days=1)
        if is_working_day(day).working and day != last_working_day_of_month(day.year, day.month):
            days.append(day)
    return list(reversed(days))


def _user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def _staff(branch: Unit) -> list[User]:
    return list(User.objects.filter(unit=branch, role=Role.UNIT_STAFF, is_active=True).order_by("username"))


def _in_stock(caliber: int) -> StockMeter | None:
    return (
        StockMeter.objects.filter(state=StockMeter.State.IN_STOCK, caliber_dn=caliber)
        .order_by("number")
        .first()
    )


def seed_store(keeper: User, day: date, *, scale: int = 1) -> list[str]:
    with at(_moment(day, 9, 30)):
        meters = [
            {
                "number": f"X{day:%y}{caliber:03d}{n:04d}",
                "caliber_dn": caliber,
                "model": model,
                "maker": maker,
                "batch": f"{day:%Y%m}-{caliber}",
                "certificate_no": f"JD{day:%Y}{caliber:03d}{n:04d}",
                "certificate_date": day - timedelta(days=12),
            }
            for caliber, count, model, maker in DELIVERY
            for n in range(1, max(count // scale, 1) + 1)
        ]
        # One meter came without its test certificate: refused and listed on the receipt (ch.4 §2).
        meters.append(
            {**meters[0], "number": f"X{day:%y}0159999", "certificate_no": "", "certificate_date": None}
        )
        receipt = store.receive_goods(actor=keeper, meters=meters, received_on=day)
    return [
        f"水表：入库 {receipt.meters.count()} 只（{receipt.number}，"
        f"拒收无检定合格证 {len(receipt.refused)} 只）"
    ]


def seed_purchase_plans(keeper: User, head: User, director: User, today: date) -> list[str]:
    lines = []
    first_this = today.replace(day=1)
    last_month = (first_this - timedelta(days=1)).replace(day=1)
    # Last month's plan: approved by 投资管理部 five weeks ago and not delivered: past its 20 days.
    start = _first_working_day(last_month)
    if start < today:
        with at(_moment(start, 9)):
            plan = purchases.draft_plan(
                actor=keeper, kind=PurchasePlan.Kind.MONTHLY, year=start.year, month=start.month
            )
            purchases.submit_plan(actor=keeper, plan=plan)
        with at(_moment(start, 15)):
            purchases.center_approve(actor=head, plan=plan, note="同意，报投资管理部")
        approved_on = start + timedelta(days=2)
        with at(_moment(approved_on, 10)):
            plan = purchases.record_investment_approval(
                actor=director,
                plan=plan,
                approved_on=approved_on,
                reference=f"投资〔{approved_on:%Y}〕{approved_on:%m%d}号",
            )
        lines.append(f"水表：{plan.number} 已批准，采购期限 {plan.purchase_due:%Y-%m-%d}")
    # This month's: approved by the center head, waiting for 投资管理部.
    start = _first_working_day(first_this)
    if start <= today:
        with at(_moment(start, 9) if start < today else timezone.now()):
            plan = purchases.draft_plan(
                actor=keeper, kind=PurchasePlan.Kind.MONTHLY, year=today.year, month=today.month
            )
            purchases.submit_plan(actor=keeper, plan=plan)
            purchases.center_approve(actor=head, plan=plan, note="同意")
    # Next year's: drafted and waiting for the center head.
    plan = purchases.draft_plan(actor=keeper, kind=PurchasePlan.Kind.YEARLY, year=today.year + 1)
    purchases.submit_plan(actor=keeper, plan=plan)
    lines.append(f"水表：{today.year + 1}年购置年计划 {plan.number} 待中心负责人审核")
    return lines


def _first_working_day(first: date) -> date:
    day = first
    while not is_working_day(day).working:
        day += timedelta(days=1)
    return day


def seed_stocktake(keeper: User, today: date) -> list[str]:
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    day = last_working_day_of_month(last_month.year, last_month.month)
    with at(_moment(day, 16)):
        sheet = store.open_stocktake(actor=keeper, day=day)
        counts = []
        for line in sheet.lines.order_by("caliber_dn"):
            counted, reason = line.book_count, ""
            if line.caliber_dn == 20 and line.book_count:
                counted, reason = line.book_count - 1, "一只表壳运输破损，已隔离待报废"
            counts.append({"caliber_dn": line.caliber_dn, "counted_count": counted, "reason": reason})
        store.record_counts(actor=keeper, stocktake=sheet, counts=counts)
        store.close_stocktake(actor=keeper, stocktake=sheet)
    return [f"水表：{day:%Y-%m-%d} 月末盘存已完成"]


def _replace(
    keeper, fitter, replacement, issue_day, rng, *, fit=True, signed=True, seal="intact", hour=9
) -> bool:
    """One replacement: issued at the store, fitted with the customer, as on `issue_day`."""
    old = replacement.meter
    stock_meter = _in_stock(old.caliber_dn)
    if stock_meter is None:
        return False
    try:
        with at(_moment(issue_day, hour, 30)):
            issues.issue_meter(
                actor=keeper,
                branch=replacement.branch,
                collector=fitter,
                stock_meter=stock_meter,
                purpose=Purpose.AGE_REPLACEMENT
                if replacement.kind == Replacement.Kind.AGE
                else Purpose.URGENT_REPLACEMENT,
                application_card=f"HB-{replacement.number}",
                papers=required_for(Purpose.AGE_REPLACEMENT),
                replacement=replacement,
            )
        if not fit:
            return True
        replacement.refresh_from_db()
        reading = (old.last_reading or Decimal("0")) + Decimal(
            rng.randint(1, 8)
        )  # within meters.reading_tolerance_m3
        customer = old.service_point.customer
        with at(_moment(issue_day, hour + 5)):
            replacements.fit(
                actor=fitter,
                replacement=replacement,
                new_meter_number=stock_meter.number,
                old_reading=reading,
                old_seal_state=seal,
                new_seal_intact=True,
                customer_signed_name=customer.name[:20] if signed else "",
                customer_signature=SIGNATURE if signed else "",
            )
    except ValidationError:
        return False
    return True


def _return_old(keeper, fitter, replacement, day, *, damaged=False) -> bool:
    replacement.refresh_from_db()
    try:
        with at(_moment(day, 9)):
            returns.return_old_meter(
                actor=keeper,
                meter=replacement.meter,
                returned_by=fitter,
                reading=replacement.old_reading,
                seal_state="intact",
                damaged=damaged,
                damage_note="表壳有撬痕，表玻璃人为砸裂" if damaged else "",
                replacement=replacement,
                returned_on=day,
            )
    except ValidationError:
        return False
    return True


def seed_replacement_plans(keeper, head, branches, days, today, rng) -> list[str]:
    """Last month's plans of three branches approved on its first working day and worked through;
    this month's plans drafted by every branch and submitted by two, waiting for the center."""
    lines = []
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    plan_day = _first_working_day(last_month)
    work_days = [day for day in days if day > plan_day]
    for b, branch in enumerate(branches[:3]):
        staff = _staff(branch)
        if not staff:
            continue
        with at(_moment(plan_day, 9)):
            plan = replacements.draft_plan(
                actor=staff[0], branch=branch, year=plan_day.year, month=plan_day.month
            )
            replacements.submit_plan(actor=staff[0], plan=plan, note="按逾龄水表明细编制")
        with at(_moment(plan_day, 15)):
            replacements.approve_plan(actor=head, plan=plan, note="同意，按计划即领即换")
        lines += _work_plan(keeper, branch, staff, plan, work_days, rng, b)
    for b, branch in enumerate(branches):
        staff = _staff(branch)
        if not staff:
            continue
        plan = replacements.draft_plan(actor=staff[0], branch=branch, year=today.year, month=today.month)
        if b in (0, 3):
            replacements.submit_plan(actor=staff[0], plan=plan, note="按逾龄水表明细编制")
            lines.append(f"水表：{branch.name} {plan.year}年{plan.month}月换表计划待中心审批")
    return lines


def _work_plan(keeper, branch, staff, plan, days, rng, b) -> list[str]:
    """Each fitter: on each working day return yesterday's old meter, then take and fit the next."""
    queue = list(
        Replacement.objects.filter(plan=plan, state=Replacement.State.TO_ISSUE)
        .select_related("meter__service_point__customer", "branch")
        .order_by("-meter__caliber_dn", "id")[: 2 * min(len(days) - 2, 6)]
    )
    done = 0
    for f, fitter in enumerate(staff[:2]):
        mine = queue[f::2]
        previous, returned = None, 0
        for k, replacement in enumerate(mine):
            day = days[k]
            if previous is not None:
                # the second old meter the first fitter of the second branch brings back is damaged (赔表)
                if _return_old(keeper, fitter, previous, day, damaged=(b == 1 and f == 0 and returned == 1)):
                    returned += 1
                previous = None
            last = k == len(mine) - 1
            if last and b == 0 and f == 1:
                _replace(keeper, fitter, replacement, days[-1], rng, fit=False)  # issued, to fit this week
                break
            if last and b == 2 and f == 1:
                # the old reading disagrees badly with the plan's: the fitter stops (ch.4 §4.3.7)
                if _replace(keeper, fitter, replacement, day, rng, fit=False):
                    replacement.refresh_from_db()
                    with at(_moment(day, 14)):
                        replacements.stop(
                            actor=fitter,
                            replacement=replacement,
                            reason="旧表行度与换表单底数相差较大，报分公司负责人核实",
                        )
                break
            if _replace(keeper, fitter, replacement, day, rng):
                done += 1
                previous = replacement
        # Branch 2's second fitter keeps his last old meter past the deadline: the branch is blocked.
        if previous is not None and not (b == 1 and f == 1):
            _return_old(keeper, fitter, previous, days[min(len(mine), len(days) - 1)])
    return [f"水表：{branch.name} 上月换表 {done} 只"]


def seed_urgent(keeper, head, branches, days, rng) -> list[str]:
    lines = []
    # B5 (the fifth branch): the full urgent story, the usage tracking task open at the end.
    stories = [
        (branches[4], "stopped", "full"),
        (branches[0], "unreadable_face", "reported"),
        (branches[5], "sticking", "late"),
    ]
    for branch, fault, story in stories:
        staff = _staff(branch)
        meter = (
            Meter.objects.filter(
                status__in=IN_SERVICE, service_point__service_area__branch=branch, caliber_dn__lte=25
            )
            .exclude(replacements__state__in=["reported", "to_issue", "issued", "stopped", "fitted"])
            .order_by("id")
            .first()
        )
        if not staff or meter is None:
            continue
        reported_on = {"full": days[-8], "reported": days[-1], "late": days[-6]}[story]
        with at(_moment(reported_on, 10)):
            replacement = replacements.report_urgent(
                actor=staff[0], meter=meter, fault=fault, fault_note="抄表员反映"
            )
        if story == "full":
            with at(_moment(days[-7], 10)):
                replacements.verify(
                    actor=head, replacement=replacement, note="现场核实属实，请5个工作日内更换"
                )
            replacement.refresh_from_db()
            if _replace(keeper, staff[0], replacement, days[-6], rng, hour=10):
                _return_old(keeper, staff[0], replacement, days[-5])
        lines.append(
            f"水表：{branch.name} 急换报核单 {replacement.number}（{replacement.get_fault_display()}）"
        )
    return lines


def seed_acceptances(keeper, branches, today, rng) -> list[str]:
    """The sixth branch has a new connection issued about forty days ago and never accepted (overdue:
    its next issue is refused); the fourth a capacity change issued nine days ago; the third one accepted."""
    lines = []
    plan = [
        (branches[5], 42, Purpose.NEW_CONNECTION, None),
        (branches[3], 9, Purpose.CAPACITY_CHANGE, None),
        (branches[2], 30, Purpose.NEW_CONNECTION, True),
    ]
    for branch, days_ago, purpose, passed in plan:
        staff = _staff(branch)
        day = today - timedelta(days=days_ago)
        while not is_working_day(day).working or day == last_working_day_of_month(day.year, day.month):
            day -= timedelta(days=1)
        customer = Customer.objects.filter(service_area__branch=branch).order_by("-id").first()
        stock_meter = _in_stock(25)
        if not staff or customer is None or stock_meter is None:
            continue
        try:
            with at(_moment(day, 10)):
                issue = issues.issue_meter(
                    actor=keeper,
                    branch=branch,
                    collector=staff[-1],
                    stock_meter=stock_meter,
                    purpose=purpose,
                    application_card=f"SQ{day:%Y%m%d}{branch.pk:02d}",
                    papers=required_for(purpose),
                    customer=customer,
                )
        except ValidationError:
            continue
        record = Acceptance.objects.filter(issue=issue).first()
        if passed and record is not None:
            with at(_moment(day + timedelta(days=14), 15)):
                acceptance.record_acceptance(
                    actor=keeper,
                    acceptance=record,
                    passed=True,
                    branch_signer=staff[0].name,
                    note="水表安装规范，铅封完好",
                )
        lines.append(f"水表：{branch.name} {issue.get_purpose_display()} 领表 {issue.number}")
    return lines


def seed_meters(options: dict) -> list[str]:
    if GoodsReceipt.objects.exists():
        return [f"水表：表库已有 {StockMeter.objects.count()} 只表的记录，未新增"]
    keeper, head, director = _user("meterstore"), _user("head"), _user("director")
    if keeper is None or head is None or director is None:
        return ["水表：缺少表库管理员、客服部主任或中心主任，未生成演示数据"]
    today = timezone.localdate()
    days = _working_days_back(today, 26)
    if (options.get("customers") or 0) < SMALL_DEMO_CUSTOMERS:
        return seed_store(keeper, days[-1], scale=10)
    rng = random.Random(options.get("seed") or 15)
    branches = list(Unit.objects.filter(kind=Unit.Kind.BRANCH, active=True).order_by("code"))
    if len(branches) < 6:
        return seed_store(keeper, days[0])
    lines = seed_store(keeper, days[0])
    lines += seed_purchase_plans(keeper, head, director, today)
    lines += seed_stocktake(keeper, today)
    lines += seed_replacement_plans(keeper, head, branches, days[1:], today, rng)
    lines += seed_urgent(keeper, head, branches, days, rng)
    lines += seed_acceptances(keeper, branches, today, rng)
    this_month = ReplacementPlan.objects.filter(year=today.year, month=today.month).count()
    lines.append(
        f"水表：领表单 {MeterIssue.objects.count()} 张，"
        f"换表计划 {ReplacementPlan.objects.count()} 份（本月 {this_month} 份）"
    )
    return lines


SEEDER = Seeder("meters", 55, seed_meters)
