from django.contrib import admin

from kefu.core.admin import NoDeleteAdmin
from kefu.telephony.models import Call, CallEvent


class ReadOnlyAdmin(NoDeleteAdmin):
    """Calls are what the PBX reported: visible to administrators, written only by the event endpoint."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Call)
class CallAdmin(ReadOnlyAdmin):
    list_display = [
        "call_id",
        "caller_number",
        "agent",
        "ring_at",
        "answer_at",
        "ring_seconds",
        "answered_in_time",
    ]
    list_filter = ["answered_in_time"]
    search_fields = ["call_id", "caller_number"]
    raw_id_fields = ["agent", "customer"]
    date_hierarchy = "started_at"


@admin.register(CallEvent)
class CallEventAdmin(ReadOnlyAdmin):
    list_display = ["call", "event_type", "agent_code", "caller_number", "occurred_at", "received_at"]
    list_filter = ["event_type"]
    search_fields = ["call__call_id"]
    raw_id_fields = ["agent", "call"]
