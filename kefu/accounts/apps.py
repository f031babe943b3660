from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kefu.accounts"
    label = "accounts"
    verbose_name = "组织与人员"

    def ready(self):
        from django.db.models.signals import post_migrate

        from kefu.accounts import demo
        from kefu.accounts.roles import ensure_role_groups
        from kefu.core.registry import platform

        post_migrate.connect(ensure_role_groups, sender=self)
        platform.add_seeder(demo.SEEDER)
