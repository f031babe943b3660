"""Demo incidents: one open now (the 文三路 burst main, promoted from the knowledge app's emergency
outage, with about a dozen callers linked to it) and one closed last month (its callers answered with
the final answer, the callbacks made). Written through the services at the times they would have
happened. Idempotent: nothing is added when the demo has incidents already."""

import random
from datetime import timedelta

from django.utils import timezone

from kefu.accounts.models import Role, ServiceArea, User
from kefu.core.registry import Seeder
from kefu.customers.models import Customer
from kefu.hotline.demo import at
from kefu.hotline.models import Callback
from kefu.hotline.services import follow_up, work_orders
from kefu.incidents import services
from kefu.incidents.models import Incident
from kefu.knowledge.models import PlannedOutage

MATTERS = [
    "家里突然没水了，问什么时候能来水",
    "文三路那边是不是爆管了？我们小区全停水",
    "停水了，家里有老人，能不能送水",
    "水龙头一点水都没有，也没看到停水通知",
    "楼下路面在冒水，整栋楼没水",
    "饭店马上要营业了，停水什么时候恢复",
    "来水后水有点发黄，能不能用",
    "停水了，问问几点恢复供水",
]


def _moments(start, count: int, minutes: int, rng) -> list:
    return sorted(
        start + timedelta(minutes=rng.randint(2, minutes), seconds=rng.randint(0, 59)) for _ in range(count)
    )


def _link_callers(incident, *, area, agents, customers, moments, rng) -> int:
    for n, moment in enumerate(moments):
        customer = customers[n % len(customers)] if customers and n % 3 else None
        with at(moment):
            services.link_contact(
                actor=rng.choice(agents),
                incident=incident,
                wants_callback=n % 3 == 0,
                matter=rng.choice(MATTERS),
                customer=customer,
                phone="" if customer else f"139{rng.randint(10000000, 99999999)}",
                address="" if customer else f"西湖区文三路{rng.randint(1, 480)}号",
                service_area=area,
                received_at=moment - timedelta(minutes=rng.randint(1, 4)),
            )
    return len(moments)


def seed_incidents(seed: int = 13) -> list[str]:
    if Incident.objects.exists():
        return [f"突发事件：已有 {Incident.objects.count()} 起，未新增"]
    leader = User.objects.filter(role=Role.TEAM_LEADER, is_active=True).order_by("username").first()
    agents = list(User.objects.filter(role=Role.AGENT, is_active=True).order_by("username"))
    areas = {a.code: a for a in ServiceArea.objects.filter(code__in=["CX", "CD"]).select_related("branch")}
    if leader is None or not agents or len(areas) < 2:
        return ["突发事件：缺少班长、话务员或片区，未生成演示数据"]
    rng = random.Random(seed)
    now = timezone.now()
    lines = []

    # Last month: a burst main in 城东, declared by the team leader, closed six hours later.
    first_of_month = timezone.localtime(now).replace(day=1, hour=7, minute=40, second=0, microsecond=0)
    start = (first_of_month - timedelta(days=1)).replace(day=12)
    east = areas["CD"]
    with at(start + timedelta(minutes=25)):
        closed = services.declare_incident(
            actor=leader,
            kind=Incident.Kind.BURST_MAIN,
            title="解放路DN400供水主管爆管",
            service_areas=[east],
            streets="解放路、建国北路、庆春东路",
            cause="解放路与建国北路交叉口DN400供水主管爆裂，城东分公司抢修",
            started_at=start,
            expected_restoration_at=start + timedelta(hours=6),
            agreed_answer=(
                "您好，解放路DN400供水主管今晨爆裂，城东供水分公司正在全力抢修，解放路、建国北路、"
                "庆春东路一带停水或水压低，预计14:00前恢复供水。给您带来不便，深表歉意。"
            ),
        )
    east_customers = list(Customer.objects.filter(service_area=east).order_by("id")[:20])
    count = _link_callers(
        closed,
        area=east,
        agents=agents,
        customers=east_customers,
        moments=_moments(start + timedelta(minutes=25), 9, 240, rng),
        rng=rng,
    )
    restored = start + timedelta(hours=5, minutes=40)
    with at(restored + timedelta(minutes=10)):
        services.close_incident(
            actor=leader,
            incident=closed,
            final_answer="解放路DN400主管已抢修完毕，13:20起陆续恢复供水；初期如水色发黄，放水几分钟即可。",
            closed_at=restored,
        )
    for callback in Callback.objects.filter(work_order__incident_link__incident=closed).select_related(
        "work_order__owner"
    ):
        owner = callback.work_order.owner
        with at(restored + timedelta(minutes=rng.randint(40, 150))):
            follow_up.record_callback(
                actor=owner,
                callback=callback,
                reached=True,
                feedback="已告知恢复供水，客户表示满意",
                satisfied=True,
            )
            work_orders.close(actor=owner, work_order=callback.work_order, note="突发事件恢复后已回电客户")
    lines.append(f"突发事件：上月 {closed.number}（已恢复，关联来电 {count} 件）")

    # Now: the 文三路 emergency repair the knowledge demo published, promoted to an incident.
    west = areas["CX"]
    outage = PlannedOutage.objects.current(now).filter(service_areas=west).order_by("starts_at").first()
    began = now - timedelta(minutes=95)
    with at(began + timedelta(minutes=15)):
        if outage is not None and outage.starts_at < began:
            live = services.promote_outage(
                actor=leader, outage=outage, kind=Incident.Kind.BURST_MAIN, started_at=began
            )
        else:
            live = services.declare_incident(
                actor=leader,
                kind=Incident.Kind.BURST_MAIN,
                title="文三路DN300供水管道爆管",
                service_areas=[west],
                streets="文三路、文三新村、嘉绿苑、华星小区",
                cause="文三路与古墩路交叉口DN300供水管道爆管",
                started_at=began,
                expected_restoration_at=now + timedelta(hours=4),
                agreed_answer=(
                    "您好，文三路DN300供水管道爆管，城西供水分公司正在抢修，文三路沿线停水，"
                    "预计今天晚些时候恢复供水，恢复后我们会回电告知。给您带来不便，深表歉意。"
                ),
            )
    west_customers = list(Customer.objects.filter(service_area=west).order_by("id")[:20])
    count = _link_callers(
        live,
        area=west,
        agents=agents,
        customers=west_customers,
        moments=_moments(began + timedelta(minutes=15), 12, 75, rng),
        rng=rng,
    )
    lines.append(f"突发事件：进行中 {live.number}（关联来电 {count} 件）")
    return lines


def seed_demo_incidents(options: dict) -> list[str]:
    # The incidents' callers are hotline contacts: a demo seeded without calls (--contacts 0) has none.
    if not options.get("contacts"):
        return []
    return seed_incidents()


# After the hotline's traffic (40), before the KPI rollups (90) that count the linked contacts.
SEEDER = Seeder("incidents", 45, seed_demo_incidents)
