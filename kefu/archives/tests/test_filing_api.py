"""The filing API (D1): the same search, visibility and refusals as the pages."""

import pytest

from kefu.archives.models import ArchiveFile, Category
from kefu.archives.tests.factories_filing import filed_file, pending_file
from kefu.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def files(archivist):
    customer = CustomerFactory(name="李秀兰")
    return {
        "open": filed_file(archivist, title="新装用水·李秀兰", customer=customer),
        "secret": filed_file(
            archivist,
            category=Category.INSPECTION,
            title="稽查案卷·李秀兰",
            customer=customer,
            restricted_to="x",
        ),
        "pending": pending_file(actor=archivist, title="过户·李秀兰", customer=customer),
    }


def test_search_by_customer_leaves_out_restricted_files(client_for, counter_clerk, archivist, files):
    found = client_for(counter_clerk).get("/api/archives/files", {"q": "李秀"}).json()
    titles = {f["title"] for f in found["items"]}
    assert titles == {"新装用水·李秀兰", "过户·李秀兰"} and found["has_next"] is False
    assert client_for(counter_clerk).get(f"/api/archives/files/{files['secret'].pk}").status_code == 404
    found = client_for(archivist).get("/api/archives/files", {"q": "李秀"}).json()
    assert len(found["items"]) == 3


def test_search_by_number_and_read_one(client_for, archivist, files):
    client = client_for(archivist)
    number = files["open"].catalogue_number
    found = client.get("/api/archives/files", {"q": number}).json()
    assert [f["catalogue_number"] for f in found["items"]] == [number]
    one = client.get(f"/api/archives/files/{files['open'].pk}").json()
    assert one["retention_years"] == 30 and [i["title"] for i in one["items"]] == [
        "用水申请表",
        "身份证复印件",
    ]


def test_register_is_idempotent_on_the_subject(client_for, archivist):
    client = client_for(archivist)
    body = {
        "category": "drawing",
        "title": "城西泵站改造图纸",
        "subject": "engineering.project:12",
        "finished_on": "2026-05-06",
        "items": [{"title": "施工图", "pages": 12}],
    }
    first = client.post("/api/archives/files", body, content_type="application/json")
    assert first.status_code == 201 and first.json()["state"] == "pending"
    again = client.post("/api/archives/files", body, content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]


def test_file_in_add_and_remove_items(client_for, archivist, files):
    client = client_for(archivist)
    pk = files["pending"].pk
    bad = client.post(f"/api/archives/files/{pk}/file-in", {"location": ""}, content_type="application/json")
    assert bad.status_code == 400 and "请填写存放位置" in bad.content.decode()
    done = client.post(
        f"/api/archives/files/{pk}/file-in", {"location": "A02-1-003"}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["catalogue_number"].startswith("YW-")
    added = client.post(
        f"/api/archives/files/{pk}/items", {"title": "补充说明"}, content_type="application/json"
    )
    assert added.status_code == 201 and added.json()["item_count"] == 3
    item = added.json()["items"][-1]["id"]
    refused = client.post(
        f"/api/archives/files/{pk}/items/{item}/remove", {"reason": " "}, content_type="application/json"
    )
    assert refused.status_code == 400 and "请填写撤出原因" in refused.content.decode()
    removed = client.post(
        f"/api/archives/files/{pk}/items/{item}/remove", {"reason": "误放"}, content_type="application/json"
    )
    assert removed.json()["item_count"] == 2
    assert ArchiveFile.objects.get(pk=pk).items.count() == 3


def test_a_clerk_may_not_file_in(client_for, counter_clerk, files):
    response = client_for(counter_clerk).post(
        f"/api/archives/files/{files['pending'].pk}/file-in",
        {"location": "A"},
        content_type="application/json",
    )
    assert response.status_code == 403
