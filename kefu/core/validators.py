"""Chinese identity numbers and phone numbers: validation, normalisation, display and masking."""

import re
from datetime import date

from django.core.exceptions import ValidationError

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# GB/T 2260 province-level codes (first two digits of the administrative division code).
_PROVINCES = {
    "11",
    "12",
    "13",
    "14",
    "15",
    "21",
    "22",
    "23",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "41",
    "42",
    "43",
    "44",
    "45",
    "46",
    "50",
    "51",
    "52",
    "53",
    "54",
    "61",
    "62",
    "63",
    "64",
    "65",
    "71",
    "81",
    "82",
}
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# Area codes with three digits (010 Beijing, 02x the big cities); every other one has four.
_THREE_DIGIT_AREA = re.compile(r"^0(10|2\d)")


def resident_id_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalise_resident_id(value: str) -> str:
    """Validate an 18-digit resident ID (GB 11643-1999) and return it with an upper-case X."""
    number = (value or "").strip().upper().replace(" ", "")
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise ValidationError("身份证号码应为18位：前17位为数字，最后一位为数字或X", code="id_format")
    if number[:2] not in _PROVINCES:
        raise ValidationError("身份证号码前两位不是有效的省级行政区划代码", code="id_region")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError("身份证号码中的出生日期无效", code="id_birth") from None
    if birth.year < 1900 or birth > date.today():
        raise ValidationError("身份证号码中的出生日期不在合理范围内", code="id_birth")
    if resident_id_check_digit(number[:17]) != number[17]:
        raise ValidationError("身份证号码校验位错误（GB 11643），请核对号码", code="id_check")
    return number


def resident_id_birth_date(number: str) -> date:
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def normalise_credit_code(value: str) -> str:
    """Validate a unified social credit code (GB 32100-2015)."""
    code = (value or "").strip().upper().replace(" ", "")
    if len(code) != 18 or any(c not in _USCC_CHARS for c in code):
        raise ValidationError(
            "统一社会信用代码应为18位数字或大写字母（不含I、O、Z、S、V）", code="uscc_format"
        )
    if uscc_check_char(code[:17]) != code[17]:
        raise ValidationError("统一社会信用代码校验位错误（GB 32100），请核对", code="uscc_check")
    return code


def normalise_phone(value: str) -> str:
    """Return a phone number as digits only: 11-digit mobile, or landline with its area code.

    Accepts the ways people write them: +86 138 1234 5678, 86-13812345678, (0571)8765-4321,
    0571-87654321 转 123 (the extension is dropped: it is not part of the customer's number).
    """
    raw = (value or "").strip()
    if not raw:
        raise ValidationError("电话号码不能为空", code="phone_empty")
    raw = re.split(r"(转|分机|ext\.?|x)", raw, maxsplit=1, flags=re.IGNORECASE)[0]
    if re.search(r"[^\d\s\-+()（）]", raw):
        raise ValidationError("电话号码只能包含数字、空格、括号、加号和短横线", code="phone_chars")
    digits = re.sub(r"\D", "", raw)
    international = False
    if digits.startswith("0086"):
        digits, international = digits[4:], True
    elif digits.startswith("86") and len(digits) >= 12:
        digits, international = digits[2:], True
    if digits[:1] not in ("", "0", "1") and len(digits) >= 10:
        digits = "0" + digits  # +86 571 8765 4321: the trunk 0 is dropped when dialled from abroad
    elif international and re.fullmatch(r"10[2-9]\d{7}", digits):
        digits = "0" + digits  # +86 10 6552 9988: Beijing's area code 10 also starts with a 1
    if re.fullmatch(r"1[3-9]\d{9}", digits):
        return digits
    if digits.startswith("0"):
        area_len = 3 if _THREE_DIGIT_AREA.match(digits) else 4
        local = digits[area_len:]
        if re.fullmatch(r"[2-9]\d{6,7}", local):
            return digits
        raise ValidationError("固定电话应为区号加7至8位号码，例如 0571-87654321", code="phone_landline")
    if re.fullmatch(r"[2-9]\d{6,7}", digits):
        raise ValidationError("固定电话请加区号，例如 0571-87654321", code="phone_area")
    raise ValidationError("手机号码应为以1开头的11位数字，例如 13812345678", code="phone_mobile")


def format_phone(digits: str) -> str:
    if not digits or not digits.startswith("0"):
        return digits or ""
    area_len = 3 if _THREE_DIGIT_AREA.match(digits) else 4
    return f"{digits[:area_len]}-{digits[area_len:]}"


def mask_phone(digits: str) -> str:
    """138****5678 for a mobile; 0571-****4321 for a landline: enough to confirm, not to copy."""
    if not digits:
        return ""
    if digits.startswith("0"):
        area_len = 3 if _THREE_DIGIT_AREA.match(digits) else 4
        local = digits[area_len:]
        return f"{digits[:area_len]}-{'*' * (len(local) - 4)}{local[-4:]}"
    if len(digits) <= 7:
        return "*" * (len(digits) - 4) + digits[-4:]
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


def mask_id_number(number: str) -> str:
    """Resident IDs keep the region (6) and the last 4 digits; the birth date is hidden."""
    if not number:
        return ""
    if len(number) == 18:
        return f"{number[:6]}{'*' * 8}{number[-4:]}"
    return f"{number[:2]}{'*' * max(len(number) - 4, 0)}{number[-2:]}"


def validate_resident_id(value: str) -> None:
    normalise_resident_id(value)


def validate_phone(value: str) -> None:
    normalise_phone(value)


# C0 controls except tab, line feed and carriage return; DEL; the C1 controls. None of them is ever
# typed on purpose: they come from a bad paste or a probe, PostgreSQL refuses NUL in text, and Excel
# cannot hold most of them (openpyxl raises on the C0 ones), so one stored value would break an export.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def find_control_character(value) -> str | None:
    """The first control character in a text, or anywhere inside a list or dict of texts, written as
    U+000B; None when there is none. Shared by every way input arrives: form posts and query strings
    (kefu.core.middleware) and JSON bodies (kefu.core.schemas.Schema)."""
    if isinstance(value, str):
        found = CONTROL_CHARACTERS.search(value)
        return f"U+{ord(found.group()):04X}" if found else None
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list | tuple | set):
        for item in value:
            if character := find_control_character(item):
                return character
    return None


def control_character_message(character: str) -> str:
    return f"含有不允许的控制字符（{character}），请删除后重新填写"


def validate_no_control_characters(value) -> None:
    if character := find_control_character(value):
        raise ValidationError(control_character_message(character), code="control_character")
