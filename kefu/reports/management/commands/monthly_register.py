"""The month's register and summary as one workbook, for the department head's monthly hand-in
(seed 000 ch.5 §3.4): `manage.py monthly_register 2026-11 --output 来电登记-2026-11.xlsx`.

Run on the server by whoever hands the file on, so phone numbers are written in full (formatted), as
on the paper register; the web download masks them for readers without the sensitive-data right."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from kefu.core import periods
from kefu.core.validators import format_phone
from kefu.reports import exports, selectors


class Command(BaseCommand):
    help = "导出某月来电登记及月度汇总（Excel）"

    def add_arguments(self, parser):
        parser.add_argument("month", help="月份，例如 2026-11")
        parser.add_argument("--output", "-o", help="输出文件，默认 来电登记及汇总-YYYY-MM.xlsx")

    def handle(self, *args, month: str, output: str | None, verbosity: int, **options):
        try:
            period = periods.parse_month(month)
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from None
        path = Path(output or f"来电登记及汇总-{period.start:%Y-%m}.xlsx")
        total = selectors.register_count(period)

        def progress(rows):
            return tqdm(rows, total=total, unit="条", desc="来电登记", disable=verbosity == 0)

        with path.open("wb") as file:
            exports.monthly_workbook(period, file, phone=format_phone, wrap=progress)
        self.stdout.write(self.style.SUCCESS(f"已导出{period.label}来电登记 {total} 条及月度汇总：{path}"))
