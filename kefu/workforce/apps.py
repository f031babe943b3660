from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "kefu.workforce"
    label = "workforce"
    verbose_name = "值班与交接班"

    def ready(self):
        # What this app tells the platform (kefu.core.registry): its rules and its roles' defaults.
        from kefu.core.policies import declare_rules
        from kefu.core.registry import platform
        from kefu.workforce import policies, roles

        declare_rules(self.verbose_name, policies.RULES)
        platform.add_role_permissions(roles.DEFAULT_PERMISSIONS)

        # Its place in the top navigation and its home tile (the same permissions as its pages).
        from kefu.core.navigation import any_permission
        from kefu.core.registry import NavEntry

        platform.add_nav(
            NavEntry(
                "交接班",
                "workforce:handovers",
                40,
                any_permission("workforce.view_handover"),
                tile="交接班记录与未了事项",
            )
        )
