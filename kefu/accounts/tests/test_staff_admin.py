"""Staff administration (S1): an administrator adds staff in a role, the role decides the permission
group, every change is recorded; and logging in, including the lockout after repeated failures."""

import pytest
from django.contrib.auth.models import Group

from kefu.accounts.models import Role, User
from kefu.accounts.roles import DEFAULT_PERMISSIONS, all_default_permissions, group_name
from kefu.accounts.tests.factories import TeamFactory, UnitFactory
from kefu.core.models import Event

PASSWORD = "Shuiwu@2026"


def staff_form(**changes) -> dict:
    return {
        "username": "zhangli",
        "name": "张丽",
        "employee_no": "0101",
        "role": Role.AGENT,
        "phone": "13905710001",
        "password": PASSWORD,
        "is_active": "on",
    } | changes


# Adding staff


def test_an_administrator_adds_an_agent_through_the_page(client_for, administrator):
    # given an administrator on the staff page
    client = client_for(administrator)
    team = TeamFactory(name="热线一班（早班）")
    assert client.get("/org/staff/new/").status_code == 200
    # when a new agent is added to a team
    response = client.post("/org/staff/new/", staff_form(team=team.pk))
    # then the agent exists in the agent group, with an Argon2 password hash
    assert response.status_code == 302
    user = User.objects.get(username="zhangli")
    assert (user.name, user.role, user.team, user.employee_no) == ("张丽", Role.AGENT, team, "0101")
    assert list(user.groups.values_list("name", flat=True)) == [group_name(Role.AGENT)]
    assert user.password.startswith("argon2$")
    assert user.check_password(PASSWORD)
    assert user.has_perm("customers.view_customer")
    assert not user.has_perm("customers.view_sensitive_customer")
    # and the addition is recorded under the administrator
    event = Event.objects.get(verb="staff.created")
    assert event.actor == administrator
    assert event.target_id == user.pk
    assert event.changes["role"] == Role.AGENT
    # and the new agent is listed
    assert "张丽" in client.get("/org/staff/").content.decode()


