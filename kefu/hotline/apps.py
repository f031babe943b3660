from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "kefu.hotline"
    label = "hotline"
    verbose_name = "热线与工单"

    def ready(self):
        # What this app tells the platform (kefu.core.registry; docs/ARCHITECTURE.md "Registries").
        from kefu.core.navigation import any_permission
        from kefu.core.registry import NavEntry, platform
        from kefu.hotline import demo, holdings, home, jobs, policies, roles
        from kefu.hotline.services import notes
        from kefu.hotline.services.alerts import ALERT_KINDS
        from kefu.hotline.timeline import customer_timeline

        platform.register_app(
            self,
            rules=policies.RULES,
            roles=roles.DEFAULT_PERMISSIONS,
            jobs=jobs.JOBS,
            seeder=demo.SEEDER,
            timeline=customer_timeline,
            home_panels=[home.panel],
            holdings=[holdings.HOLDING],
            alert_kinds={**ALERT_KINDS, **notes.ALERT_KINDS},
            nav=[
                NavEntry(
                    "热线受理",
                    "hotline:workspace",
                    10,
                    any_permission("hotline.add_contact"),
                    tile="来电登记、客户查询与转办",
                ),
                NavEntry(
                    "工单",
                    "hotline:work_orders",
                    20,
                    any_permission("hotline.view_workorder"),
                    tile="转办工单的办理、回电、回访与督办",
                ),
                NavEntry(
                    "来电记录",
                    "hotline:contacts",
                    25,
                    any_permission("hotline.view_contact"),
                    tile="来电来访登记的查询、筛选与导出",
                ),
            ],
        )
        # The demo's 督办意见, 批示 and notes on the hotline seeder's orders (kefu/hotline/demo_notes.py).
        from kefu.hotline import demo_notes

        platform.add_seeder(demo_notes.SEEDER)
