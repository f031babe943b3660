"""A responsible unit's staff member without a unit sees nothing, not everything (issue 11 item 5):
branch_scope gives a scope that matches no row, wherever it is used; and such a user cannot be saved
in the admin or the staff form."""

import pytest

from kefu.accounts.models import Role, User
from kefu.customers.models import ArchiveAccess, Customer, branch_scope
from kefu.customers.selectors import search_customers
from kefu.customers.tests.factories import CustomerFactory


@pytest.fixture
def unitless(make_user):
    # as an old row, or a user saved before this rule, would be
    return make_user(Role.UNIT_STAFF, username="nounit", name="未分配单位", unit=None)


@pytest.fixture
def wang(db):
    return CustomerFactory(name="王建国", phone="13812345678")


def test_a_unit_staff_member_without_a_unit_finds_no_customer(client_for, unitless, wang):
    # when the user searches and opens the archive by every way there is
    client = client_for(unitless)
    # then nothing is found and nothing opens
    assert search_customers(unitless, "王建国").customers == []
    assert search_customers(unitless, "5678").customers == []
    assert Customer.objects.visible_to(unitless).count() == 0
    assert client.get("/api/customers", {"q": "王建国"}).json()["results"] == []
    assert client.get("/customers/", {"q": "王建国"}).context["result"].customers == []
    assert client.get(f"/customers/{wang.pk}/").status_code == 404
    assert client.get(f"/api/customers/{wang.pk}").status_code == 404
    assert not ArchiveAccess.objects.exists()


def test_branch_scope_without_a_unit_matches_no_branch(unitless, agent):
    assert branch_scope(unitless) is not None  # not "every branch", which None means
    assert branch_scope(agent) is None


def test_the_admin_refuses_a_unit_staff_member_without_a_unit_in_chinese(client_for, make_user):
    # given a superuser in the admin, and a unit's staff member
    admin = make_user(
        Role.ADMINISTRATOR, username="root", name="超级管理员", is_superuser=True, is_staff=True
    )
    staff = make_user(Role.AGENT, username="zhang", name="张三")
    # when the unit is left empty while the role is set to 责任单位人员
    response = client_for(admin).post(
        f"/admin/accounts/user/{staff.pk}/change/",
        {
            "username": "zhang",
            "name": "张三",
            "role": Role.UNIT_STAFF,
            "unit": "",
            "is_active": "on",
            "date_joined_0": "2026-01-05",
            "date_joined_1": "08:00:00",
        },
    )
    # then the form comes back with the reason, and the user is unchanged
    assert response.status_code == 200
    assert "责任单位人员须选择所属单位" in response.content.decode()
    assert User.objects.get(pk=staff.pk).role == Role.AGENT


def test_the_staff_form_refuses_it_too(client_for, administrator):
    response = client_for(administrator).post(
        "/org/staff/new/",
        {
            "username": "u9",
            "name": "某人",
            "role": Role.UNIT_STAFF,
            "password": "Kefu@2026x",
            "is_active": "on",
        },
    )
    assert "责任单位人员须选择所属单位" in response.content.decode()
    assert not User.objects.filter(username="u9").exists()
