"""Back office for the hotline's configuration. Contacts and work orders are not edited here: their
changes must go through the services that keep the timeline (use the hotline pages)."""

from django.contrib import admin
from django.core.exceptions import ValidationError

from kefu.core.admin import NoDeleteAdmin
from kefu.core.forms import add_service_errors
from kefu.hotline.models import Category
from kefu.hotline.services.categories import check_category, save_category


@admin.register(Category)
class CategoryAdmin(NoDeleteAdmin):
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

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class CheckedForm(form):
            def _post_clean(self):
                # The instance holds the submitted values only after the model form's own post-clean.
                super()._post_clean()
                try:
                    check_category(self.instance)
                except ValidationError as exc:
                    add_service_errors(self, exc)

        return CheckedForm

    def save_model(self, request, obj, form, change):
        save_category(actor=request.user, category=obj)
