from django.apps import AppConfig


class TelephonyConfig(AppConfig):
    name = "kefu.telephony"
    label = "telephony"
    verbose_name = "电话接入"

    def ready(self):
        # What this app tells the platform (kefu.core.registry): its rules and its roles' defaults.
        from kefu.core.policies import declare_rules
        from kefu.core.registry import platform
        from kefu.telephony import policies, roles

        declare_rules(self.verbose_name, policies.RULES)
        platform.add_role_permissions(roles.DEFAULT_PERMISSIONS)

        # Its place in the top navigation and its home tile (the same permissions as its pages).
        from kefu.core.navigation import any_permission
        from kefu.core.registry import NavEntry

        platform.add_nav(
            NavEntry(
                "接听统计",
                "telephony:stats",
                130,
                any_permission("telephony.view_call"),
                tile="来电接听、排队与放弃",
            )
        )
