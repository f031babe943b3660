"""A clerk runs a new connection from the archive page: start, documents, facts, advance, refusals shown
in plain Chinese, return and reject."""

from decimal import Decimal

import pytest

from kefu.accounts.models import Role
from kefu.customers.tests.factories import AccountFactory, CustomerFactory
from kefu.processes.models import Process, StageDefinition


@pytest.fixture
def clerk_client(client, make_user):
    client.force_login(make_user(Role.COUNTER_CLERK, username="clerk1"))
    return client


def test_a_clerk_starts_a_business_from_the_archive_and_is_told_what_is_missing(clerk_client):
    customer = CustomerFactory(name="张伟")
    archive = clerk_client.get(f"/customers/{customer.pk}/").content.decode()
    assert f"/processes/start/?customer={customer.pk}" in archive
    response = clerk_client.post(
        "/processes/start/", {"customer": customer.pk, "definition": "new_connection"}
    )
    process = Process.objects.get()
    assert response.status_code == 302 and response.url == f"/processes/{process.pk}/"
    # advancing with nothing handed in says what is missing, in Chinese, and stays put
    page = clerk_client.post(f"/processes/{process.pk}/advance/", follow=True).content.decode()
    assert "缺少材料" in page and "请填写该片区的供水压力" in page
    process.refresh_from_db()
    assert process.current_stage.code == "application"


def test_a_clerk_hands_in_documents_fills_facts_and_advances(clerk_client):
    customer = CustomerFactory()
    AccountFactory(customer=customer, arrears=Decimal("0"))
    clerk_client.post("/processes/start/", {"customer": customer.pk, "definition": "new_connection"})
    process = Process.objects.get()
    codes = [
        doc["code"]
        for doc in StageDefinition.objects.get(
            definition=process.definition, code="application"
        ).documents_for("individual")
    ]
    clerk_client.post(f"/processes/{process.pk}/documents/", {"code": codes})
    bad = clerk_client.post(f"/processes/{process.pk}/facts/", {"area_pressure_mpa": "abc"}, follow=True)
    assert "片区供水压力（MPa）应为数字" in bad.content.decode()
    clerk_client.post(f"/processes/{process.pk}/facts/", {"area_pressure_mpa": "0.25"})
    page = clerk_client.post(f"/processes/{process.pk}/advance/", follow=True).content.decode()
    assert "已进入「设计委托」" in page
    process.refresh_from_db()
    assert process.current_stage.code == "design_commission" and process.facts["area_pressure_mpa"] == "0.25"


def test_return_and_reject_from_the_page_need_a_reason(clerk_client):
    customer = CustomerFactory()
    clerk_client.post("/processes/start/", {"customer": customer.pk, "definition": "new_connection"})
    process = Process.objects.get()
    page = clerk_client.post(f"/processes/{process.pk}/reject/", {"reason": ""}, follow=True).content.decode()
    assert "不予受理须说明原因" in page
    clerk_client.post(f"/processes/{process.pk}/reject/", {"reason": "违章建筑"})
    process.refresh_from_db()
    assert process.state == Process.State.REJECTED


def test_an_agent_cannot_start_a_business(client, make_user):
    client.force_login(make_user(Role.AGENT))
    assert client.get(f"/processes/start/?customer={CustomerFactory().pk}").status_code == 403
