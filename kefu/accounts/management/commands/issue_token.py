"""Issue an API token for a member of staff (PBX middleware, report tools). Shown once."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kefu.accounts.auth import issue_token
from kefu.accounts.models import User


class Command(BaseCommand):
    help = "为员工签发接口访问令牌（只显示一次）"

    def add_arguments(self, parser):
        parser.add_argument("username", help="员工用户名")
        parser.add_argument("purpose", help="用途，例如：呼叫中心中间件")
        parser.add_argument("--days", type=int, default=None, help="有效天数；不填则长期有效")

    def handle(self, *args, username, purpose, days, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"没有名为 {username} 的在职员工")
        if days is not None and days < 1:
            raise CommandError("有效天数至少为 1 天")
        expires_at = timezone.now() + timedelta(days=days) if days else None
        raw = issue_token(user=user, name=purpose, expires_at=expires_at)
        self.stdout.write(f"令牌（请妥善保存，只显示一次）：{raw}")
        if expires_at:
            self.stdout.write(f"有效期至：{timezone.localtime(expires_at):%Y-%m-%d %H:%M}")
        self.stdout.write(
            f"用法：curl -H 'Authorization: Bearer {raw}' http://127.0.0.1:8000/api/customers?q=5678"
        )
