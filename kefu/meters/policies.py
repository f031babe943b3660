"""The meters app's rules (M1–M8): every number of seed 000 ch.4 水表管理制度, editable on the 业务规则
page. Where the seed is silent the choice is ours, marked 本地默认 and explained in docs/METERS.md."""

from decimal import Decimal

from kefu.core.policies import BOOL, DECIMAL, INT, TEXT, TIME, WORKING_DAYS, Rule

CH4 = "供水手册第四章水表管理制度"

RULES: dict[str, Rule] = {
    # ---- purchase plans (M1, ch.4 §1)
    "meters.purchase_days": Rule(
        20,
        "购置计划：批准后物贸公司完成采购的期限（日历天）",
        f"{CH4}1.2：物贸公司应当在20日内完成采购计划",
        kind=INT,
        minimum=1,
        maximum=365,
        unit="天",
    ),
    "meters.min_stock": Rule(
        "15:100,20:60,25:30,40:10,50:10,80:4,100:4,150:2,200:2",
        "库存下限：各口径最少在库只数（口径:只数，逗号分隔），低于下限的差额计入购置计划",
        "本地默认；依据供水手册第四章水表管理制度1.1：根据库存信息制订购置计划",
        kind=TEXT,
        check="kefu.meters.calibers.check_minimum_stock",
    ),
    # ---- the store (M2, M3, ch.4 §2–§3)
    "meters.issue_opens": Rule(
        "08:30",
        "领表：每天开始发表时刻（周一至周五上班时间，按工作日历）",
        f"{CH4}3.1：周一至周五上班时间为领表时间",
        kind=TIME,
    ),
    "meters.issue_closes": Rule(
        "17:30",
        "领表：每天停止发表时刻",
        f"{CH4}3.1：周一至周五上班时间为领表时间",
        kind=TIME,
    ),
    "meters.bulk_issue_threshold": Rule(
        5,
        "领表：一家分公司一天领表超过此数即为批量领表，须提前一天预约",
        "本地默认；供水手册第四章水表管理制度3.2.1：领表数量多则须预约一天",
        kind=INT,
        minimum=1,
        maximum=500,
        unit="只",
    ),
    "meters.bulk_issue_max": Rule(
        50,
        "领表：一次批量领表的上限（只）",
        f"{CH4}3.2.1：限领一次，领表上限为50只",
        kind=INT,
        minimum=1,
        maximum=1000,
        unit="只",
    ),
    # ---- age-based replacement (M4, ch.4 §4.1)
    "meters.replacement_cycles": Rule(
        "15-25:6,40-50:4,80-300:2",
        "逾龄换表：各口径范围的更换周期（口径下限-上限:年，逗号分隔）；未列入的口径列为「未配置」",
        f"{CH4}4.1.1：DN15—25mm更换周期为六年，DN40—50mm为四年，DN80—300mm为二年",
        kind=TEXT,
        check="kefu.meters.calibers.check_cycles",
    ),
    "meters.replace_working_days": Rule(
        5,
        "换表：领表后完成换表并交回旧表的期限",
        f"{CH4}4.1.2：领表后分公司应在5个工作日内完成换表任务并交回相应数量的旧表",
        kind=WORKING_DAYS,
        minimum=1,
        maximum=60,
    ),
    # ---- urgent replacement (M5, ch.4 §4.2)
    "meters.urgent_verify_working_days": Rule(
        3,
        "急换：中心核查报核单的期限",
        f"{CH4}4.2.2：客户服务中心三个工作日内完成核查",
        kind=WORKING_DAYS,
        minimum=1,
        maximum=30,
    ),
    "meters.urgent_replace_working_days": Rule(
        5,
        "急换：中心通知后分公司完成换表的期限",
        f"{CH4}4.2.2：电话通知供水分公司须在5个工作日内完成换表任务并交回旧表",
        kind=WORKING_DAYS,
        minimum=1,
        maximum=60,
    ),
    "meters.usage_tracking_working_days": Rule(
        20,
        "急换：换表后稽查队跟踪用水情况的期限",
        "本地默认；依据供水手册第四章水表管理制度4.2.3：稽查队对已更换后的各类故障水表跟踪其用水情况",
        kind=WORKING_DAYS,
        minimum=1,
        maximum=120,
    ),
    # ---- the replacement itself (M6, ch.4 §4.3)
    "meters.reading_tolerance_m3": Rule(
        "10",
        "换表：旧表行度与换表单抄表底数相差超过此数（m³）即为严重不符，停止更换",
        "本地默认；依据供水手册第四章水表管理制度4.3.7：旧表行度与换表单抄表底数严重不符时必须停止更换",
        kind=DECIMAL,
        minimum=Decimal("0"),
        maximum=Decimal("100000"),
        unit="m³",
    ),
    "meters.large_caliber_dn": Rule(
        40,
        "大口径水表：口径不小于此数（DN）的水表铅封断裂须停换，旧表须贴标签并按区域保存",
        f"{CH4}4.3.7、5.1：大口径水表铅封断裂时必须停止更换；DN40以上旧表粘贴标签",
        kind=INT,
        minimum=15,
        maximum=600,
    ),
    "meters.require_customer_signature": Rule(
        True,
        "换表：用户签收《换表通知书》后方可登记换表",
        f"{CH4}4.3.6：请用户到现场共同核对旧表行度和新表铅封完好度并签收《换表通知书》后方可实施",
        kind=BOOL,
    ),
    # ---- old meters (M7, ch.4 §5)
    "meters.old_meter_keep_months": Rule(
        1,
        "旧表：大口径旧表按区域保存的月数（以便复核）",
        f"{CH4}5.1：DN40以上旧水表客户服务中心将按区域保存一个月以便复核",
        kind=INT,
        minimum=0,
        maximum=24,
        unit="个月",
    ),
    "meters.removal_return_working_days": Rule(
        10,
        "旧表：暂停用水、销户拆回的旧表交回期限",
        f"{CH4}5.4、5.5：供水分公司须在10个工作日内交回旧表",
        kind=WORKING_DAYS,
        minimum=1,
        maximum=60,
    ),
    "meters.renovation_return_working_days": Rule(
        20,
        "旧表：户表改造（销集体户、单位户）的办理期限",
        f"{CH4}5.6：供水分公司相关人员应在20个工作日内办理销户手续",
        kind=WORKING_DAYS,
        minimum=1,
        maximum=120,
    ),
    "meters.old_meter_entry_working_days": Rule(
        2,
        "旧表：回收信息录入系统的期限（工作日，与业务定义「旧表回收信息录入系统」环节一致）",
        f"{CH4}5.7：所有旧表的回收信息均由客户服务中心2日内输入营销管理系统",
        kind=WORKING_DAYS,
        minimum=0,
        maximum=30,
    ),
    # ---- acceptance (M8, ch.4 §6)
    "meters.acceptance_months": Rule(
        1,
        "验收：领表后完成联合验收的期限（月，按日历月对日，月末取当月最后一天）",
        f"{CH4}6.3、6.5：领取水表后一个月内约定验收，超过一个月未验收影响下一次领表",
        kind=INT,
        minimum=1,
        maximum=12,
        unit="个月",
    ),
    # ---- the store (H1: stocktake)
    "meters.stocktake_only_on_last_working_day": Rule(
        True,
        "盘存：只在每月最后一个工作日开始盘存（设为否则当月任一天可开始，用于补盘或盘存日未能盘存时）",
        f"{CH4}3.1：每月最后一个工作日为表库盘存时间",
        kind=BOOL,
    ),
}
