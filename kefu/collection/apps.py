from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "kefu.collection"
    label = "collection"
    verbose_name = "收费"

    def ready(self):
        # What this app tells the platform (kefu.core.registry): its rules and its roles' defaults.
        from kefu.collection import roles
        from kefu.core.registry import platform

        platform.add_role_permissions(roles.DEFAULT_PERMISSIONS)

        # Its place in the top navigation and its home tile (the same permissions as its pages).
        from kefu.core.navigation import any_permission
        from kefu.core.registry import NavEntry

        platform.add_nav(
            NavEntry(
                "收费",
                "collection:index",
                60,
                any_permission("collection.view_payment"),
                tile="收费、凭证与作废",
            )
        )
