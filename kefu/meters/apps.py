from django.apps import AppConfig


class MetersConfig(AppConfig):
    name = "kefu.meters"
    label = "meters"
    verbose_name = "水表管理"

    def ready(self):
        # What this app tells the platform (kefu.core.registry; docs/ARCHITECTURE.md "Registries").
        from kefu.core.navigation import any_permission
        from kefu.core.registry import Job, NavEntry, platform
        from kefu.meters import (
            demo,
            home,
            jobs,
            policies,
            process_rules,  # noqa: F401 - registers old_meter_in_store with processes
            receivers,
            roles,
        )
        from kefu.meters.services import acceptance, issues, purchases, replacements, returns, store, tracking

        receivers.connect()
        platform.register_app(
            self,
            rules=policies.RULES,
            roles=roles.DEFAULT_PERMISSIONS,
            nav=[
                NavEntry(
                    "水表",
                    "meters:desk",
                    80,
                    any_permission("meters.view_stockmeter"),
                    tile="表库：库存、领表、旧表回收与逾期事项",
                ),
                NavEntry(
                    "换表",
                    "meters:replacements",
                    81,
                    any_permission("meters.view_replacement"),
                    tile="逾龄换表计划、急换报核与换表登记",
                ),
                NavEntry(
                    "旧表与验收",
                    "meters:returns",
                    82,
                    any_permission("meters.view_oldmeterreturn", "meters.view_acceptance"),
                ),
                NavEntry(
                    "水表购置计划", "meters:purchase_plans", 83, any_permission("meters.view_purchaseplan")
                ),
            ],
            jobs=[
                Job("meters.deadlines", "水表：购置、换表、旧表、验收逾期检查", jobs.scan_deadlines, order=35)
            ],
            alert_kinds={
                **store.ALERT_KINDS,
                **purchases.ALERT_KINDS,
                **issues.ALERT_KINDS,
                **replacements.ALERT_KINDS,
                **tracking.ALERT_KINDS,
                **returns.ALERT_KINDS,
                **acceptance.ALERT_KINDS,
            },
            seeder=demo.SEEDER,
            home_panels=[home.panel],
        )
