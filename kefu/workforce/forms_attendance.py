"""Attendance forms: parsing only; the rules (reason required, times within the shift, the limits) are
checked by kefu.workforce.services.attendance, whose Chinese errors the views put on these forms."""

from django import forms

from kefu.core.forms import MomentField

MOMENT = {"invalid": "时间格式应为 YYYY-MM-DD HH:MM"}
LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CorrectionForm(forms.Form):
    signed_in_at = MomentField(label="签到时间", required=False, widget=LOCAL, error_messages=MOMENT)
    signed_out_at = MomentField(label="签退时间", required=False, widget=LOCAL, error_messages=MOMENT)
    reason = forms.CharField(label="更正原因", max_length=200, required=False)


class AbsenceForm(forms.Form):
    left_at = MomentField(
        label="离岗时间", widget=LOCAL, error_messages={**MOMENT, "required": "请填写离岗时间"}
    )
    returned_at = MomentField(label="返岗时间", required=False, widget=LOCAL, error_messages=MOMENT)
    permitted = forms.BooleanField(label="经本班长批准离岗", required=False)
    reason = forms.CharField(label="事由", max_length=200, required=False)


class ReturnForm(forms.Form):
    returned_at = MomentField(label="返岗时间", required=False, widget=LOCAL, error_messages=MOMENT)


class CloseCaseForm(forms.Form):
    outcome = forms.CharField(label="处理意见", max_length=300, required=False)
