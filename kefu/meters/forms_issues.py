"""The issue form and the appointment form (M3): input only; the rules are `services.issues`'.

The papers are one group of checkboxes per purpose (`papers_<purpose>`), shown beside the purpose, so the
store keeper ticks what the card in hand needs; the chosen purpose's group is what is sent to the service.
The meter is typed by its number (the page suggests meters in stock); a replacement is picked among the
branch's 待领表 换表单; a counter business by its open 改表领表单 task or its number."""

from django import forms

from kefu.accounts.models import Role, Unit, User
from kefu.meters import papers as paper_rules
from kefu.meters.models import MeterWork, Purpose, Replacement, StockMeter
from kefu.processes.models import Process


def branches():
    return Unit.objects.filter(kind=Unit.Kind.BRANCH, active=True).order_by("code")


class StaffChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj}（{obj.unit}）" if obj.unit_id else str(obj)


class ReplacementChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        meter = obj.meter
        return f"{obj.number} {obj.get_kind_display()} 旧表{meter.number} DN{meter.caliber_dn} {obj.branch}"


class WorkChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        due = f"，期限{obj.due_on:%Y-%m-%d}" if obj.due_on else ""
        return f"业务{obj.process.number}（{obj.customer}，{obj.branch}{due}）"


class IssueForm(forms.Form):
    branch = forms.ModelChoiceField(
        label="供水分公司", queryset=Unit.objects.none(), empty_label="——请选择——"
    )
    collector = StaffChoice(label="领表人", queryset=User.objects.none(), empty_label="——请选择——")
    purpose = forms.ChoiceField(label="用途", choices=[("", "——请选择——"), *Purpose.choices])
    application_card = forms.CharField(
        label="申请卡/换表单编号", max_length=40, required=False, help_text="换表领表不填时取换表单号"
    )
    stock_meter = forms.CharField(label="新表表号", max_length=30)
    replacement = ReplacementChoice(
        label="换表单（逾龄换表、急换）",
        queryset=Replacement.objects.none(),
        required=False,
        empty_label="——不涉及——",
    )
    work = WorkChoice(
        label="改表领表单（窗口业务的表务任务）",
        queryset=MeterWork.objects.none(),
        required=False,
        empty_label="——不涉及——",
    )
    process_number = forms.CharField(label="或窗口业务编号", max_length=20, required=False)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, branch=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches()
        staff = User.objects.filter(role=Role.UNIT_STAFF, is_active=True, unit__kind=Unit.Kind.BRANCH)
        if branch is not None:
            staff = staff.filter(unit=branch)
        self.fields["collector"].queryset = staff.select_related("unit").order_by("unit__code", "name")
        replacements = Replacement.objects.filter(state=Replacement.State.TO_ISSUE).select_related(
            "meter", "branch"
        )
        works = MeterWork.objects.filter(
            kind=MeterWork.Kind.ISSUE, state=MeterWork.State.OPEN
        ).select_related("process", "customer", "branch")
        if branch is not None:
            replacements, works = replacements.filter(branch=branch), works.filter(branch=branch)
        self.fields["replacement"].queryset = replacements.order_by("number")
        self.fields["work"].queryset = works.order_by("due_on", "id")
        for purpose, _label, rows in paper_rules.by_purpose():
            self.fields[f"papers_{purpose}"] = forms.MultipleChoiceField(
                label="凭据",
                choices=[(code, name) for code, name, _required in rows],
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    def paper_groups(self):
        """(purpose code, label, required names, bound field) for the template."""
        return [
            (
                purpose,
                label,
                "、".join(name for _c, name, required in rows if required),
                self[f"papers_{purpose}"],
            )
            for purpose, label, rows in paper_rules.by_purpose()
        ]

    def clean_stock_meter(self):
        number = self.cleaned_data["stock_meter"].strip()
        meter = StockMeter.objects.filter(number=number).first()
        if meter is None:
            raise forms.ValidationError(f"表号{number}不在表库（未验收入库）")
        return meter

    def clean(self):
        data = super().clean()
        purpose = data.get("purpose")
        data["papers"] = data.get(f"papers_{purpose}", []) if purpose else []
        work, number = data.get("work"), (data.get("process_number") or "").strip()
        process = None
        if work is not None:
            process = work.process
            if data.get("branch") is not None and work.branch_id != data["branch"].pk:
                self.add_error("work", f"该表务任务属于{work.branch}，不是所选的分公司")
        elif number:
            process = Process.objects.filter(number=number).first()
            if process is None:
                self.add_error("process_number", f"窗口业务{number}不存在")
        data["process"] = process
        data["customer"] = work.customer if work is not None else None
        return data


class AppointmentForm(forms.Form):
    branch = forms.ModelChoiceField(
        label="供水分公司", queryset=Unit.objects.none(), empty_label="——请选择——"
    )
    collect_on = forms.DateField(label="领表日期", widget=forms.DateInput(attrs={"type": "date"}))
    quantity = forms.IntegerField(label="领表数量（只）", min_value=1, max_value=1000)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        rows = branches()
        if user is not None and user.role == Role.UNIT_STAFF and not user.is_superuser:
            rows = rows.filter(pk=user.unit_id)
        self.fields["branch"].queryset = rows
