from django import forms
from django.contrib.auth.password_validation import validate_password

from kefu.accounts.models import Department, Role, ServiceArea, Team, Unit, User


class StaffForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    name = forms.CharField(label="姓名", max_length=50)
    employee_no = forms.CharField(label="工号", max_length=20, required=False)
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    department = forms.ModelChoiceField(label="部门", queryset=Department.objects.all(), required=False)
    team = forms.ModelChoiceField(label="班组", queryset=Team.objects.all(), required=False)
    unit = forms.ModelChoiceField(label="所属单位", queryset=Unit.objects.all(), required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    password = forms.CharField(
        label="初始密码",
        widget=forms.PasswordInput,
        required=False,
        help_text="至少8位，不能全是数字；修改时留空表示不改",
    )
    is_active = forms.BooleanField(label="在职", required=False, initial=True)

    def __init__(self, *args, instance: User | None = None, **kwargs):
        self.instance = instance
        if instance is not None:
            kwargs.setdefault(
                "initial", {f: getattr(instance, f) for f in self.base_fields if f != "password"}
            )
        super().__init__(*args, **kwargs)
        if instance is not None:
            self.fields["username"].disabled = True

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        clash = User.objects.filter(username=username)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("该用户名已被使用")
        return username

    def clean_employee_no(self):
        number = self.cleaned_data["employee_no"].strip() or None
        clash = User.objects.filter(employee_no=number) if number else User.objects.none()
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("该工号已被使用")
        return number

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not password and self.instance is None:
            raise forms.ValidationError("新员工须设置初始密码")
        if password:
            validate_password(password)
        return password

    def clean(self):
        data = super().clean()
        if data.get("role") == Role.UNIT_STAFF and not data.get("unit"):
            self.add_error("unit", "责任单位人员须选择所属单位")
        return data


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["code", "name", "kind", "phone", "billing_phone", "address", "active"]


class ServiceAreaForm(forms.ModelForm):
    class Meta:
        model = ServiceArea
        fields = ["code", "name", "branch", "description", "active"]


class HandOverForm(forms.Form):
    """A3, H7: everything a departing or absent member of staff holds goes to one named colleague."""

    to_user = forms.ModelChoiceField(
        label="接手人",
        queryset=User.objects.filter(is_active=True).order_by("employee_no", "username"),
        error_messages={"required": "请选择接手人", "invalid_choice": "接手人不存在或已停用"},
    )
    reason = forms.CharField(
        label="移交原因",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "请填写移交原因（离职、调岗、长假……）",
            "max_length": "移交原因最多500字",
        },
    )

    def __init__(self, *args, member: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = self.fields["to_user"].queryset.exclude(pk=member.pk)
        self.fields["to_user"].label_from_instance = lambda u: (
            f"{u.name or u.username}（{u.role_label}{'，' + str(u.unit) if u.unit_id else ''}）"
        )
