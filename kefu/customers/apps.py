from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "kefu.customers"
    label = "customers"
    verbose_name = "客户档案"

    def ready(self):
        # What this app tells the platform (kefu.core.registry): its rules and its roles' defaults.
        from kefu.core.policies import declare_rules
        from kefu.core.registry import platform
        from kefu.customers import demo, policies

        declare_rules(self.verbose_name, policies.RULES)
        platform.add_seeder(demo.SEEDER)

        # Its place in the top navigation and its home tile (the same permissions as its pages).
        from kefu.core.navigation import any_permission
        from kefu.core.registry import NavEntry

        platform.add_nav(
            NavEntry(
                "客户档案",
                "customers:search",
                70,
                any_permission("customers.view_customer"),
                tile="客户、账户、接水点与水表档案",
            )
        )
