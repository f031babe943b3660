from django.apps import AppConfig


class ProcessesConfig(AppConfig):
    name = "kefu.processes"
    label = "processes"
    verbose_name = "窗口业务"

    def ready(self):
        # What this app tells the platform (kefu.core.registry; docs/ARCHITECTURE.md "Registries").
        from kefu.core.navigation import any_permission
        from kefu.core.registry import NavEntry, platform
        from kefu.processes import demo, holdings, home, jobs, policies, report_kinds, roles
        from kefu.processes.timeline import customer_timeline

        platform.register_app(
            self,
            rules=policies.RULES,
            roles=roles.DEFAULT_PERMISSIONS,
            jobs=jobs.JOBS,
            alert_kinds=jobs.ALERT_KINDS,
            seeder=demo.SEEDER,
            timeline=customer_timeline,
            home_panels=[home.panel],
            holdings=[holdings.HOLDING],
            report_kinds=report_kinds.KINDS,
            nav=[
                NavEntry(
                    "窗口业务",
                    "processes:index",
                    50,
                    any_permission("processes.view_process", "processes.handle_stage"),
                    tile="报装、过户、合同等业务的受理与各环节办理",
                ),
            ],
        )
