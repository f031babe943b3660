from django.apps import AppConfig


class KpiConfig(AppConfig):
    name = "kefu.kpi"
    verbose_name = "指标看板"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # What this app tells the platform (kefu.core.registry; docs/ARCHITECTURE.md "Registries").
        from kefu.core.navigation import any_permission
        from kefu.core.registry import NavEntry, platform
        from kefu.kpi import demo, jobs, policies, roles

        platform.register_app(
            self,
            rules=policies.RULES,
            roles=roles.DEFAULT_PERMISSIONS,
            jobs=jobs.JOBS,
            seeder=demo.SEEDER,
            nav=[
                NavEntry(
                    "指标看板",
                    "kpi:dashboard",
                    140,
                    any_permission("kpi.view_dashboard"),
                    tile="受理量、及时率、满意率等指标",
                ),
            ],
        )
