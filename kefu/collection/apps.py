from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "kefu.collection"
    label = "collection"
    verbose_name = "收费"
