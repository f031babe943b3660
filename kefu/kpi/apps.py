from django.apps import AppConfig


class KpiConfig(AppConfig):
    name = "kefu.kpi"
    verbose_name = "指标看板"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # What this app tells the platform (kefu.core.registry): its rules and its roles' defaults.
        from kefu.core.policies import declare_rules
        from kefu.core.registry import platform
        from kefu.kpi import demo, jobs, policies, roles

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
                "指标看板",
                "kpi:dashboard",
                140,
                any_permission("kpi.view_dashboard"),
                tile="受理量、及时率、满意率等指标",
            )
        )
