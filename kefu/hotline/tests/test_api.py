"""The hotline API: same services and permission checks as the pages; Chinese 400s, never 500."""

import json

import pytest

from kefu.hotline.models import Contact, WorkOrder


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def test_anonymous_callers_of_the_api_get_401(client, db):
    assert client.get("/api/hotline/work-orders").status_code == 401
    assert post(client, "/api/hotline/contacts", {}).status_code == 401


def test_an_agent_records_a_repair_and_gets_the_work_order(world, as_user):
    # when
    response = post(
        as_user(world.agent),
        "/api/hotline/contacts",
        {
            "customer_id": world.customer.pk,
            "matter": "楼道里水管爆了，水一直在流",
            "category": "repair",
            "disposition": "transferred",
        },
    )
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("RX")
    assert body["work_order"]["unit"] == "城西供水分公司"
    assert body["work_order"]["state"] == "transferred"
    assert body["phone"] == "138****5678"  # agents see masked phones


def test_bad_input_names_the_field_in_chinese(world, as_user):
    client = as_user(world.agent)
    missing = post(client, "/api/hotline/contacts", {"category": "repair", "disposition": "transferred"})
    assert missing.status_code == 400
    assert "matter" in json.dumps(missing.json(), ensure_ascii=False)
    unknown = post(
        client, "/api/hotline/contacts", {"matter": "x", "category": "nope", "disposition": "answered"}
    )
    assert unknown.status_code == 400 and "类别" in unknown.json()["errors"]["category"][0]
    consult = post(
        client,
        "/api/hotline/contacts",
        {"matter": "水价多少", "category": "consult", "disposition": "transferred"},
    )
    assert consult.status_code == 400 and "不转办" in consult.json()["errors"]["disposition"][0]
    phone = post(
        client,
        "/api/hotline/contacts",
        {
            "matter": "漏水",
            "category": "repair",
            "disposition": "transferred",
            "phone": "12ab",
            "address": "文三路",
        },
    )
    assert phone.status_code == 400 and "phone" in phone.json()["errors"]
    assert Contact.objects.count() == 0


def test_the_classifier_suggests_a_category(world, as_user):
    response = post(
        as_user(world.agent), "/api/hotline/classify", {"text": "家里突然没水了，也没看到停水通知"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["category"] == "repair"
    assert 0 < body["confidence"] <= 1
    assert all(alt["category"] != "repair" for alt in body["alternatives"])


def test_classify_refuses_empty_text(world, as_user):
    response = post(as_user(world.agent), "/api/hotline/classify", {"text": "   "})
    assert response.status_code == 400 and "text" in response.json()["errors"]


def test_the_unit_works_the_order_through_the_api_and_the_agent_closes_it(world, as_user, client):
    order = world.record(code="repair").work_order
    url = f"/api/hotline/work-orders/{order.pk}/transitions"
    # the unit accepts and replies
    as_user(world.west_staff)
    assert post(client, url, {"action": "accept"}).json()["state"] == "accepted"
    replied = post(client, url, {"action": "reply", "result": "已更换阀门"})
    assert replied.json()["state"] == "replied"
    # the agent calls back and closes
    as_user(world.agent)
    callback_id = client.get("/api/hotline/callbacks").json()["results"][0]["id"]
    called = post(
        client,
        f"/api/hotline/callbacks/{callback_id}",
        {"reached": True, "feedback": "已恢复", "satisfied": True},
    )
    assert called.status_code == 200 and called.json()["outcome"] == "reached"
    closed = post(client, url, {"action": "close"})
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    # and a dissatisfied return visit reopens it
    visit = post(
        client,
        f"/api/hotline/work-orders/{order.pk}/return-visits",
        {"result": "dissatisfied", "comment": "又漏"},
    )
    assert visit.status_code == 201 and visit.json()["state"] == "reopened"
    assert [event["verb"] for event in visit.json()["timeline"]][-1] == "work_order.reopened"


def test_an_illegal_transition_is_a_400_with_the_reason(world, as_user):
    order = world.record(code="repair").work_order
    response = post(
        as_user(world.agent), f"/api/hotline/work-orders/{order.pk}/transitions", {"action": "close"}
    )
    assert response.status_code == 400
    assert "不能「办结」" in json.dumps(response.json(), ensure_ascii=False)


def test_another_agent_cannot_close_the_order_403(world, as_user):
    order = world.record(code="repair").work_order
    WorkOrder.objects.filter(pk=order.pk).update(state=WorkOrder.State.CALLED_BACK)
    response = post(
        as_user(world.night_agent), f"/api/hotline/work-orders/{order.pk}/transitions", {"action": "close"}
    )
    assert response.status_code == 403 and "首问责任人" in response.json()["detail"]


def test_unit_a_gets_404_for_unit_bs_order_and_does_not_list_it(world, as_user, client):
    order = world.record(code="repair").work_order
    as_user(world.east_staff)
    assert client.get(f"/api/hotline/work-orders/{order.pk}").status_code == 404
    assert client.get("/api/hotline/work-orders?queue=unit").json()["results"] == []
    as_user(world.west_staff)
    assert [row["id"] for row in client.get("/api/hotline/work-orders?queue=unit").json()["results"]] == [
        order.pk
    ]


def test_the_work_order_list_takes_a_fixed_number_of_queries(world, as_user, django_assert_max_num_queries):
    for n in range(12):
        world.record(code="repair", matter=f"第{n}处漏水")
    client = as_user(world.head)
    with django_assert_max_num_queries(8):
        response = client.get("/api/hotline/work-orders?queue=all")
    assert len(response.json()["results"]) == 12


def test_the_contact_list_searches_chinese_text(world, as_user):
    world.record(code="repair", matter="小区今天突然停水了")
    world.record(code="repair", matter="楼道水管漏水严重")
    response = as_user(world.agent).get("/api/hotline/contacts", {"q": "停水"})
    assert [row["matter"] for row in response.json()["results"]] == ["小区今天突然停水了"]


def test_a_correction_keeps_the_original(world, as_user):
    contact = world.record(code="repair", matter="文三路漏水")
    response = post(
        as_user(world.agent),
        f"/api/hotline/contacts/{contact.pk}/corrections",
        {"reason": "客户补充门牌", "matter": "文三路100号门口漏水"},
    )
    assert response.status_code == 200
    assert response.json()["matter"] == "文三路100号门口漏水"
    assert response.json()["original_matter"] == "文三路漏水"


def test_a_bad_queue_name_is_a_400(world, as_user):
    response = as_user(world.agent).get("/api/hotline/work-orders?queue=zzz")
    assert response.status_code == 400 and "queue" in response.json()["errors"]


def test_the_schema_lists_the_hotline_endpoints(world, as_user):
    paths = as_user(world.agent).get("/api/openapi.json").json()["paths"]
    assert {
        "/api/hotline/contacts",
        "/api/hotline/classify",
        "/api/hotline/work-orders/{order_id}/transitions",
    } <= set(paths)


def test_a_switched_off_category_is_not_suggested(world, as_user):
    from kefu.hotline.models import Category

    Category.objects.filter(code="repair").update(active=False)
    response = post(as_user(world.agent), "/api/hotline/classify", {"text": "家里水管爆了，水流了一地"})
    assert response.status_code == 200 and response.json()["category"] != "repair"
