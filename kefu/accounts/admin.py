from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from django.utils import timezone

from kefu.accounts.models import ApiToken, Center, Department, ServiceArea, Team, Unit, User
from kefu.accounts.services import refuse_while_holding
from kefu.core.admin import NoDeleteAdmin


class StaffChangeForm(UserChangeForm):
    def clean_is_active(self):
        # A3: unticking 在职 is refused while they hold work, as on the staff page (services.update_staff)
        active = self.cleaned_data.get("is_active")
        if self.instance.pk and self.instance.is_active and not active:
            try:
                refuse_while_holding(self.instance)
            except ValidationError as error:
                raise ValidationError(error.messages) from error
        return active


@admin.register(User)
class StaffAdmin(UserAdmin):
    form = StaffChangeForm
    list_display = ["username", "name", "employee_no", "role", "department", "team", "unit", "is_active"]
    list_filter = ["role", "is_active", "department", "unit"]
    search_fields = ["username", "name", "employee_no"]
    fieldsets = UserAdmin.fieldsets + (
        ("客服中心", {"fields": ("name", "employee_no", "role", "department", "team", "unit", "phone")}),
    )

    def has_delete_permission(self, request, obj=None):
        return False  # staff leave; their records stay (set inactive instead)


admin.site.register(Center, NoDeleteAdmin)
admin.site.register(Department, NoDeleteAdmin)
admin.site.register(Team, NoDeleteAdmin)
admin.site.register(Unit, NoDeleteAdmin)
admin.site.register(ServiceArea, NoDeleteAdmin)


@admin.register(ApiToken)
class ApiTokenAdmin(NoDeleteAdmin):
    list_display = ["user", "name", "created_at", "last_used_at", "expires_at", "state", "revoked_at"]
    readonly_fields = ["key_hash", "created_at", "last_used_at"]

    @admin.display(description="状态")
    def state(self, token: ApiToken) -> str:
        if token.revoked_at:
            return "已吊销"
        return "已过期" if token.has_expired(timezone.now()) else "有效"
