from django.contrib import admin

from kefu.core.admin import NoDeleteAdmin
from kefu.knowledge.models import Article, PlannedOutage


class ReadOnly(NoDeleteAdmin):
    """Visible to administrators; written only through the pages and API (services keep the history)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(ReadOnly):
    list_display = ["title", "kind", "published", "version", "use_count", "updated_at"]
    list_filter = ["kind", "published"]
    search_fields = ["title", "keywords"]


@admin.register(PlannedOutage)
class PlannedOutageAdmin(ReadOnly):
    list_display = ["title", "kind", "status", "starts_at", "ends_at"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "affected_addresses"]
