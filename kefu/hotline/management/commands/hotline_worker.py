"""`manage.py hotline_worker`: the former name of `manage.py worker`, kept for one release so that
deployments and scripts that start it keep working. It says so on stderr and runs the worker with the
same options (--once, --interval)."""

from kefu.core.management.commands.worker import Command as Worker


class Command(Worker):
    help = "已改名为 worker（本命令保留一个版本）：运行各应用登记的后台任务"

    def handle(self, *args, **options):
        self.stderr.write("hotline_worker 已改名为 worker，请改用 manage.py worker；旧名称将在下一版本移除。")
        return super().handle(*args, **options)
