"""Benchmark data for the hotline: millions of contacts with their work orders, callbacks and return
visits, over the last 24 months, on top of the demo customers (`seed_demo --customers 1000000`).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py seed_demo --customers 1000000
    .venv/bin/python bench/seed_hotline_bench.py --contacts 3000000
    .venv/bin/python bench/seed_hotline_bench.py --contacts 20000 --truncate   # a quick check

What it makes, per contact (1 to 1 with hotline_contact):

- received_at spread over the last --months months: more calls on weekdays, in summer (pressure)
  and winter (frozen meters), a slow growth, a few incident days, and a day curve peaking at
  9–11 h and 14–16 h; numbers RX{yyyymmdd}-{seq:04d} gap-free per day in time order, with
  core_numbersequence's "hotline.contact" series set to each day's last number, so the services
  continue the sequence;
- 70% of contacts from a random existing customer (its name, phone, address and area), the rest
  anonymous with a random phone; channel mostly phone; the agent on the shift of the hour;
- categories weighted (consult 30%, repair 30%, billing 15%, service_complaint 8%, misconduct 1%,
  theft_report 2%, media 1%, supervision 3%, invalid 10%); matters from templates per category
  with the area's roads and estates; search_text from kefu.fulltext.tokens.search_text_for;
- about 55% transferred: a work order GD{…} (same number as the contact with GD for RX) for the
  branch of the area or the unit of the category, with timestamps along transferred → accepted →
  replied → called_back → closed computed from the received time, and the state that is reached at
  the run's reference time (older orders closed, the last days' spread over the open states, a few
  late ones open past their deadline); escalated as open_contact does it (H9: the priorities the
  category names go to level 2, urgent ones to 3) and ~1% of the other open orders later (level 1–3);
- for the 15% of consultations the agent follows up: a work order without a unit (new → replied →
  closed by the agent, as the services do it), so about 60% of contacts have a work order;
- a callback per work order (a second attempt when the first did not reach the customer) and a
  return visit for about half of the closed orders.

How: one transaction per day, the rows generated in this process while a second connection writes
the previous day by binary COPY. By default the four tables' secondary indexes, unique and foreign-key
constraints are dropped first and re-created at the end, exactly as they were (CREATE INDEX sorts
once instead of inserting millions of times), then VACUUM ANALYZE. --keep-indexes loads with them
in place. The definitions are kept in the table bench_hotline_seed_state until they are restored,
so an interrupted run can be resumed: run the same command again and it continues with the day
after the last one committed (--truncate starts over). Deterministic for a given --seed and
reference time (stored with the plan).
"""

import argparse
import json
import math
import os
import queue
import random
import sys
import threading
import time
from bisect import bisect
from datetime import date, datetime, timedelta, timezone
from itertools import accumulate

from _setup import machine, require_postgresql, setup_django

TABLES = ["hotline_contact", "hotline_workorder", "hotline_callback", "hotline_returnvisit"]
STATE_TABLE = "bench_hotline_seed_state"
CST = timezone(timedelta(hours=8))  # Asia/Shanghai, no daylight saving
MINUTE, HOUR, DAY = 60.0, 3600.0, 86400.0

CONTACT_COLUMNS = (
    "id", "created_at", "updated_at", "number", "received_on", "sequence", "received_at", "channel",
    "caller_name", "phone", "address", "matter", "original_matter", "suggestion_confidence", "priority",
    "disposition", "result", "transferred_at", "call_id", "search_text", "agent_id", "category_id",
    "customer_id", "service_area_id", "suggested_category_id", "team_id", "transferred_to_id",
)  # fmt: skip
WORKORDER_COLUMNS = (
    "id", "created_at", "updated_at", "number", "state", "priority", "deadline", "deadline_warnings",
    "promised_at", "transferred_at", "accepted_at", "replied_at", "closed_at", "reply", "return_reason",
    "escalation_level", "escalated_at", "due_soon_alerted_at", "overdue_alerted_at", "reopen_count",
    "category_id", "contact_id", "customer_id", "owner_id", "service_area_id", "unit_id",
)  # fmt: skip
CALLBACK_COLUMNS = (
    "id", "created_at", "updated_at", "attempt", "due_at", "outcome", "feedback", "satisfied", "done_at",
    "done_by_id", "work_order_id",
)  # fmt: skip
RETURNVISIT_COLUMNS = (
    "id", "created_at", "updated_at", "result", "comment", "visited_at", "visited_by_id", "work_order_id",
)  # fmt: skip
COLUMNS = dict(
    zip(TABLES, [CONTACT_COLUMNS, WORKORDER_COLUMNS, CALLBACK_COLUMNS, RETURNVISIT_COLUMNS], strict=True)
)

# code: (share of contacts, share of them transferred)
CATEGORY_MIX = {
    "consult": (30, 0.0),
    "repair": (30, 0.95),
    "billing": (15, 0.85),
    "service_complaint": (8, 1.0),
    "misconduct": (1, 1.0),
    "theft_report": (2, 1.0),
    "media": (1, 0.5),
    "supervision": (3, 1.0),
    "invalid": (10, 0.0),
}
# The unit a category's work orders go to: None = the branch of the service area.
CATEGORY_UNIT_KIND = {
    "repair": None, "billing": None, "service_complaint": None, "misconduct": "discipline",
    "theft_report": "inspection", "media": "press", "supervision": "leadership",
}  # fmt: skip

