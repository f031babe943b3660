from django.contrib import admin

from kefu.core.admin import NoDeleteAdmin
from kefu.workforce.models import (
    DisciplineCase,
    Handover,
    LeaveRequest,
    RosterEntry,
    RosterPlan,
    Shift,
    ShiftSwap,
)


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


@admin.register(Shift)
class ShiftAdmin(NoDeleteAdmin):
    """Shift definitions (班次) are data: an administrator adds a 四班三运转 or 常日班 shift here, or
    retires one by unticking 启用 (the roster keeps the hours it copied when each shift was rostered).
    A shift longer than the continuous-work rule can be defined but the roster checker refuses it."""

    list_display = ["code", "name", "kind", "starts_at", "ends_at", "hours", "active", "order"]
    list_editable = ["active", "order"]
    ordering = ["order", "starts_at"]


@admin.register(RosterEntry, LeaveRequest, ShiftSwap, DisciplineCase, RosterPlan)
class WorkforceRecordAdmin(NoDeleteAdmin):
    """Read-only to administrators: rosters, leave, swaps, discipline cases and plans are written through
    the pages and API, whose services check the rules and record the events."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
