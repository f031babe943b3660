from django.apps import AppConfig


class InspectionConfig(AppConfig):
    name = "kefu.inspection"
    label = "inspection"
    verbose_name = "供水稽查"

    def ready(self):
        # What this app tells the platform (kefu.core.registry; docs/ARCHITECTURE.md "Registries").
        from kefu.core.navigation import any_permission
        from kefu.core.registry import Job, NavEntry, platform
        from kefu.inspection import demo, home, jobs, policies, receivers, roles, timeline

        platform.register_app(
            self,
            rules=policies.RULES,
            roles=roles.DEFAULT_PERMISSIONS,
            nav=[
                NavEntry(
                    "稽查",
                    "inspection:cases",
                    90,
                    any_permission("inspection.view_case"),
                    tile="稽查案件、取证、通知书、违章审批与巡查计划",
                ),
                NavEntry(
                    "巡查计划",
                    "inspection:patrol_plan",
                    91,
                    any_permission("inspection.view_patrolplan"),
                ),
            ],
            jobs=[Job("inspection.deadlines", "稽查：整改逾期、待归档结案", jobs.run, order=55)],
            alert_kinds=jobs.ALERT_KINDS,
            seeder=demo.SEEDER,
            home_panels=[home.panel],
            timeline=timeline.customer_timeline,
        )
        receivers.connect()
