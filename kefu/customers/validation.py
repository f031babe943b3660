"""Validation of archive input, shared by the forms, the API and the importer so all three say the
same thing in the same words. Raises ValidationError({field: [message]}) with Chinese messages.

The per-field rules (`clean_customer_fields`, `clean_service_fields`) touch the database only through
a `RuleContext`: the forms and the API build one per call, the importer builds one per run with every
service area preloaded. Uniqueness is checked apart from the field rules: one query per customer
here (`clean_customer`), one query per batch of rows in the importer, with the same message.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F, Lookup, Q

from kefu.accounts.models import ServiceArea
from kefu.core.params import object_id, whole_number
from kefu.core.policies import get_policy
from kefu.core.validators import normalise_credit_code, normalise_phone, normalise_resident_id
from kefu.customers.models import Customer, ServicePoint

CUSTOMER_FIELDS = [
    "kind",
    "name",
    "id_type",
    "id_number",
    "phone",
    "address",
    "service_area",
    "household_count",
    "low_income",
    "low_income_certificate",
    "low_income_valid_until",
    "note",
]
FIELD_LABELS = {
    "number": "客户编号",
    "kind": "客户类型",
    "name": "客户名称",
    "id_type": "证件类型",
    "id_number": "证件号码",
    "phone": "联系电话",
    "address": "地址",
    "service_area": "服务片区",
    "household_count": "户数",
    "low_income": "低保户",
    "low_income_certificate": "低保证号",
    "low_income_valid_until": "低保证有效期至",
    "note": "备注",
    "account_number": "户号",
    "arrears": "欠费金额",
    "connection_point_no": "接水点编号",
    "water_use": "用水性质",
    "point_address": "用水地址",
    "meter_number": "表号",
    "caliber_dn": "口径DN",
    "install_date": "安装日期",
    "last_reading": "最近读数",
}
_CUSTOMER_FIELD_SET = frozenset(CUSTOMER_FIELDS)
# Plain sets of the stored values: the Choices' own .values builds a list of lazy labels on every
# call, which costs more than the rest of a row's checks when the importer runs a million of them.
_KINDS = frozenset(str(k.value) for k in Customer.Kind)
_WATER_USES = frozenset(str(w.value) for w in ServicePoint.WaterUse)
# Nominal diameters of water meters in use (GB/T 778 sizes a utility stocks).
STANDARD_CALIBERS = (15, 20, 25, 32, 40, 50, 65, 80, 100, 125, 150, 200, 250, 300, 400, 500, 600)
_CODE = re.compile(r"[0-9A-Z]+")
MAX_HOUSEHOLDS = 100_000  # the largest residential cluster is a few thousand households


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


class AreaIndex:
    """Finds a service area the way people name it: by code (CX), id or name (城西片区).

    Without `areas` each lookup is a query, as a form needs; the importer passes every area once,
    since a file of a million rows names the same handful of areas."""

    def __init__(self, areas: Iterable[ServiceArea] | None = None):
        self.preloaded = areas is not None
        self._by_code: dict[str, ServiceArea] = {}
        self._by_id: dict[int, ServiceArea] = {}
        self._by_name: dict[str, ServiceArea] = {}
        for area in areas or ():
            self._by_code[area.code] = area
            self._by_id[area.pk] = area
            self._by_name.setdefault(area.name, area)

    @classmethod
    def preload(cls) -> "AreaIndex":
        return cls(ServiceArea.objects.order_by("pk"))

    def find(self, value) -> ServiceArea | None:
        text = str(value).strip()
        if not self.preloaded:
            area = ServiceArea.objects.filter(code=text).first()
            if area is None and (pk := object_id(text)):
                area = ServiceArea.objects.filter(pk=pk).first()
            if area is None:
                area = ServiceArea.objects.filter(name=text).first()
            return area
        area = self._by_code.get(text)
        if area is None and (pk := object_id(text)):
            area = self._by_id.get(pk)
        return area or self._by_name.get(text)


@dataclass(frozen=True)
class RuleContext:
    """What the field rules need from the database, fetched once."""

    areas: AreaIndex
    cluster_min_households: int
    today: date

    @classmethod
    def load(cls, *, preload_areas: bool = False) -> "RuleContext":
        return cls(
            areas=AreaIndex.preload() if preload_areas else AreaIndex(),
            cluster_min_households=int(get_policy("customers.cluster_min_households")),
            today=date.today(),
        )


def clean_customer(data: dict[str, Any], *, instance: Customer | None = None) -> dict[str, Any]:
    """Return the cleaned fields of a customer, or raise ValidationError naming each bad field."""
    errors = Errors()
    out = clean_customer_fields(data, errors, instance=instance, context=RuleContext.load())
    errors.raise_if_any()
    _check_unique_identity(out, instance)
    return out


def clean_customer_fields(
    data: dict[str, Any], errors: Errors, *, context: RuleContext, instance: Customer | None = None
) -> dict[str, Any]:
    """The per-field rules of a customer: cleaned values, with every problem added to `errors`."""
    current = {f: getattr(instance, f) for f in CUSTOMER_FIELDS} if instance else {}
    merged = {**current, **{k: v for k, v in data.items() if k in _CUSTOMER_FIELD_SET}}
    out: dict[str, Any] = {}
    for field, value in merged.items():
        # PostgreSQL cannot store NUL; a form refuses it, but the API and files may carry one.
        if isinstance(value, str) and "\x00" in value:
            errors.add(field, "不能包含空字符（\\0）")
            merged[field] = value.replace("\x00", "")

    kind = merged.get("kind") or Customer.Kind.INDIVIDUAL
    if kind not in _KINDS:
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
    elif len(address) > 200:
        errors.add("address", "地址不能超过200个字")
    out["address"] = address

    out["service_area"] = _clean_area(merged.get("service_area"), context.areas, errors)
    out["household_count"] = _clean_households(
        kind, merged.get("household_count"), context.cluster_min_households, errors
    )
    out.update(_clean_low_income(kind, merged, out["id_number"], errors))
    out["note"] = (merged.get("note") or "").strip()
    return out


def _clean_identity(kind: str, data: dict, errors: Errors) -> tuple[str, str]:
    number = (data.get("id_number") or "").strip()
    id_type = data.get("id_type") or ""
    if not number:
        return "", ""
    if not id_type:
        id_type = (
            Customer.IdType.RESIDENT_ID if kind == Customer.Kind.INDIVIDUAL else Customer.IdType.CREDIT_CODE
        )
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


def _clean_area(value, areas: AreaIndex, errors: Errors) -> ServiceArea | None:
    if isinstance(value, ServiceArea):
        return value
    if value in (None, ""):
        errors.add("service_area", "服务片区不能为空")
        return None
    area = areas.find(value)
    if area is None:
        errors.add("service_area", f"服务片区“{value}”不存在")
    return area


def _clean_households(kind: str, value, minimum: int, errors: Errors) -> int:
    try:
        households = int(value) if value not in (None, "") else 1
    except (TypeError, ValueError):
        errors.add("household_count", "户数应为正整数")
        return 1
    if households < 1:
        errors.add("household_count", "户数应为正整数")
    elif households > MAX_HOUSEHOLDS:  # also keeps the number inside the database column
        errors.add("household_count", f"户数不能超过{MAX_HOUSEHOLDS}")
    if kind == Customer.Kind.CLUSTER and households < minimum:
        errors.add("household_count", f"集群客户户数应不少于{minimum}户")
    return households


def _clean_low_income(kind: str, data: dict, id_number: str, errors: Errors) -> dict[str, Any]:
    low_income = _boolean(data.get("low_income"))
    certificate = (data.get("low_income_certificate") or "").strip()
    if len(certificate) > 40:
        errors.add("low_income_certificate", "低保证号不能超过40个字")
    valid_until = data.get("low_income_valid_until") or None
    if isinstance(valid_until, str):
        valid_until = _date(valid_until, "low_income_valid_until", errors)
    if low_income:
        if kind != Customer.Kind.INDIVIDUAL:
            errors.add("low_income", "只有个人客户可以登记为低保户")
        if not certificate:
            errors.add("low_income_certificate", "登记低保户须填写低保证号")
        if not id_number:
            errors.add("id_number", "登记低保户须填写身份证号码，且应与低保证一致")
    return {
        "low_income": low_income,
        "low_income_certificate": certificate,
        "low_income_valid_until": valid_until,
    }


def identity_taken_message(name: str, number: str) -> str:
    return f"该证件号码已建档：{name}（{number}）"


def _check_unique_identity(out: dict, instance: Customer | None) -> None:
    if not out["id_number"]:
        return
    clash = Customer.objects.filter(id_type=out["id_type"], id_number=out["id_number"])
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    existing = clash.only("number", "name").first()
    if existing:
        raise ValidationError({"id_number": [identity_taken_message(existing.name, existing.number)]})


def existing_identities(identities: Iterable[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
    """{(id_type, id_number): (name, customer number)} for those already on file: one query for a batch."""
    wanted = {pair for pair in identities if pair[1]}
    rows = rows_where_in(
        Customer.objects.values_list("id_type", "id_number", "name", "number"),
        "id_number",
        {n for _, n in wanted},
    )
    return {(t, n): (name, number) for t, n, name, number in rows if (t, n) in wanted}


class _AnyOf(Lookup):
    """`column = ANY(%s)` with the values as one array parameter. PostgreSQL plans it as it plans
    IN (…), and the driver need not parse a statement with thousands of placeholders."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, list(self.rhs)]


