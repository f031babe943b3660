"""Handover forms: field parsing only; the rules are checked by the services."""

from django import forms

from kefu.accounts.models import Role, Team, User
from kefu.core.forms import MomentField

DATETIME = {"invalid": "时间格式应为 YYYY-MM-DD HH:MM"}
TEXT = {"rows": 3}


class HandoverForm(forms.Form):
    team = forms.ModelChoiceField(
        label="交班班组", queryset=Team.objects.filter(active=True), required=False, empty_label="请选择"
    )
    shift_started_at = MomentField(
        label="本班开始",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages=DATETIME,
    )
    received_by = forms.ModelChoiceField(
        label="接班人（可不填，由确认人记为接班人）",
        queryset=User.objects.filter(is_active=True, role__in=[Role.AGENT, Role.TEAM_LEADER]),
        required=False,
        empty_label="不指定",
    )
    equipment_state = forms.CharField(
        label="设备状况（电脑、电话、录音系统）", widget=forms.Textarea(attrs=TEXT), required=False
    )
    open_cases = forms.CharField(label="未结疑难事项", widget=forms.Textarea(attrs=TEXT), required=False)
    staffing_changes = forms.CharField(
        label="人员变动/请假", widget=forms.Textarea(attrs=TEXT), required=False
    )
    notes = forms.CharField(label="其他事项", widget=forms.Textarea(attrs=TEXT), required=False)


class CorrectionForm(forms.Form):
    equipment_state = forms.CharField(label="设备状况", widget=forms.Textarea(attrs=TEXT), required=False)
    open_cases = forms.CharField(label="未结疑难事项", widget=forms.Textarea(attrs=TEXT), required=False)
    staffing_changes = forms.CharField(
        label="人员变动/请假", widget=forms.Textarea(attrs=TEXT), required=False
    )
    notes = forms.CharField(label="其他事项", widget=forms.Textarea(attrs=TEXT), required=False)
    note = forms.CharField(label="更正原因", max_length=500, required=False)
