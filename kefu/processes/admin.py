"""Back office for counter business definitions. Processes themselves are not edited here: their
changes go through the services that keep the timeline (use the counter pages)."""

from django.contrib import admin

from kefu.core.admin import ServiceCheckedAdmin
from kefu.processes.definitions import check_definition, check_stage, save_definition, save_stage
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
class ProcessDefinitionAdmin(ServiceCheckedAdmin):
    list_display = ["code", "name", "fee_individual", "fee_rule", "active"]
    search_fields = ["code", "name"]
    inlines = [StageInline]

    service_check = staticmethod(check_definition)

    def save_model(self, request, obj, form, change):
        save_definition(actor=request.user, definition=obj)


@admin.register(StageDefinition)
class StageDefinitionAdmin(ServiceCheckedAdmin):
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

    service_check = staticmethod(check_stage)

    def save_model(self, request, obj, form, change):
        save_stage(actor=request.user, stage=obj)
