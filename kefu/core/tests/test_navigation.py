"""The top navigation and the home tiles come from the entries the apps register; each role sees the
same modules as when the list was written out in core (the table below is that list)."""

import pytest
from django.urls import reverse

from kefu.accounts.models import Role
from kefu.core.navigation import soon
from kefu.core.registry import platform
from kefu.quality.selectors_mine import is_appraised

# (label, url name, permissions any one of which shows it): the navigation as it was before the registry
# (and 业务规则, new with it).
BEFORE = [
    ("首页", "home", None),
    ("热线受理", "hotline:workspace", ("hotline.add_contact",)),
    ("工单", "hotline:work_orders", ("hotline.view_workorder",)),
    # issue 13: the contact register in the menu, and incidents
    ("来电记录", "hotline:contacts", ("hotline.view_contact",)),
    ("知识库", "knowledge:index", ("knowledge.view_article",)),
    ("突发事件", "incidents:list", ("incidents.view_incident",)),
    # issue 16: a person's own checks and sheets, for every role the appraisal covers
    ("我的质检与考核", "quality:mine", is_appraised),
    # issue 14: the workforce (签到 and 我的排班 for those on the roster)
    ("签到", "workforce:sign_in_page", ("workforce.add_attendance",)),
    ("我的排班", "workforce:my_roster", ("workforce.add_attendance",)),
    ("交接班", "workforce:handovers", ("workforce.view_handover",)),
    ("排班表", "workforce:roster", ("workforce.view_rosterentry",)),
    ("请假", "workforce:leave_list", ("workforce.view_leaverequest",)),
    ("换班", "workforce:swaps", ("workforce.view_shiftswap",)),
    ("考勤与违纪", "workforce:attendance", ("workforce.correct_attendance", "workforce.view_disciplinecase")),
    ("话务预测与测算", "workforce:forecast", ("workforce.view_rosterplan",)),
    ("自动排班", "workforce:plans", ("workforce.add_rosterplan",)),
    ("窗口业务", "processes:index", ("processes.view_process", "processes.handle_stage")),
    ("收费", "collection:index", ("collection.view_payment",)),
    ("客户档案", "customers:search", ("customers.view_customer",)),
    # issue 15: the meters
    ("水表", "meters:desk", ("meters.view_stockmeter",)),
    ("换表", "meters:replacements", ("meters.view_replacement",)),
    ("旧表与验收", "meters:returns", ("meters.view_oldmeterreturn", "meters.view_acceptance")),
    ("水表购置计划", "meters:purchase_plans", ("meters.view_purchaseplan",)),
    # issue 17: field inspection, the archive room and the key cabinet
    ("稽查", "inspection:cases", ("inspection.view_case",)),
    ("巡查计划", "inspection:patrol_plan", ("inspection.view_patrolplan",)),
    ("档案与钥匙", "archives:desk", ("archives.view_archivefile", "archives.view_key")),
    # issue 16: quality inspection and the appraisal (我的质检与考核 for everyone appraised)
    ("质检考核", "quality:checks", ("quality.view_qacheck",)),
    ("月度考核", "quality:months", ("quality.view_appraisalmonth",)),
    ("考核指标", "quality:indicators", ("quality.view_softindicatorscore",)),
    ("接听统计", "telephony:stats", ("telephony.view_call",)),
    ("指标看板", "kpi:dashboard", ("kpi.view_dashboard",)),
    ("报表", "reports:index", ("hotline.export_register", "reports.view_team_report")),
    ("组织人员", "accounts:staff_list", ("accounts.view_user",)),
    ("工作日历", "core:calendar", ("core.view_calendarday",)),
    # added by issue 12 with the rules catalogue
    ("业务规则", "core:rules", ("core.view_policy",)),
]


def expected_for(user) -> list[tuple[str, str | None]]:
    return [
        (label, reverse(url_name) if url_name else None)
        for label, url_name, perms in BEFORE
        if perms is None or (perms(user) if callable(perms) else any(user.has_perm(p) for p in perms))
    ]


