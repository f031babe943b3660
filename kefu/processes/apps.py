from django.apps import AppConfig


class ProcessesConfig(AppConfig):
    name = "kefu.processes"
    label = "processes"
    verbose_name = "窗口业务"
