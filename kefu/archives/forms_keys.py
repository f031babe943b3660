"""The key cabinet's forms (D4): validation only; the rules live in services/keys.py, whose Chinese
errors reach the same fields (add_service_errors)."""

from django import forms

from kefu.accounts.models import User
from kefu.archives.models import Key, KeyCopyRequest
from kefu.archives.services.keys import EQUIPMENT_ROOMS, IDENTITY_DOCUMENTS, MAX_COPIES
from kefu.core.forms import MomentField


class KeyForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=Key.Kind.choices)
    owner_kind = forms.ChoiceField(
        label="业主钥匙种类", choices=[("", "—（非业主钥匙）"), *Key.OwnerKind.choices], required=False
    )
    estate = forms.CharField(label="小区", max_length=60, error_messages={"required": "请填写小区名称"})
    building = forms.CharField(label="栋号", max_length=10, required=False)
    entrance = forms.CharField(label="单元", max_length=10, required=False)
    floor = forms.CharField(label="楼层", max_length=10, required=False)
    room = forms.CharField(label="房号（公共门窗可填门窗名称）", max_length=10, required=False)
    equipment_room = forms.CharField(
        label="设施设备房",
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"list": "equipment-rooms"}),
    )
    copies = forms.IntegerField(label="把数", min_value=1, max_value=MAX_COPIES, initial=1)
    note = forms.CharField(label="备注", max_length=200, required=False)

    equipment_rooms = EQUIPMENT_ROOMS


class EstateForm(forms.Form):
    estate = forms.CharField(label="小区", max_length=60, error_messages={"required": "请填写小区名称"})
    buildings = forms.IntegerField(label="栋数", min_value=1, max_value=60, initial=1)
    entrances = forms.IntegerField(label="每栋单元数", min_value=1, max_value=60, initial=1)
    floors = forms.IntegerField(label="楼层数", min_value=1, max_value=60, initial=6)
    flats_per_floor = forms.IntegerField(label="每层户数", min_value=1, max_value=60, initial=2)
    public_doors = forms.BooleanField(label="登记各层公共门窗钥匙", required=False, initial=True)
    equipment_rooms = forms.MultipleChoiceField(
        label="设施设备房",
        choices=[(name, name) for name in EQUIPMENT_ROOMS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class LendForm(forms.Form):
    borrower = forms.ModelChoiceField(
        label="借用人（在职员工）",
        queryset=User.objects.none(),
        error_messages={"required": "请选择借用人", "invalid_choice": "借用人须为在职员工"},
    )
    purpose = forms.CharField(
        label="借用事由（工作需要）", max_length=200, error_messages={"required": "请填写借用事由"}
    )
    work_reference = forms.CharField(label="工作单号", max_length=40, required=False)
    due_at = MomentField(
        label="应还时间（不填按规则）",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": "应还时间格式应为 YYYY-MM-DD HH:MM"},
    )
    borrower_signed = forms.BooleanField(label="借用人已在记录表上签字", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["borrower"].queryset = (
            User.objects.filter(is_active=True).exclude(role="").order_by("department_id", "name")
        )


class IssueForm(forms.Form):
    customer_number = forms.CharField(
        label="业主客户编号", max_length=20, error_messages={"required": "请填写业主的客户编号"}
    )
    identity_document = forms.ChoiceField(label="核验证件", choices=[(d, d) for d in IDENTITY_DOCUMENTS])
    identity_number = forms.CharField(label="证件号码", max_length=30, required=False)
    owner_signed = forms.BooleanField(label="业主已签领", required=False)
    keys = forms.ModelMultipleChoiceField(
        label="发放的钥匙",
        queryset=Key.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, flat_keys=None, **kwargs):
        super().__init__(*args, **kwargs)
        if flat_keys is not None:
            self.fields["keys"].queryset = flat_keys


class CopyRequestForm(forms.Form):
    copies = forms.IntegerField(label="配制把数", min_value=1, max_value=MAX_COPIES, initial=1)
    reason = forms.CharField(label="事由", max_length=200, error_messages={"required": "请填写配制事由"})


class DecisionForm(forms.Form):
    note = forms.CharField(label="意见", max_length=200, required=False)


class LostForm(forms.Form):
    note = forms.CharField(label="遗失经过", max_length=200, error_messages={"required": "请说明遗失经过"})


COPY_STATES = KeyCopyRequest.State.choices
