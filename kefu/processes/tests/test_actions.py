"""The counter business's action table (kefu/processes/actions.py): the detail page and the API take
the same steps under the same names, and refuse the same bad input with the same Chinese words."""

import json

import pytest
from django.contrib.messages import get_messages
from django.urls import resolve

from kefu.accounts.models import Role
from kefu.api import api
from kefu.customers.tests.factories import CustomerFactory
from kefu.processes import actions, services
from kefu.processes.actions import ProcessAction
from kefu.processes.models import Approval, ProcessDocument


@pytest.fixture
def clerk(make_user):
    return make_user(Role.COUNTER_CLERK, username="clerk1")


@pytest.fixture
def process(clerk):
    return services.start_process(actor=clerk, definition_code="new_connection", customer=CustomerFactory())


def post_json(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_the_page_and_the_api_refuse_an_amount_that_is_no_number_with_the_same_words(client, clerk, process):
    # given
    client.force_login(clerk)

    # when
    page = client.post(f"/processes/{process.pk}/fee/", {"amount": "一百"})
    answer = post_json(
        client, f"/api/processes/{process.pk}/transitions", {"action": "fee", "amount": "一百"}
    )

    # then
    assert [str(m) for m in get_messages(page.wsgi_request)] == ["收费金额应为数字"]
    assert answer.status_code == 400 and answer.json()["errors"] == {"amount": ["收费金额应为数字"]}
    process.refresh_from_db()
    assert process.fee == 0


def test_the_page_and_the_api_refuse_an_extension_without_days_with_the_same_words(client, clerk, process):
    # given
    client.force_login(clerk)

    # when
    page = client.post(f"/processes/{process.pk}/approval/", {"kind": "extend", "reason": "等待规划许可"})
    answer = post_json(
        client, f"/api/processes/{process.pk}/transitions", {"action": "extend", "reason": "等待规划许可"}
    )

    # then
    (message,) = [str(m) for m in get_messages(page.wsgi_request)]
    assert answer.status_code == 400 and answer.json()["errors"] == {"days": [message]}
    assert "工作日" in message and not Approval.objects.exists()


def test_an_unknown_action_is_refused_naming_the_actions_there_are(client, clerk, process):
    # given
    client.force_login(clerk)

    # when
    answer = post_json(client, f"/api/processes/{process.pk}/transitions", {"action": "approve"})
    page = client.post(f"/processes/{process.pk}/approve/")

    # then
    assert answer.status_code == 400
    (message,) = answer.json()["errors"]["action"]
    assert message.startswith("没有「approve」这个业务操作") and "documents" in message
    assert page.status_code == 404


def test_the_page_the_api_and_the_table_share_one_vocabulary(process):
    # given
    schema = api.get_openapi_schema()["components"]["schemas"]["ProcessTransitionIn"]
    description = schema["properties"]["action"]["description"]

    # then every action of the table is a page path and named by the API
    assert set(actions.ACTIONS) == set(ProcessAction)
    for name in ProcessAction.values:
        assert resolve(f"/processes/{process.pk}/{name}/").url_name == "act"
        assert name in description
    # the old names are aliases of the one vocabulary, not actions of their own
    assert set(actions.ALIASES.values()) <= set(ProcessAction)
    assert not set(actions.ALIASES) & set(ProcessAction.values)


def test_the_old_api_name_document_still_receives_one_document(client, clerk, process):
    # given
    client.force_login(clerk)
    code = process.current_stage.documents_for(process.customer_kind)[0]["code"]

    # when
    answer = post_json(
        client, f"/api/processes/{process.pk}/transitions", {"action": "document", "document": code}
    )
    both = post_json(
        client, f"/api/processes/{process.pk}/transitions", {"action": "documents", "documents": [code]}
    )

    # then
    assert answer.status_code == 200 and both.status_code == 200
    assert ProcessDocument.objects.filter(process=process, code=code).count() == 2


def test_the_page_asks_for_either_approval_by_its_kind(client, clerk, process):
    # given
    client.force_login(clerk)

    # when
    client.post(f"/processes/{process.pk}/approval/", {"kind": "suspend", "reason": "客户要求暂缓"})
    refused = client.post(f"/processes/{process.pk}/approval/", {"kind": "refund", "reason": "x"})

    # then
    assert Approval.objects.get().kind == Approval.Kind.SUSPEND
    assert [str(m) for m in get_messages(refused.wsgi_request)][-1] == "只能申请延期或暂停"
