"""Hotline forms: validation only. The services apply the rules (H3 dispositions, routing, states) and
their Chinese errors are put back on these forms by the views."""

import uuid

from django import forms

from kefu.accounts.models import Role, ServiceArea, Unit, User
from kefu.core.forms import DayField, MomentField
from kefu.customers.models import Customer
from kefu.hotline.models import Category, Channel, Contact, Priority, ReturnVisit, WorkOrder

REQUIRED = "此项必填"


class Form(forms.Form):
    """Labels without the trailing colon: the pages lay labels above their fields."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


def _units():
    return Unit.objects.filter(active=True).order_by("kind", "code")


class ContactForm(Form):
    """The workspace's contact form (H1, H2). Customer and suggestion fields are hidden: they are set
    by the customer lookup and the suggestion partial."""

    channel = forms.ChoiceField(label="渠道", choices=Channel.choices, initial=Channel.PHONE)
    customer = forms.ModelChoiceField(
        label="客户",
        queryset=Customer.objects.all(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "所选客户不存在，请重新查找"},
    )
    caller_name = forms.CharField(label="客户姓名", max_length=100, required=False)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    address = forms.CharField(label="地址", max_length=200, required=False)
    service_area = forms.ModelChoiceField(
        label="服务片区",
        queryset=ServiceArea.objects.filter(active=True).select_related("branch"),
        required=False,
        empty_label="自动（按客户或地址）",
    )
    matter = forms.CharField(
        label="来电事项",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={
            "required": "请填写来电事项",
            # said, not cut: the whole text stays in the box for the agent to shorten (issue 13 item 8)
            "max_length": "来电事项不能超过%(limit_value)d字（现有%(show_value)d字），"
            "系统不会截断，请精简后再保存",
        },
    )
    category = forms.ModelChoiceField(
        label="类别",
        queryset=Category.objects.filter(active=True),
        empty_label="请选择类别",
        error_messages={"required": "请选择类别", "invalid_choice": "所选类别不存在或已停用"},
    )
    priority = forms.ChoiceField(label="紧急程度", choices=Priority.choices, initial=Priority.NORMAL)
    # 并入在办工单 is not chosen here: the service links a repeat caller's contact itself (H16).
    disposition = forms.ChoiceField(
        label="处理方式",
        choices=[c for c in Contact.Disposition.choices if c[0] != Contact.Disposition.REPEAT],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择处理方式"},
    )
    result = forms.CharField(label="处理结果", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    # Shown with the repeat notice: the caller of an open order calls about something else.
    new_matter = forms.BooleanField(label="新问题（不并入在办工单，另行登记）", required=False)
    unit = forms.ModelChoiceField(
        label="责任单位（仅转办时指定）",
        queryset=_units(),
        required=False,
        empty_label="按类别规则自动",
    )
    suggested_category = forms.ModelChoiceField(
        queryset=Category.objects.all(), required=False, widget=forms.HiddenInput
    )
    suggestion_confidence = forms.FloatField(required=False, widget=forms.HiddenInput)
    call_id = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)
    # A fresh key each time the empty form is drawn, posted back unchanged: a second POST of the same
    # form (a double click, a resend after a timeout) answers with the contact the first one recorded.
    # A form shown again with errors keeps its key, since nothing was recorded with it.
    idempotency_key = forms.CharField(
        max_length=64, required=False, widget=forms.HiddenInput, initial=new_idempotency_key
    )


class CorrectionForm(Form):
    """H2: a correction of a contact, with its reason. The phone is only sent when typed again."""

    matter = forms.CharField(
        label="来电事项",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "来电事项不能为空"},
    )
    caller_name = forms.CharField(label="客户姓名", max_length=100, required=False)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    address = forms.CharField(label="地址", max_length=200, required=False)
    result = forms.CharField(label="处理结果", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    reason = forms.CharField(label="更正原因", max_length=300, error_messages={"required": "请填写更正原因"})


class OrderFilterForm(Form):
    state = forms.ChoiceField(
        label="状态", choices=[("", "全部状态"), *WorkOrder.State.choices], required=False
    )
    category = forms.ChoiceField(label="类别", required=False)
    unit = forms.ModelChoiceField(label="责任单位", queryset=_units(), required=False, empty_label="全部单位")
    q = forms.CharField(label="工单号/受理编号/电话", max_length=50, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        codes = Category.objects.values_list("code", "name")
        self.fields["category"].choices = [("", "全部类别"), *codes]


class ContactFilterForm(Form):
    q = forms.CharField(label="检索", max_length=100, required=False)
    category = forms.ModelChoiceField(
        label="类别", queryset=Category.objects.all(), required=False, empty_label="全部类别"
    )
    channel = forms.ChoiceField(label="渠道", choices=[("", "全部渠道"), *Channel.choices], required=False)
    date_from = DayField(
        label="起始日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "日期格式应为 YYYY-MM-DD"},
    )
    date_to = DayField(
        label="截止日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "日期格式应为 YYYY-MM-DD"},
    )


# Work order actions (W1): one small form per action, named by the table in kefu/hotline/actions.py,
# which both the order's page and the API validate with.


class NoteForm(Form):
    note = forms.CharField(label="说明", max_length=500, required=False)


class ReasonForm(Form):
    reason = forms.CharField(label="原因", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReplyForm(Form):
    result = forms.CharField(label="办理结果", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class TransferForm(Form):
    unit = forms.ModelChoiceField(
        label="责任单位",
        queryset=_units(),
        error_messages={"required": "请选择责任单位", "invalid_choice": "所选责任单位不存在或已停用"},
    )
    reason = forms.CharField(label="原因", max_length=500, required=False)


class CoUnitsForm(Form):
    units = forms.ModelMultipleChoiceField(
        label="协办单位",
        queryset=_units(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "所选协办单位不存在或已停用",
            "invalid_pk_value": "协办单位编号无效",
        },
    )


YES_NO = [("yes", "是"), ("no", "否")]


class CallbackForm(Form):
    callback = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        max_value=2**31 - 1,
        error_messages={
            "required": "没有待回电任务",
            "invalid": "回电任务编号无效",
            "min_value": "回电任务编号无效",
            "max_value": "回电任务编号无效",
        },
    )
    reached = forms.ChoiceField(
        label="是否联系上客户",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择是否联系上客户", "invalid_choice": "请选择是否联系上客户"},
    )
    feedback = forms.CharField(label="客户反馈", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    satisfied = forms.ChoiceField(
        label="客户是否满意",
        choices=[("", "未表态"), *YES_NO],
        required=False,
        error_messages={"invalid_choice": "客户是否满意应为是、否或未表态"},
    )


class ReturnVisitForm(Form):
    result = forms.ChoiceField(
        label="满意度",
        choices=ReturnVisit.Result.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "请选择满意、基本满意或不满意",
            "invalid_choice": "请选择满意、基本满意或不满意",
        },
    )
    comment = forms.CharField(label="客户意见", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class InterimReplyForm(Form):
    plan = forms.CharField(label="处理计划", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    promised_at = MomentField(
        label="新承诺时间",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"required": "请填写新承诺时间", "invalid": "时间格式应为 YYYY-MM-DD HH:MM"},
    )


class HandOverForm(Form):
    new_owner = forms.ModelChoiceField(
        label="新首问责任人",
        queryset=User.objects.filter(
            is_active=True, role__in=[Role.AGENT, Role.TEAM_LEADER, Role.DEPARTMENT_HEAD]
        ).order_by("username"),
        error_messages={
            "required": "请选择新的首问责任人",
            "invalid_choice": "首问责任人须为在岗的话务员、班长或客服部主任",
        },
    )
    reason = forms.CharField(label="原因", max_length=500, required=False)


class EscalateForm(Form):
    level = forms.TypedChoiceField(
        label="上报至",
        coerce=int,
        choices=[(1, "班长"), (2, "客服部主任"), (3, "中心主任")],
        error_messages={
            "required": "请选择上报级别",
            "invalid_choice": "上报级别应为1（班长）、2（客服部主任）或3（中心主任）",
        },
    )
    reason = forms.CharField(label="原因", max_length=300, error_messages={"required": "请填写上报原因"})
    emergency = forms.BooleanField(label="紧急情况，越级上报", required=False)


# --- 督办意见, 批示 and internal notes (W1, H17): kefu.hotline.services.notes --------------------------


class InstructionForm(Form):
    text = forms.CharField(
        label="内容",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "请填写督办意见或批示内容", "max_length": "内容不能超过2000字"},
    )
    reply_by = MomentField(
        label="要求答复时间（可不填）",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": "要求答复时间格式应为 YYYY-MM-DD HH:MM"},
    )


class AcknowledgeForm(Form):
    reply = forms.CharField(
        label="签收回复（可不填）",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        error_messages={"max_length": "签收回复不能超过2000字"},
    )


class WorkOrderNoteForm(Form):
    text = forms.CharField(
        label="备注内容",
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "内部备注，不打印给客户；@用户名 或 @姓名 可提醒同事"}
        ),
        max_length=2000,
        error_messages={"required": "请填写备注内容", "max_length": "备注内容不能超过2000字"},
    )
