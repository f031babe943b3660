from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "kefu.knowledge"
    label = "knowledge"
    verbose_name = "知识库"

    def ready(self):
        # What this app tells the platform (kefu.core.registry; docs/ARCHITECTURE.md "Registries").
        from kefu.core.navigation import any_permission
        from kefu.core.registry import NavEntry, platform
        from kefu.knowledge import demo, policies, roles

        platform.register_app(
            self,
            rules=policies.RULES,
            roles=roles.DEFAULT_PERMISSIONS,
            seeder=demo.SEEDER,
            nav=[
                NavEntry(
                    "知识库",
                    "knowledge:index",
                    30,
                    any_permission("knowledge.view_article"),
                    tile="业务口径、常见问题与计划停水",
                ),
            ],
        )
