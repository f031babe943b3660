"""Counter business forms: validation only, one per action of kefu/processes/actions.py, which the
detail page and the API both validate with. The services apply the business's rules (gates, limits,
who may) and refuse in Chinese."""

from django import forms
from django.core.exceptions import ValidationError

from kefu.processes.models import Approval, Process
from kefu.processes.rules import clean_facts, facts_for
from kefu.processes.selectors import is_sensitive_fact


class Form(forms.Form):
    """Labels without the trailing colon, as the hotline's forms."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class NoteForm(Form):
    note = forms.CharField(label="办理说明", max_length=1000, required=False)


class ReasonForm(Form):
    reason = forms.CharField(label="原因", max_length=1000, required=False)


class ReturnForm(Form):
    stage = forms.CharField(label="退回到的环节", max_length=40, required=False)
    reason = forms.CharField(label="退回原因", max_length=1000, required=False)


class FeeForm(Form):
    amount = forms.DecimalField(
        label="收费金额",
        max_digits=10,
        decimal_places=2,
        error_messages={
            "required": "请填写收费金额",
            "invalid": "收费金额应为数字",
            "max_digits": "收费金额不能超过10位数字",
            "max_whole_digits": "收费金额不能超过8位整数",
            "max_decimal_places": "收费金额最多两位小数",
        },
    )


class ApprovalForm(Form):
    """A request for a leader's approval; which one (extend or suspend) is the action's name."""

    reason = forms.CharField(label="理由", max_length=1000, required=False)
    days = forms.IntegerField(
        label="延期工作日", required=False, error_messages={"invalid": "延期天数应为整数"}
    )

    def clean_days(self) -> int:
        return self.cleaned_data["days"] or 0


class DecisionForm(Form):
    """A leader's decision on an approval of the process: which approval (the page's and the API's
    approval paths give it from their address), approve or decline, and a note."""

    approval = forms.IntegerField(
        label="审批编号",
        min_value=1,
        error_messages={
            "required": "请指明要审批的申请",
            "invalid": "审批编号应为整数",
            "min_value": "审批编号应为正整数",
        },
    )
    decision = forms.ChoiceField(
        label="审批意见",
        choices=[("approve", "批准"), ("decline", "不批准")],
        error_messages={"required": "请选择批准或不批准", "invalid_choice": "请选择批准或不批准"},
    )
    note = forms.CharField(label="审批说明", max_length=500, required=False)


def approval_action(data) -> str:
    """The detail page asks for either approval in one form, the kind in a select: the action's name."""
    kind = data.get("kind", "")
    if kind not in (Approval.Kind.EXTEND, Approval.Kind.SUSPEND):
        raise ValidationError({"kind": "只能申请延期或暂停"})
    return kind


class CodesField(forms.MultipleChoiceField):
    """Document codes as given; whether the business has them is the service's check (it names them)."""

    def valid_value(self, value) -> bool:
        return True


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(file, initial) for file in files if file]


class DocumentsForm(Form):
    """Documents received at once: the ticked codes and the scans, each scan after the code chosen for it."""

    code = CodesField(label="材料", required=False)
    scan_code = CodesField(label="扫描件对应的材料", required=False)
    file = MultipleFileField(label="扫描件", required=False)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def clean(self):
        cleaned = super().clean()
        scan_codes = cleaned.get("scan_code", [])
        codes = list(dict.fromkeys(cleaned.get("code", []) + [c for c in scan_codes if c]))
        if not codes:
            raise ValidationError({"code": "请勾选收到的材料，或选择扫描件对应的材料"})
        cleaned["codes"] = codes
        cleaned["scans"] = dict(zip(scan_codes, cleaned.get("file") or [], strict=False))
        return cleaned


class FactsForm:
    """The application facts under `facts` ({name: value}). Their names vary by business, so this is not
    a form with fixed fields; it answers as one (is_valid, cleaned_data, errors by fact name)."""

    fields: dict = {}

    def __init__(self, data, files=None):
        self.facts = data.get("facts") if hasattr(data, "get") else None
        self.errors: dict[str, list[str]] = {}
        self.cleaned_data: dict = {}

    def is_valid(self) -> bool:
        if not isinstance(self.facts, dict):
            self.errors = {"facts": ["申请信息应为名称到取值的对照"]}
            return False
        try:
            self.cleaned_data = {"facts": clean_facts(self.facts)}
        except ValidationError as error:
            self.errors = error.message_dict
            return False
        return True


def page_facts(post, process: Process, masked: bool) -> dict:
    """The detail page's facts form as the facts it sets: every fact the business's rules read (an
    unticked box is false), except a phone or ID number left empty by a user who saw it masked, which
    keeps its value."""
    names = facts_for(rule for stage in process.definition.stages.all() for rule in stage.rules)
    return {
        name: post.get(name, "")
        for name in names
        if not (masked and is_sensitive_fact(name) and not post.get(name, "").strip())
    }
