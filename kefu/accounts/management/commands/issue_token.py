"""Issue an API token for a member of staff (PBX middleware, report tools). Shown once."""

from django.core.management.base import BaseCommand, CommandError

from kefu.accounts.auth import issue_token
from kefu.accounts.models import User


class Command(BaseCommand):
    help = "为员工签发接口访问令牌（只显示一次）"

    def add_arguments(self, parser):
        parser.add_argument("username", help="员工用户名")
        parser.add_argument("purpose", help="用途，例如：呼叫中心中间件")

    def handle(self, *args, username, purpose, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"没有名为 {username} 的在职员工")
        raw = issue_token(user=user, name=purpose)
        self.stdout.write(f"令牌（请妥善保存，只显示一次）：{raw}")
        self.stdout.write(
            f"用法：curl -H 'Authorization: Bearer {raw}' http://127.0.0.1:8000/api/customers?q=5678"
        )
