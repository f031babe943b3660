"""python manage.py seed_demo [--customers N] [--seed S] [--contacts N] [--no-processes]

The demo utility, made by the seeders the apps register (kefu.core.registry) in their order: the
organisation and staff (password Kefu@2026), N customers (10,000 by default) with accounts,
connection points and meters, the knowledge base, hotline contacts, counter business, then the KPI
rollups. Safe to run on every start: what is there already is left alone, and only what is missing is
added. Each seeder adds its own options; this command names no domain app.
"""

import logging

from django.core.management.base import BaseCommand

from kefu.core.registry import platform


class Command(BaseCommand):
    help = "创建演示数据：组织架构、各角色员工（密码 Kefu@2026）和客户档案（默认1万户）。可重复运行。"

    def add_arguments(self, parser):
        for seeder in platform.ordered_seeders():
            if seeder.arguments is not None:
                seeder.arguments(parser)

    def handle(self, *args, **options):
        seeders = platform.ordered_seeders()
        for seeder in seeders:  # refuse bad options before anything is written
            if seeder.check is not None:
                seeder.check(options)
        lines = []
        # The demo's alerts land in the bell; the default outside channel's one line per alert would
        # bury the seed's own report (kefu.core.channels.LoggingChannel writes to kefu.alerts).
        channel_log = logging.getLogger("kefu.alerts")
        level = channel_log.level
        channel_log.setLevel(logging.WARNING)
        try:
            for seeder in seeders:
                lines += seeder.seed(options)
        finally:
            channel_log.setLevel(level)
        for seeder in seeders:
            if seeder.closing is not None:
                lines += seeder.closing()
        if options.get("verbosity", 1) < 1:
            return
        for line in lines:
            self.stdout.write(line)
