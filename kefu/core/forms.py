from django import forms
from django.core.exceptions import ValidationError

from kefu.core.models import CalendarDay, Policy
from kefu.core.params import check_day, check_moment
from kefu.core.policies import (
    BOOL,
    CHOICE,
    DATE,
    DECIMAL,
    DEFAULTS,
    LONG_TEXT,
    LONG_TEXT_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    WHOLE_KINDS,
)


def validate_day(value) -> None:
    check_day(value)


def validate_moment(value) -> None:
    check_moment(value)


class DayField(forms.DateField):
    """A date within the years the records and the calendar hold (kefu.core.params): year 1 or 9999
    is a form error, not an overflow further on. Every page form's date field is one."""

    default_validators = [validate_day]


class MomentField(forms.DateTimeField):
    """A moment within those years and with a real UTC offset (Django reads an ISO text with any offset,
    and PostgreSQL refuses one beyond ±15:59). Every page form's date-time field is one."""

    default_validators = [validate_moment]


class CalendarDayForm(forms.Form):
    date = DayField(
        label="日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请选择日期", "invalid": "日期格式应为 YYYY-MM-DD"},
    )
    kind = forms.ChoiceField(label="类型", choices=CalendarDay.Kind.choices)
    name = forms.CharField(
        label="节日名称", max_length=50, error_messages={"required": "请填写节日名称，例如“春节”"}
    )
    note = forms.CharField(label="备注", max_length=200, required=False)


class CalendarYearForm(forms.Form):
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100)
    complete = forms.BooleanField(label="已录入全年安排", required=False)
    source = forms.CharField(label="依据", max_length=200, required=False)


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's Chinese errors on a form: each under the field it names when the form has that
    field, otherwise above the form. Shared by every page that calls a service from a form."""
    errors = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for field, messages in errors.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


class PolicyForm(forms.ModelForm):
    """The admin's form for a rule: the key chosen from the rules that exist, the value typed as text and
    checked against the rule's kind and bounds (kefu.core.policies), so a bad value is a form error
    naming the rule and the bound, not a 500 later in the callbacks."""

    key = forms.ChoiceField(label="规则")
    value = forms.CharField(label="取值", max_length=LONG_TEXT_MAX_LENGTH * 2)

    class Meta:
        model = Policy
        fields = ["key", "value"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "key" in self.fields:
            taken = set(Policy.objects.exclude(pk=self.instance.pk).values_list("key", flat=True))
            self.fields["key"].choices = [("", "——请选择——")] + [
                (key, f"{key}：{rule.label}") for key, rule in DEFAULTS.items() if key not in taken
            ]
        rule = DEFAULTS.get(self.instance.key) if self.instance.pk else None
        if rule is not None:
            self.initial["value"] = rule.as_text(self.instance.value)
            default = rule.as_text(rule.default)
            self.fields["value"].help_text = f"{rule.label}。{rule.describe()}；默认 {default}"
        else:
            self.fields[
                "value"
            ].help_text = (
                "整数、时长、数值、时刻（HH:MM）、日期、是/否、选项、文本或逗号分隔的编码，依规则而定"
            )

    def clean(self):
        cleaned = super().clean()
        key = cleaned.get("key", self.instance.key)
        rule = DEFAULTS.get(key)
        if rule is None:
            if key:
                self.add_error(None, f"没有名为 {key} 的业务规则")
            return cleaned
        if "value" in cleaned:
            try:
                cleaned["value"] = rule.stored(cleaned["value"])
            except ValidationError as error:
                self.add_error("value", error)
        return cleaned


class RuleValueForm(forms.Form):
    """The 业务规则 page's form for one rule: one field shaped by the rule's kind (a yes/no or a choice
    as a select, a script as a text area, everything else typed as text), checked by the rule itself,
    so the error names the rule and the bound exactly as the service would."""

    def __init__(self, rule, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule = rule
        self.fields["value"] = _value_field(rule)

    def clean_value(self):
        return self.rule.stored(self.cleaned_data["value"])


def _value_field(rule) -> forms.Field:
    common = {"label": rule.label, "help_text": rule.describe()}
    if rule.kind == BOOL:
        return forms.ChoiceField(choices=[("true", "是"), ("false", "否")], **common)
    if rule.kind == CHOICE:
        return forms.ChoiceField(
            choices=list(rule.choices), error_messages={"invalid_choice": "请从列表中选择"}, **common
        )
    if rule.kind == LONG_TEXT:
        return forms.CharField(
            widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
            max_length=LONG_TEXT_MAX_LENGTH,
            strip=False,
            error_messages={"required": f"规则“{rule.label}”不能为空"},
            **common,
        )
    widget = forms.TextInput(attrs={"size": 40})
    if rule.kind in WHOLE_KINDS or rule.kind == DECIMAL:
        widget.attrs.update({"inputmode": "decimal" if rule.kind == DECIMAL else "numeric", "size": 10})
    elif rule.kind == DATE:
        widget = forms.DateInput(attrs={"type": "date"})
    return forms.CharField(
        widget=widget,
        max_length=TEXT_MAX_LENGTH * 2,
        error_messages={"required": f"规则“{rule.label}”不能为空"},
        **common,
    )


def rule_initial(rule, stored) -> str:
    """A stored value as the form shows it for editing."""
    if rule.kind == BOOL and stored in (True, False):
        return "true" if stored else "false"
    return rule.as_text(stored)
