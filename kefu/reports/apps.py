from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "kefu.reports"
    label = "reports"
    verbose_name = "报表"

    def ready(self):
        # What this app tells the platform (kefu.core.registry; docs/ARCHITECTURE.md "Registries").
        from kefu.core.navigation import any_permission
        from kefu.core.registry import NavEntry, platform
        from kefu.reports import documents, jobs, policies, roles

        platform.register_app(
            self,
            rules=policies.RULES,
            roles=roles.DEFAULT_PERMISSIONS,
            jobs=jobs.JOBS,
            report_kinds=documents.HOTLINE_KINDS,
            nav=[
                NavEntry(
                    "报表",
                    "reports:index",
                    150,
                    any_permission("hotline.export_register", "reports.view_team_report"),
                    tile="日报、周报、月报的查看、生成与下载",
                ),
            ],
        )
