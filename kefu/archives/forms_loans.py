"""Forms of reading and borrowing (D2): validation only; the rules are the services'."""

from django import forms

from kefu.archives.models import FileLoan
from kefu.core.params import check_day


class LoanRequestForm(forms.Form):
    kind = forms.ChoiceField(label="借阅方式", choices=FileLoan.Kind.choices, widget=forms.RadioSelect)
    purpose = forms.CharField(label="借阅事由", max_length=200)
    for_work = forms.BooleanField(label="因工作需要", required=False, initial=True)


class LendForm(forms.Form):
    signed = forms.BooleanField(
        label="借阅人已签字",
        required=False,
        help_text="借阅人已在《文件借阅登记表》上签字",
    )
    due_on = forms.DateField(
        label="应还日期", required=False, help_text="不填按借阅期限（archives.loan_days）"
    )

    def clean_due_on(self):
        value = self.cleaned_data.get("due_on")
        return check_day(value, field="due_on") if value else value


class DecisionForm(forms.Form):
    note = forms.CharField(label="审批意见", max_length=200, required=False)