def rows_where_in(queryset, field_name: str, values: Iterable):
    """The rows of queryset whose field is one of values, a few hundred values per query.

    Not all at once: given 2,000 values PostgreSQL expects to fetch 2,000 rows and, on a table of a
    few hundred thousand, reads all of it (80 ms) rather than probe the unique index 2,000 times
    (10 ms); in fours of 500 it probes. SQLite limits the parameters of one statement anyway."""
    values = list({v for v in values if v})
    postgresql = connection.vendor == "postgresql"
    queryset = queryset.order_by()  # a model's default ordering would invite a scan in id order
    for start in range(0, len(values), 500):
        part = values[start : start + 500]
        yield from queryset.filter(
            _AnyOf(F(field_name), part) if postgresql else Q(**{f"{field_name}__in": part})
        )


def _boolean(value) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in {"1", "true", "yes", "y", "是", "on"}


def _date(value, field: str, errors: Errors) -> date | None:
    try:
        return parse_date_text(value)
    except ValueError:
        errors.add(field, "日期格式应为 YYYY-MM-DD，例如 2027-06-30")
        return None


_DATE_FORMS = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"),
)


def parse_date_text(value) -> date | None:
    """A date as people and spreadsheets write it: 2027-06-30, 2027/6/30 (Chinese Excel's own
    format), 2027.6.30, 2027年6月30日, with or without a midnight time. Blank is None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        return date.fromisoformat(text)  # the common case, fast; ValueError for 2027-02-30
    head = text.split(" ", 1)[0].split("T", 1)[0]
    for form in _DATE_FORMS:
        match = form.fullmatch(head)
        if match:
            return date(*(int(part) for part in match.groups()))  # ValueError for 2027-02-30
    raise ValueError(text)


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


def clean_code(value, field: str, errors: Errors, *, max_length: int, required: bool = True) -> str:
    """A number printed on paper or a meter (户号, 接水点编号, 表号, 客户编号): letters and digits."""
    code = str(value or "").strip().upper().replace(" ", "")
    label = FIELD_LABELS[field]
    if not code:
        if required:
            errors.add(field, f"{label}不能为空")
        return ""
    if len(code) > max_length or not _CODE.fullmatch(code):
        errors.add(field, f"{label}只能由字母和数字组成，不超过{max_length}位")
    return code


# The labels people type, written out rather than taken from the choices: those are translatable,
# and a file's 居民生活用水 means the same whatever language the page is shown in.
WATER_USE_LABELS = {
    "居民生活用水": "residential",
    "居民": "residential",
    "居民用水": "residential",
    "非居民用水": "non_residential",
    "非居民": "non_residential",
    "特种行业用水": "special",
    "特种行业": "special",
    "特种用水": "special",
    "消防用水": "fire",
    "消防": "fire",
}


def clean_service_fields(
    data: dict[str, Any], errors: Errors, *, kind: str, address: str, today: date | None = None
) -> dict[str, Any]:
    """The account, connection point and meter that come with a new customer (one of each)."""
    out: dict[str, Any] = {
        "account_number": clean_code(data.get("account_number"), "account_number", errors, max_length=20),
        "arrears": clean_money(data.get("arrears") or "0", "arrears", errors),
        "connection_point_no": clean_code(
            data.get("connection_point_no"), "connection_point_no", errors, max_length=30
        ),
        "meter_number": clean_code(data.get("meter_number"), "meter_number", errors, max_length=30),
    }
    water_use = str(data.get("water_use") or "").strip()
    if not water_use:
        water_use = (
            ServicePoint.WaterUse.NON_RESIDENTIAL
            if kind == Customer.Kind.UNIT
            else ServicePoint.WaterUse.RESIDENTIAL
        )
    water_use = WATER_USE_LABELS.get(water_use, water_use)
    if water_use not in _WATER_USES:
        errors.add("water_use", "用水性质只能是：居民生活用水、非居民用水、特种行业用水、消防用水")
    out["water_use"] = water_use
    point_address = str(data.get("point_address") or "").strip() or address
    if len(point_address) > 200:
        errors.add("point_address", "用水地址不能超过200个字")
    out["point_address"] = point_address
    out["caliber_dn"] = _clean_caliber(data.get("caliber_dn"), errors)
    out["install_date"] = _clean_install_date(data.get("install_date"), today or date.today(), errors)
    out["last_reading"] = _clean_reading(data.get("last_reading"), errors)
    return out


def _clean_caliber(value, errors: Errors) -> int:
    text = str(value or "").strip().upper().removeprefix("DN")
    if not text:
        errors.add("caliber_dn", "口径DN不能为空")
        return 0
    caliber = whole_number(text)
    if caliber not in STANDARD_CALIBERS:
        errors.add("caliber_dn", "口径应为标准公称直径：DN" + "、".join(map(str, STANDARD_CALIBERS)))
        return 0
    return caliber


def _clean_install_date(value, today: date, errors: Errors) -> date | None:
    if value in (None, ""):
        errors.add("install_date", "安装日期不能为空")
        return None
    installed = _date(value, "install_date", errors)
    if installed is not None and installed > today:
        errors.add("install_date", "安装日期不能晚于今天")
    return installed


def _clean_reading(value, errors: Errors) -> Decimal | None:
    text = str(value or "").strip()
    if not text:
        return None
    try:
        reading = Decimal(text)
    except InvalidOperation:
        reading = None
    if (
        reading is None
        or not reading.is_finite()
        or reading < 0
        or reading >= Decimal("1e11")
        or reading != reading.quantize(Decimal("0.1"))
    ):
        errors.add("last_reading", "最近读数应为不小于0的数字，最多一位小数，例如 1234.5")
        return None
    return reading