def test_the_new_member_of_staff_can_log_in(client_for, administrator, client):
    client_for(administrator).post("/org/staff/new/", staff_form())
    client.logout()
    response = client.post("/login/", {"username": "zhangli", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").context["user"].username == "zhangli"


def test_unit_staff_without_a_unit_are_refused_in_chinese(client_for, administrator):
    # when an administrator adds unit staff without saying which unit
    response = client_for(administrator).post("/org/staff/new/", staff_form(role=Role.UNIT_STAFF))
    # then the form says why, and nobody is added
    assert response.status_code == 200
    assert "责任单位人员须选择所属单位" in response.content.decode()
    assert not User.objects.filter(username="zhangli").exists()


def test_unit_staff_with_a_unit_are_accepted(client_for, administrator):
    branch = UnitFactory(name="城东供水分公司")
    client_for(administrator).post("/org/staff/new/", staff_form(role=Role.UNIT_STAFF, unit=branch.pk))
    user = User.objects.get(username="zhangli")
    assert user.unit == branch
    assert list(user.groups.values_list("name", flat=True)) == [group_name(Role.UNIT_STAFF)]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"password": ""}, "新员工须设置初始密码"),
        ({"password": "12345678"}, "密码"),
        ({"password": "abc"}, "密码"),
        ({"username": "agent"}, "该用户名已被使用"),
        ({"employee_no": "0001"}, "该工号已被使用"),
    ],
)
def test_the_staff_form_explains_a_mistake(client_for, administrator, agent, changes, message):
    agent.employee_no = "0001"
    agent.save()
    response = client_for(administrator).post("/org/staff/new/", staff_form(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(name="张丽").exists()


def test_an_administrator_is_staff_for_the_django_admin(client_for, administrator):
    client_for(administrator).post("/org/staff/new/", staff_form(role=Role.ADMINISTRATOR, username="admin2"))
    assert User.objects.get(username="admin2").is_staff


# Changing staff


def test_changing_the_role_moves_the_permission_group(client_for, administrator, agent):
    # given an agent promoted to team leader
    client = client_for(administrator)
    response = client.post(
        f"/org/staff/{agent.pk}/",
        staff_form(username="agent", name=agent.name, role=Role.TEAM_LEADER, password=""),
    )
    # then the agent left the agent group for the team leader group
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.role == Role.TEAM_LEADER
    assert list(agent.groups.values_list("name", flat=True)) == [group_name(Role.TEAM_LEADER)]
    assert User.objects.get(pk=agent.pk).has_perm("accounts.view_user")
    # and the change is recorded with the old and new role
    event = Event.objects.get(verb="staff.updated")
    assert event.changes["role"] == [Role.AGENT, Role.TEAM_LEADER]
    assert event.actor == administrator


def test_a_username_cannot_be_changed(client_for, administrator, agent):
    client_for(administrator).post(
        f"/org/staff/{agent.pk}/", staff_form(username="renamed", name=agent.name, password="")
    )
    agent.refresh_from_db()
    assert agent.username == "agent"


def test_leaving_the_password_empty_keeps_it(client_for, administrator, agent):
    client_for(administrator).post(
        f"/org/staff/{agent.pk}/", staff_form(username="agent", name="小张", password="")
    )
    agent.refresh_from_db()
    assert agent.check_password("kefu-test-pass")
    assert not Event.objects.filter(verb="staff.password_reset").exists()


def test_an_administrator_resets_a_password(client_for, administrator, agent):
    client_for(administrator).post(
        f"/org/staff/{agent.pk}/", staff_form(username="agent", name=agent.name, password="Xinmima@2026")
    )
    agent.refresh_from_db()
    assert agent.check_password("Xinmima@2026")
    assert Event.objects.filter(verb="staff.password_reset", actor=administrator).exists()


def test_a_member_of_staff_who_leaves_can_no_longer_log_in(client_for, administrator, agent, client):
    client_for(administrator).post(
        f"/org/staff/{agent.pk}/", staff_form(username="agent", name=agent.name, password="", is_active="")
    )
    client.logout()
    response = client.post("/login/", {"username": "agent", "password": "kefu-test-pass"})
    assert response.status_code == 200
    assert not response.context["user"].is_authenticated


# Who may administer staff


def test_an_agent_may_not_open_the_staff_pages(client_for, agent, administrator):
    client = client_for(agent)
    assert client.get("/org/staff/").status_code == 403
    assert client.get("/org/staff/new/").status_code == 403
    assert client.post("/org/staff/new/", staff_form()).status_code == 403
    assert client.get(f"/org/staff/{administrator.pk}/").status_code == 403
    assert client.post(f"/org/staff/{administrator.pk}/", staff_form(role=Role.AGENT)).status_code == 403
    assert client.get("/org/units/").status_code == 403
    assert client.get("/org/areas/").status_code == 403
    assert not User.objects.filter(username="zhangli").exists()
    administrator.refresh_from_db()
    assert administrator.role == Role.ADMINISTRATOR


def test_a_team_leader_may_see_but_not_change_staff(make_user, client_for, agent):
    client = client_for(make_user(Role.TEAM_LEADER, username="leader"))
    assert client.get("/org/staff/").status_code == 200
    assert client.get("/org/staff/new/").status_code == 403
    assert client.get(f"/org/staff/{agent.pk}/").status_code == 403


def test_the_staff_list_survives_odd_input(client_for, administrator):
    client = client_for(administrator)
    assert client.get("/org/staff/", {"q": "张", "role": "nonsense", "page": "x"}).status_code == 200
    # A NUL character is refused with a clear 400 (RejectControlCharactersMiddleware), never a 500.
    assert client.get("/org/staff/", {"q": "张\x00"}).status_code == 400


# Role groups


@pytest.mark.django_db
def test_post_migrate_created_one_group_per_role_with_its_permissions():
    # every role has its group, named in Chinese after the role
    names = set(Group.objects.values_list("name", flat=True))
    assert {group_name(role) for role in Role.values} <= names
    # and each group holds the role's default permissions, its own apps' defaults included
    for role, perms in all_default_permissions().items():
        group = Group.objects.get(name=group_name(role))
        held = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        assert held == set(perms), role


@pytest.mark.django_db
def test_only_roles_that_handle_paperwork_see_whole_numbers():
    sensitive = {
        role for role, perms in DEFAULT_PERMISSIONS.items() if "customers.view_sensitive_customer" in perms
    }
    assert Role.AGENT not in sensitive and Role.UNIT_STAFF not in sensitive
    assert {Role.COUNTER_CLERK, Role.DEPARTMENT_HEAD, Role.ARCHIVIST} <= sensitive


# Logging in and the lockout


def test_login_works_with_the_right_password(client, agent):
    response = client.post("/login/", {"username": "agent", "password": "kefu-test-pass"})
    assert response.status_code == 302
    assert response.url == "/"
    assert client.get("/").status_code == 200


def test_a_wrong_password_is_refused_in_chinese(client, agent):
    response = client.post("/login/", {"username": "agent", "password": "wrong-pass"})
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(client, agent):
    # given five failed attempts
    for _ in range(5):
        client.post("/login/", {"username": "agent", "password": "guess-123"})
    # when the right password is given
    response = client.post("/login/", {"username": "agent", "password": "kefu-test-pass"})
    # then the account stays locked, and says so
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()
    assert client.get("/").status_code == 302


def test_the_lockout_is_per_account_not_per_address(client, agent, counter_clerk):
    for _ in range(5):
        client.post("/login/", {"username": "agent", "password": "guess-123"})
    # a colleague behind the same address still logs in
    response = client.post("/login/", {"username": "clerk", "password": "kefu-test-pass"})
    assert response.status_code == 302


def test_four_wrong_passwords_do_not_lock_and_a_success_resets_the_count(client, agent):
    for _ in range(4):
        client.post("/login/", {"username": "agent", "password": "guess-123"})
    assert client.post("/login/", {"username": "agent", "password": "kefu-test-pass"}).status_code == 302
    client.logout()
    for _ in range(4):
        client.post("/login/", {"username": "agent", "password": "guess-123"})
    assert client.post("/login/", {"username": "agent", "password": "kefu-test-pass"}).status_code == 302
