from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "kefu.reports"
    label = "reports"
    verbose_name = "报表"

    def ready(self):
        # What this app tells the platform (kefu.core.registry): its rules and its roles' defaults.
        from kefu.core.policies import declare_rules
        from kefu.core.registry import platform
        from kefu.reports import documents, jobs, policies, roles

        declare_rules(self.verbose_name, policies.RULES)
        platform.add_role_permissions(roles.DEFAULT_PERMISSIONS)
        for job in jobs.JOBS:
            platform.add_job(job)
        for kind in documents.HOTLINE_KINDS:  # first: the list of report kinds shows them in this order
            platform.add_report_kind(kind.code, kind)

        # Its place in the top navigation and its home tile (the same permissions as its pages).
        from kefu.core.navigation import any_permission
        from kefu.core.registry import NavEntry

        platform.add_nav(
            NavEntry(
                "报表",
                "reports:index",
                150,
                any_permission("hotline.export_register", "reports.view_team_report"),
                tile="日报、周报、月报的查看、生成与下载",
            )
        )
