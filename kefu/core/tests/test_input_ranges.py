"""Issue 11 item 8: numbers, ids and dates out of any sensible range are a Chinese 400 (API) or are
read as "none given" (a link on a page), never a database error. The limits live in kefu.core.params
and kefu.core.schemas, shared by every api.py and view."""

import json
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import ServiceAreaFactory
from kefu.core.params import object_id, page_number, parse_month, whole_number

TOO_BIG = "9223372036854775808"  # 2**63: one more than PostgreSQL's bigint holds


@pytest.fixture
def superuser(make_user):
    return make_user(Role.ADMINISTRATOR, username="root", is_superuser=True)


@pytest.mark.parametrize(
    "url, field",
    [
        (f"/api/collection/payments?page={TOO_BIG}", "page"),
        (f"/api/collection/payments?customer={TOO_BIG}", "customer"),
        (f"/api/hotline/contacts?page={TOO_BIG}", "page"),
        (f"/api/knowledge/articles?page={TOO_BIG}", "page"),
        (f"/api/workforce/handovers?page={TOO_BIG}", "page"),
        ("/api/knowledge/outages?at=0184-02-22T18:35:33-19:20", "at"),
        ("/api/knowledge/outages?at=2026-02-22T18:35:33-19:20", "at"),
        ("/api/knowledge/outages?at=9999-12-31T23:59:59", "at"),
        ("/api/hotline/contacts?date_from=0001-01-01", "date_from"),
        ("/api/calendar/deadline?start=9999-12-31T23:00:00&working_days=3", "start"),
        ("/api/calendar/day?date=0001-01-01", "date"),
        ("/api/reports/weekly-summary?week=9999-12-31", "week"),
        ("/api/calendar/day?date=0", "date"),  # pydantic alone reads 0 as 1970-01-01
        ("/api/knowledge/outages?at=0.5", "at"),
        ("/api/hotline/contacts?date_to=20260101", "date_to"),
        ("/api/reports/timeliness?from=0001-01-01", "from"),
    ],
)
def test_an_out_of_range_query_to_the_api_is_a_chinese_400_naming_the_field(
    client_for, superuser, url, field
):
    # given
    client = client_for(superuser)

    # when
    response = client.get(url)

    # then
    assert response.status_code == 400
    messages = response.json()["errors"][field]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in message) for message in messages)


def test_a_superscript_digit_as_service_area_is_a_400_not_a_500(client_for, superuser):
    # given: "¹".isdigit() is True, int("¹") raises
    ServiceAreaFactory(code="A01")
    body = {"name": "王建国", "phone": "13812345678", "address": "文三路1号", "service_area": "¹"}

    # when
    response = client_for(superuser).post("/api/customers", json.dumps(body), content_type="application/json")

    # then
    assert response.status_code == 400
    assert response.json()["errors"]["service_area"]


def test_a_superscript_digit_as_unit_filter_of_the_work_order_api_is_ignored(client_for, superuser):
    # when
    response = client_for(superuser).get("/api/hotline/work-orders", {"unit": "¹"})

    # then
    assert response.status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/collection/payments/?customer=¹",
        f"/collection/payments/?customer={TOO_BIG}",
        "/duty/?team=¹",
        f"/processes/queue/?page={TOO_BIG}",
        f"/kpi/list/contacts/?page={TOO_BIG}",
        f"/customers/?q=王&page={TOO_BIG}",
    ],
)
def test_a_page_link_with_a_number_out_of_range_shows_the_page(client_for, superuser, url):
    # when
    response = client_for(superuser).get(url)

    # then
    assert response.status_code == 200


def test_a_kpi_filter_with_a_superscript_unit_is_a_chinese_400(client_for, superuser):
    # when
    response = client_for(superuser).get("/kpi/", {"unit": "¹"})

    # then
    assert response.status_code == 400
    assert "不存在" in response.content.decode()


def test_numbers_from_queries_are_ascii_digits_within_the_database_range():
    assert whole_number("¹") is None
    assert whole_number(" 42 ") == 42
    assert object_id(TOO_BIG) is None
    assert object_id(str(2**63 - 1)) == 2**63 - 1
    assert object_id("0") is None
    assert page_number(TOO_BIG, last=500) == 500
    assert page_number("abc") == 1
    assert page_number("-3") == 1


@pytest.mark.parametrize(
    "url, status",
    [
        ("/kpi/list/contacts/?start=0001-01-01&end=0001-01-02", 400),
        ("/duty/?date=0001-01-01", 200),
        ("/collection/payments/?day=9999-12-31", 200),
        ("/processes/reports/daily/?day=0001-01-01", 400),
    ],
)
def test_a_page_given_a_date_out_of_range_says_so_instead_of_failing(client_for, superuser, url, status):
    # when
    response = client_for(superuser).get(url)

    # then
    assert response.status_code == status


@pytest.mark.parametrize(
    "starts_at, message",
    [("2026-02-22T18:35:33-19:20", "时区偏移"), ("0184-02-22T18:35", "年份应在1900至2100之间")],
)
def test_a_page_form_refuses_a_moment_out_of_range_as_a_form_error(client_for, superuser, starts_at, message):
    # given
    area = ServiceAreaFactory()
    outage = {
        "title": "计划停水",
        "kind": "planned",
        "reason": "管道维修",
        "service_areas": [area.pk],
        "affected_addresses": "文三路",
        "starts_at": starts_at,
        "ends_at": "2026-02-23T18:00",
        "notice": "请提前储水",
    }

    # when
    response = client_for(superuser).post("/knowledge/outages/new/", outage)

    # then
    assert response.status_code == 200
    assert message in response.content.decode()


def test_every_page_form_date_field_is_one_of_the_shared_range_checked_fields():
    # given
    root = Path(__file__).resolve().parents[2]

    # when
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("forms.py")
        if path != root / "core" / "forms.py"
        and re.search(r"forms\.Date(Time)?Field\(", path.read_text(encoding="utf-8"))
    ]

    # then
    assert offenders == []


@pytest.mark.parametrize(
    "typed, message",
    [
        ("9999-12", "年份「9999」超出范围"),
        ("99999999999-01", "格式不对"),
        ("2026-00", "月份应在 1 到 12 之间"),
        ("٢٠٢٦-١١", "格式不对"),  # Arabic-Indic digits: int() reads them, people do not type them
        ("", "格式不对"),
    ],
)
def test_a_month_out_of_range_is_a_chinese_error_naming_the_field(typed, message):
    # when
    with pytest.raises(ValidationError) as refused:
        parse_month(typed, field="period")

    # then
    assert message in refused.value.message_dict["period"][0]


def test_a_month_is_read_with_or_without_its_leading_zero():
    assert parse_month("2026-3") == (2026, 3)
    assert parse_month(" 2100-12 ") == (2100, 12)


def test_no_module_parses_a_month_or_date_by_hand():
    # given: a hand-written split("-") or strptime let 9999-12 or a 30-digit year reach date() (a 500)
    root = Path(__file__).resolve().parents[2]
    hand_parsing = re.compile(r"strptime\(|\.split\(\"-\"\)|\.split\('-'\)")

    # when
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts and hand_parsing.search(path.read_text(encoding="utf-8"))
    ]

    # then: kefu.core.params parses them, once
    assert offenders == []
