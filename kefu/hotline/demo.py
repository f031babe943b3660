"""Demo hotline traffic: a few weeks of contacts and work orders at every stage, made through the
services (so numbers, routing, deadlines, callbacks and the timeline are all real). Idempotent: it
adds contacts only when the demo has none."""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from kefu.accounts.models import Role, User
from kefu.core.registry import Seeder
from kefu.customers.models import Customer
from kefu.hotline.models import Category, Contact, Priority, ReturnVisit
from kefu.hotline.services import follow_up, work_orders
from kefu.hotline.services.contacts import open_contact

# category: [(matter, disposition, result)]
MATTERS = {
    "repair": [
        ("楼道里水管爆了，水一直往外冒", "transferred", ""),
        ("家里突然没水了，也没看到停水通知", "transferred", ""),
        ("这两天水压特别低，五楼以上几乎没水", "transferred", ""),
        ("水龙头放出来的水发黄，有铁锈味", "transferred", ""),
        ("小区门口路面上有水冒出来，可能是管道漏水", "transferred", ""),
        ("水表玻璃裂了，表在滴水", "transferred", ""),
        ("家里马桶进水阀坏了一直流水", "answered", "属客户内部故障，已指导关闭角阀并联系维修师傅"),
    ],
    "consult": [
        (
            "居民阶梯水价现在是多少",
            "answered",
            "已告知第一阶梯2.90元/吨，第二阶梯3.85元/吨，第三阶梯6.70元/吨",
        ),
        ("明天小区计划停水，几点能恢复", "answered", "已告知计划检修停水时间为9时至17时，并致歉"),
        ("新房想开户装水表需要带什么材料", "answered", "已告知报装所需材料：身份证、房产证明，到营业厅办理"),
        ("二次供水改造的补贴政策是怎样的", "follow_up", ""),
    ],
    "billing": [
        ("这个月水费比平时高了一倍，怀疑抄错了", "transferred", ""),
        ("想问一下欠费多少，怎么交", "answered", "已告知所属分公司抄收电话，可通过营业厅或网上缴费"),
    ],
    "service_complaint": [
        ("抄表员态度很差，说话很冲", "transferred", ""),
        ("报修两天了维修人员还没来", "transferred", ""),
    ],
    "misconduct": [("抢修师傅说要给两百块钱才给先修", "transferred", "")],
    "theft_report": [("隔壁工地私接消火栓取水，已经好几天了", "transferred", "")],
    "media": [("都市快报记者来电，想采访昨天主管爆裂的抢修情况", "transferred", "")],
    "supervision": [("市长热线12345转来群众反映小区长期水压低，要求督办", "transferred", "")],
    "invalid": [("打错电话，要找燃气公司", "closed", ""), ("来电无声，多次询问无应答后挂断", "closed", "")],
}
WEIGHTS = {
    "repair": 30,
    "consult": 28,
    "billing": 14,
    "service_complaint": 8,
    "misconduct": 1,
    "theft_report": 2,
    "media": 1,
    "supervision": 3,
    "invalid": 10,
}


@dataclass
class SeedResult:
    created: int = 0
    existing: int = 0


def seed_hotline(count: int = 420, seed: int = 2026) -> SeedResult:
    existing = Contact.objects.count()
    if existing:
        return SeedResult(existing=existing)
    agents = list(User.objects.filter(role=Role.AGENT, is_active=True).order_by("username"))
    if not agents:
        return SeedResult()
    rng = random.Random(seed)
    customers = list(Customer.objects.filter(service_area__isnull=False).order_by("id")[:400])
    categories = {c.code: c for c in Category.objects.filter(code__in=MATTERS)}
    now = timezone.now()
    codes = list(WEIGHTS)
    result = SeedResult()
    # The stories (repeat callers, a reopened order) take their turn among the calls, so that the day's
    # contact numbers still follow the clock.
    # Each story records one call at its moment, within the `count` asked for (a small demo has none).
    stories = _stories(now, agents, customers, categories) if count >= STORIES_FROM else []
    moments = [(moment, None) for moment in _received_times(count - len(stories), now, rng)]
    moments += stories
    moments.sort(key=lambda item: item[0])
    for received, story in moments:
        if story is not None:
            result.created += story()
            continue
        code = rng.choices(codes, weights=[WEIGHTS[c] for c in codes])[0]
        matter, disposition, answer = rng.choice(MATTERS[code])
        customer = rng.choice(customers) if customers and code != "invalid" else None
        agent = rng.choice(agents)
        # The agent saves (and so transfers) a few minutes into the call; now and then one is slow,
        # so that 转办及时率 is a real center's figure, not 100%.
        saved = received + timedelta(
            minutes=rng.randint(35, 80) if rng.random() < 0.03 else rng.randint(1, 12)
        )
        with at(saved):
            contact = open_contact(
                actor=agent,
                matter=matter,
                category=categories[code],
                disposition=disposition,
                customer=customer,
                phone="" if customer else f"139{rng.randint(10000000, 99999999)}",
                address="" if customer else "西湖区文三路",
                result=answer,
                priority=Priority.IMPORTANT if code == "supervision" else Priority.NORMAL,
                received_at=received,
            )
        result.created += 1
        if hasattr(contact, "work_order") and contact.work_order:
            _advance(contact.work_order, agent, rng, start=saved, now=now)
    return result


