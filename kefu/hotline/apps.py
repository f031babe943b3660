from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "kefu.hotline"
    label = "hotline"
    verbose_name = "热线与工单"

    def ready(self):
        # What this app tells the platform (kefu.core.registry): its rules and its roles' defaults.
        from kefu.core.policies import declare_rules
        from kefu.core.registry import platform
        from kefu.hotline import demo, jobs, policies, roles

        declare_rules(self.verbose_name, policies.RULES)
        platform.add_role_permissions(roles.DEFAULT_PERMISSIONS)
        for job in jobs.JOBS:
            platform.add_job(job)
        platform.add_seeder(demo.SEEDER)

        # Its place in the top navigation and its home tile (the same permissions as its pages).
        from kefu.core.navigation import any_permission
        from kefu.core.registry import NavEntry

        platform.add_nav(
            NavEntry(
                "热线受理",
                "hotline:workspace",
                10,
                any_permission("hotline.add_contact"),
                tile="来电登记、客户查询与转办",
            )
        )
        platform.add_nav(
            NavEntry(
                "工单",
                "hotline:work_orders",
                20,
                any_permission("hotline.view_workorder"),
                tile="转办工单的办理、回电、回访与督办",
            )
        )
