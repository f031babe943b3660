"""Issue 11 item 9: every rule (业务规则) has a kind and bounds; the admin refuses an unknown rule or a
value outside them with a Chinese form error, and get_policy hands out typed values."""

from datetime import date, time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kefu.accounts.models import Role
from kefu.core.models import Policy
from kefu.core.policies import (
    BOOL,
    CHOICE,
    DATE,
    DEFAULTS,
    DOMAINS,
    HOURS,
    KIND_NAMES,
    LOCAL_DEFAULT,
    LONG_TEXT,
    MINUTES,
    SECONDS,
    TEXT,
    WORKING_DAYS,
    Rule,
    get_policy,
    policies,
    policy,
)
from kefu.core.services import set_policy

ADD_URL = "/admin/core/policy/add/"
# The seed documents a source may name (/work/shared/seeds): the water company's handbook (供水公司客户服务
# 工作手册, with the e-commerce scripts printed after it), the call center's 客服管理制度 and the property
# center's 物业客服规章制度 (钥匙管理规定, 住户档案管理规定; issue 17).
SEED_DOCUMENTS = ("供水手册", "客服管理制度", "物业客服规章制度")
PYTHON_TYPES = {
    "int": int,
    "hours": int,
    "minutes": int,
    "seconds": int,
    "working_days": int,
    "decimal": Decimal,
    "time": time,
    "date": date,
    "bool": bool,
    "choice": str,
    "text": str,
    "long_text": str,
    "list": list,
}


@pytest.fixture
def superuser(make_user):
    return make_user(Role.ADMINISTRATOR, username="root", is_superuser=True, is_staff=True)


@pytest.mark.parametrize("key", sorted(DEFAULTS))
def test_every_rule_has_a_kind_a_label_a_source_and_a_default_that_passes_its_own_check(db, key):
    # given
    rule = DEFAULTS[key]

    # when: read as every caller reads it, with no administrator's value
    value = policy(key)

    # then
    assert rule.kind in KIND_NAMES
    assert rule.label.strip()
    assert rule.source.strip(), f"{key} names no source: the seed's clause, or 本地默认"
    assert rule.source.startswith(LOCAL_DEFAULT) or any(
        document in rule.source for document in SEED_DOCUMENTS
    ), f"{key}: the source names a seed document or says 本地默认"
    assert key in DOMAINS
    assert value == rule.typed(rule.default)
    assert rule.typed(rule.stored(rule.default)) == value if not rule.check else True


@pytest.mark.parametrize("key", sorted(DEFAULTS))
def test_every_rule_reads_as_its_kinds_python_type(db, key):
    # when
    value = policy(key)

    # then
    assert isinstance(value, PYTHON_TYPES[DEFAULTS[key].kind])


def test_an_unknown_rule_is_a_programming_error():
    # when / then
    with pytest.raises(KeyError):
        policy("hotline.no_such_rule")


def test_get_policy_is_the_same_reader():
    assert get_policy is policy


def test_the_admin_refuses_an_unknown_rule_with_a_form_error(client_for, superuser):
    # when
    response = client_for(superuser).post(ADD_URL, {"key": "hotline.no_such_rule", "value": "3"})

    # then
    assert response.status_code == 200
    assert "hotline.no_such_rule" in response.content.decode()  # Django: "选择一个有效的选项…"
    assert response.context["adminform"].form.errors["key"]
    assert not Policy.objects.exists()


@pytest.mark.parametrize(
    "key, value, bound",
    [
        ("hotline.callback_retry_hours", "abc", "1至72之间的整数"),
        ("hotline.due_soon_hours", "-5", "1至168之间的整数"),
        ("customers.arrears_tolerance_yuan", "很多", "0至100000之间的数值"),
        ("processes.design_batch_time", "25:99", "HH:MM"),
        ("reports.complaint_categories", " , ", "逗号分隔的编码"),
    ],
)
def test_the_admin_refuses_a_value_outside_the_rule_naming_the_rule_and_the_bound(
    client_for, superuser, key, value, bound
):
    # when
    response = client_for(superuser).post(ADD_URL, {"key": key, "value": value})

    # then
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["value"]
    assert DEFAULTS[key].label in errors[0]
    assert bound in errors[0]
    assert not Policy.objects.exists()


def test_the_admin_saves_a_valid_value_typed_and_get_policy_returns_it_typed(client_for, superuser):
    # when
    response = client_for(superuser).post(ADD_URL, {"key": "hotline.callback_retry_hours", "value": " 3 "})

    # then
    assert response.status_code == 302
    assert Policy.objects.get(key="hotline.callback_retry_hours").value == 3
    assert get_policy("hotline.callback_retry_hours") == 3


def test_the_admin_shows_the_rules_kind_and_bounds_when_editing_one(client_for, superuser):
    # given
    set_policy(actor=superuser, key="hotline.due_soon_hours", value=6)
    row = Policy.objects.get()

    # when
    response = client_for(superuser).get(f"/admin/core/policy/{row.pk}/change/")

    # then
    assert response.status_code == 200
    assert "小时数，1至168，单位：小时" in response.content.decode()


def test_the_service_refuses_a_bad_value_as_well(superuser):
    # when / then
    with pytest.raises(ValidationError) as refused:
        set_policy(actor=superuser, key="hotline.callback_retry_hours", value="abc")
    assert "1至72之间的整数" in refused.value.message_dict["value"][0]
    assert not Policy.objects.exists()