# How a water hotline's calls fall over the day (per hour, 0–23): quiet at night, a morning peak from
# 9 to 11 and an afternoon one from 14 to 16; weekends bring about two thirds of a weekday's calls.
HOURLY = [2, 1, 1, 1, 1, 2, 4, 8, 12, 15, 14, 11, 8, 9, 13, 13, 11, 9, 7, 6, 5, 4, 3, 2]
WEEKEND_SHARE = 0.65
DEMO_DAYS = 35  # the month before and the days of this one, so last month's report is a whole month


def _received_times(count: int, now, rng) -> list:
    """`count` moments over the last DEMO_DAYS days, shaped like a hotline's traffic, oldest first (so
    the day's numbers follow the clock), none in the last ten minutes."""
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    moments = []
    while len(moments) < count:
        day = today - timedelta(days=rng.randrange(DEMO_DAYS))
        if day.weekday() >= 5 and rng.random() > WEEKEND_SHARE:
            continue
        hour = rng.choices(range(24), weights=HOURLY)[0]
        moment = day + timedelta(hours=hour, minutes=rng.randrange(60), seconds=rng.randrange(60))
        if moment < now - timedelta(minutes=10):
            moments.append(moment)
    return sorted(moments)


def at(moment):
    """Write as if it were `moment`: the services read the clock for every time they record (transfer,
    accept, reply, callback, event), and the demo's history must carry the times it would have had,
    not the minute the seed ran, or every report on the demo is wrong (a month of orders "transferred"
    today). The clock stands still at `moment` inside the block."""
    import time_machine

    return time_machine.travel(moment, tick=False)


class _Later:
    """The times of one order's story, each a little after the last; None once it would be in the
    future (the story stops there and the order stays where a real one would be now)."""

    def __init__(self, start, now, rng):
        self.moment, self.now, self.rng = start, now, rng

    def after(self, low_minutes: int, high_minutes: int):
        self.moment = self.moment + timedelta(minutes=self.rng.randint(low_minutes, high_minutes))
        return self.moment if self.moment < self.now - timedelta(minutes=1) else None


