from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kefu.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        # Core's own entries of the navigation (kefu.core.navigation); the apps register theirs.
        from kefu.core.navigation import CORE_ENTRIES
        from kefu.core.policies import RULES
        from kefu.core.registry import platform

        platform.register_app(self, rules=RULES, nav=CORE_ENTRIES)
