"""Make report documents from the command line or cron.

    manage.py generate_reports --due                              what the schedule says is due now
    manage.py generate_reports --kind daily_workload --day 2026-11-20
    manage.py generate_reports --kind weekly_supervision --week 2026-11-16
    manage.py generate_reports --kind monthly_register --month 2026-11

The worker (`manage.py worker`) runs the schedule by itself; `--due` is for a deployment that prefers cron.
A document made with --kind is an extra copy (手动生成, by nobody in particular), whatever the schedule
has made already."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kefu.reports import schedule, services
from kefu.reports.documents import DAY, KINDS, MONTH, WEEK
from kefu.reports.forms import parse_period
from kefu.reports.models import GeneratedReport

OPTION = {DAY: "day", WEEK: "week", MONTH: "month"}


class Command(BaseCommand):
    help = "生成报表文档（Excel、PDF）：按计划生成到期的报表，或指定报表和统计期间生成"

    def add_arguments(self, parser):
        parser.add_argument("--due", action="store_true", help="生成按计划已到时间、尚未生成的报表")
        parser.add_argument("--kind", choices=list(KINDS), help="报表种类")
        parser.add_argument("--day", help="日报的日期，例如 2026-11-20")
        parser.add_argument("--week", help="周报：该周任意一天，例如 2026-11-16")
        parser.add_argument("--month", help="月报的月份，例如 2026-11")

    def handle(self, *args, due=False, kind=None, **options):
        if due == bool(kind):
            raise CommandError("请指定 --due，或 --kind 加统计期间（--day/--week/--month）之一")
        if due:
            lines = schedule.run_due()
            for line in lines:
                self.stdout.write(line)
            if not lines:
                self.stdout.write("没有到期的报表")
            return
        report_kind = KINDS[kind]
        wanted = OPTION[report_kind.period]
        given = [name for name in OPTION.values() if options.get(name)]
        if given != [wanted]:
            raise CommandError(f"「{report_kind.label}」请用 --{wanted} 指定统计期间")
        try:
            period = parse_period(report_kind, options[wanted])
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from None
        report = services.generate(kind, period)
        if report.state == GeneratedReport.State.FAILED:
            raise CommandError(f"{report.title}生成失败：{report.error}")
        self.stdout.write(self.style.SUCCESS(f"已生成「{report.title}」（编号 {report.pk}）"))
