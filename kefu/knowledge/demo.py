"""Demo knowledge base for a Chinese water utility, and two planned outages around today.

Idempotent: articles are found by title and left alone when present; an outage is created only when
no published demo outage of that title is still on or ahead (so a demo started next week again shows
one stop on now and one tomorrow). Written through the services, so every row has its event.
"""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from kefu.accounts.models import Role, ServiceArea, User
from kefu.core.registry import Seeder
from kefu.knowledge import services
from kefu.knowledge.models import Article, PlannedOutage

K = Article.Kind

ARTICLES = [
    (
        "居民阶梯水价标准",
        K.PRICING,
        "阶梯水价 水费 收费标准 一阶 二阶 三阶 污水处理费",
        "居民生活用水实行年度阶梯水价（按户、按年计算，含污水处理费）：\n"
        "第一阶梯：年用水量0—216吨（含），2.90元/吨；\n"
        "第二阶梯：年用水量217—300吨（含），3.85元/吨；\n"
        "第三阶梯：年用水量300吨以上，6.70元/吨。\n"
        "其中污水处理费0.95元/吨、水资源费0.20元/吨已包含在上述价格中。\n"
        "户籍人口5人及以上的家庭，可凭户口簿到营业窗口申请增加阶梯基数，每增加1人每年增加43吨。\n"
        "答复要点：先问清客户是居民还是非居民用水，再报对应价格；客户质疑水量时，引导核对水表读数或申请校表。",
    ),
    (
        "非居民及特种用水价格",
        K.PRICING,
        "非居民 经营 工业 特种用水 洗车 水价",
        "非居民用水（机关、企事业单位、工业、经营服务业）：4.60元/吨（含污水处理费1.30元/吨）。\n"
        "特种用水（洗车、洗浴、纯净水生产等）：9.80元/吨。\n"
        "非居民用水超计划（定额）部分实行累进加价：超20%以内加价0.5倍，超20%—40%加价1倍，超40%以上加价2倍。",
    ),
    (
        "新装用水（报装）办理流程",
        K.PROCEDURE,
        "报装 新装 接水 开户 立户 申请用水",
        "一、受理：客户携带身份证（单位携带营业执照、授权委托书）、房产证明或土地使用证明到营业窗口或网上营业厅提交申请。\n"
        "二、勘查：供水分公司在3个工作日内现场勘查，确定接水点与表位。\n"
        "三、设计与预算：居民用户5个工作日内出具方案及费用；单位用户视工程规模另行约定。\n"
        "四、缴费签约：客户缴纳工程费，签订《供用水合同》。\n"
        "五、施工与装表：施工完成、验收合格后装表通水，建立用水档案。\n"
        "答复要点：告知客户所需材料及大致时限，复杂工程请客户直接联系所属供水分公司。",
    ),
    (
        "过户（变更户名）办理",
        K.PROCEDURE,
        "过户 更名 户名变更 房屋买卖 继承",
        "办理条件：原户名下水费已结清（无欠费）。\n"
        "所需材料：新户主身份证原件、不动产权证书（或购房合同、法院判决书等产权证明）；"
        "委托他人办理的，另需授权委托书及代办人身份证。\n"
        "办理渠道：任一营业窗口、网上营业厅、微信公众号。资料齐全的当场办结。\n"
        "注意：过户前的欠费由原户主承担，过户时须结清；水表押金随户转移。",
    ),
    (
        "销户办理",
        K.PROCEDURE,
        "销户 注销 拆迁 停止用水 拆表",
        "适用：房屋拆迁、不再用水等情况。\n"
        "流程：客户持身份证及产权证明到营业窗口申请 → 结清全部水费 → "
        "供水分公司上门拆表、抄最终读数 → 结算后注销档案。\n"
        "时限：拆表在受理后5个工作日内完成。销户后如需再次用水，须重新报装。",
    ),
    (
        "水表报停与恢复用水",
        K.PROCEDURE,
        "报停 暂停用水 复水 空置房 恢复供水",
        "房屋长期空置的，可申请水表报停：结清水费后，由供水分公司上门关闭表前阀门并加装封签，报停期间不计水费。\n"
        "报停期限最长2年，期满未申请恢复的视为继续报停。恢复用水：客户致电96390或到窗口申请，2个工作日内上门开阀。\n"
        "私自拆除封签用水的，按违章用水处理。",
    ),
    (
        "水费缴纳方式",
        K.FAQ,
        "缴费 交水费 支付宝 微信 银行代扣 营业厅",
        "可通过以下方式缴纳水费：\n"
        "1. 微信公众号、支付宝生活缴费（输入户号即可）；\n"
        "2. 银行代扣：携带银行卡和户号到营业窗口或开户银行签约；\n"
        "3. 各营业窗口现金、刷卡缴费；\n"
        "4. 合作银行网点及便利店代收。\n"
        "水费账单每两个月抄表结算一次，缴费期限为账单出具后30日内，逾期按日加收0.5‰违约金。",
    ),
    (
        "电子发票与纸质发票",
        K.FAQ,
        "发票 电子发票 增值税 专票 普票 开票",
        "居民用户缴费后可在微信公众号“我的账单”中下载电子普通发票。\n"
        "单位用户需开具增值税专用发票的，请提供开票信息（名称、税号、地址电话、开户行及账号）到营业窗口或致电96390登记，"
        "专票在5个工作日内开具并邮寄。\n"
        "发票抬头须与户名一致；户名变更的请先办理过户。",
    ),
    (
        "低保户水费减免政策",
        K.POLICY,
        "低保 减免 优惠 困难家庭 特困",
        "持有民政部门核发的有效《最低生活保障证》的家庭，每户每月减免5吨水费（按第一阶梯价格计，即每月14.50元）。\n"
        "申请：户主持低保证、身份证及水费户号到营业窗口登记，次月起生效。\n"
        "低保证到期须重新登记，逾期未登记的自动停止减免。",
    ),
    (
        "城市供水条例（节选）：停水通知义务",
        K.POLICY,
        "停水 通知 24小时 供水条例 抢修",
        "因工程施工、设备维修等原因确需停止供水的，供水企业应当提前24小时通知用水单位和个人；"
        "因发生灾害或者紧急事故，不能提前通知的，应当在抢修的同时通知用水单位和个人，尽快恢复正常供水，并报告城市供水行政主管部门。\n"
        "答复要点：告知客户停水原因、时间和范围，建议提前储水。",
    ),
    (
        "营业窗口地址与营业时间",
        K.FAQ,
        "营业时间 营业厅 地址 上班时间 周末",
        "各营业窗口营业时间：周一至周五 8:30—17:00（中午不休息），周六 9:00—12:00，"
        "法定节假日休息（调休上班日照常营业）。\n"
        "96390服务热线24小时受理。\n"
        "城东营业厅：解放路188号；城西营业厅：文三路300号；城南营业厅：江城路66号；城北营业厅：湖墅南路99号。",
    ),
    (
        "水压低、水质浑浊怎么办",
        K.FAQ,
        "水压低 水小 浑浊 黄水 水质 有异味",
        "先问清是否仅本户、本幢还是整个小区：\n"
        "— 仅本户：建议检查表前阀门、家中净水器或管道，必要时派单上门；\n"
        "— 整幢/小区：先查询是否有计划停水或抢修，再派单给所属供水分公司；\n"
        "水质浑浊：多因管网施工或恢复供水初期，建议放水3—5分钟；持续浑浊或有异味的，立即派单并提醒客户暂停饮用。",
    ),
    (
        "话术：接听问候语",
        K.SCRIPT,
        "问候 开场 接听 话术",
        "您好，XX供水客户中心，工号XXXX为您服务，请讲。\n"
        "（铃响三声内接听；语速平稳、吐字清晰；来电号码已显示客户信息的，可称呼“X先生/女士”。）",
    ),
    (
        "话术：确认客户信息",
        K.SCRIPT,
        "确认 核对 户号 地址 话术",
        "为了更好地为您处理，请问您的户号（或用水地址）是……？\n"
        "跟您确认一下：您是反映××小区××幢的××问题，对吗？\n"
        "您的联系电话是××××，我们处理后会回电给您，方便吗？",
    ),
    (
        "话术：请客户稍候（超过60秒）",
        K.SCRIPT,
        "等待 稍等 查询 保持 致歉 60秒",
        "请您稍等，我马上为您查询。\n"
        "（等待超过60秒时）非常抱歉让您久等了，我们还在为您查询，请您再稍等片刻。\n"
        "（需要较长时间时）为了不耽误您的时间，我们查清后在××分钟内回电给您，好吗？",
    ),
    (
        "话术：结束语",
        K.SCRIPT,
        "结束 再见 结束语 话术",
        "请问还有其他可以帮您的吗？\n感谢您的来电，再见！\n（待客户先挂机后再挂断电话。）",
    ),
]


