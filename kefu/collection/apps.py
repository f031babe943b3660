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