# Calls per hour of the day (Asia/Shanghai), relative.
HOURLY = [0.35, 0.22, 0.15, 0.12, 0.12, 0.2, 0.45, 1.1, 2.3, 3.0, 3.1, 2.6, 1.6, 1.8, 2.6, 2.7, 2.4,
          2.0, 1.5, 1.35, 1.15, 0.95, 0.75, 0.5]  # fmt: skip
HOURLY_CUMULATIVE = list(accumulate(HOURLY))
WEEKDAY = [1.15, 1.05, 1.0, 1.0, 1.02, 0.78, 0.72]  # Monday first
MONTH = [1.2, 1.1, 0.95, 0.9, 0.95, 1.05, 1.25, 1.3, 1.05, 0.95, 0.95, 1.1]  # January first

# fmt: off
TEMPLATES = {
    "consult": [
        "询问{date}计划停水何时恢复供水",
        "咨询{estate}停水原因及预计恢复供水时间",
        "咨询水费阶梯价格标准，{month}水费比上月高",
        "咨询如何办理过户手续，需要带哪些材料",
        "咨询新装水表的报装流程和费用",
        "询问{estate}{bldg}水压偏低是否因为管网改造",
        "咨询低保户水费减免政策如何申请",
        "咨询网上缴纳水费的方式，想开通银行代扣",
        "询问抄表周期，{month}为何没有上门抄表",
        "咨询自来水水质是否达标，烧开后有白色水垢",
        "咨询{road}施工是否影响供水，有无停水通知",
        "咨询多人口户如何申请增加阶梯水量",
        "询问营业厅地址和办公时间，想办理销户",
        "咨询水表更换是否收费，水表使用年限多久",
        "咨询二次供水水箱清洗时间，{estate}最近水有异味",
        "咨询单位如何开具增值税专用发票",
        "询问停水通知在哪里查询，{estate}明天是否停水",
        "咨询欠费停水后如何恢复供水",
        "咨询{road}管网改造工期，会不会影响水压",
        "询问家中水表漏水应该找谁维修",
    ],
    "repair": [
        "客户反映{estate}{bldg}突然停水，无停水通知",
        "{road}与{road2}交叉口主管道漏水，水流很大",
        "{estate}{bldg}{unit}水压太低，高层用不上水",
        "客户家水表漏水，表前阀门关不紧",
        "{road}{no}门口地面冒水，疑似地下管道破裂",
        "{estate}小区内消防栓漏水，已持续两天",
        "客户反映水龙头出水发黄，有铁锈味",
        "{estate}{bldg}停水已超过{hours}小时，无人告知何时恢复",
        "水表井盖破损，{road}{no}附近行人容易踩空",
        "客户反映水表不走字，怀疑水表故障",
        "{estate}{bldg}{unit}楼道管道井漏水，水流到楼下",
        "水表冻裂，{estate}{bldg}一楼水表漏水",
        "{road}人行道上阀门井溢水，路面积水",
        "客户反映夜间水压太低，热水器无法点火",
        "客户家中自来水浑浊，放水几分钟后仍有泥沙",
        "{estate}二次供水泵房故障，{bldg}以上楼层停水",
        "水表读数异常跳动，客户怀疑表内进气",
        "{road}{no}施工挖破供水管，现场大量漏水",
        "{estate}{bldg}总阀漏水，需要更换阀门",
        "{estate}{bldg}{unit}水表箱内水表漏水，停水通知上未说明",
    ],
    "billing": [
        "客户反映{month}水费突然增加，怀疑抄表有误",
        "客户对水费账单有异议，用水量与实际不符",
        "反映抄表员长期估抄，{months}个月未入户抄表",
        "客户已缴水费但系统仍显示欠费{amount}元",
        "客户反映重复扣缴水费{amount}元，要求退还",
        "家中无人居住，水费仍有{amount}元，要求核查水表",
        "欠费停水，客户已缴清欠费要求尽快恢复供水",
        "客户反映违约金计算有误，要求减免",
        "客户反映阶梯水价计算错误，{month}水费偏高",
        "客户要求更改缴费银行账户，代扣未成功",
        "水费发票抬头错误，要求重新开具",
        "客户反映抄表数与水表实际读数不一致",
        "租户搬走后留下欠费{amount}元，房东要求核实",
        "客户反映收到催缴通知但已在网上缴费",
        "多人口户阶梯水量未调整，要求按多人口计费",
        "客户反映水表换新后首月水费异常，抄表读数偏大",
    ],
    "service_complaint": [
        "反映抄表员态度恶劣，说话不礼貌",
        "投诉维修人员{date}约定上门未到，也未电话告知",
        "投诉{estate}停水未提前通知，影响生活",
        "投诉维修后路面未恢复，{road}{no}留有大坑",
        "投诉营业厅工作人员推诿，办理过户跑了三次",
        "投诉多次报修未解决，{estate}{bldg}水压仍然太低",
        "投诉抄表员未出示工作证，强行入户",
        "投诉施工人员野蛮施工，挖断{estate}绿化",
        "反映维修人员收取额外费用{amount}元未开票",
        "投诉停水通知时间与实际不符，{estate}提前停水",
        "投诉工单处理超时，{date}报修至今无人处理",
        "投诉维修质量差，水表更换后仍然漏水",
        "投诉热线电话长时间无人接听",
        "投诉抄表员乱估水量，水费明显偏高",
        "投诉{road}抢修夜间施工噪音扰民",
    ],
    "misconduct": [
        "举报抄表员收受好处费，帮人少抄水量",
        "反映工作人员借装表之机索要红包",
        "举报维修人员私自收费不开票，金额{amount}元",
        "举报员工指定客户购买某品牌水管材料",
        "反映工作人员上班时间在{estate}打牌",
        "举报抄表员与商户串通少计水量",
    ],
    "theft_report": [
        "举报{road}{no}有人私接水管偷水",
        "举报{estate}{bldg}一楼商铺绕表用水",
        "举报{road}工地从消防栓偷接用水",
        "举报{estate}有住户私自拆除水表铅封",
        "举报{road}{no}洗车店私接管道，未装水表",
        "反映{estate}绿化带有人私接水管浇灌",
        "举报{road}{no}饭店水表倒装，疑似偷水",
    ],
    "media": [
        "{paper}记者来电了解{estate}停水情况",
        "{paper}记者反映{road}主管道漏水问题，要求采访",
        "电视台记者询问近期水费调价情况",
        "{paper}转来市民反映{estate}水压太低",
        "{paper}记者询问{road}管网改造停水安排",
    ],
    "supervision": [
        "12345市民热线督办：{estate}{bldg}停水问题",
        "区政府督办{road}供水管道漏水处理进度",
        "市长信箱转办：{estate}居民反映水质发黄",
        "12345热线转办：客户反映水费偏高多次未处理",
        "信访局转来{estate}居民联名反映水压太低",
        "街道办督办{road}与{road2}路口漏水抢修进度",
    ],
    "invalid": [
        "打错电话，客户要找燃气公司",
        "来电无声，多次询问无人应答后挂断",
        "骚扰电话，来电人辱骂后挂断",
        "客户询问电费问题，已告知拨打95598",
        "儿童拨打玩耍，已礼貌劝导后挂断",
        "推销电话，已挂断",
        "来电接通后即挂断",
        "客户询问燃气费缴纳方式，告知非本单位业务",
    ],
}
SUFFIXES = ["，要求尽快处理", "，请尽快派人查看", "，客户情绪激动", "，已是第二次来电", "，家中有老人",
            "，影响做饭洗澡", "，要求回电告知处理结果", "，附近住户都有同样情况"]
