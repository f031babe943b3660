"""Issue 12: the 业务规则 page lists every rule of the catalogue grouped by domain, with its value,
default, unit, source and last change; it refuses a bad value with a Chinese error naming the rule and
the bound (400), records every change and restore as an event, and is closed to those without the
permission."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from kefu.core.models import Event, Policy
from kefu.core.policies import DEFAULTS, DOMAINS, policy
from kefu.core.services import set_policy

LIST = "/rules/"


def edit_url(key: str) -> str:
    return f"/rules/{key}/"


def test_the_page_lists_every_rule_with_its_source_grouped_by_domain(client_for, administrator):
    # when
    response = client_for(administrator).get(LIST)

    # then
    assert response.status_code == 200
    html = response.content.decode()
    for key, rule in DEFAULTS.items():
        assert f'data-rule="{key}"' in html
        assert rule.source.split("：")[0] in html
    groups = dict(response.context["groups"])
    assert set(groups) == set(DOMAINS.values())
    for domain, rows in groups.items():
        assert all(DOMAINS[row.key] == domain for row in rows)
    assert "热线与工单" in groups and "值班与交接班" in groups


def test_the_page_shows_the_value_in_force_and_who_changed_it(client_for, administrator):
    # given
    set_policy(actor=administrator, key="hotline.callback_hours", value=12)

    # when
    response = client_for(administrator).get(LIST)

    # then
    row = next(r for _, rows in response.context["groups"] for r in rows if r.key == "hotline.callback_hours")
    assert (row.current, row.default, row.rule.unit) == ("12", "24", "小时")
    assert row.changed and row.changed_by == administrator.name and row.changed_at is not None


def test_the_search_finds_rules_by_label_or_key(client_for, administrator):
    # when
    by_label = client_for(administrator).get(LIST, {"q": "延期"})
    by_key = client_for(administrator).get(LIST, {"q": "telephony.pop"})

    # then
    assert [r.key for _, rows in by_label.context["groups"] for r in rows] == [
        "processes.extension_max_working_days"
    ]
    assert {r.key for _, rows in by_key.context["groups"] for r in rows} == {
        "telephony.pop_ringing_minutes",
        "telephony.pop_after_hangup_minutes",
    }


@pytest.mark.parametrize(
    "key, value, bound",
    [
        ("hotline.callback_hours", "0", "1至720之间的整数（小时）"),
        ("hotline.callback_hours", "十二", "1至720之间的整数（小时）"),
        ("processes.extension_max_working_days", "400", "1至366之间的整数（个工作日）"),
        ("processes.design_batch_time", "25:00", "HH:MM"),
        ("customers.arrears_tolerance_yuan", "-1", "0至100000之间的数值"),
        ("hotline.script_greeting", "   ", "不能为空"),
    ],
)
def test_a_bad_value_is_refused_with_a_chinese_error_naming_the_rule_and_the_bound(
    client_for, administrator, key, value, bound
):
    # when
    response = client_for(administrator).post(edit_url(key), {"value": value})

    # then
    assert response.status_code == 400
    error = response.context["form"].errors["value"][0]
    assert DEFAULTS[key].label in error and bound in error
    assert error in response.content.decode()
    assert not Policy.objects.exists()
    assert not Event.objects.exists()


def test_a_change_is_an_event_and_policy_reads_the_new_value(client_for, administrator):
    # when
    response = client_for(administrator).post(edit_url("hotline.callback_hours"), {"value": " 12 "})

    # then
    assert response.status_code == 302
    assert policy("hotline.callback_hours") == 12
    event = Event.objects.get()
    assert (event.verb, event.actor, event.target_repr) == (
        "policy.changed",
        administrator,
        "hotline.callback_hours",
    )
    assert event.changes == {"value": [24, 12]}


def test_a_script_keeps_its_lines(client_for, administrator):
    # when
    client_for(administrator).post(
        edit_url("hotline.script_closing"), {"value": "请问还有其他问题吗？\r\n感谢来电，再见"}
    )

    # then
    assert policy("hotline.script_closing") == "请问还有其他问题吗？\n感谢来电，再见"


def test_restore_default_is_an_event_and_the_default_applies_again(client_for, administrator):
    # given
    set_policy(actor=administrator, key="hotline.callback_hours", value=12)

    # when
    response = client_for(administrator).post("/rules/hotline.callback_hours/restore/")

    # then
    assert response.status_code == 302
    assert policy("hotline.callback_hours") == 24
    assert not Policy.objects.exists()
    restored = Event.objects.filter(verb="policy.restored").get()
    assert restored.changes == {"value": [12, 24]} and restored.actor == administrator
    # and the list still says who restored it and when
    page = client_for(administrator).get(LIST)
    row = next(r for _, rows in page.context["groups"] for r in rows if r.key == "hotline.callback_hours")
    assert not row.changed and row.changed_by == administrator.name


def test_the_edit_page_shows_the_rule_its_source_and_its_history(client_for, administrator):
    # given
    set_policy(actor=administrator, key="workforce.longest_shift_hours", value=12)

    # when
    response = client_for(administrator).get(edit_url("workforce.longest_shift_hours"))

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert DEFAULTS["workforce.longest_shift_hours"].source in html
    assert response.context["history"][0]["new"] == "12"


def test_an_unknown_rule_is_not_found(client_for, administrator):
    assert client_for(administrator).get(edit_url("hotline.no_such_rule")).status_code == 404


def test_an_agent_may_neither_see_nor_change_the_rules(client_for, agent):
    # when
    client = client_for(agent)

    # then
    assert client.get(LIST).status_code == 403
    assert client.post(edit_url("hotline.callback_hours"), {"value": "1"}).status_code == 403
    assert client.post("/rules/hotline.callback_hours/restore/").status_code == 403
    assert not Policy.objects.exists()


def test_a_viewer_without_the_change_permission_sees_no_edit_links(client_for, make_user):
    # given a user who may only view the rules
    from django.contrib.auth.models import Permission

    viewer = make_user("", username="viewer")
    viewer.user_permissions.add(Permission.objects.get(codename="view_policy"))
    set_policy(actor=viewer, key="hotline.callback_hours", value=12)

    # when
    client = client_for(viewer)
    response = client.get(LIST)

    # then
    assert response.status_code == 200 and "/restore/" not in response.content.decode()
    assert "/rules/hotline.callback_hours/" not in response.content.decode()
    assert client.post(edit_url("hotline.callback_hours"), {"value": "1"}).status_code == 403


def test_the_export_lists_every_rule(client_for, administrator):
    # when
    response = client_for(administrator).get("/rules/export.xlsx")

    # then
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    keys = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(keys) == sorted(DEFAULTS)


def test_the_print_view_lists_every_rule(client_for, administrator):
    # when
    response = client_for(administrator).get(LIST, {"print": "1"})

    # then
    assert response.status_code == 200
    assert response.templates[0].name == "core/rules_print.html"
    assert sum(len(rows) for _, rows in response.context["groups"]) == len(DEFAULTS)


def test_the_navigation_leads_those_who_may_view_the_rules_to_them(client_for, administrator, agent):
    assert 'href="/rules/"' in client_for(administrator).get("/").content.decode()
    assert 'href="/rules/"' not in client_for(agent).get("/").content.decode()


def test_the_department_head_reads_the_rules_but_only_the_administrator_changes_them(
    client_for, department_head
):
    # when the head, who works by the rules, opens the page
    client = client_for(department_head)
    response = client.get(LIST)

    # then every rule is there to read, and nothing can be changed
    assert response.status_code == 200
    assert 'data-rule="hotline.callback_hours"' in response.content.decode()
    assert "/rules/hotline.callback_hours/restore/" not in response.content.decode()
    assert client.post(edit_url("hotline.callback_hours"), {"value": "1"}).status_code == 403
    assert not Policy.objects.exists()
