"""Chinese identity and phone numbers: validation, normalisation, display and masking (A1)."""

import pytest
import time_machine
from django.core.exceptions import ValidationError

from kefu.core.validators import (
    format_phone,
    mask_id_number,
    mask_phone,
    normalise_credit_code,
    normalise_phone,
    normalise_resident_id,
    resident_id_birth_date,
    resident_id_check_digit,
)


def error_code(func, value) -> str:
    with pytest.raises(ValidationError) as caught:
        func(value)
    return caught.value.code


# Resident ID numbers (GB 11643-1999). The check digits below were computed independently of the code
# under test (ISO 7064 MOD 11-2); 11010519491231002X is the example printed in the standard itself.


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",  # Beijing, the standard's own example, check digit X
        "330106198503150016",  # Hangzhou Xihu
        "440304199007071237",  # Shenzhen Futian
        "310115197811053021",  # Shanghai Pudong
        "51010719920229458X",  # Chengdu, born on a leap day
    ],
)
def test_it_accepts_real_world_resident_ids(number):
    # given a valid number
    # when it is normalised
    # then it comes back unchanged
    assert normalise_resident_id(number) == number


def test_it_upper_cases_a_lower_case_x_and_strips_spaces():
    # given an ID typed with a lower-case x and spaces
    typed = " 110105 19491231 002x "
    # when it is normalised
    # then the X is upper case and the spaces are gone
    assert normalise_resident_id(typed) == "11010519491231002X"


def test_it_computes_the_check_digit_including_x():
    assert resident_id_check_digit("11010519491231002") == "X"
    assert resident_id_check_digit("33010619850315001") == "6"


def test_it_rejects_a_wrong_check_digit_naming_the_standard():
    # given a number whose last digit was mistyped
    with pytest.raises(ValidationError) as caught:
        normalise_resident_id("330106198503150017")
    # then the message says so in Chinese
    assert caught.value.code == "id_check"
    assert "校验位" in caught.value.messages[0]


def test_it_rejects_an_x_where_a_digit_is_due():
    assert error_code(normalise_resident_id, "33010619850315001X") == "id_check"


@pytest.mark.parametrize(
    "number",
    [
        "330106199302290017",  # 29 February 1993 does not exist (correct check digit)
        "330106198513320015",  # month 13
    ],
)
def test_it_rejects_an_impossible_birth_date(number):
    assert error_code(normalise_resident_id, number) == "id_birth"


def test_it_rejects_a_birth_before_1900():
    assert error_code(normalise_resident_id, "330106188001010014") == "id_birth"


@time_machine.travel("2026-03-01 10:00 +0800", tick=False)
def test_it_rejects_a_birth_date_in_the_future():
    # given today is 1 March 2026
    # then someone born in June 2026 cannot hold an ID yet, but someone born in June 2025 can
    assert error_code(normalise_resident_id, "330106202606010015") == "id_birth"
    assert normalise_resident_id("330106202506010018") == "330106202506010018"


@pytest.mark.parametrize("number", ["990106198503150019", "00010619850315001X"])
def test_it_rejects_an_unknown_province_code(number):
    assert error_code(normalise_resident_id, number) == "id_region"


@pytest.mark.parametrize(
    "number",
    [
        "33010619850315001",  # 17 digits
        "3301061985031500166",  # 19 digits
        "330106850315001",  # the old 15-digit format
        "33010619850315001Y",
        "",
    ],
)
def test_it_rejects_a_wrong_length_or_letters(number):
    assert error_code(normalise_resident_id, number) == "id_format"


def test_it_reads_the_birth_date_from_an_id():
    assert str(resident_id_birth_date("330106198503150016")) == "1985-03-15"


# Unified social credit codes (GB 32100-2015)


@pytest.mark.parametrize(
    "code",
    [
        "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
        "914403001922038216",  # 华为技术有限公司
        "91330100799655058B",  # 阿里巴巴（中国）有限公司
    ],
)
def test_it_accepts_real_credit_codes(code):
    assert normalise_credit_code(code) == code


def test_it_upper_cases_a_credit_code():
    assert normalise_credit_code(" 91330100799655058b ") == "91330100799655058B"


