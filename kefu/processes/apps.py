from django.apps import AppConfig


class ProcessesConfig(AppConfig):
    name = "kefu.processes"
    label = "processes"
    verbose_name = "窗口业务"

    def ready(self):
        # What this app tells the platform (kefu.core.registry): its rules and its roles' defaults.
        from kefu.core.policies import declare_rules
        from kefu.core.registry import platform
        from kefu.processes import demo, jobs, policies, report_kinds, roles

        declare_rules(self.verbose_name, policies.RULES)
        platform.add_role_permissions(roles.DEFAULT_PERMISSIONS)
        for job in jobs.JOBS:
            platform.add_job(job)
        platform.add_seeder(demo.SEEDER)
        for kind in report_kinds.KINDS:  # built here, stored and rendered by kefu.reports
            platform.add_report_kind(kind.code, kind)

        # Its place in the top navigation and its home tile (the same permissions as its pages).
        from kefu.core.navigation import any_permission
        from kefu.core.registry import NavEntry

        platform.add_nav(
            NavEntry(
                "窗口业务",
                "processes:index",
                50,
                any_permission("processes.view_process", "processes.handle_stage"),
                tile="报装、过户、合同等业务的受理与各环节办理",
            )
        )
