from django.apps import AppConfig


class TelephonyConfig(AppConfig):
    name = "kefu.telephony"
    label = "telephony"
    verbose_name = "电话接入"

    def ready(self):
        # What this app tells the platform (kefu.core.registry; docs/ARCHITECTURE.md "Registries").
        from kefu.core.navigation import any_permission
        from kefu.core.registry import NavEntry, platform
        from kefu.telephony import demo, policies, roles

        platform.register_app(
            self,
            rules=policies.RULES,
            roles=roles.DEFAULT_PERMISSIONS,
            seeder=demo.SEEDER,
            nav=[
                NavEntry(
                    "接听统计",
                    "telephony:stats",
                    130,
                    any_permission("telephony.view_call"),
                    tile="来电接听、排队与放弃",
                ),
            ],
        )