def test_it_rejects_a_credit_code_with_a_wrong_check_character():
    with pytest.raises(ValidationError) as caught:
        normalise_credit_code("91330100799655058C")
    assert caught.value.code == "uscc_check"
    assert "校验位" in caught.value.messages[0]


@pytest.mark.parametrize(
    "code",
    [
        "9133010079965505",  # too short
        "91330100799655058BB",  # too long
        "9133010079965505IO",  # I and O are not used, so they cannot be misread as 1 and 0
    ],
)
def test_it_rejects_a_malformed_credit_code(code):
    assert error_code(normalise_credit_code, code) == "uscc_format"


# Phone numbers


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+86-13812345678", "13812345678"),
        ("0086 13812345678", "13812345678"),
        ("86 139 0571 0001", "13905710001"),
        ("199 5712 3456", "19957123456"),
    ],
)
def test_it_normalises_mobile_numbers_as_people_write_them(typed, digits):
    assert normalise_phone(typed) == digits


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("0571-87654321", "057187654321"),
        ("(0571)8765-4321", "057187654321"),
        ("（0571）87654321", "057187654321"),
        ("0571 8765 4321", "057187654321"),
        ("+86 571 8765 4321", "057187654321"),
        ("010-62345678", "01062345678"),
        ("+86 10 6552 9988", "01065529988"),  # Beijing dialled from abroad: the trunk 0 is dropped
        ("021-5432 1098", "02154321098"),
        ("020-8888 6666", "02088886666"),
        ("0755-2345678", "07552345678"),  # 7-digit local number
        ("0571-87654321 转 123", "057187654321"),
        ("0571-87654321转8001", "057187654321"),
        ("0571-87654321 分机 12", "057187654321"),
        ("0571-87654321 ext. 12", "057187654321"),
    ],
)
def test_it_normalises_landlines_with_their_area_code(typed, digits):
    assert normalise_phone(typed) == digits


def test_it_keeps_three_digit_area_codes_apart_from_four_digit_ones():
    # given Beijing (010), Shanghai (021) and Hangzhou (0571)
    # when formatted for display
    # then the three-digit codes are cut after three digits, the others after four
    assert format_phone("01062345678") == "010-62345678"
    assert format_phone("02154321098") == "021-54321098"
    assert format_phone("057187654321") == "0571-87654321"
    assert format_phone("13812345678") == "13812345678"
    assert format_phone("") == ""


def test_it_rejects_a_landline_without_area_code():
    with pytest.raises(ValidationError) as caught:
        normalise_phone("8765 4321")
    assert caught.value.code == "phone_area"
    assert "区号" in caught.value.messages[0]


@pytest.mark.parametrize("typed", ["12812345678", "11012345678", "1381234567", "138123456789"])
def test_it_rejects_an_invalid_mobile_number(typed):
    assert error_code(normalise_phone, typed) == "phone_mobile"


@pytest.mark.parametrize("typed", ["0571-1234567", "0571-123456", "010-0234567"])
def test_it_rejects_a_landline_with_a_bad_local_number(typed):
    assert error_code(normalise_phone, typed) == "phone_landline"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "phone_empty"),
        ("   ", "phone_empty"),
        ("138一二三四五六七八", "phone_chars"),
        ("call me", "phone_chars"),
    ],
)
def test_it_rejects_empty_or_non_numeric_input(typed, code):
    assert error_code(normalise_phone, typed) == code


# Masking


def test_it_masks_a_mobile_keeping_the_first_three_and_last_four_digits():
    assert mask_phone("13812345678") == "138****5678"


def test_it_masks_a_landline_keeping_the_area_code_and_last_four_digits():
    assert mask_phone("057187654321") == "0571-****4321"
    assert mask_phone("01062345678") == "010-****5678"
    assert mask_phone("07552345678") == "0755-***5678"
    assert mask_phone("") == ""


def test_it_masks_the_birth_date_of_a_resident_id():
    assert mask_id_number("330106198503150016") == "330106********0016"
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_id_number("") == ""


def test_it_masks_other_documents_keeping_only_both_ends():
    assert mask_id_number("E12345678") == "E1*****78"
