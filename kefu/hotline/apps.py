from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "kefu.hotline"
    label = "hotline"
    verbose_name = "热线与工单"
