"""Validation of archive input, shared by the forms, the API and the importer so all three say the
same thing in the same words. Raises ValidationError({field: [message]}) with Chinese messages."""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from kefu.accounts.models import ServiceArea
from kefu.core.policies import get_policy
from kefu.core.validators import normalise_credit_code, normalise_phone, normalise_resident_id
from kefu.customers.models import Customer

CUSTOMER_FIELDS = [
    "kind", "name", "id_type", "id_number", "phone", "address", "service_area", "household_count",
    "low_income", "low_income_certificate", "low_income_valid_until", "note",
]
FIELD_LABELS = {
    "kind": "客户类型", "name": "客户名称", "id_type": "证件类型", "id_number": "证件号码", "phone": "联系电话",
    "address": "地址", "service_area": "服务片区", "household_count": "户数", "low_income": "低保户",
    "low_income_certificate": "低保证号", "low_income_valid_until": "低保证有效期至", "note": "备注",
    "account_number": "户号", "arrears": "欠费金额", "connection_point_no": "接水点编号",
    "meter_number": "表号", "caliber_dn": "口径DN", "install_date": "安装日期",
}


class Errors:
    def __init__(self):
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.by_field.setdefault(field, []).append(message)

    def capture(self, field: str, func, *args):
        try:
            return func(*args)
        except ValidationError as error:
            for message in error.messages:
                self.add(field, message)
            return None

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def clean_customer(data: dict[str, Any], *, instance: Customer | None = None) -> dict[str, Any]:
    """Return the cleaned fields of a customer, or raise ValidationError naming each bad field."""
    errors = Errors()
    current = {f: getattr(instance, f) for f in CUSTOMER_FIELDS} if instance else {}
    merged = {**current, **{k: v for k, v in data.items() if k in CUSTOMER_FIELDS}}
    out: dict[str, Any] = {}

    kind = merged.get("kind") or Customer.Kind.INDIVIDUAL
    if kind not in Customer.Kind.values:
        errors.add("kind", "客户类型只能是：个人、单位、集群")
    out["kind"] = kind

    name = (merged.get("name") or "").strip()
    if not name:
        errors.add("name", "客户名称不能为空")
    elif len(name) > 100:
        errors.add("name", "客户名称不能超过100个字")
    out["name"] = name

    out["id_type"], out["id_number"] = _clean_identity(kind, merged, errors)

    phone = merged.get("phone") or ""
    out["phone"] = errors.capture("phone", normalise_phone, phone) if phone else ""
    if not phone:
        errors.add("phone", "联系电话不能为空")

    address = (merged.get("address") or "").strip()
    if not address:
        errors.add("address", "地址不能为空")
    out["address"] = address

    out["service_area"] = _clean_area(merged.get("service_area"), errors)
    out["household_count"] = _clean_households(kind, merged.get("household_count"), errors)
    out.update(_clean_low_income(kind, merged, out["id_number"], errors))
    out["note"] = (merged.get("note") or "").strip()
    errors.raise_if_any()
    _check_unique_identity(out, instance)
    return out


def _clean_identity(kind: str, data: dict, errors: Errors) -> tuple[str, str]:
    number = (data.get("id_number") or "").strip()
    id_type = data.get("id_type") or ""
    if not number:
        return "", ""
    if not id_type:
        id_type = Customer.IdType.RESIDENT_ID if kind == Customer.Kind.INDIVIDUAL else Customer.IdType.CREDIT_CODE
    if id_type == Customer.IdType.RESIDENT_ID:
        return id_type, errors.capture("id_number", normalise_resident_id, number) or number
    if id_type == Customer.IdType.CREDIT_CODE:
        return id_type, errors.capture("id_number", normalise_credit_code, number) or number
    if id_type == Customer.IdType.OTHER:
        if len(number) > 30:
            errors.add("id_number", "证件号码不能超过30位")
        return id_type, number
    errors.add("id_type", "证件类型只能是：居民身份证、统一社会信用代码、其他证件")
    return id_type, number


def _clean_area(value, errors: Errors) -> ServiceArea | None:
    if isinstance(value, ServiceArea):
        return value
    if value in (None, ""):
        errors.add("service_area", "服务片区不能为空")
        return None
    area = ServiceArea.objects.filter(code=str(value).strip()).first()
    if area is None and str(value).isdigit():
        area = ServiceArea.objects.filter(pk=int(value)).first()
    if area is None:
        area = ServiceArea.objects.filter(name=str(value).strip()).first()
    if area is None:
        errors.add("service_area", f"服务片区“{value}”不存在")
    return area


def _clean_households(kind: str, value, errors: Errors) -> int:
    try:
        households = int(value) if value not in (None, "") else 1
    except (TypeError, ValueError):
        errors.add("household_count", "户数应为正整数")
        return 1
    if households < 1:
        errors.add("household_count", "户数应为正整数")
    minimum = int(get_policy("customers.cluster_min_households"))
    if kind == Customer.Kind.CLUSTER and households < minimum:
        errors.add("household_count", f"集群客户户数应不少于{minimum}户")
    return households


def _clean_low_income(kind: str, data: dict, id_number: str, errors: Errors) -> dict[str, Any]:
    low_income = _boolean(data.get("low_income"))
    certificate = (data.get("low_income_certificate") or "").strip()
    valid_until = data.get("low_income_valid_until") or None
    if isinstance(valid_until, str):
        try:
            valid_until = date.fromisoformat(valid_until.strip())
        except ValueError:
            errors.add("low_income_valid_until", "日期格式应为 YYYY-MM-DD，例如 2027-06-30")
            valid_until = None
    if low_income:
        if kind != Customer.Kind.INDIVIDUAL:
            errors.add("low_income", "只有个人客户可以登记为低保户")
        if not certificate:
            errors.add("low_income_certificate", "登记低保户须填写低保证号")
        if not id_number:
            errors.add("id_number", "登记低保户须填写身份证号码，且应与低保证一致")
    return {"low_income": low_income, "low_income_certificate": certificate,
            "low_income_valid_until": valid_until}


def _check_unique_identity(out: dict, instance: Customer | None) -> None:
    if not out["id_number"]:
        return
    clash = Customer.objects.filter(id_type=out["id_type"], id_number=out["id_number"])
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    existing = clash.only("number", "name").first()
    if existing:
        raise ValidationError({"id_number": [f"该证件号码已建档：{existing.name}（{existing.number}）"]})


def _boolean(value) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in {"1", "true", "yes", "y", "是", "on"}


def clean_money(value, field: str, errors: Errors) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").replace("¥", "").strip() or "0")
    except InvalidOperation:
        errors.add(field, "金额应为数字，最多两位小数，例如 125.50")
        return Decimal("0")
    if amount < 0:
        errors.add(field, "金额不能为负数")
    if amount != amount.quantize(Decimal("0.01")):
        errors.add(field, "金额最多两位小数")
    return amount.quantize(Decimal("0.01"))
