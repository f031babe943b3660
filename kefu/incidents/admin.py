from django.contrib import admin

from kefu.incidents.models import Incident, IncidentContact


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    """Read-only here: every change goes through the services (and their events) on the pages."""

    list_display = ("number", "title", "kind", "state", "started_at", "closed_at")
    list_filter = ("state", "kind")
    search_fields = ("number", "title", "streets")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IncidentContact)
class IncidentContactAdmin(admin.ModelAdmin):
    list_display = ("incident", "contact", "wants_callback", "linked_at", "answered_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
