"""Archive forms: validation only, by the same rules as the API and the importer."""

from django import forms
from django.core.exceptions import ValidationError

from kefu.accounts.models import ServiceArea
from kefu.core.forms import DayField, add_service_errors
from kefu.core.uploads import ARCHIVE_DOCUMENTS, check_upload
from kefu.customers.models import Customer, Document
from kefu.customers.validation import clean_customer


class CustomerForm(forms.Form):
    kind = forms.ChoiceField(label="客户类型", choices=Customer.Kind.choices)
    name = forms.CharField(label="客户名称", max_length=100, required=False)
    id_type = forms.ChoiceField(label="证件类型", choices=Customer.IdType.choices, required=False)
    id_number = forms.CharField(label="证件号码", max_length=30, required=False)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    address = forms.CharField(label="地址", max_length=200, required=False)
    service_area = forms.ModelChoiceField(
        label="服务片区",
        queryset=ServiceArea.objects.filter(active=True),
        required=False,
        empty_label="请选择",
    )
    household_count = forms.IntegerField(
        label="户数",
        min_value=1,
        initial=1,
        required=False,
        error_messages={"invalid": "户数应为正整数", "min_value": "户数应为正整数"},
    )
    low_income = forms.BooleanField(label="低保户", required=False)
    low_income_certificate = forms.CharField(label="低保证号", max_length=40, required=False)
    low_income_valid_until = DayField(
        label="低保证有效期至",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "日期格式应为 YYYY-MM-DD"},
    )
    note = forms.CharField(label="备注", widget=forms.Textarea, required=False)

    def __init__(self, *args, instance: Customer | None = None, **kwargs):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {f: getattr(instance, f) for f in self.base_fields}
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        try:
            self.cleaned_customer = clean_customer(data, instance=self.instance)
        except ValidationError as error:
            add_service_errors(self, error)
        return data


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label="资料类型", choices=Document.Kind.choices)
    title = forms.CharField(label="名称", max_length=100, required=False)
    file = forms.FileField(label="文件", error_messages={"required": "请选择要上传的文件"})

    def clean_file(self):
        # The same check as every other upload (kefu.core.uploads): by name and by first bytes, so an
        # HTML page renamed .pdf is refused, and the size limit is a rule an administrator may change.
        upload = self.cleaned_data["file"]
        try:
            check_upload(
                upload,
                field="file",
                label="文件",
                kinds=ARCHIVE_DOCUMENTS,
                limit_policy="customers.upload_max_mb",
            )
        except ValidationError as error:
            raise ValidationError(error.message_dict["file"]) from error
        return upload


class CorrespondenceForm(forms.Form):
    """A letter, fax or e-mail from or to the customer, or a note of a call or a meeting (validation
    only; the rules are customers.services.add_correspondence's)."""

    channel = forms.ChoiceField(
        label="往来方式",
        choices=[(v, label) for v, label in Document.Channel.choices if v != Document.Channel.UPLOAD],
        error_messages={"invalid_choice": "往来方式应为信函、传真、电子邮件、长话记录、面谈记录或其他"},
    )
    direction = forms.ChoiceField(
        label="来往",
        choices=[("incoming", "来（客户来件）"), ("outgoing", "往（发给客户）")],
        error_messages={"invalid_choice": "请选择来往：来（客户来件）或往（发给客户）"},
    )
    dated_on = DayField(
        label="日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写函件日期", "invalid": "日期格式应为 YYYY-MM-DD"},
    )
    title = forms.CharField(
        label="标题",
        max_length=100,
        error_messages={
            "required": "请填写函件标题，例如“关于水费异议的来信”",
            "max_length": "标题最多100字",
        },
    )
    summary = forms.CharField(
        label="摘要",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "摘要最多300字"},
    )
    file = forms.FileField(label="附件", required=False)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        try:
            check_upload(
                upload,
                field="file",
                label="附件",
                kinds=ARCHIVE_DOCUMENTS,
                limit_policy="customers.upload_max_mb",
            )
        except ValidationError as error:
            raise ValidationError(error.message_dict["file"]) from error
        return upload


class ContactPersonForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50, error_messages={"required": "联系人姓名不能为空"})
    relation = forms.CharField(label="关系/职务", max_length=30, required=False)
    phone = forms.CharField(label="电话", max_length=30, error_messages={"required": "电话不能为空"})
    id_number = forms.CharField(label="身份证号码", max_length=18, required=False)
    is_primary = forms.BooleanField(label="主要联系人", required=False)