PAPERS = ["都市快报", "钱江晚报", "杭州日报", "浙江电视台", "城市之声", "新闻综合频道"]
ANSWERS = {
    "consult": ["已解答客户咨询", "已告知停水原因及预计恢复供水时间", "已告知办理流程及所需材料",
                "已告知相关政策，客户表示理解", "已告知营业厅地址和办公时间", "已告知阶梯水价标准"],
    "repair": ["属客户内部故障：已电话指导客户排除", "已指导客户关闭表后阀门，联系物业维修"],
    "billing": ["已告知分公司抄收电话", "已查询账单并解释水费构成，客户认可"],
    "media": ["已视同客户来电答复"],
    "invalid": ["礼貌说明后挂断，记录后关闭", "记录后关闭"],
}
REPLIES = {
    "repair": ["已派维修人员到场处理，漏点已修复，供水恢复正常", "已更换损坏水表及表前阀门",
               "经现场检查为管网检修导致水压低，已恢复正常", "已对管道冲洗放水，水质恢复正常",
               "已修复破损管道并恢复路面"],
    "billing": ["已复核抄表读数，水费无误，已向客户解释", "经核实抄表有误，已更正账单并退还多收水费",
                "已为客户调整多人口阶梯水量", "已重新开具发票"],
    "service_complaint": ["已对相关人员进行批评教育，并向客户致歉", "经调查情况属实，已按规定处理并回复客户",
                          "经调查与事实不符，已向客户说明"],
    "misconduct": ["经查处，已按公司规定处理", "经调查未发现违规行为，已回复举报人"],
    "theft_report": ["经现场稽查属实，已制止并按规定追缴水费", "经现场稽查未发现偷盗水行为"],
    "media": ["已安排新闻发言人接受采访", "已向媒体提供书面说明"],
    "supervision": ["已按督办要求处理完毕并回复", "已现场处理，问题解决"],
}
FEEDBACK = ["客户表示满意", "客户表示问题已解决", "客户表示基本满意", "客户认可处理结果", ""]
VISIT_COMMENTS = {"satisfied": ["", "", "处理及时", "服务态度好"],
                  "basically_satisfied": ["", "处理时间偏长"],
                  "dissatisfied": ["问题仍未彻底解决", "处理太慢", "态度不好"]}
