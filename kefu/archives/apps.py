from django.apps import AppConfig


class ArchivesConfig(AppConfig):
    name = "kefu.archives"
    label = "archives"
    verbose_name = "档案与钥匙"

    def ready(self):
        # What this app tells the platform (kefu.core.registry; docs/ARCHITECTURE.md "Registries").
        from kefu.archives import demo, holdings, home, jobs, policies, roles, timeline
        from kefu.core.navigation import any_permission
        from kefu.core.registry import Job, NavEntry, platform

        platform.register_app(
            self,
            rules=policies.RULES,
            roles=roles.DEFAULT_PERMISSIONS,
            nav=[
                NavEntry(
                    "档案与钥匙",
                    "archives:desk",
                    100,
                    any_permission("archives.view_archivefile", "archives.view_key"),
                    tile="归档、借阅、销毁与钥匙柜",
                ),
            ],
            jobs=[
                Job("archives.deadlines", "档案：逾期归档、借阅与钥匙逾期、库房定期检查", jobs.run, order=60)
            ],
            alert_kinds=jobs.ALERT_KINDS,
            seeder=demo.SEEDER,
            home_panels=[home.panel],
            holdings=[holdings.HOLDING],
            timeline=timeline.customer_timeline,
        )
