from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "kefu.customers"
    label = "customers"
    verbose_name = "客户档案"

    def ready(self):
        # What this app tells the platform (kefu.core.registry): its rules and its roles' defaults.
        from kefu.core.policies import declare_rules
        from kefu.customers import policies

        declare_rules(self.verbose_name, policies.RULES)