def _actor() -> User | None:
    return User.objects.filter(role=Role.DEPARTMENT_HEAD, is_active=True).order_by("pk").first()


def _at(day, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@transaction.atomic
def seed_knowledge() -> dict[str, int]:
    """Create the demo articles and outages that are missing; returns how many of each were created."""
    actor = _actor()
    existing = set(Article.objects.filter(title__in=[a[0] for a in ARTICLES]).values_list("title", flat=True))
    articles = 0
    for title, kind, keywords, body in ARTICLES:
        if title in existing:
            continue
        services.create_article(actor=actor, title=title, kind=kind, body=body, keywords=keywords)
        articles += 1

    areas = {a.code: a for a in ServiceArea.objects.filter(code__in=["CX", "CN", "GX"])}
    now = timezone.now()
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    plans = []
    if "CX" in areas:
        plans.append(
            {
                "title": "文三路DN300供水管道抢修停水",
                "kind": PlannedOutage.Kind.EMERGENCY_REPAIR,
                "reason": "文三路与古墩路交叉口DN300供水管道爆管抢修",
                "service_areas": [areas["CX"]],
                "affected_addresses": "文三路（古墩路至丰潭路段）沿线；文三新村、嘉绿苑、华星小区",
                # on now, whenever the demo is seeded: began two hours ago, back in six
                "starts_at": now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=2),
                "ends_at": now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=6),
            }
        )
    tomorrow_areas = [areas[c] for c in ("CN", "GX") if c in areas]
    if tomorrow_areas:
        plans.append(
            {
                "title": "江城路供水主管改造计划停水",
                "kind": PlannedOutage.Kind.PLANNED,
                "reason": "江城路DN600供水主管改造接驳施工",
                "service_areas": tomorrow_areas,
                "affected_addresses": (
                    "江城路、望江路沿线；望江家园、近江小区一至五区；高新区江晖路以北部分企业"
                ),
                "starts_at": _at(tomorrow, 8),
                "ends_at": _at(tomorrow, 18),
            }
        )
    outages = 0
    for plan in plans:
        still_on = PlannedOutage.objects.published().filter(title=plan["title"], ends_at__gt=now).exists()
        if still_on:
            continue
        services.publish_outage(actor=actor, **plan)
        outages += 1
    return {"articles": articles, "outages": outages}


def seed_demo_knowledge(options: dict) -> list[str]:
    made = seed_knowledge()
    return [f"知识库：新增文章 {made.get('articles', 0)} 篇、计划停水 {made.get('outages', 0)} 条"]


SEEDER = Seeder("knowledge", 30, seed_demo_knowledge)
