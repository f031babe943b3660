from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "kefu.customers"
    label = "customers"
    verbose_name = "客户档案"

    def ready(self):
        # What this app tells the platform (kefu.core.registry; docs/ARCHITECTURE.md "Registries").
        from kefu.core.navigation import any_permission
        from kefu.core.registry import NavEntry, platform
        from kefu.customers import demo, policies, timeline

        platform.register_app(
            self,
            rules=policies.RULES,
            seeder=demo.SEEDER,
            timeline=timeline.customer_timeline,
            nav=[
                NavEntry(
                    "客户档案",
                    "customers:search",
                    70,
                    any_permission("customers.view_customer"),
                    tile="客户、账户、接水点与水表档案",
                ),
            ],
        )