# fmt: on


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--contacts", type=int, default=3_000_000)
    parser.add_argument("--months", type=int, default=24, help="how far back the contacts go")
    parser.add_argument("--seed", type=int, default=96390)
    parser.add_argument("--truncate", action="store_true", help="delete the hotline data and start over")
    parser.add_argument(
        "--keep-indexes", action="store_true", help="load with the indexes and constraints in place"
    )
    args = parser.parse_args()

    setup_django()
    require_postgresql()
    import psycopg
    from django.db import connection

    from kefu.fulltext.tokens import search_text_for  # noqa: F401 (fail early if it is missing)

    print("Machine:", machine())
    started = time.perf_counter()
    url = os.environ["DATABASE_URL"]
    with psycopg.connect(url, autocommit=True) as admin:
        plan, ddl, done_through = prepare(admin, args)
    world = World.load(connection, args.seed)
    days = plan_days(plan)
    todo = [(d, n) for d, n in days if done_through is None or d > done_through]
    already = sum(n for d, n in days if done_through is not None and d <= done_through)
    print(
        f"Plan: {plan['contacts']:,} contacts from {days[0][0]} to {days[-1][0]} "
        f"(reference time {plan['now']}), seed {plan['seed']}; "
        f"{len(todo)} days to do, {already:,} contacts there already"
    )
    ids = next_ids(connection)
    load_started = time.perf_counter()
    counts = load(url, world, plan, todo, ids)
    load_seconds = time.perf_counter() - load_started
    total = sum(counts.values())
    print(
        f"Loaded {counts['hotline_contact']:,} contacts, {counts['hotline_workorder']:,} work orders, "
        f"{counts['hotline_callback']:,} callbacks, {counts['hotline_returnvisit']:,} return visits "
        f"({total:,} rows) in {load_seconds:.1f} s: "
        f"{counts['hotline_contact'] / max(load_seconds, 1e-9):,.0f} "
        f"contacts/s, {total / max(load_seconds, 1e-9):,.0f} rows/s"
    )
    with psycopg.connect(url, autocommit=True) as admin:
        index_seconds = restore(admin, ddl) if ddl else 0.0
        vacuum_started = time.perf_counter()
        for table in TABLES + ["core_numbersequence"]:
            admin.execute(f'VACUUM ANALYZE "{table}"')
        vacuum_seconds = time.perf_counter() - vacuum_started
        admin.execute(f"DROP TABLE IF EXISTS {STATE_TABLE}")
        print(
            f"Indexes and constraints re-created in {index_seconds:.1f} s; "
            f"VACUUM ANALYZE {vacuum_seconds:.1f} s"
        )
        report(admin, plan)
    print(f"Total {time.perf_counter() - started:.1f} s")


# -- Plan, state, indexes --------------------------------------------------------------------------


def prepare(admin, args):
    """Start or resume: returns the plan, the saved index/constraint definitions (to re-create at the
    end, or None when loading with indexes) and the last day committed by an earlier run."""
    admin.execute(f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} (key text PRIMARY KEY, value jsonb NOT NULL)")
    state = dict(admin.execute(f"SELECT key, value FROM {STATE_TABLE}").fetchall())
    if args.truncate:
        admin.execute(
            "TRUNCATE hotline_returnvisit, hotline_callback, hotline_alert, hotline_interimreply, "
            "hotline_workorder_co_units, hotline_workorder, hotline_contact CASCADE"
        )
        # The contacts' daily series only: the table holds the other apps' series too.
        admin.execute("DELETE FROM core_numbersequence WHERE key = 'hotline.contact'")
        admin.execute(f"DELETE FROM {STATE_TABLE} WHERE key IN ('plan', 'done_through')")
        state.pop("plan", None)
        state.pop("done_through", None)
        print("Truncated the hotline tables (and any table referencing them).")
    plan = state.get("plan")
    if plan is None:
        existing = admin.execute("SELECT count(*) FROM hotline_contact").fetchone()[0]
        if existing:
            sys.exit(
                f"hotline_contact has {existing:,} rows and no unfinished load: nothing to do "
                "(--truncate to start over)"
            )
        now = datetime.now(CST).replace(microsecond=0)
        plan = {"contacts": args.contacts, "months": args.months, "seed": args.seed, "now": now.isoformat()}
        admin.execute(f"INSERT INTO {STATE_TABLE} VALUES ('plan', %s)", (json.dumps(plan),))
    elif (plan["contacts"], plan["months"], plan["seed"]) != (args.contacts, args.months, args.seed):
        sys.exit(f"An unfinished load with another plan is there: {plan}; run it again or pass --truncate")
    done_through = state.get("done_through")
    done_through = date.fromisoformat(done_through) if done_through else None
    ddl = state.get("ddl")
    if ddl is None and not args.keep_indexes:
        ddl = drop_indexes(admin)
    return plan, ddl, done_through


def drop_indexes(admin) -> list[str]:
    """Drop the four tables' unique and foreign-key constraints and secondary indexes (not the primary
    keys, not check constraints); return the statements that re-create them, saved first."""
    statements_first, statements_last, drops = [], [], []
    for table in TABLES:
        for name, definition, kind in admin.execute(
            "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC, conname",
            (table,),
        ):
            statement = f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'
            (statements_first if kind == "u" else statements_last).append(statement)
            drops.append(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for name, definition in admin.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) ORDER BY i.relname",
            (table,),
        ):
            statements_first.append(definition)
            drops.append(f'DROP INDEX "{name}"')
    ddl = statements_first + statements_last
    with admin.transaction():
        admin.execute(f"INSERT INTO {STATE_TABLE} VALUES ('ddl', %s)", (json.dumps(ddl),))
        for statement in drops:
            admin.execute(statement)
    print(f"Dropped {len(drops)} indexes and constraints for the load (saved in {STATE_TABLE}).")
    return ddl


def restore(admin, ddl: list[str]) -> float:
    started = time.perf_counter()
    admin.execute("SET maintenance_work_mem = '1GB'")
    admin.execute("SET max_parallel_maintenance_workers = 1")
    for statement in ddl:
        t = time.perf_counter()
        admin.execute(statement)
        print(f"  {time.perf_counter() - t:6.1f} s  {statement[:140]}")
    admin.execute(f"DELETE FROM {STATE_TABLE} WHERE key = 'ddl'")
    return time.perf_counter() - started


