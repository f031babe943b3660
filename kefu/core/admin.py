"""Back-office tables. Records are never deleted here: deletion is switched off for domain models."""

from django.contrib import admin
from django.core.exceptions import ValidationError

from kefu.core.forms import PolicyForm, add_service_errors
from kefu.core.models import Alert, CalendarDay, CalendarYear, Event, Policy
from kefu.core.policies import DEFAULTS


class NoDeleteAdmin(admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None):
        return False


class ServiceCheckedAdmin(NoDeleteAdmin):
    """An admin whose form runs the domain service's check (`service_check(instance)`, raising a
    ValidationError keyed by field) after the model form's own validation, so the back office refuses
    what the service would refuse, with the same Chinese messages on the right fields."""

    service_check = None

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        check = type(self).service_check

        class CheckedForm(form):
            def _post_clean(self):
                # The instance holds the submitted values only after the model form's own post-clean.
                super()._post_clean()
                try:
                    check(self.instance)
                except ValidationError as exc:
                    add_service_errors(self, exc)

        return CheckedForm


@admin.register(Event)
class EventAdmin(NoDeleteAdmin):
    list_display = ["occurred_at", "actor", "verb", "target_repr"]
    list_filter = ["verb"]
    search_fields = ["target_repr", "verb"]
    readonly_fields = [f.name for f in Event._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Alert)
class AlertAdmin(NoDeleteAdmin):
    """Read only: alerts are written by kefu.core.alerts.send_alert and read by their recipient."""

    list_display = ["created_at", "recipient", "kind", "level", "message", "read_at"]
    list_filter = ["kind"]
    search_fields = ["message", "subject", "recipient__username", "recipient__name"]
    readonly_fields = [f.name for f in Alert._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Policy)
class PolicyAdmin(NoDeleteAdmin):
    form = PolicyForm
    list_display = ["key", "label", "value", "updated_at", "updated_by"]
    readonly_fields = ["updated_at", "updated_by"]

    def get_readonly_fields(self, request, obj=None):
        # A row stays the rule it was made for: a new key is a new row.
        return ["key", *self.readonly_fields] if obj else self.readonly_fields

    @admin.display(description="说明")
    def label(self, obj):
        rule = DEFAULTS.get(obj.key)
        return f"{rule.label}（默认 {rule.default}）" if rule else ""

    def save_model(self, request, obj, form, change):
        from kefu.core.services import set_policy

        set_policy(actor=request.user, key=obj.key, value=obj.value)


@admin.register(CalendarDay)
class CalendarDayAdmin(NoDeleteAdmin):
    list_display = ["date", "kind", "name", "active", "note"]
    list_filter = ["kind", "active"]
    date_hierarchy = "date"


@admin.register(CalendarYear)
class CalendarYearAdmin(NoDeleteAdmin):
    list_display = ["year", "complete", "source"]
