from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kefu.accounts"
    label = "accounts"
    verbose_name = "组织与人员"

    def ready(self):
        from django.db.models.signals import post_migrate

        from kefu.accounts import demo, services
        from kefu.accounts.roles import ensure_role_groups
        from kefu.core.navigation import any_permission
        from kefu.core.registry import NavEntry, platform

        # The role groups are made after every app's migrate, from the defaults the apps registered.
        post_migrate.connect(ensure_role_groups, sender=self)
        platform.add_seeder(demo.HAND_OVER_SEEDER)  # a second seeder: register_app takes one
        platform.register_app(
            self,
            seeder=demo.SEEDER,
            alert_kinds=services.ALERT_KINDS,
            nav=[
                NavEntry(
                    "组织人员",
                    "accounts:staff_list",
                    160,
                    any_permission("accounts.view_user"),
                    tile="组织架构、员工与角色",
                ),
            ],
        )
