from django.apps import AppConfig


class FulltextConfig(AppConfig):
    name = "kefu.fulltext"
    label = "fulltext"
    verbose_name = "全文检索"
