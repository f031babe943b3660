from django import forms
from django.core.exceptions import ValidationError

from kefu.core.models import CalendarDay


class CalendarDayForm(forms.Form):
    date = forms.DateField(
        label="日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请选择日期", "invalid": "日期格式应为 YYYY-MM-DD"},
    )
    kind = forms.ChoiceField(label="类型", choices=CalendarDay.Kind.choices)
    name = forms.CharField(
        label="节日名称", max_length=50, error_messages={"required": "请填写节日名称，例如“春节”"}
    )
    note = forms.CharField(label="备注", max_length=200, required=False)


class CalendarYearForm(forms.Form):
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100)
    complete = forms.BooleanField(label="已录入全年安排", required=False)
    source = forms.CharField(label="依据", max_length=200, required=False)


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's Chinese errors on a form: each under the field it names when the form has that
    field, otherwise above the form. Shared by every page that calls a service from a form."""
    errors = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for field, messages in errors.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


def error_text(error: Exception) -> str:
    """A refused service call as one line for a page message: every reason, joined."""
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    return str(error) or "您的角色没有此项权限"
