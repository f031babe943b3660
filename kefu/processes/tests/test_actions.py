"""The counter business's action table (kefu/processes/actions.py): the detail page and the API take
the same steps under the same names, and refuse the same bad input with the same Chinese words."""

import json

import pytest
from django.contrib.messages import get_messages
from django.urls import resolve

from kefu.accounts.models import Role
from kefu.api import api
from kefu.customers.tests.factories import CustomerFactory
from kefu.processes import actions, forms, services
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


# --- a leader's decision: the action decide, from the approvals page and the API alike -----------------


@pytest.fixture
def head(make_user):
    return make_user(Role.DEPARTMENT_HEAD, username="head1")


@pytest.fixture
def extension(clerk, process):
    return services.request_approval(
        actor=clerk, process=process, kind="extend", reason="等待规划许可", days=3
    )


def decide_on_page(client, approval, body):
    page = client.post(f"/processes/approvals/{approval.pk}/decide/", body)
    return [str(m) for m in get_messages(page.wsgi_request)]


def decide_by_api(client, approval, body):
    return post_json(client, f"/api/processes/approvals/{approval.pk}/decision", body)


@pytest.mark.parametrize("decision", [None, "", "maybe"])
def test_the_page_and_the_api_refuse_a_missing_or_unknown_decision_with_the_same_words(
    client, head, extension, decision
):
    # given
    client.force_login(head)
    body = {} if decision is None else {"decision": decision}

    # when
    page = decide_on_page(client, extension, body)
    answer = decide_by_api(client, extension, body)

    # then
    assert page == ["请选择批准或不批准"]
    assert answer.status_code == 400 and answer.json()["errors"] == {"decision": ["请选择批准或不批准"]}
    extension.refresh_from_db()
    assert extension.status == Approval.Status.PENDING


def test_the_page_and_the_api_refuse_a_leader_deciding_their_own_request_with_the_same_words(
    client, head, process
):
    # given
    own = services.request_approval(actor=head, process=process, kind="suspend", reason="客户要求暂缓")
    client.force_login(head)

    # when
    page = decide_on_page(client, own, {"decision": "approve"})
    answer = decide_by_api(client, own, {"decision": "approve"})

    # then
    assert page == ["不能审批自己提出的申请"]
    assert answer.status_code == 403 and answer.json()["detail"] == "不能审批自己提出的申请"
    own.refresh_from_db()
    assert own.status == Approval.Status.PENDING


def test_the_page_and_the_api_refuse_an_approval_already_decided_with_the_same_words(client, head, extension):
    # given
    services.decide(actor=head, approval=extension, approve=False, note="资料不全")
    client.force_login(head)

    # when
    page = decide_on_page(client, extension, {"decision": "approve"})
    answer = decide_by_api(client, extension, {"decision": "approve"})

    # then
    assert page == ["该申请已审批"]
    assert answer.status_code == 400 and answer.json()["errors"] == {"status": ["该申请已审批"]}
    extension.refresh_from_db()
    assert extension.status == Approval.Status.DECLINED


def test_the_api_takes_the_decision_by_its_one_name(client, head, extension, process):
    # given
    client.force_login(head)
    due = process.due_at

    # when
    answer = decide_by_api(client, extension, {"decision": "approve", "note": "同意"})

    # then
    assert answer.status_code == 200 and answer.json()["status"] == Approval.Status.APPROVED
    process.refresh_from_db()
    assert process.due_at > due


@pytest.mark.parametrize(("approve", "status"), [(True, "approved"), (False, "declined")])
def test_the_old_api_field_approve_still_decides_for_one_release(client, head, extension, approve, status):
    # given
    client.force_login(head)

    # when
    answer = decide_by_api(client, extension, {"approve": approve})

    # then
    assert answer.status_code == 200 and answer.json()["status"] == status
    extension.refresh_from_db()
    assert extension.status == status


def test_decide_is_an_action_of_the_table_the_transitions_take_too(client, head, extension, process):
    # given
    client.force_login(head)
    decision = api.get_openapi_schema()["components"]["schemas"]["DecisionIn"]["properties"]["decision"]

    # when
    elsewhere = services.start_process(
        actor=extension.requested_by, definition_code="new_connection", customer=CustomerFactory()
    )
    wrong = post_json(
        client,
        f"/api/processes/{elsewhere.pk}/transitions",
        {"action": "decide", "approval": extension.pk, "decision": "approve"},
    )
    right = post_json(
        client,
        f"/api/processes/{process.pk}/transitions",
        {"action": "decide", "approval": extension.pk, "decision": "decline"},
    )

    # then
    assert ProcessAction.DECIDE == "decide" and ProcessAction.DECIDE in actions.ACTIONS
    assert actions.ACTIONS[ProcessAction.DECIDE].form is forms.DecisionForm
    assert "approve" in decision["description"] and "decline" in decision["description"]
    assert wrong.status_code == 400 and wrong.json()["errors"] == {"approval": ["该业务没有这项审批"]}
    assert right.status_code == 200
    extension.refresh_from_db()
    assert extension.status == Approval.Status.DECLINED


@pytest.mark.parametrize("days", ["三", "2.5"])
def test_the_page_and_the_api_refuse_days_that_are_no_whole_number_with_the_same_words(
    client, clerk, process, days
):
    # given
    client.force_login(clerk)
    body = {"reason": "等待规划许可", "days": days}

    # when
    page = client.post(f"/processes/{process.pk}/approval/", {"kind": "extend", **body})
    answer = post_json(client, f"/api/processes/{process.pk}/transitions", {"action": "extend", **body})
    number = post_json(
        client, f"/api/processes/{process.pk}/transitions", {"action": "suspend", **body, "days": 2.5}
    )

    # then
    assert [str(m) for m in get_messages(page.wsgi_request)] == ["延期天数应为整数"]
    assert answer.status_code == 400 and answer.json()["errors"] == {"days": ["延期天数应为整数"]}
    assert number.status_code == 400 and number.json()["errors"] == {"days": ["延期天数应为整数"]}
    assert not Approval.objects.exists()


def test_the_page_and_the_api_refuse_days_out_of_range_with_the_same_words(client, clerk, process):
    # given
    client.force_login(clerk)

    # when
    page = client.post(f"/processes/{process.pk}/approval/", {"kind": "suspend", "reason": "x", "days": "-1"})
    answer = post_json(
        client, f"/api/processes/{process.pk}/transitions", {"action": "suspend", "reason": "x", "days": -1}
    )

    # then
    (message,) = [str(m) for m in get_messages(page.wsgi_request)]
    assert answer.status_code == 400 and answer.json()["errors"] == {"days": [message]}
    assert not Approval.objects.exists()
