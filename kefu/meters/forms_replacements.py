"""The replacement pages' forms (validation only): the 换表报核单 (ch.4 §4.2.2, 表1), the fitting with the
customer's joint check and signature (§4.3.6, 表2), the same-caliber substitution (§4.3.4)."""

from decimal import Decimal

from django import forms

from kefu.customers.models import Meter
from kefu.meters.models import Replacement


class UrgentForm(forms.Form):
    meter_number = forms.CharField(label="表号", max_length=30)
    fault = forms.ChoiceField(label="故障情况", choices=Replacement.Fault.choices)
    fault_note = forms.CharField(label="故障说明", max_length=200, required=False)


class FitForm(forms.Form):
    new_meter_number = forms.CharField(label="新表表号（现场核对）", max_length=30)
    old_reading = forms.DecimalField(
        label="旧表行度（m³）", min_value=Decimal("0"), max_value=Decimal("99999999999.9"), decimal_places=1
    )
    old_seal_state = forms.ChoiceField(label="旧表铅封情况", choices=Meter.SealState.choices)
    new_seal_intact = forms.BooleanField(label="用户已共同核对新表铅封完好", required=False)
    new_reading = forms.DecimalField(
        label="新表起始行度（m³）",
        min_value=Decimal("0"),
        max_value=Decimal("99999999999.9"),
        decimal_places=1,
        required=False,
    )
    customer_signed_name = forms.CharField(label="用户签收人", max_length=50)
    customer_signature = forms.CharField(widget=forms.HiddenInput, required=False, max_length=300_000)


class SubstituteForm(forms.Form):
    target = forms.IntegerField(label="急换换表单", min_value=1, max_value=2**62)
    oral_report = forms.CharField(label="向中心负责人口头报告的记录", max_length=120)
    branch_head = forms.CharField(label="分公司负责人签字", max_length=20)
    center_head = forms.CharField(label="中心负责人签字", max_length=20)