def _advance(order, agent, rng, *, start, now) -> None:
    """Move the order along as a center's week would: most are replied within their deadline, called
    back within the callback hours and closed; a few are late, a few callbacks miss, some return visits
    are only basically satisfied and a few dissatisfied. Recent orders are still with the unit."""
    clock = _Later(start, now, rng)
    if order.unit_id is None:
        # The agent's own follow-up: answered within the day.
        if (moment := clock.after(30, 300)) is None:
            return
        with at(moment):
            work_orders.reply(actor=agent, work_order=order, result="已查明并致电客户答复")
            work_orders.close(actor=agent, work_order=order)
        return
    unit_person = User.objects.filter(role=Role.UNIT_STAFF, unit_id=order.unit_id, is_active=True).first()
    if unit_person is None or (moment := clock.after(5, 90)) is None:
        return
    with at(moment):
        work_orders.accept(actor=unit_person, work_order=order)
    order.refresh_from_db()
    # Most units reply within hours, so that the 24-hour callback finds an answer; some take longer but
    # stay within the deadline; about one order in ten runs late.
    window = max(int((order.deadline - moment).total_seconds() // 60), 60)
    draw = rng.random()
    if draw < 0.1:
        low, high = window + 30, window + 2880
    elif draw < 0.25:
        low, high = min(1200, window // 2), max(window * 9 // 10, min(1200, window // 2) + 1)
    else:
        low, high = 20, max(min(window * 2 // 3, 1000), 21)
    if (moment := clock.after(low, high)) is None:
        return
    with at(moment):
        work_orders.reply(actor=unit_person, work_order=order, result=rng.choice(REPLIES))
    _call_back_and_close(order, agent, rng, clock)


def _call_back_and_close(order, agent, rng, clock) -> None:
    callback = order.callbacks.filter(done_at__isnull=True).first()
    if callback is None or (moment := clock.after(20, 240)) is None:
        return
    if rng.random() < 0.12:
        with at(moment):  # not reached: the next attempt is scheduled, a few hours later
            follow_up.record_callback(actor=agent, callback=callback, reached=False)
        callback = order.callbacks.filter(done_at__isnull=True).first()
        if callback is None or rng.random() < 0.3 or (moment := clock.after(120, 300)) is None:
            return  # still to be reached: it stays on the callback list
    with at(moment):
        follow_up.record_callback(
            actor=agent, callback=callback, reached=True, feedback="客户确认已处理", satisfied=True
        )
    if (moment := clock.after(5, 60)) is None:
        return
    with at(moment):
        work_orders.close(actor=agent, work_order=order)
    if rng.random() >= 0.6 or (moment := clock.after(600, 2880)) is None:
        return
    result = rng.choices(
        [
            ReturnVisit.Result.SATISFIED,
            ReturnVisit.Result.BASICALLY_SATISFIED,
            ReturnVisit.Result.DISSATISFIED,
        ],
        weights=[80, 15, 5],
    )[0]
    with at(moment):
        follow_up.record_return_visit(
            actor=agent,
            work_order=order,
            result=result,
            comment="处理太慢" if result == "dissatisfied" else "",
        )
    if result == ReturnVisit.Result.DISSATISFIED:
        _handle_again(order, agent, rng, clock)


def _handle_again(order, agent, rng, clock) -> None:
    """A dissatisfied visit reopened the order at its unit (W4): the unit takes it again within hours,
    goes back out and replies, and the agent calls back and closes it, as with any order; one reopened
    in the last day or so is still in the unit's queue."""
    unit_person = User.objects.filter(role=Role.UNIT_STAFF, unit_id=order.unit_id, is_active=True).first()
    if unit_person is None or (moment := clock.after(20, 240)) is None:
        return
    with at(moment):
        work_orders.accept(actor=unit_person, work_order=order)
    if (moment := clock.after(120, 1200)) is None:
        return
    with at(moment):
        work_orders.reply(actor=unit_person, work_order=order, result="已再次上门处理，客户确认问题解决")
    order.refresh_from_db()
    _call_back_and_close(order, agent, rng, clock)


STORIES_FROM = 50  # contacts: a demo asked for fewer is left as random traffic only

# --- stories: what the random traffic does not show reliably (H16 repeat callers, W4 reopen) -----------


def _stories(now, agents, customers, categories) -> list:
    """(moment, story) pairs: each story records its calls at its own moments and returns how many.

    - A customer calls about a leak and again the same day: the second call joins the order (第2次来电) and
      raises it to 重要, and the branch is told.
    - A caller without an archive disputes a bill and calls twice more on later days (来电3次).
    - A repair closed three days ago, dissatisfied at the return visit two hours ago: back in the
      branch's queue (已重新打开) with a deadline counted from the visit."""
    if len(customers) < 3 or not {"repair", "billing"} <= set(categories):
        return []
    agent, other = agents[0], agents[-1]
    local = timezone.localtime(now)
    first, second = local - timedelta(minutes=150), local - timedelta(minutes=25)
    if first.date() != local.date():  # just after midnight: yesterday morning instead
        first = (local - timedelta(days=1)).replace(hour=9, minute=10, second=0, microsecond=0)
        second = first + timedelta(hours=2, minutes=30)
    leak, visited = customers[-1], customers[-2]
    dispute_start = (local - timedelta(days=3)).replace(hour=10, minute=20, second=0, microsecond=0)
    visit_start = (local - timedelta(days=3)).replace(hour=9, minute=40, second=0, microsecond=0)
    state: dict = {}

    def leak_reported():
        contact = _story_call(agent, categories["repair"], "厨房水管接头漏水，地上都是水", leak, first)
        state["leak"] = contact.work_order
        _accept(contact.work_order, first + timedelta(minutes=12))
        return 1

    def leak_again():
        if "leak" not in state:
            return 0
        _story_call(
            other, categories["repair"], "上午报修漏水，到现在还没人来，水还在漏", leak, second, link=True
        )
        return 1

    def dispute():
        contact = _story_call(
            agent,
            categories["billing"],
            "这个月水费三百多，平时才六十，肯定是抄错了",
            None,
            dispute_start,
            phone="13957100088",
        )
        state["dispute"] = contact.work_order
        _accept(contact.work_order, dispute_start + timedelta(minutes=40))
        return 1

    def dispute_again(moment, matter: str):
        def call():
            if "dispute" not in state:
                return 0
            _story_call(other, categories["billing"], matter, None, moment, phone="13957100088", link=True)
            return 1

        return moment, call

    def dissatisfied():
        contact = _story_call(
            agent, categories["repair"], "水表井里一直冒水，表前阀门关不住", visited, visit_start
        )
        order = contact.work_order
        staff = _unit_person(order)
        if staff is None:
            return 1
        steps = visit_start + timedelta(minutes=20)
        with at(steps):
            work_orders.accept(actor=staff, work_order=order)
        with at(steps + timedelta(hours=3)):
            work_orders.reply(actor=staff, work_order=order, result="已更换表前阀门，恢复正常")
        callback = order.callbacks.filter(done_at__isnull=True).first()
        with at(steps + timedelta(hours=5)):
            follow_up.record_callback(
                actor=agent, callback=callback, reached=True, feedback="客户说暂时不漏了", satisfied=True
            )
        with at(steps + timedelta(hours=5, minutes=30)):
            work_orders.close(actor=agent, work_order=order)
        with at(now - timedelta(minutes=110)):
            follow_up.record_return_visit(
                actor=agent,
                work_order=order,
                result=ReturnVisit.Result.DISSATISFIED,
                comment="换了阀门第二天又开始冒水，要求重新处理",
            )
        return 1

    return [
        (first, leak_reported),
        (second, leak_again),
        (dispute_start, dispute),
        dispute_again(dispute_start + timedelta(days=1, hours=2), "上次反映水费抄错，分公司还没人联系我"),
        dispute_again(dispute_start + timedelta(days=2, hours=4), "第三次打来了，水费的事到底谁管"),
        (visit_start, dissatisfied),
    ]


def _story_call(agent, category, matter, customer, moment, *, phone: str = "", link: bool = False):
    with at(moment + timedelta(minutes=4)):
        return open_contact(
            actor=agent,
            matter=matter,
            category=category,
            disposition="transferred",
            customer=customer,
            phone=phone,
            address="" if customer else "西湖区文三路",
            received_at=moment,
            link_repeat=link,
        )


def _unit_person(order):
    return User.objects.filter(role=Role.UNIT_STAFF, unit_id=order.unit_id, is_active=True).first()


def _accept(order, moment) -> None:
    staff = _unit_person(order)
    if staff is not None:
        with at(moment):
            work_orders.accept(actor=staff, work_order=order)


REPLIES = [
    "已派抢修班组到场，更换破损管段，恢复供水",
    "经核查为表后管道渗漏，已告知客户自行维修",
    "已重新核对读数，确属抄错，已更正账单",
    "已约谈相关人员，进行批评教育并向客户道歉",
    "已到场排查，系小区二次供水设备故障，已修复",
]


def add_arguments(parser) -> None:
    parser.add_argument("--contacts", type=int, default=420, help="演示来电登记条数（仅在没有登记时添加）")


def seed_demo_contacts(options: dict) -> list[str]:
    result = seed_hotline(options["contacts"])
    if result.created:
        return [f"热线演示：新增来电登记 {result.created} 条（含各状态的工单、回电和回访）"]
    return [f"热线演示：已有来电登记 {result.existing:,} 条，未新增"]


# After the customers and the knowledge base: the contacts name customers and quote articles.
SEEDER = Seeder("hotline", 40, seed_demo_contacts, arguments=add_arguments)
