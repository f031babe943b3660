from django.contrib import admin

from kefu.core.admin import NoDeleteAdmin
from kefu.workforce.models import Handover


@admin.register(Handover)
class HandoverAdmin(NoDeleteAdmin):
    """Visible to administrators; written and corrected only through the pages and API."""

    list_display = ["handed_over_at", "team", "handed_over_by", "received_by", "received_at"]
    list_filter = ["team"]
    raw_id_fields = ["handed_over_by", "received_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
