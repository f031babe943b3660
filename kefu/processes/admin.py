"""Back office for counter business definitions. Processes themselves are not edited here: their
changes go through the services that keep the timeline (use the counter pages)."""

from django.contrib import admin
from django.core.exceptions import ValidationError

from kefu.core.admin import NoDeleteAdmin
from kefu.core.forms import add_service_errors
from kefu.processes.definitions import check_stage, save_definition, save_stage
from kefu.processes.models import ProcessDefinition, StageDefinition


class StageInline(admin.TabularInline):
    model = StageDefinition
    fields = [
        "order",
        "code",
        "name",
        "responsible",
        "route",
        "deadline_individual",
        "deadline_unit_customer",
    ]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ProcessDefinition)
class ProcessDefinitionAdmin(NoDeleteAdmin):
    list_display = ["code", "name", "fee_individual", "active"]
    search_fields = ["code", "name"]
    inlines = [StageInline]

    def save_model(self, request, obj, form, change):
        save_definition(actor=request.user, definition=obj)


@admin.register(StageDefinition)
class StageDefinitionAdmin(NoDeleteAdmin):
    list_display = [
        "definition",
        "order",
        "name",
        "responsible",
        "route",
        "deadline_unit",
        "deadline_individual",
        "deadline_unit_customer",
    ]
    list_display_links = ["name"]
    list_filter = ["definition", "route", "responsible"]
    search_fields = ["name", "code", "responsible"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class CheckedForm(form):
            def _post_clean(self):
                super()._post_clean()
                try:
                    check_stage(self.instance)
                except ValidationError as exc:
                    add_service_errors(self, exc)

        return CheckedForm

    def save_model(self, request, obj, form, change):
        save_stage(actor=request.user, stage=obj)