def test_get_policy_returns_each_kind_typed(superuser):
    # given
    set_policy(actor=superuser, key="processes.min_pressure_mpa", value="0.15")
    set_policy(actor=superuser, key="reports.complaint_categories", value="misconduct， billing")

    # then
    assert get_policy("processes.min_pressure_mpa") == Decimal("0.15")
    assert get_policy("processes.design_batch_time") == time(16, 30)
    assert get_policy("reports.complaint_categories") == ["misconduct", "billing"]
    assert get_policy("hotline.due_soon_hours") == 4


def test_a_stored_value_saved_before_the_check_falls_back_to_the_default(db, caplog):
    # given: rows written before rules had kinds (straight into the table)
    Policy.objects.create(key="hotline.callback_retry_hours", value="abc")
    Policy.objects.create(key="hotline.due_soon_hours", value=-5)

    # when
    retry, due_soon = get_policy("hotline.callback_retry_hours"), get_policy("hotline.due_soon_hours")

    # then
    assert (retry, due_soon) == (2, 4)
    assert "hotline.callback_retry_hours" in caplog.text


def test_a_rule_naming_a_hotline_category_refuses_an_unknown_code_in_the_admin(client_for, superuser):
    # when the administrator names a category that does not exist for the transfer's arrears notice
    response = client_for(superuser).post(ADD_URL, {"key": "processes.arrears_category", "value": "no_such"})

    # then the form says which rule and why, and nothing is saved
    assert response.status_code == 200
    error = response.context["adminform"].form.errors["value"][0]
    assert DEFAULTS["processes.arrears_category"].label in error
    assert "没有编码为“no_such”的热线类别" in error
    assert not Policy.objects.exists()


def test_a_rule_naming_a_hotline_category_refuses_one_that_cannot_be_transferred(superuser):
    # when / then: "consult" is answered by the agent, never transferred to a branch
    with pytest.raises(ValidationError) as refused:
        set_policy(actor=superuser, key="processes.arrears_category", value="consult")
    assert "不可转办" in refused.value.message_dict["value"][0]


def test_a_rule_naming_a_hotline_category_accepts_an_existing_one(superuser):
    # when
    set_policy(actor=superuser, key="processes.arrears_category", value="repair")

    # then
    assert get_policy("processes.arrears_category") == "repair"


@pytest.mark.parametrize(
    "rule, given, typed",
    [
        (Rule(2, "间隔", kind=HOURS, minimum=1, maximum=72), " 3 ", 3),
        (Rule(30, "预约提前", kind=MINUTES), "45", 45),
        (Rule(60, "等待", kind=SECONDS, minimum=10), 90, 90),
        (Rule(60, "延期", kind=WORKING_DAYS, minimum=1, maximum=366), "5", 5),
        (Rule("2026-01-01", "启用日期", kind=DATE), "2026-3-9", date(2026, 3, 9)),
        (Rule(True, "是否提醒"), "否", False),
        (Rule(False, "是否提醒", kind=BOOL), "true", True),
        (Rule("sms", "通知方式", kind=CHOICE, choices=(("sms", "短信"), ("call", "电话"))), " call ", "call"),
        (Rule("您好", "话术", kind=LONG_TEXT), "第一行\r\n第二行", "第一行\n第二行"),
    ],
)
def test_each_kind_reads_its_python_value(rule, given, typed):
    assert rule.typed(given) == typed
    assert rule.typed(rule.stored(given)) == typed


@pytest.mark.parametrize(
    "rule, given, bound",
    [
        (Rule(2, "间隔", kind=HOURS, minimum=1, maximum=72), "73", "1至72之间的整数（小时）"),
        (Rule(60, "延期", kind=WORKING_DAYS, minimum=1, maximum=366), "0", "1至366之间的整数（个工作日）"),
        (Rule("2026-01-01", "启用日期", kind=DATE), "2026-02-30", "日期（YYYY-MM-DD"),
        (Rule(True, "是否提醒"), "也许", "“是”或“否”"),
        (
            Rule("sms", "通知方式", kind=CHOICE, choices=(("sms", "短信"), ("call", "电话"))),
            "fax",
            "sms（短信）",
        ),
        (Rule("您好", "话术", kind=LONG_TEXT), "x" * 2001, "不超过2000个字符"),
        (Rule("JSD", "前缀", kind=TEXT), "两\n行", "一行文本"),
    ],
)
def test_each_kind_refuses_what_it_is_not_naming_the_rule(rule, given, bound):
    with pytest.raises(ValidationError) as refused:
        rule.typed(given)
    assert f"规则“{rule.label}”" in refused.value.messages[0] and bound in refused.value.messages[0]


def test_durations_carry_their_unit_and_a_rule_of_an_unknown_kind_is_a_programming_error():
    assert Rule(2, "间隔", kind=HOURS).unit == "小时"
    assert Rule(2, "延期", kind=WORKING_DAYS).unit == "个工作日"
    with pytest.raises(ValueError):
        Rule(2, "间隔", kind="fortnights")


def test_policies_reads_several_rules_in_one_query(superuser, django_assert_num_queries):
    # given
    set_policy(actor=superuser, key="telephony.pop_ringing_minutes", value=20)

    # when / then
    with django_assert_num_queries(1):
        values = policies("telephony.pop_ringing_minutes", "telephony.pop_after_hangup_minutes")
    assert values == (20, 2)
