from django import forms

from kefu.core.models import CalendarDay


class CalendarDayForm(forms.Form):
    date = forms.DateField(
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