@pytest.mark.parametrize("role", [*Role.values, ""])
def test_each_role_sees_the_modules_it_may_open_in_the_same_order(client_for, make_user, role):
    # given a user of the role
    user = make_user(role, username=f"user_{role or 'none'}")

    # when the home page is shown
    response = client_for(user).get("/")

    # then the navigation lists what it did before the apps registered their entries
    nav = [(item["label"], item["url"]) for item in response.context["nav"]]
    assert nav == expected_for(user)
    page = response.content.decode()
    for label, url in nav:
        assert (f'href="{url}"' if url else f'title="即将上线">{label}') in page


def test_the_home_tiles_are_every_entry_but_the_home_page_itself(client_for, administrator):
    response = client_for(administrator).get("/")
    tiles = [item["label"] for item in response.context["nav"] if item["tile"]]
    assert tiles == [label for label, _ in expected_for(administrator)][1:]
    # a module still to come is no tile of its own on the home page (it stays greyed in the menu)
    assert 'class="tile soon"' not in response.content.decode()


def test_the_page_in_use_is_marked_active(client_for, administrator):
    nav = client_for(administrator).get(reverse("core:calendar")).context["nav"]
    assert [item["label"] for item in nav if item["active"]] == ["工作日历"]


def test_a_module_still_to_come_gives_way_when_its_app_registers_it(client_for, administrator, monkeypatch):
    # given a module still to come (greyed) and, later, an app that provides it
    from kefu.core.navigation import everyone
    from kefu.core.registry import NavEntry

    monkeypatch.setattr(platform, "nav", [*platform.nav, soon("多中心", 95)])
    nav = [(i["label"], i["url"]) for i in client_for(administrator).get("/").context["nav"]]
    assert ("多中心", None) in nav
    monkeypatch.setattr(platform, "nav", [*platform.nav, NavEntry("多中心", "core:calendar", 95, everyone)])

    # then the greyed placeholder is gone and the real entry is in its place
    nav = [(i["label"], i["url"]) for i in client_for(administrator).get("/").context["nav"]]
    assert nav.count(("多中心", reverse("core:calendar"))) == 1 and ("多中心", None) not in nav
    assert soon("多中心", 95) in platform.nav  # the placeholder is still registered, only hidden


def test_the_top_menu_groups_the_modules_for_the_head(client_for, department_head):
    # given the department head, who sees most modules
    response = client_for(department_head).get("/")
    menu = response.context["menu"]

    # then the daily entries stand alone and the rest are in a few groups, every entry in one place
    labels = [entry["label"] for entry in menu]
    assert "系统管理" in labels and "统计报表" in labels and "营业与档案" in labels
    assert len(menu) <= 9
    flat = [sub["label"] for entry in menu for sub in entry.get("entries", [entry])]
    assert flat == [item["label"] for item in response.context["nav"]]
    page = response.content.decode()
    assert 'class="navgroup' in page and "系统管理 ▾" in page


def test_a_group_of_one_visible_entry_is_a_plain_link(client_for, make_user):
    agent = make_user(Role.AGENT, username="agent_menu")
    menu = client_for(agent).get("/").context["menu"]
    for entry in menu:
        assert "entries" not in entry or len(entry["entries"]) > 1


def test_the_404_page_speaks_chinese_not_http404(client_for, administrator, settings):
    settings.DEBUG = False
    client = client_for(administrator)
    # an unknown address, and a record that does not exist (get_object_or_404's English reason)
    for address in ["/no-such-page/", "/org/staff/999999/"]:
        response = client.get(address)
        assert response.status_code == 404
        page = response.content.decode()
        assert "页面或记录不存在" in page
        assert "Http404" not in page and "matches the given query" not in page


def test_there_is_a_favicon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("kefu/favicon.svg")
    assert 'rel="icon"' in client.get("/login/").content.decode()
