"""Validation only: the services apply the rules (arrears, once-a-day banking) and their Chinese errors."""

from django import forms

from kefu.collection.models import Payment
from kefu.core.forms import DayField


class PaymentForm(forms.Form):
    account = forms.ModelChoiceField(label="账户", queryset=None, empty_label=None)
    amount = forms.DecimalField(
        label="金额（元）",
        max_digits=12,
        decimal_places=2,
        min_value=0.01,
        error_messages={"required": "请输入金额", "invalid": "请输入有效的金额"},
    )
    kind = forms.ChoiceField(label="收费类型", choices=Payment.Kind.choices)
    method = forms.ChoiceField(label="支付方式", choices=Payment.Method.choices)
    invoice_number = forms.CharField(label="普通发票号", max_length=40, required=False)

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts
        self.fields["account"].label_from_instance = lambda a: f"{a.number}（欠费 ¥{a.arrears:,.2f}）"


class VoidForm(forms.Form):
    reason = forms.CharField(label="作废原因", max_length=200, error_messages={"required": "请填写作废原因"})


class VatRequestForm(forms.Form):
    company_name = forms.CharField(label="单位名称", max_length=100)
    tax_id = forms.CharField(label="纳税人识别号（统一社会信用代码）", max_length=30)
    address_phone = forms.CharField(label="地址、电话", max_length=200)
    bank_name = forms.CharField(label="开户行", max_length=100)
    bank_account = forms.CharField(label="银行账号", max_length=40)


class IssueForm(forms.Form):
    invoice_number = forms.CharField(label="专用发票号码", max_length=40)


class BankingForm(forms.Form):
    day = DayField(label="收费日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    banked_amount = forms.DecimalField(label="解款金额（元）", max_digits=12, decimal_places=2, min_value=0)
    slip_number = forms.CharField(label="银行缴款单号", max_length=40)
    note = forms.CharField(label="差额说明", max_length=200, required=False)
