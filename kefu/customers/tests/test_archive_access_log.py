"""Who read which archive (A3): every detail page, API read, print, download and export leaves a row;
a search list does not; the log itself is for those allowed to audit it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kefu.customers import services
from kefu.customers.models import ArchiveAccess
from kefu.customers.tests.factories import CustomerFactory


@pytest.fixture
def customer(db):
    return CustomerFactory(name="王建国")


def accesses():
    return list(ArchiveAccess.objects.order_by("id").values_list("user__username", "channel", "customer_id"))


def lists():
    """The reads of lists: who, how, and the customers shown, one row per response."""
    rows = ArchiveAccess.objects.order_by("id").values_list("user__username", "channel", "customer_ids")
    return [(user, channel, sorted(ids)) for user, channel, ids in rows]


def test_opening_the_archive_page_is_logged(client_for, agent, customer):
    # when an agent opens an archive
    response = client_for(agent).get(f"/customers/{customer.pk}/")
    # then one row records who, how and which customer
    assert response.status_code == 200
    assert accesses() == [("agent", "page", customer.pk)]
    row = ArchiveAccess.objects.get()
    assert row.path == f"/customers/{customer.pk}/"
    assert row.ip_address == "127.0.0.1"


def test_every_opening_is_logged_again(client_for, agent, customer):
    client = client_for(agent)
    client.get(f"/customers/{customer.pk}/")
    client.get(f"/customers/{customer.pk}/")
    assert len(accesses()) == 2


def test_reading_through_the_api_is_logged(client_for, agent, customer):
    client_for(agent).get(f"/api/customers/{customer.pk}")
    assert accesses() == [("agent", "api", customer.pk)]


def test_printing_is_logged(client_for, agent, customer):
    client_for(agent).get(f"/customers/{customer.pk}/print/")
    assert accesses() == [("agent", "print", customer.pk)]


def test_exporting_logs_every_exported_archive(client_for, counter_clerk, customer):
    # given two customers found by the search
    other = CustomerFactory(name="王建军")
    # when the clerk exports the search
    response = client_for(counter_clerk).get("/customers/export.xlsx", {"q": "王建"})
    # then both archives are logged as exported, in one row
    assert response.status_code == 200
    assert lists() == [("clerk", "export", sorted([customer.pk, other.pk]))]


def test_downloading_a_document_is_logged(client_for, counter_clerk, customer, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    document = services.add_document(
        actor=counter_clerk,
        customer=customer,
        kind="id_card",
        title="身份证复印件",
        file=SimpleUploadedFile("id.pdf", b"%PDF-1.4"),
    )
    client_for(counter_clerk).get(f"/customers/{customer.pk}/documents/{document.pk}/")
    assert accesses() == [("clerk", "export", customer.pk)]


def test_searching_alone_is_not_logged(client_for, agent, customer):
    # when an agent only searches, on the page, with htmx and through the API
    client = client_for(agent)
    assert client.get("/customers/", {"q": "王建国"}).status_code == 200
    assert client.get("/customers/", {"q": "王建国"}, headers={"HX-Request": "true"}).status_code == 200
    assert client.get("/api/customers", {"q": "wjg"}).json()["results"]
    # then no archive counts as read
    assert accesses() == []


def test_a_refused_read_is_not_logged_as_a_read(client_for, outsider, customer):
    assert client_for(outsider).get(f"/customers/{customer.pk}/").status_code == 403
    assert accesses() == []


# The log is for auditors


def test_the_access_log_page_needs_the_audit_permission(client_for, agent, customer):
    # an agent reads the archive, but may not see who else did
    client = client_for(agent)
    client.get(f"/customers/{customer.pk}/")
    assert client.get(f"/customers/{customer.pk}/access-log/").status_code == 403
    assert client.get(f"/api/customers/{customer.pk}/access-log").status_code == 403


def test_the_access_log_page_lists_the_readers(client_for, agent, department_head, customer):
    # given an agent read the archive
    client_for(agent).get(f"/customers/{customer.pk}/")
    # when the department head opens the log
    client = client_for(department_head)
    response = client.get(f"/customers/{customer.pk}/access-log/")
    # then the agent's read is listed
    assert response.status_code == 200
    assert "话务员小张" in response.content.decode()


def test_the_access_log_endpoint_lists_the_readers(client_for, agent, department_head, customer):
    client_for(agent).get(f"/api/customers/{customer.pk}")
    rows = client_for(department_head).get(f"/api/customers/{customer.pk}/access-log").json()
    assert [(r["user"], r["channel"]) for r in rows] == [("话务员小张", "接口")]


@pytest.mark.parametrize("role_fixture", ["department_head", "archivist", "administrator"])
def test_auditing_roles_may_open_the_log(request, client_for, role_fixture, customer):
    client = client_for(request.getfixturevalue(role_fixture))
    assert client.get(f"/customers/{customer.pk}/access-log/").status_code == 200
    assert client.get(f"/api/customers/{customer.pk}/access-log").status_code == 200
