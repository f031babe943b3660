from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "kefu.knowledge"
    label = "knowledge"
    verbose_name = "知识库"

    def ready(self):
        # What this app tells the platform (kefu.core.registry): its rules and its roles' defaults.
        from kefu.core.policies import declare_rules
        from kefu.core.registry import platform
        from kefu.knowledge import demo, policies, roles

        declare_rules(self.verbose_name, policies.RULES)
        platform.add_role_permissions(roles.DEFAULT_PERMISSIONS)
        platform.add_seeder(demo.SEEDER)

        # Its place in the top navigation and its home tile (the same permissions as its pages).
        from kefu.core.navigation import any_permission
        from kefu.core.registry import NavEntry

        platform.add_nav(
            NavEntry(
                "知识库",
                "knowledge:index",
                30,
                any_permission("knowledge.view_article"),
                tile="业务口径、常见问题与计划停水",
            )
        )
