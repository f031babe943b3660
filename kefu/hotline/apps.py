from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "kefu.hotline"
    label = "hotline"
    verbose_name = "热线与工单"

    def ready(self):
        # What this app tells the platform (kefu.core.registry): its rules and its roles' defaults.
        from kefu.core.policies import declare_rules
        from kefu.core.registry import platform
        from kefu.hotline import demo, jobs, policies, roles

        declare_rules(self.verbose_name, policies.RULES)
        platform.add_role_permissions(roles.DEFAULT_PERMISSIONS)
        for job in jobs.JOBS:
            platform.add_job(job)
        platform.add_seeder(demo.SEEDER)
