"""The "generate now" form of the report documents page: validation only, in Chinese."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from kefu.core import periods
from kefu.core.periods import Period
from kefu.reports.documents import DAY, MONTH, WEEK, ReportKind

HINTS = {
    DAY: "日报请填写日期，例如 2026-11-20",
    WEEK: "周报请填写该周任意一天，例如 2026-11-16（按周一至周日统计）",
    MONTH: "月报请填写月份，例如 2026-11",
}


def parse_period(kind: ReportKind, value: str) -> Period:
    """The period of `kind` named by `value`; ValidationError with the format the kind expects."""
    value = (value or "").strip()
    if not value:
        raise ValidationError(f"请填写统计期间：{HINTS[kind.period]}")
    try:
        if kind.period == MONTH:
            return periods.parse_month(value)
        if kind.period == WEEK:
            return periods.parse_week(value)
        return periods.parse_day(value)
    except ValidationError:
        raise ValidationError(f"统计期间「{value}」格式不对：{HINTS[kind.period]}") from None


class GenerateForm(forms.Form):
    kind = forms.ChoiceField(
        label="报表",
        error_messages={"required": "请选择要生成的报表", "invalid_choice": "没有这种报表，或您无权生成"},
    )
    period = forms.CharField(label="统计期间", required=False, max_length=20)

    def __init__(self, *args, kinds: list[ReportKind], **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = {kind.code: kind for kind in kinds}
        self.fields["kind"].choices = [("", "请选择")] + [(kind.code, kind.label) for kind in kinds]

    def clean(self):
        data = super().clean()
        kind = self.kinds.get(data.get("kind") or "")
        if kind is None:
            return data
        try:
            period = parse_period(kind, data.get("period", ""))
        except ValidationError as error:
            self.add_error("period", error)
            return data
        if period.start > timezone.localdate():
            self.add_error("period", f"{period.label}还没有开始，不能生成报表")
            return data
        data["kind_object"], data["period_object"] = kind, period
        return data
