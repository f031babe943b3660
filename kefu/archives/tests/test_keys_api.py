"""The key cabinet's API: the same services, visibility and Chinese refusals as the pages."""

import pytest

from kefu.archives.models import Key, KeyCopyRequest
from kefu.archives.tests.factories_keys import (
    copy_requested,
    equipment_key,
    flat_keys,
    key_people,  # noqa: F401 - the fixture "people"
    lent,
    owner_key,
    public_key,
)
from kefu.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def post(client, url, data):
    return client.post(url, data=data, content_type="application/json")


def test_keys_are_listed_and_read_with_their_open_loan(people, client_for):
    key = public_key(people.archivist)
    equipment_key(people.archivist)
    lent(people.archivist, key, people.clerk)
    client = client_for(people.head)
    answer = client.get("/api/archives/keys?state=lent").json()
    assert [k["label"] for k in answer["items"]] == ["3栋-2单元-05层-公共门窗"]
    assert answer["items"][0]["open_loan"]["borrower_username"] == "kclerk"
    one = client.get(f"/api/archives/keys/{key.pk}").json()
    assert one["state_label"] == "借出" and one["holder_department"] == "客户服务部"
    assert client.get("/api/archives/keys?kind=equipment").json()["items"][0]["holder_department"] == "工程部"


def test_the_api_refuses_roles_without_the_cabinet(people, client_for):
    key = public_key(people.archivist)
    client = client_for(people.agent)
    assert client.get("/api/archives/keys").status_code == 403
    assert client.get(f"/api/archives/keys/{key.pk}").status_code == 403
    assert client_for(people.archivist).get("/api/archives/keys/999999").status_code == 404


def test_a_loan_and_its_return_through_the_api(people, client_for):
    key = public_key(people.archivist)
    client = client_for(people.archivist)
    url = f"/api/archives/keys/{key.pk}/lend"
    refused = post(client, url, {"borrower": "kclerk", "purpose": "换灯", "borrower_signed": False})
    assert refused.status_code == 400
    assert "借用人须在《房屋钥匙管理记录表》上签字后方可借出" in str(refused.json())
    unknown = post(client, url, {"borrower": "nobody", "purpose": "换灯", "borrower_signed": True})
    assert unknown.status_code == 400 and "借用人账号不存在" in str(unknown.json())
    done = post(client, url, {"borrower": "kclerk", "purpose": "换灯", "borrower_signed": True})
    assert done.status_code == 201
    loan = done.json()
    assert loan["borrower"] == "营业员小王" and loan["overdue"] is False
    assert client.get("/api/archives/key-loans?open_only=true").json()["items"][0]["id"] == loan["id"]
    back = post(client, f"/api/archives/key-loans/{loan['id']}/return", {})
    assert back.status_code == 200 and back.json()["returned_at"]
    assert (
        post(client_for(people.clerk), f"/api/archives/key-loans/{loan['id']}/return", {}).status_code == 403
    )


def test_the_owners_keys_are_issued_through_the_api_with_the_id_masked(people, client_for):
    keys = flat_keys(people.archivist)
    customer = CustomerFactory()
    client = client_for(people.archivist)
    body = {
        "customer": customer.pk,
        "keys": [k.pk for k in keys],
        "identity_document": "居民身份证",
        "identity_number": customer.id_number,
        "owner_signed": False,
    }
    refused = post(client, "/api/archives/keys/issue", body)
    assert refused.status_code == 400 and "须由业主签领钥匙" in str(refused.json())
    done = post(client, "/api/archives/keys/issue", {**body, "owner_signed": True})
    assert done.status_code == 201
    assert len(done.json()["keys"]) == 5
    assert Key.objects.filter(state=Key.State.ISSUED).count() == 5


def test_copies_are_requested_and_decided_through_the_api(people, client_for):
    key = equipment_key(people.archivist)
    archivist = client_for(people.archivist)
    refused = post(
        archivist, f"/api/archives/keys/{owner_key(people.archivist).pk}/copy-requests", {"reason": "备用"}
    )
    assert refused.status_code == 400 and "业主钥匙由业主自行配制" in str(refused.json())
    made = post(archivist, f"/api/archives/keys/{key.pk}/copy-requests", {"copies": 2, "reason": "备用"})
    assert made.status_code == 201
    request_id = made.json()["id"]
    assert (
        post(
            archivist, f"/api/archives/key-copy-requests/{request_id}/decide", {"decision": "consent"}
        ).status_code
        == 403
    )
    engineer = client_for(people.engineer)
    queue = engineer.get("/api/archives/key-copy-requests?state=requested").json()
    assert [r["id"] for r in queue["items"]] == [request_id]
    decided = post(
        engineer,
        f"/api/archives/key-copy-requests/{request_id}/decide",
        {"decision": "consent", "note": "同意"},
    )
    assert decided.json()["state"] == "consented"
    archivist = client_for(people.archivist)  # one test client: logging in again switches it back
    done = post(archivist, f"/api/archives/key-copy-requests/{request_id}/made", {})
    assert done.json()["state"] == "made"
    key.refresh_from_db()
    assert key.copies == 3


def test_a_refusal_without_a_reason_is_a_400(people, client_for):
    request = copy_requested(people.archivist, public_key(people.archivist))
    response = post(
        client_for(people.engineer),
        f"/api/archives/key-copy-requests/{request.pk}/decide",
        {"decision": "refuse"},
    )
    assert response.status_code == 400 and "请填写不同意配制的理由" in str(response.json())
    assert KeyCopyRequest.objects.get().state == KeyCopyRequest.State.REQUESTED