def plan_days(plan) -> list[tuple[date, int]]:
    """(day, contacts) for every day from --months back to the reference day, summing to --contacts."""
    now = datetime.fromisoformat(plan["now"]).astimezone(CST)
    today = now.date()
    first = date(today.year - (plan["months"] // 12), today.month, 1)
    months_left = plan["months"] % 12
    for _ in range(months_left):
        first = (first - timedelta(days=1)).replace(day=1)
    first = min(first.replace(day=min(today.day, 28)), today)
    rng = random.Random(plan["seed"])
    days, weights = [], []
    span = (today - first).days or 1
    elapsed_today = now.hour + now.minute / 60
    for k in range((today - first).days + 1):
        d = first + timedelta(days=k)
        w = WEEKDAY[d.weekday()] * MONTH[d.month - 1] * (0.85 + 0.3 * k / span)
        w *= math.exp(rng.gauss(0, 0.1))
        if rng.random() < 0.015:  # a main burst or a cold snap
            w *= 1.4 + 0.6 * rng.random()
        if d == today:
            w *= day_fraction(elapsed_today)
        days.append(d)
        weights.append(w)
    total_weight = sum(weights)
    result, carried, given = [], 0.0, 0
    for d, w in zip(days, weights, strict=True):
        carried += plan["contacts"] * w / total_weight
        n = min(round(carried) - given, 9999)
        given += n
        result.append((d, n))
    return result


def day_fraction(hours: float) -> float:
    """The share of a day's calls that come before `hours` o'clock."""
    whole = int(hours)
    done = HOURLY_CUMULATIVE[whole - 1] if whole else 0.0
    if whole < 24:
        done += HOURLY[whole] * (hours - whole)
    return done / HOURLY_CUMULATIVE[-1]


def next_ids(connection) -> dict[str, int]:
    with connection.cursor() as cursor:
        ids = {}
        for table in TABLES:
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"')
            ids[table] = cursor.fetchone()[0]
        return ids


# -- The world the contacts happen in --------------------------------------------------------------


class World:
    """What the generator draws from: customers, agents by shift, units, areas, categories."""

    @classmethod
    def load(cls, connection, seed: int) -> "World":
        from kefu.customers.demo import AREAS

        self = cls()
        t = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, name, phone, address, service_area_id FROM customers_customer")
            self.customers = cursor.fetchall()
            cursor.execute(
                "SELECT u.id, COALESCE(t.code, '') FROM accounts_user u LEFT JOIN accounts_team t "
                "ON t.id = u.team_id WHERE u.role = 'agent' AND u.is_active ORDER BY u.id"
            )
            agents = cursor.fetchall()
            cursor.execute("SELECT id, code, branch_id FROM accounts_servicearea ORDER BY id")
            areas = cursor.fetchall()
            cursor.execute("SELECT id, kind, name FROM accounts_unit WHERE active ORDER BY id")
            units = cursor.fetchall()
            cursor.execute("SELECT id, code, escalate_priorities FROM hotline_category")
            found = cursor.fetchall()
            categories = {code: pk for pk, code, _escalate in found}
            escalate = {code: set(e if isinstance(e, list) else json.loads(e)) for _pk, code, e in found}
        if not self.customers:
            sys.exit("No customers: run seed_demo first")
        if not agents:
            sys.exit("No agents (accounts_user.role = 'agent'): run seed_demo first")
        missing = set(CATEGORY_MIX) - set(categories)
        if missing:
            sys.exit(f"Categories missing (migrate hotline): {sorted(missing)}")
        self.agent_team = {}
        with connection.cursor() as cursor:
            cursor.execute("SELECT u.id, u.team_id FROM accounts_user u WHERE u.role = 'agent'")
            self.agent_team = dict(cursor.fetchall())
        by_team = {}
        for pk, team in agents:
            by_team.setdefault(team, []).append(pk)
        all_agents = [pk for pk, _ in agents]
        day_shift = by_team.get("RX1", []) + by_team.get("RX4", [])
        self.agents_by_hour = [
            (by_team.get("RX3") if h < 8 else day_shift if h < 16 else by_team.get("RX2")) or all_agents
            for h in range(24)
        ]
        self.all_agents = all_agents
        self.areas = [(pk, code, branch) for pk, code, branch in areas]
        self.branch_of_area = {pk: branch for pk, _code, branch in areas}
        self.places = {pk: AREAS.get(code, AREAS["CX"]) for pk, code, _branch in areas}
        self.unit_of_kind = {}
        for pk, kind, _name in units:
            self.unit_of_kind.setdefault(kind, pk)
        self.category_ids = categories
        self.escalate_priorities = escalate
        codes = list(CATEGORY_MIX)
        self.category_codes = codes
        self.category_cumulative = list(accumulate(CATEGORY_MIX[c][0] for c in codes))
        print(
            f"World: {len(self.customers):,} customers, {len(all_agents)} agents, {len(areas)} areas, "
            f"{len(units)} units ({time.perf_counter() - t:.1f} s)"
        )
        return self


# -- Generating a day ------------------------------------------------------------------------------


def ts(base: float) -> datetime:
    return datetime.fromtimestamp(base, CST)


class DayGenerator:
    def __init__(self, world: World, plan, ids: dict[str, int]):
        from kefu.customers.demo import _SURNAMES, MOBILE_PREFIXES
        from kefu.fulltext.tokens import search_text_for

        self.world = world
        self.search_text_for = search_text_for
        self.now = datetime.fromisoformat(plan["now"]).timestamp()
        self.seed = plan["seed"]
        self.ids = ids
        self.mobile_prefixes = MOBILE_PREFIXES
        self.surnames = _SURNAMES[:40]

    def day(self, d: date, count: int) -> dict[str, list[tuple]]:
        rng = random.Random(self.seed * 1_000_003 + d.toordinal())
        r = rng.random
        midnight = datetime(d.year, d.month, d.day, tzinfo=CST).timestamp()
        limit = min(midnight + DAY, self.now)
        seconds = []
        while len(seconds) < count:
            hour = bisect(HOURLY_CUMULATIVE, r() * HOURLY_CUMULATIVE[-1])
            s = midnight + min(hour, 23) * HOUR + r() * HOUR
            if s < limit:
                seconds.append(s)
        seconds.sort()
        rows = {table: [] for table in TABLES}
        for sequence, received in enumerate(seconds, start=1):
            self.contact(rows, rng, d, sequence, received)
        return rows

    def place(self, r, area_id):
        district, roads, estates = self.world.places[area_id]
        return district, roads, estates

    def matter(self, r, code: str, area_id: int, received: float) -> str:
        _district, roads, estates = self.world.places[area_id]
        template = pick(r, TEMPLATES[code])
        when = ts(received + (r() * 5 - 2) * DAY)
        road = pick(r, roads)
        road2 = pick(r, roads)
        if road2 == road:
            road2 = roads[(roads.index(road) + 1) % len(roads)]
        text = template.format(
            estate=pick(r, estates),
            bldg=f"{1 + int(r() * 40)}幢",
            unit=f"{1 + int(r() * 4)}单元",
            road=road,
            road2=road2,
            no=f"{1 + int(r() * 1200)}号",
            date=f"{when.month}月{when.day}日",
            month=f"{ts(received - r() * 40 * DAY).month}月",
            months=2 + int(r() * 5),
            hours=3 + int(r() * 20),
            amount=f"{10 + r() * 900:.2f}",
            paper=pick(r, PAPERS),
        )
        if code not in ("invalid", "media", "supervision") and r() < 0.3:
            text += pick(r, SUFFIXES)
        return text

    def contact(self, rows, rng, d: date, sequence: int, received: float) -> None:
        r = rng.random
        world = self.world
        at = ts(received)
        code = world.category_codes[bisect(world.category_cumulative, r() * world.category_cumulative[-1])]
        category_id = world.category_ids[code]
        share_transferred = CATEGORY_MIX[code][1]
        customer = None
        if code != "invalid" and r() < 0.78 or code == "invalid" and r() < 0.1:
            customer = world.customers[int(r() * len(world.customers))]
        if customer is not None:
            customer_id, caller_name, phone, address, area_id = customer
        else:
            customer_id = None
            area_id = world.areas[int(r() * len(world.areas))][0]
            caller_name = "" if r() < 0.35 else pick(r, self.surnames) + ("先生" if r() < 0.5 else "女士")
            if r() < 0.85:
                phone = f"{pick(r, self.mobile_prefixes)}{int(r() * 10**8):08d}"
            else:
                phone = f"0571{pick(r, '5688888')}{int(r() * 10**7):07d}"
            if code in ("repair", "theft_report", "service_complaint", "supervision") or r() < 0.2:
                district, roads, estates = self.world.places[area_id]
                address = (
                    f"{district}{pick(r, roads)}{1 + int(r() * 1200)}号{pick(r, estates)}"
                    f"{1 + int(r() * 40)}幢"
                )
            else:
                address, area_id = "", (None if code in ("consult", "invalid") else area_id)
        if code == "invalid":
            caller_name = caller_name if customer is not None else ""
        matter = self.matter(r, code, area_id or world.areas[0][0], received)
        hour = at.hour
        agent_id = pick(r, world.agents_by_hour[hour])
        team_id = world.agent_team.get(agent_id)
        roll = r()
        if code == "media":
            channel = "media"
        elif code == "supervision":
            channel = "authority" if roll < 0.8 else "phone"
        else:
            channel = (
                "phone" if roll < 0.86 else "counter" if roll < 0.91 else "web" if roll < 0.95
                else "visit" if roll < 0.975 else "email" if roll < 0.995 else "fax"
            )  # fmt: skip
        roll = r()
        priority = "normal" if roll < 0.9 else "important" if roll < 0.97 else "urgent"
        if code == "invalid":
            priority = "normal"
        number = f"RX{d:%Y%m%d}-{sequence:04d}"
        call_id = f"C{at:%Y%m%d%H%M%S}{sequence:04d}" if channel == "phone" else ""
        transferred = r() < share_transferred
        contact_id = self.ids["hotline_contact"]
        self.ids["hotline_contact"] += 1
        transferred_at = None
        unit_id = None
        result = ""
        if transferred:
            disposition = "transferred"
            kind = CATEGORY_UNIT_KIND[code]
            if kind is None:
                if area_id is None:
                    area_id = world.areas[int(r() * len(world.areas))][0]
                unit_id = world.branch_of_area[area_id]
            else:
                unit_id = world.unit_of_kind[kind]
            transferred_at = ts(received + (1 + r() * 14) * MINUTE)
            if transferred_at.timestamp() > self.now:
                transferred_at = ts(self.now)
        elif code == "invalid":
            disposition = "closed"
            result = pick(r, ANSWERS["invalid"])
        elif code == "consult" and r() < 0.15:
            disposition = "follow_up"  # a work order without a unit, replied to by the agent
        else:
            disposition = "answered"
            result = pick(r, ANSWERS.get(code, ANSWERS["consult"]))
        updated = transferred_at or at
        reply = ""
        if transferred:
            reply = self.work_order(
                rows, r, code, category_id, contact_id, number, received, transferred_at.timestamp(),
                priority, customer_id, area_id, agent_id, unit_id,
            )  # fmt: skip
        elif disposition == "follow_up":
            reply = self.follow_up_order(
                rows, r, category_id, contact_id, number, received, priority, customer_id, area_id, agent_id
            )
        # As kefu.fulltext.tokens.contact_search_text makes it: the reply of the work order too.
        search_text = self.search_text_for(matter, caller_name, address, phone, number, reply)
        rows["hotline_contact"].append((
            contact_id, at, updated, number, d, sequence, at, channel, caller_name[:100], phone[:20],
            address[:200], matter, matter, None, priority, disposition, result, transferred_at, call_id,
            search_text, agent_id, category_id, customer_id, area_id, None, team_id, unit_id,
        ))  # fmt: skip

    def work_order(
        self, rows, r, code, category_id, contact_id, number, received, transferred, priority,
        customer_id, area_id, owner_id, unit_id,
    ) -> str:  # fmt: skip
        """Add the work order, its callbacks and return visit; return its reply (for the search text)."""
        now = self.now
        wo_id = self.ids["hotline_workorder"]
        self.ids["hotline_workorder"] += 1
        deadline = received + (DAY if code == "repair" else 3 * DAY)
        accepted = transferred + (5 * MINUTE + r() ** 2 * 3 * HOUR)
        if code == "repair":
            work = HOUR + r() * 18 * HOUR if priority != "urgent" else HOUR + r() * 5 * HOUR
        else:
            work = 4 * HOUR + r() * 56 * HOUR
        replied = accepted + work
        if r() < 0.04:  # late
            replied = deadline + HOUR + r() * 60 * HOUR
        elif replied > deadline:
            replied = deadline - r() * 2 * HOUR
            replied = max(replied, accepted + 10 * MINUTE)
        # Callbacks: the first due 24 h after the transfer, made after the reply.
        attempts = []
        first_done = replied + 30 * MINUTE + r() ** 2 * 20 * HOUR
        if r() < 0.12:
            attempts.append((transferred + DAY, first_done, "not_reached"))
            attempts.append((first_done + 4 * HOUR, first_done + 2 * HOUR + r() * 8 * HOUR, "reached"))
        else:
            attempts.append((transferred + DAY, first_done, "reached"))
        called_back = attempts[-1][1]
        closed = called_back + 10 * MINUTE + r() ** 2 * 24 * HOUR

        def reached(t):
            return ts(t) if t <= now else None

        accepted_at, replied_at, closed_at = reached(accepted), reached(replied), reached(closed)
        if closed_at:
            state = "closed"
        elif called_back <= now:
            state = "called_back"
        elif replied_at:
            state = "replied"
        elif accepted_at:
            state = "accepted"
        else:
            state = "transferred"
        last_change = max(t for t in (transferred, accepted, replied, called_back, closed) if t <= now)
        if priority in self.world.escalate_priorities[code]:
            # As open_contact does (H9): to the center director at once if urgent, else up to level 2.
            escalation, escalated_at = (3 if priority == "urgent" else 2), ts(transferred)
        elif state != "closed" and r() < 0.01 or state == "closed" and r() < 0.003:
            # Escalated later (overdue, a customer's insistence): team leader mostly.
            escalation = 1 if r() < 0.7 else 2 if r() < 0.67 else 3
            until = min(now, closed if state == "closed" else now)
            escalated_at = ts(transferred + r() * max(until - transferred, MINUTE))
        else:
            escalation, escalated_at = 0, None
        reply = pick(r, REPLIES[code]) if replied_at else ""
        rows["hotline_workorder"].append((
            wo_id, ts(transferred), ts(last_change), "GD" + number[2:], state, priority, ts(deadline), [],
            None, ts(transferred), accepted_at, replied_at, closed_at, reply, "", escalation, escalated_at,
            None, None, 0, category_id, contact_id, customer_id, owner_id, area_id, unit_id,
        ))  # fmt: skip
        for attempt, (due, done, outcome) in enumerate(attempts, start=1):
            created = transferred if attempt == 1 else attempts[attempt - 2][1]
            if created > now:
                break
            cb_id = self.ids["hotline_callback"]
            self.ids["hotline_callback"] += 1
            if done <= now:
                satisfied = (r() < 0.9) if outcome == "reached" else None
                feedback = (
                    "" if outcome != "reached" else pick(r, FEEDBACK) if satisfied else "客户对处理结果不满意"
                )
                rows["hotline_callback"].append((
                    cb_id, ts(created), ts(done), attempt, ts(due), outcome, feedback, satisfied, ts(done),
                    owner_id, wo_id,
                ))  # fmt: skip
            else:
                rows["hotline_callback"].append(
                    (cb_id, ts(created), ts(created), attempt, ts(due), "", "", None, None, None, wo_id)
                )
        if closed_at and r() < 0.5:
            visited = closed + 2 * HOUR + r() * 70 * HOUR
            if visited <= now:
                roll = r()
                result = (
                    "satisfied" if roll < 0.82 else "basically_satisfied" if roll < 0.95 else "dissatisfied"
                )
                rv_id = self.ids["hotline_returnvisit"]
                self.ids["hotline_returnvisit"] += 1
                at = ts(visited)
                rows["hotline_returnvisit"].append((
                    rv_id, at, at, result, pick(r, VISIT_COMMENTS[result]), at,
                    pick(r, self.world.all_agents), wo_id,
                ))  # fmt: skip
        return reply

    def follow_up_order(
        self, rows, r, category_id, contact_id, number, received, priority, customer_id, area_id, owner_id
    ) -> str:
        """A consultation the agent follows up: a work order without a unit, new → replied → closed by its
        owner (no callback: the reply is the call back). Deadline one day (1 working day, roughly)."""
        now = self.now
        wo_id = self.ids["hotline_workorder"]
        self.ids["hotline_workorder"] += 1
        created = min(received + (1 + r() * 5) * MINUTE, now)
        deadline = received + DAY
        replied = created + HOUR + r() ** 2 * 20 * HOUR
        if r() < 0.04:
            replied = deadline + HOUR + r() * 30 * HOUR
        closed = replied + r() * 10 * MINUTE
        replied_at = ts(replied) if replied <= now else None
        closed_at = ts(closed) if closed <= now else None
        state = "closed" if closed_at else "replied" if replied_at else "new"
        last_change = max(t for t in (created, replied, closed) if t <= now)
        reply = pick(r, ANSWERS["consult"]) if replied_at else ""
        rows["hotline_workorder"].append((
            wo_id, ts(created), ts(last_change), "GD" + number[2:], state, priority, ts(deadline), [],
            None, None, None, replied_at, closed_at, reply, "", 0, None,
            None, None, 0, category_id, contact_id, customer_id, owner_id, area_id, None,
        ))  # fmt: skip
        return reply


def pick(r, items):
    return items[int(r() * len(items))]


# -- Loading ---------------------------------------------------------------------------------------


def load(url: str, world: World, plan, todo, ids) -> dict[str, int]:
    """Generate day after day here while a writer thread COPYs the previous day, one transaction each."""
    from tqdm import tqdm

    generator = DayGenerator(world, plan, ids)
    counts = {table: 0 for table in TABLES}
    jobs: queue.Queue = queue.Queue(maxsize=2)
    failure: list[BaseException] = []

    def writer():
        import psycopg

        try:
            with psycopg.connect(url) as conn:
                conn.execute("SET synchronous_commit = off")
                types = {}
                for table in TABLES:
                    found = dict(conn.execute(
                        "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass "
                        "AND attnum > 0 AND NOT attisdropped", (table,),
                    ).fetchall())  # fmt: skip
                    types[table] = [found[c] for c in COLUMNS[table]]
                sequences = {
                    table: conn.execute("SELECT pg_get_serial_sequence(%s, 'id')", (table,)).fetchone()[0]
                    for table in TABLES
                }
                conn.commit()
                while True:
                    job = jobs.get()
                    if job is None:
                        return
                    d, last, rows, next_id = job
                    with conn.transaction(), conn.cursor() as cursor:
                        for table in TABLES:
                            if not rows[table]:
                                continue
                            columns = ", ".join(f'"{c}"' for c in COLUMNS[table])
                            with cursor.copy(
                                f'COPY "{table}" ({columns}) FROM STDIN (FORMAT BINARY)'
                            ) as copy:
                                copy.set_types(types[table])
                                for row in rows[table]:
                                    copy.write_row(row)
                            cursor.execute("SELECT setval(%s, %s)", (sequences[table], next_id[table] - 1))
                        cursor.execute(
                            "INSERT INTO core_numbersequence (key, period, last) "
                            "VALUES ('hotline.contact', %s, %s) "
                            "ON CONFLICT (key, period) DO UPDATE SET last = EXCLUDED.last",
                            (f"{d:%Y%m%d}", last),
                        )
                        cursor.execute(
                            f"INSERT INTO {STATE_TABLE} VALUES ('done_through', %s) "
                            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                            (json.dumps(d.isoformat()),),
                        )
        except BaseException as error:  # noqa: BLE001 (reported by the main thread)
            failure.append(error)
            while True:  # unblock the producer
                try:
                    if jobs.get_nowait() is None:
                        return
                except queue.Empty:
                    time.sleep(0.05)

    thread = threading.Thread(target=writer, name="copy-writer", daemon=True)
    thread.start()
    started = time.perf_counter()
    total = sum(n for _, n in todo)
    with tqdm(total=total, unit="contacts", mininterval=1.0, smoothing=0.05) as bar:
        for d, n in todo:
            if failure:
                break
            rows = generator.day(d, n) if n else {table: [] for table in TABLES}
            for table in TABLES:
                counts[table] += len(rows[table])
            jobs.put((d, n, rows, dict(generator.ids)))
            bar.update(n)
            elapsed = time.perf_counter() - started
            bar.set_postfix_str(f"{sum(counts.values()) / elapsed:,.0f} rows/s", refresh=False)
        jobs.put(None)
        thread.join()
    if failure:
        raise failure[0]
    return counts


def report(admin, plan) -> None:
    print("\nRows and sizes (table + indexes):")
    for table in TABLES + ["core_numbersequence"]:
        count = admin.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        size = admin.execute(
            "SELECT pg_size_pretty(pg_table_size(%s::regclass)), "
            "pg_size_pretty(pg_indexes_size(%s::regclass)), "
            "pg_size_pretty(pg_total_relation_size(%s::regclass))",
            (table, table, table),
        ).fetchone()
        print(f"  {table:<24}{count:>12,}  table {size[0]:>8}  indexes {size[1]:>8}  total {size[2]:>8}")
    states = admin.execute(
        "SELECT state, count(*), count(*) FILTER (WHERE deadline < %s) FROM hotline_workorder "
        "GROUP BY state ORDER BY 2 DESC",
        (datetime.fromisoformat(plan["now"]),),
    ).fetchall()
    print("Work orders by state (count, past deadline at the reference time):")
    for state, count, late in states:
        print(f"  {state:<14}{count:>12,}{late:>10,}")
    opened = sum(c for s, c, _ in states if s != "closed")
    late = sum(x for s, _, x in states if s != "closed")
    print(f"Open: {opened:,}, of which past deadline {late:,} ({100 * late / max(opened, 1):.1f}%)")


if __name__ == "__main__":
    main()
