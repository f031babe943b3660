"""The leave form: field parsing only; the rules (notice, night and holiday shifts, who may ask) are
checked by kefu.workforce.services.leave."""

from django import forms

from kefu.accounts.models import Role, User
from kefu.core.forms import MomentField
from kefu.workforce.models import LeaveKind

MOMENT = {"invalid": "时间格式应为 YYYY-MM-DD HH:MM", "required": "请填写时间"}
# A team leader asks sick leave for the people of their team; the department head for anyone on the roster.
ROSTERED = [Role.AGENT, Role.TEAM_LEADER, Role.COUNTER_CLERK, Role.QA_INSPECTOR]


def _moment(label: str) -> MomentField:
    return MomentField(
        label=label,
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages=MOMENT,
    )


class LeaveForm(forms.Form):
    kind = forms.ChoiceField(
        label="假别", choices=LeaveKind.choices, error_messages={"required": "请选择假别"}
    )
    person = forms.ModelChoiceField(
        label="请假人（代请仅限病假、急诊病假）",
        queryset=User.objects.none(),
        required=False,
        empty_label="本人",
    )
    starts_at = _moment("开始时间")
    ends_at = _moment("结束时间")
    reason = forms.CharField(
        label="事由", widget=forms.Textarea(attrs={"rows": 3}), max_length=500, required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        people = persons_for(user)
        if people is None:
            del self.fields["person"]
        else:
            self.fields["person"].queryset = people


def persons_for(user):
    """Whom the user may pick as the person on the form, or None when only themselves."""
    staff = User.objects.filter(is_active=True, role__in=ROSTERED).exclude(pk=user.pk)
    if user.role == Role.DEPARTMENT_HEAD:
        return staff.order_by("team__code", "employee_no", "username")
    if user.role == Role.TEAM_LEADER and user.team_id:
        return staff.filter(team_id=user.team_id).order_by("employee_no", "username")
    return None
