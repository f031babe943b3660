from django.contrib import admin

from kefu.core.admin import NoDeleteAdmin
from kefu.customers.models import ArchiveAccess, ImportBatch


@admin.register(ArchiveAccess)
class ArchiveAccessAdmin(NoDeleteAdmin):
    """The read log is evidence: visible to administrators, changed by nobody."""

    list_display = ["accessed_at", "user", "customer", "channel", "ip_address"]
    list_filter = ["channel"]
    raw_id_fields = ["user", "customer"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(NoDeleteAdmin):
    list_display = ["file_name", "batch_no", "first_line", "last_line", "rows", "imported_at", "imported_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
