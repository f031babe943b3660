"""python manage.py import_customers FILE [--batch-size N] [--report PATH] [--user USERNAME] [--check]

Imports customer archives from CSV (UTF-8 or GB18030) or Excel (.xlsx). See docs/IMPORT.md.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from kefu.accounts.models import User
from kefu.customers.bulk import refresh_statistics
from kefu.customers.importing import ImportFileError, count_data_rows, import_customers

LARGE_LOAD = 10_000  # rows after which the planner's statistics are refreshed at once


class Command(BaseCommand):
    help = (
        "批量导入客户档案（CSV 或 Excel）。每批一个事务；有错误的批次整批不导入并写入错误报告；"
        "重新运行可续导。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV（UTF-8 或 GB18030）或 .xlsx 文件")
        parser.add_argument("--batch-size", type=int, default=1000, help="每批行数，默认 1000")
        parser.add_argument("--report", help="错误报告路径，默认与文件同目录的 <文件名>.errors.csv")
        parser.add_argument("--user", help="记为操作人的员工用户名（须有“批量导入客户档案”权限）")
        parser.add_argument("--check", action="store_true", help="只校验，不导入")

    def handle(self, *args, file, batch_size, report, user, check, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        if not 1 <= batch_size <= 20000:
            raise CommandError("--batch-size 应在 1 到 20000 之间")
        actor = self._actor(user)
        verbosity = options.get("verbosity", 1)
        bar = tqdm(
            total=count_data_rows(path),
            unit="行",
            disable=verbosity < 1,
            mininterval=0.5,
            desc="校验" if check else "导入",
        )
        try:
            result = import_customers(
                path,
                batch_size=batch_size,
                actor=actor,
                report_path=report,
                progress=bar.update,
                check_only=check,
            )
        except ImportFileError as error:
            raise CommandError(str(error)) from None
        finally:
            bar.close()

        if result.imported >= LARGE_LOAD:
            refresh_statistics()
        out = self.stdout
        out.write(f"文件：{result.file_name}（sha256 {result.sha256[:12]}…）")
        if result.ignored_headers:
            out.write("未识别、已忽略的列：" + "、".join(result.ignored_headers))
        if result.resumed:
            out.write(f"此前已导入的批次：跳过 {result.resumed:,} 行（续导）")
        verb = "校验通过" if check else "导入"
        done = result.rows_read - result.rejected - result.already_imported
        out.write(
            f"本次读取 {result.rows_read:,} 行：{verb} {done:,} 行"
            f"，已在档案中（跳过）{result.already_imported:,} 行，未导入 {result.rejected:,} 行"
            f"（{result.batches_rejected} 批有错误）"
        )
        out.write(f"用时 {result.seconds:.1f} 秒，{result.rows_per_second:,.0f} 行/秒")
        if result.report_path:
            out.write(f"错误报告：{result.report_path}")
        if result.batches_rejected:
            raise CommandError(
                f"{result.batches_rejected} 批（{result.rejected:,} 行）因有错误未导入，见错误报告。"
                "改正文件后重新运行同一命令即可续导，已导入的行不会重复导入。"
            )

    def _actor(self, username: str | None):
        if not username:
            return None
        actor = User.objects.filter(username=username, is_active=True).first()
        if actor is None:
            raise CommandError(f"没有用户名为“{username}”的在职员工")
        if not actor.has_perm("customers.import_customer"):
            raise CommandError(f"“{actor}”没有“批量导入客户档案”的权限")
        return actor
