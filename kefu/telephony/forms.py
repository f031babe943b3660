"""The statistics filter: validation only."""

from datetime import date, timedelta

from django import forms
from django.utils import timezone

from kefu.core.forms import DayField

MAX_DAYS = 366
SORTS = {
    "agent": "坐席",
    "rung": "振铃数",
    "answered": "接听数",
    "in_time": "及时接听数",
    "late": "超时数",
    "percentage": "及时接听率",
    "avg_ring_seconds": "平均振铃时长",
}


def this_month() -> tuple[date, date]:
    today = timezone.localdate()
    return today.replace(day=1), today


class StatsFilterForm(forms.Form):
    start = DayField(
        label="开始日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "日期格式应为 YYYY-MM-DD"},
    )
    end = DayField(
        label="结束日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "日期格式应为 YYYY-MM-DD"},
    )

    def clean(self):
        data = super().clean()
        first, today = this_month()
        start, end = data.get("start") or first, data.get("end") or today
        if "start" in self.errors or "end" in self.errors:
            return data
        if end < start:
            self.add_error("end", "结束日期不能早于开始日期")
        elif end - start > timedelta(days=MAX_DAYS):
            self.add_error("end", f"统计期间不能超过{MAX_DAYS}天")
        data["start"], data["end"] = start, end
        return data

    def period(self) -> tuple[date, date]:
        """The period asked for, or this month when the filter is empty or wrong."""
        if self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        return this_month()
