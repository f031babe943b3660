from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "kefu.incidents"
    label = "incidents"
    verbose_name = "突发事件"

    def ready(self):
        # What this app tells the platform (kefu.core.registry; docs/ARCHITECTURE.md "Registries").
        from kefu.core.navigation import any_permission
        from kefu.core.registry import NavEntry, platform
        from kefu.incidents import demo, home, jobs, panels, policies, report_kinds, roles, timeline

        platform.register_app(
            self,
            rules=policies.RULES,
            roles=roles.DEFAULT_PERMISSIONS,
            jobs=jobs.JOBS,
            seeder=demo.SEEDER,
            report_kinds=report_kinds.KINDS,
            nav=[
                NavEntry(
                    "突发事件",
                    "incidents:list",
                    35,
                    any_permission("incidents.view_incident"),
                    tile="停水、爆管等突发事件：统一答复口径与关联来电",
                ),
            ],
            alert_kinds={
                "incidents.suspected": "疑似突发事件待确认",
                "incidents.declared": "突发事件已发布",
                "incidents.closed": "突发事件已恢复",
            },
            caller_panels=[panels.incident_panel],
            home_panels=[home.panel],
            timeline=timeline.customer_timeline,
        )
