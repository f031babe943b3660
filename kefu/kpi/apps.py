from django.apps import AppConfig


class KpiConfig(AppConfig):
    name = "kefu.kpi"
    verbose_name = "指标看板"
    default_auto_field = "django.db.models.BigAutoField"
