"""The store keeper's forms for old meters (M7) and the joint acceptance (M8): validation only; the
services decide and refuse in Chinese. One meter per submit (ch.4 §4.3.5 严禁一次性归还)."""

from django import forms
from django.utils import timezone

from kefu.accounts.models import Role, User
from kefu.customers.models import Meter
from kefu.meters.models import MeterWork, Replacement


def source_choices(replacements: list[Replacement], removals: list[MeterWork]) -> list:
    today = timezone.localdate()

    def due(day):
        if not day:
            return ""
        return f"，期限{day:%m-%d}" + ("（已逾期）" if day < today else "")

    return [
        ("", "请选择换表单或拆表任务单"),
        (
            "换表单（已换表待交旧表）",
            [
                (
                    f"r:{r.pk}",
                    f"{r.number} 旧表{r.meter.number}（DN{r.meter.caliber_dn}）"
                    f"{r.branch}{due(r.replace_due)}",
                )
                for r in replacements
            ],
        ),
        (
            "拆表任务单（窗口业务）",
            [
                (
                    f"w:{w.pk}",
                    f"{w.process.number} {w.customer.name} "
                    f"{'表号' + w.meter.number if w.meter_id else '（水表待指定）'}{due(w.due_on)}",
                )
                for w in removals
            ],
        ),
    ]


class ReturnForm(forms.Form):
    source = forms.ChoiceField(label="换表单或拆表任务单")
    meter_number = forms.CharField(
        label="旧表表号",
        max_length=30,
        required=False,
        help_text="拆表任务单未指定水表时填写；换表单的旧表自动带出",
    )
    returned_by = forms.ModelChoiceField(label="交表人（换表员）", queryset=User.objects.none())
    returned_on = forms.DateField(label="交回日期", widget=forms.DateInput(attrs={"type": "date"}))
    reading = forms.DecimalField(label="旧表行度（m³）", max_digits=12, decimal_places=1, min_value=0)
    seal_state = forms.ChoiceField(label="铅封情况", choices=Meter.SealState.choices)
    damaged = forms.BooleanField(label="有人为损坏痕迹（须办理赔表）", required=False)
    damage_note = forms.CharField(label="损坏情况", max_length=200, required=False)

    def __init__(self, *args, replacements=(), removals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = source_choices(list(replacements), list(removals))
        self.fields["returned_by"].queryset = (
            User.objects.filter(role=Role.UNIT_STAFF, is_active=True)
            .select_related("unit")
            .order_by("unit__name", "name")
        )
        # Two fitters may share a name: the branch tells them apart.
        self.fields["returned_by"].label_from_instance = lambda user: f"{user.name}（{user.unit}）"
        self.fields["returned_on"].initial = timezone.localdate().isoformat()


class AcceptanceForm(forms.Form):
    result = forms.ChoiceField(
        label="验收结论", choices=[("passed", "验收合格"), ("failed", "验收不合格")], widget=forms.RadioSelect
    )
    branch_signer = forms.CharField(label="分公司验收人", max_length=50)
    accepted_on = forms.DateField(label="验收日期", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="验收意见（不合格时必填）", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accepted_on"].initial = timezone.localdate().isoformat()
