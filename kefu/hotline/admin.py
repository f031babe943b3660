"""Back office for the hotline's configuration. Contacts and work orders are not edited here: their
changes must go through the services that keep the timeline (use the hotline pages)."""

from django.contrib import admin

from kefu.core.admin import ServiceCheckedAdmin
from kefu.hotline.models import Category
from kefu.hotline.services.categories import check_category, save_category


@admin.register(Category)
class CategoryAdmin(ServiceCheckedAdmin):
    list_display = [
        "sort_order",
        "code",
        "name",
        "route",
        "target_unit_kind",
        "default_disposition",
        "deadline_label",
        "active",
    ]
    list_display_links = ["code", "name"]
    list_filter = ["active", "route"]
    search_fields = ["code", "name", "description"]

    @admin.display(description="办理时限")
    def deadline_label(self, obj):
        return obj.deadline_label

    service_check = staticmethod(check_category)

    def save_model(self, request, obj, form, change):
        save_category(actor=request.user, category=obj)
