"""Knowledge and outage forms: field parsing only; the rules are checked by the services."""

from django import forms

from kefu.accounts.models import ServiceArea
from kefu.core.forms import DayField, MomentField
from kefu.knowledge.models import Article, PlannedOutage

DATE = {"invalid": "日期格式应为 YYYY-MM-DD"}
DATETIME = {"invalid": "时间格式应为 YYYY-MM-DD HH:MM"}


class ArticleForm(forms.Form):
    long_fields = ("body",)  # laid out full width below the grid
    title = forms.CharField(label="标题", max_length=200, required=False)
    kind = forms.ChoiceField(label="分类", choices=[("", "请选择")] + Article.Kind.choices, required=False)
    keywords = forms.CharField(label="关键词（空格分隔）", max_length=300, required=False)
    service_areas = forms.ModelMultipleChoiceField(
        label="适用片区（不选为全市）",
        queryset=ServiceArea.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    published = forms.BooleanField(label="发布（话务员可见）", required=False, initial=True)
    valid_from = DayField(
        label="生效日期", required=False, widget=forms.DateInput(attrs={"type": "date"}), error_messages=DATE
    )
    valid_to = DayField(
        label="失效日期", required=False, widget=forms.DateInput(attrs={"type": "date"}), error_messages=DATE
    )
    body = forms.CharField(label="正文", widget=forms.Textarea(attrs={"rows": 14}), required=False)

    def __init__(self, *args, instance: Article | None = None, **kwargs):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                f: getattr(instance, f) for f in self.base_fields if f != "service_areas"
            } | {"service_areas": list(instance.service_areas.all())}
        super().__init__(*args, **kwargs)


class OutageForm(forms.Form):
    long_fields = ("reason", "affected_addresses", "notice")
    title = forms.CharField(label="标题", max_length=200, required=False)
    kind = forms.ChoiceField(label="停水类型", choices=PlannedOutage.Kind.choices)
    service_areas = forms.ModelMultipleChoiceField(
        label="停水片区",
        queryset=ServiceArea.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    starts_at = MomentField(
        label="停水开始",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages=DATETIME,
    )
    ends_at = MomentField(
        label="预计恢复供水",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages=DATETIME,
    )
    reason = forms.CharField(label="停水原因", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    affected_addresses = forms.CharField(
        label="影响范围（街道、小区）", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    notice = forms.CharField(
        label="答复口径（留空则按停水信息自动生成）", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, instance: PlannedOutage | None = None, **kwargs):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                f: getattr(instance, f) for f in self.base_fields if f != "service_areas"
            } | {"service_areas": list(instance.service_areas.all())}
        super().__init__(*args, **kwargs)


class CancelOutageForm(forms.Form):
    reason = forms.CharField(label="取消原因", max_length=500, required=False)
