from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "kefu.collection"
    label = "collection"
    verbose_name = "收费"

    def ready(self):
        # What this app tells the platform (kefu.core.registry; docs/ARCHITECTURE.md "Registries").
        from kefu.collection import demo, roles, timeline
        from kefu.core.navigation import any_permission
        from kefu.core.registry import NavEntry, platform

        platform.register_app(
            self,
            roles=roles.DEFAULT_PERMISSIONS,
            timeline=timeline.customer_timeline,
            seeder=demo.SEEDER,
            nav=[
                NavEntry(
                    "收费",
                    "collection:index",
                    60,
                    any_permission("collection.view_payment"),
                    tile="收费、凭证与作废",
                ),
            ],
        )
