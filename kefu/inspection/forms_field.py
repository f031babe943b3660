"""The field page's forms (I2): they read the types (a date-time, a date, a choice); the rules and
their Chinese refusals are the services' (kefu/inspection/services/evidence.py, statements.py,
notices.py), so the page and the API refuse in the same words."""

from django import forms

from kefu.core.forms import DayField, MomentField
from kefu.inspection.models import Evidence, Notice, Signature, Statement

SIGNATURE_CHOICES = [(Signature.SIGNED, "当事人已签名"), (Signature.REFUSED, "当事人拒签")]


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=Evidence.Kind.choices, initial=Evidence.Kind.PHOTO)
    taken_at = MomentField(
        label="取证时间",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": "取证时间格式应为 YYYY-MM-DD HH:MM"},
    )
    place = forms.CharField(label="取证地点", required=False, max_length=200)
    description = forms.CharField(label="说明", required=False, max_length=300)
    latitude = forms.CharField(label="纬度", required=False, max_length=20)
    longitude = forms.CharField(label="经度", required=False, max_length=20)
    accuracy = forms.CharField(label="定位精度", required=False, max_length=20)


class SupersedeForm(forms.Form):
    replacement = forms.IntegerField(
        label="替换为", min_value=1, error_messages={"required": "请选择用于替换的证据"}
    )
    reason = forms.CharField(label="替换原因", required=False, max_length=400)


class StatementForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=Statement.Kind.choices)
    person = forms.CharField(label="陈述人", required=False, max_length=100)
    content = forms.CharField(label="内容", required=False, max_length=10000)
    signature = forms.ChoiceField(label="签名", choices=[("", "—")] + SIGNATURE_CHOICES, required=False)
    witness = forms.CharField(label="见证人", required=False, max_length=100)
    witness_signed = forms.BooleanField(label="见证人已签字", required=False)


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=Notice.Kind.choices)
    content = forms.CharField(label="内容", required=False, max_length=6000)
    deadline = DayField(
        label="整改期限",
        required=False,
        error_messages={"invalid": "整改期限格式应为 YYYY-MM-DD"},
    )


class SignatureForm(forms.Form):
    signature = forms.ChoiceField(label="签名", choices=[("", "—")] + SIGNATURE_CHOICES, required=False)
    witness = forms.CharField(label="见证人", required=False, max_length=100)
    witness_signed = forms.BooleanField(label="见证人已签字", required=False)


class FollowUpForm(forms.Form):
    rectified = forms.TypedChoiceField(
        label="是否已整改",
        choices=[("yes", "已整改"), ("no", "未整改")],
        coerce=lambda value: value == "yes",
        error_messages={"required": "请选择是否已整改"},
    )
    result = forms.CharField(label="复查结果", required=False, max_length=600)
