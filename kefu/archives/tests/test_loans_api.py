"""The reading and borrowing API (D2): the same rules and Chinese refusals as the pages, the same
visibility (403 without the right, 404 outside one's view, restricted files invisible)."""

import pytest

from kefu.archives.models import FileLoan
from kefu.archives.tests.factories_loans import LoanPeople, filed_file, owner_file, requested


@pytest.fixture
def people(make_user):
    return LoanPeople(make_user)


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_a_loan_from_request_to_return(client_for, people, client):
    file = filed_file(title="接口借阅的档案")
    client.force_login(people.clerk)
    response = post(
        client, "/api/archives/loans", {"file": file.pk, "kind": "loan", "purpose": "核对供水合同"}
    )
    assert response.status_code == 201, response.content
    loan = response.json()
    assert loan["state"] == "requested" and loan["file_title"] == "接口借阅的档案"
    # the borrower cannot approve it
    assert post(client, f"/api/archives/loans/{loan['id']}/approve").status_code == 403
    client.force_login(people.head)
    response = post(client, f"/api/archives/loans/{loan['id']}/approve", {"note": "同意"})
    assert response.status_code == 200 and response.json()["decided_by"] == "主任老李"
    client.force_login(people.archivist)
    response = post(client, f"/api/archives/loans/{loan['id']}/lend", {"signed": False})
    assert response.status_code == 400
    assert "借阅人须在《文件借阅登记表》上签字后才能登记" in str(response.json())
    response = post(client, f"/api/archives/loans/{loan['id']}/lend", {"signed": True})
    assert response.status_code == 200 and response.json()["state"] == "out"
    assert response.json()["due_on"] is not None
    listing = client.get("/api/archives/loans?state=out").json()
    assert [item["id"] for item in listing["items"]] == [loan["id"]] and listing["has_next"] is False
    response = post(client, f"/api/archives/loans/{loan['id']}/return")
    assert response.status_code == 200 and response.json()["received_by"] == "档案员小周"


def test_a_confidential_file_is_refused_with_the_rule(client, people):
    file = owner_file()
    client.force_login(people.clerk)
    response = post(client, "/api/archives/loans", {"file": file.pk, "kind": "loan", "purpose": "复印"})
    assert response.status_code == 400
    assert "不得借出或复印（物业客服规章制度·住户档案管理规定3(3)）" in str(response.json())
    response = post(client, "/api/archives/loans", {"file": file.pk, "kind": "read", "purpose": "核对"})
    assert response.status_code == 201 and response.json()["state"] == "approved"
    loan = response.json()["id"]
    client.force_login(people.archivist)
    response = post(client, f"/api/archives/loans/{loan}/read", {"signed": True})
    assert response.json()["state"] == "reading"


def test_reading_not_for_work_waits_for_approval_and_a_refusal_needs_a_reason(client, people):
    client.force_login(people.clerk)
    body = {"file": filed_file().pk, "kind": "read", "purpose": "个人了解", "for_work": False}
    loan = post(client, "/api/archives/loans", body).json()
    assert loan["state"] == "requested"
    client.force_login(people.director)
    response = post(client, f"/api/archives/loans/{loan['id']}/refuse", {"note": ""})
    assert response.status_code == 400 and "不予批准须写明理由" in str(response.json())
    response = post(client, f"/api/archives/loans/{loan['id']}/refuse", {"note": "非工作需要"})
    assert response.json()["state"] == "refused"


def test_visibility(client, make_user, people):
    restricted = filed_file(restricted_to="inspection.view_case")
    own = requested(people.inspector, restricted, kind=FileLoan.Kind.READ)
    theirs = requested(people.leader, filed_file())
    client.force_login(people.clerk)
    # a restricted file does not exist for the clerk, nor do other people's loans
    response = post(client, "/api/archives/loans", {"file": restricted.pk, "kind": "read", "purpose": "看看"})
    assert response.status_code == 404
    assert client.get(f"/api/archives/loans/{own.pk}").status_code == 404
    assert client.get(f"/api/archives/loans/{theirs.pk}").status_code == 404
    assert client.get("/api/archives/loans").json()["items"] == []
    # the clerk cannot lend
    assert post(client, f"/api/archives/loans/{theirs.pk}/lend", {"signed": True}).status_code == 403
    client.force_login(make_user("", username="norole"))
    assert client.get("/api/archives/loans").status_code == 403
    client.force_login(people.archivist)
    ids = {item["id"] for item in client.get("/api/archives/loans").json()["items"]}
    assert ids == {own.pk, theirs.pk}


def test_the_borrower_withdraws(client, people):
    loan = requested(people.clerk, filed_file())
    client.force_login(people.clerk)
    response = post(client, f"/api/archives/loans/{loan.pk}/cancel", {"note": "不需要了"})
    assert response.status_code == 200 and response.json()["state"] == "cancelled"
