"""The form that asks for a generated roster: the first day, how many weeks, which team, the time limit
(the rules of the roster itself are checked by the generator and the checker)."""

from datetime import timedelta

from django import forms
from django.utils import timezone

from kefu.accounts.models import Team
from kefu.core.forms import DayField
from kefu.core.policies import policy


def next_monday():
    today = timezone.localdate()
    return today + timedelta(days=7 - today.weekday())


class PlanForm(forms.Form):
    first_day = DayField(
        label="起始日期",
        # ISO, which a date input reads (the zh-hans default 2026/12/07 leaves it empty)
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "请选择起始日期", "invalid": "日期格式应为 YYYY-MM-DD"},
    )
    weeks = forms.TypedChoiceField(
        label="周数", coerce=int, choices=[(n, f"{n}周（{7 * n}天）") for n in range(1, 7)], initial=4
    )
    team = forms.ModelChoiceField(
        label="班组",
        queryset=Team.objects.filter(active=True),
        required=False,
        empty_label="全部班组",
        to_field_name="code",
    )
    time_limit_s = forms.IntegerField(
        label="求解时限（秒）",
        min_value=1,
        max_value=600,
        error_messages={"min_value": "求解时限至少1秒", "max_value": "求解时限最多600秒"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_day"].initial = next_monday()
        self.fields["time_limit_s"].initial = policy("workforce.solver_seconds")
