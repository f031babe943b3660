"""Incident forms: field parsing only; the rules are checked by the services."""

from django import forms

from kefu.accounts.models import ServiceArea, Unit
from kefu.core.forms import MomentField
from kefu.incidents.models import Incident

DATETIME = {"invalid": "时间格式应为 YYYY-MM-DD HH:MM"}
MOMENT_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _moment(label: str, *, required: bool = False) -> MomentField:
    return MomentField(label=label, required=required, widget=MOMENT_WIDGET, error_messages=DATETIME)


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(
        label="事件类型", choices=Incident.Kind.choices, error_messages={"invalid_choice": "事件类型无效"}
    )
    title = forms.CharField(label="事件名称", max_length=200, required=False)
    service_areas = forms.ModelMultipleChoiceField(
        label="影响片区",
        queryset=ServiceArea.objects.filter(active=True).select_related("branch"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "所选片区不存在", "invalid_pk_value": "片区编号无效"},
    )
    streets = forms.CharField(label="影响街道/小区（按来电地址匹配）", max_length=300, required=False)
    cause = forms.CharField(label="原因", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    started_at = _moment("发生时间")
    expected_restoration_at = _moment("预计恢复时间")
    agreed_answer = forms.CharField(
        label="统一答复口径",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
        error_messages={"max_length": "统一答复口径不能超过2000字"},
    )
    responsible_unit = forms.ModelChoiceField(
        label="责任单位", queryset=Unit.objects.filter(active=True), required=False, empty_label="按片区自动"
    )


class AnswerForm(forms.Form):
    agreed_answer = forms.CharField(
        label="统一答复口径",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
        error_messages={"max_length": "统一答复口径不能超过2000字"},
    )
    expected_restoration_at = _moment("预计恢复时间")
    note = forms.CharField(label="修改说明", max_length=300, required=False)


class CloseForm(forms.Form):
    final_answer = forms.CharField(
        label="最终答复（恢复情况、原因）",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
        error_messages={"max_length": "最终答复不能超过2000字"},
    )
    closed_at = _moment("恢复时间（不填为现在）")


class DismissForm(forms.Form):
    reason = forms.CharField(label="排除原因", max_length=500, required=False)
