"""The store's and purchase plans' forms: parsing only; the rules (certificate, duplicates, stocktake
reasons, plan states) are checked by kefu.meters.services.store and .purchases."""

import re

from django import forms
from django.core.exceptions import ValidationError

from kefu.meters.models import PurchasePlan
from kefu.meters.services.store import FIELDS, MAX_METERS_PER_RECEIPT

SEPARATORS = re.compile(r"[,，\t;；]")
DAY = {"invalid": "日期格式应为 YYYY-MM-DD"}


def parse_meter_lines(text: str) -> list[dict]:
    """One meter a line: 表号,口径,型号,厂家,批次,合格证号,检定日期 (commas, Chinese commas or tabs)."""
    meters = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        parts = [part.strip() for part in SEPARATORS.split(line)]
        parts += [""] * (len(FIELDS) - len(parts))
        meters.append(dict(zip(FIELDS, parts[: len(FIELDS)], strict=True)))
    return meters


def number_range(first: str, count: int) -> list[str]:
    """BJ2026000101 and 3 → BJ2026000101, BJ2026000102, BJ2026000103 (the trailing digits counted on,
    their width kept)."""
    match = re.search(r"(\d+)$", first)
    if not match:
        raise ValidationError({"first_number": "起始表号须以数字结尾，才能按号段生成"})
    head, digits = first[: match.start()], match.group(1)
    start = int(digits)
    return [f"{head}{start + i:0{len(digits)}d}" for i in range(count)]


class GoodsInForm(forms.Form):
    supplier = forms.CharField(label="送货单位", max_length=100, initial="物贸公司")
    received_on = forms.DateField(
        label="入库日期", required=False, widget=forms.DateInput(attrs={"type": "date"}), error_messages=DAY
    )
    purchase_plan = forms.ModelChoiceField(
        label="对应购置计划（可不选）",
        queryset=PurchasePlan.objects.filter(state=PurchasePlan.State.APPROVED),
        required=False,
        empty_label="不关联",
    )
    lines = forms.CharField(
        label="逐只验收的水表（每行一只：表号,口径,型号,厂家,批次,合格证号,检定日期）",
        required=False,
        widget=forms.Textarea(
            attrs={
                "rows": 8,
                "placeholder": "BJ2026000101,20,LXS-20E,宁波水表,2026-11,JD2026-8812,2026-11-20",
            }
        ),
    )
    # the range helper: a run of numbers with one caliber, model, maker, batch and certificate
    first_number = forms.CharField(label="号段：起始表号", max_length=30, required=False)
    count = forms.IntegerField(
        label="号段：只数", min_value=1, max_value=MAX_METERS_PER_RECEIPT, required=False
    )
    caliber_dn = forms.IntegerField(label="号段：口径DN", min_value=15, max_value=600, required=False)
    model = forms.CharField(label="号段：型号", max_length=50, required=False)
    maker = forms.CharField(label="号段：生产厂家", max_length=100, required=False)
    batch = forms.CharField(label="号段：批次", max_length=50, required=False)
    certificate_no = forms.CharField(label="号段：检定合格证号", max_length=50, required=False)
    certificate_date = forms.DateField(
        label="号段：检定日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages=DAY,
    )
    note = forms.CharField(label="备注", max_length=200, required=False)

    def clean(self):
        data = super().clean()
        meters = parse_meter_lines(data.get("lines", ""))
        first, count = (data.get("first_number") or "").strip(), data.get("count")
        if first or count:
            if not (first and count):
                raise ValidationError("号段须同时填写起始表号和只数")
            common = {name: data.get(name) for name in FIELDS if name != "number"}
            meters += [{"number": number, **common} for number in number_range(first, count)]
        if not meters:
            raise ValidationError("请填写送货的水表：每行一只，或按号段填写")
        if len(meters) > MAX_METERS_PER_RECEIPT:
            raise ValidationError(f"一张入库单最多{MAX_METERS_PER_RECEIPT}只水表，请分批入库")
        data["meters"] = meters
        return data


class PlanCreateForm(forms.Form):
    kind = forms.ChoiceField(label="计划类型", choices=PurchasePlan.Kind.choices)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    month = forms.IntegerField(label="月份（月计划、追加计划）", min_value=1, max_value=12, required=False)
    note = forms.CharField(
        label="说明", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class InvestmentApprovalForm(forms.Form):
    approved_on = forms.DateField(
        label="投资管理部批准日期", widget=forms.DateInput(attrs={"type": "date"}), error_messages=DAY
    )
    reference = forms.CharField(label="批文号", max_length=50)


def quantities_from(post, prefix: str = "quantity_") -> dict[int, str]:
    """{caliber: typed quantity} from inputs named quantity_<DN>."""
    quantities = {}
    for key, value in post.items():
        if key.startswith(prefix) and key[len(prefix) :].isascii() and key[len(prefix) :].isdigit():
            quantities[int(key[len(prefix) :])] = (value or "").strip() or "0"
    return quantities


def counts_from(post) -> list[dict]:
    """[{"caliber_dn", "counted_count", "reason"}] from inputs named counted_<DN> and reason_<DN>."""
    counts = []
    for key, value in post.items():
        if key.startswith("counted_") and key[8:].isascii() and key[8:].isdigit():
            caliber = int(key[8:])
            counts.append(
                {
                    "caliber_dn": caliber,
                    "counted_count": (value or "").strip(),
                    "reason": post.get(f"reason_{caliber}", ""),
                }
            )
    return counts
