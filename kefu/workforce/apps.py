from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "kefu.workforce"
    label = "workforce"
    verbose_name = "值班与交接班"

    def ready(self):
        # What this app tells the platform (kefu.core.registry; docs/ARCHITECTURE.md "Registries").
        from kefu.core.navigation import any_permission
        from kefu.core.registry import NavEntry, platform
        from kefu.workforce import policies, roles

        platform.register_app(
            self,
            rules=policies.RULES,
            roles=roles.DEFAULT_PERMISSIONS,
            nav=[
                NavEntry(
                    "交接班",
                    "workforce:handovers",
                    40,
                    any_permission("workforce.view_handover"),
                    tile="交接班记录与未了事项",
                ),
                # -- rosters
                # -- leave
                # -- swaps
                # -- attendance and discipline
                # -- forecast and staffing
                # -- roster plans
            ],
            jobs=[
                # -- leave
                # -- attendance and discipline
            ],
        )
