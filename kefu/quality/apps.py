from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "kefu.quality"
    label = "quality"
    verbose_name = "质检与考核"

    def ready(self):
        # What this app tells the platform (kefu.core.registry; docs/ARCHITECTURE.md "Registries").
        from kefu.core.navigation import any_permission
        from kefu.core.registry import Job, NavEntry, platform
        from kefu.quality import demo, home, jobs, policies, roles
        from kefu.quality.selectors_mine import is_appraised

        platform.register_app(
            self,
            rules=policies.RULES,
            roles=roles.DEFAULT_PERMISSIONS,
            nav=[
                NavEntry("我的质检与考核", "quality:mine", 37, is_appraised),
                NavEntry(
                    "质检考核",
                    "quality:checks",
                    120,
                    any_permission("quality.view_qacheck"),
                    tile="抽样监听、评分、申诉、校准与质检周小结",
                ),
                NavEntry(
                    "月度考核",
                    "quality:months",
                    121,
                    any_permission("quality.view_appraisalmonth"),
                    tile="考核积分、绩效等级与工资浮动",
                ),
                NavEntry(
                    "考核指标",
                    "quality:indicators",
                    122,
                    any_permission("quality.view_softindicatorscore"),
                    tile="各岗位硬性指标与软性指标",
                ),
            ],
            jobs=[Job("quality.deadlines", "质检：申诉期满定稿与月底未质检提示", jobs.run, order=50)],
            alert_kinds=jobs.ALERT_KINDS,
            seeder=demo.SEEDER,
            home_panels=[home.panel],
        )
