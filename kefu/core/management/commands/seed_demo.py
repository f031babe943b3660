"""python manage.py seed_demo [--customers N] [--seed S]

The demo utility: its organisation and staff (password Kefu@2026), then N customers (10,000 by
default) with accounts, connection points and meters. Safe to run on every start: what is there
already is left alone, and only what is missing is added.
"""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from kefu.accounts.demo import DEMO_PASSWORD, create_demo_organisation, demo_logins
from kefu.core.validators import format_phone
from kefu.customers.bulk import refresh_statistics
from kefu.customers.demo import DEFAULT_COUNT, DEFAULT_SEED, KNOWN, known_customers, seed_customers
from kefu.hotline.demo import seed_hotline
from kefu.knowledge.demo import seed_knowledge
from kefu.kpi.rollup import refresh as refresh_kpi
from kefu.processes.demo import DemoResult, seed_processes


class Command(BaseCommand):
    help = "创建演示数据：组织架构、各角色员工（密码 Kefu@2026）和客户档案（默认1万户）。可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=DEFAULT_COUNT, help="客户数，默认 10000")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子：同一种子生成同样的数据")
        parser.add_argument("--batch-size", type=int, default=2000, help="每个事务写入的客户数")
        parser.add_argument(
            "--contacts", type=int, default=240, help="演示来电登记条数（仅在没有登记时添加）"
        )
        parser.add_argument(
            "--no-processes",
            dest="processes",
            action="store_false",
            help="不创建演示窗口业务（默认在没有业务时创建各业务各环节的演示件）",
        )

    def handle(self, *args, customers, seed, batch_size, contacts, processes=True, **options):
        if customers < 0:
            raise CommandError("--customers 不能为负数")
        verbosity = options.get("verbosity", 1)
        create_demo_organisation()
        total = max(customers, len(KNOWN))
        with tqdm(total=total, unit="户", desc="演示客户", disable=verbosity < 1, mininterval=0.5) as bar:
            result = seed_customers(customers, seed=seed, batch_size=batch_size, progress=bar.update)
        if result.created >= 10_000:
            refresh_statistics()
        knowledge = seed_knowledge()
        hotline = seed_hotline(contacts)
        counter = seed_processes() if processes else DemoResult()
        # The dashboard reads rollups: fold the demo's contacts in now instead of at the worker's first pass.
        kpi_days = refresh_kpi()
        if verbosity < 1:
            return
        out = self.stdout
        out.write(
            f"知识库：新增文章 {knowledge.get('articles', 0)} 篇、计划停水 {knowledge.get('outages', 0)} 条"
        )
        if hotline.created:
            out.write(f"热线演示：新增来电登记 {hotline.created} 条（含各状态的工单、回电和回访）")
        else:
            out.write(f"热线演示：已有来电登记 {hotline.existing:,} 条，未新增")
        if kpi_days:
            out.write(f"指标看板：已汇总 {kpi_days} 天的数据")
        if counter.created:
            out.write(f"窗口业务演示：新增 {counter.created} 件（各业务、各环节，含待审批的延期和退费）")
        for note in counter.notes:
            out.write(f"窗口业务演示：{note}")
        if result.created:
            out.write(
                f"演示客户：新增 {result.created:,} 户（原有 {result.existing:,} 户），"
                f"用时 {result.seconds:.1f} 秒，{result.per_second:,.0f} 户/秒"
            )
        else:
            out.write(f"演示客户：{result.existing:,} 户已存在，未新增")
        out.write("固定演示客户（测试和文档使用）：")
        for known, customer in known_customers():
            if customer is None:
                out.write(f"  {known.name}：未创建（客户编号已被占用）")
                continue
            out.write(
                f"  {customer.number} {customer.name} {format_phone(customer.phone)} "
                f"{customer.service_area.name} — {known.why}"
            )
        out.write(
            f"演示账号（密码均为 {DEMO_PASSWORD}）：" + "，".join(f"{u}（{r}）" for u, r in demo_logins())
        )
