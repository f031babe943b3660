"""H16 repeat callers (W1): a contact from the number or customer of an open order within the rule's window
is linked to that order instead of opening another, the agent is told "该客户就工单GD…第N次来电" as
soon as the number or customer is entered, repeats are counted per order, and a same-day repeat raises
the order's priority one step and tells the unit."""

import json
from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from kefu.core.models import Alert, Event, Policy
from kefu.customers.tests.factories import CustomerFactory
from kefu.hotline.events import HotlineEvents
from kefu.hotline.models import Contact, Priority, WorkOrder
from kefu.hotline.services import repeats, work_orders
from kefu.hotline.services.alerts import subject_of

TZ = timezone.get_default_timezone()
MONDAY = datetime(2026, 11, 9, 9, 30, tzinfo=TZ)
PHONE = "13900001111"
D = Contact.Disposition


@pytest.fixture
def first(world):
    """A leak reported by a caller without an archive, sent to the west branch by its address."""
    return world.record(
        MONDAY,
        customer=None,
        phone=PHONE,
        caller_name="李女士",
        address="西湖区文三路88号",
        service_area=world.west_area,
        matter="楼下水管漏水",
    ).work_order


def again(world, when, *, link=True, **fields):
    fields.setdefault("customer", None)
    fields.setdefault("phone", PHONE)
    fields.setdefault("matter", "水管还在漏，怎么还没人来")
    fields.setdefault("address", "西湖区文三路88号")
    return world.record(when, link_repeat=link, **fields)


def order_events(order, verb):
    return Event.objects.filter(
        verb=verb, target_type=ContentType.objects.get_for_model(WorkOrder), target_id=order.pk
    )


# --- finding the order ---------------------------------------------------------------------------------


def test_a_call_from_the_same_number_finds_the_open_order(world, first):
    match = repeats.find_open_order(user=world.agent, phone="139-0000-1111", at=MONDAY + timedelta(days=2))
    assert match.work_order == first
    assert match.nth == 2
    assert match.notice == f"该客户就工单{first.number}第2次来电"
    assert not match.same_day


def test_a_call_from_the_same_customer_finds_the_open_order(world):
    order = world.record(MONDAY, code="repair").work_order  # 王建国, by his archive
    match = repeats.find_open_order(user=world.agent, customer=world.customer, at=MONDAY + timedelta(hours=3))
    assert match.work_order == order
    assert match.same_day


def test_nothing_is_found_after_the_window(world, first):
    assert (
        repeats.find_open_order(user=world.agent, phone=PHONE, at=MONDAY + timedelta(days=7, hours=1)) is None
    )


def test_the_window_is_a_rule(world, first):
    Policy.objects.create(key="hotline.repeat_window_days", value=14)
    assert repeats.find_open_order(user=world.agent, phone=PHONE, at=MONDAY + timedelta(days=10)) is not None


def test_the_window_counts_from_the_last_call_about_the_order(world, first):
    again(world, MONDAY + timedelta(days=5))
    match = repeats.find_open_order(user=world.agent, phone=PHONE, at=MONDAY + timedelta(days=10))
    assert match.work_order == first
    assert match.nth == 3


def test_a_closed_order_is_not_found(world):
    world.caller = world.east_customer
    order = world.record(MONDAY, code="repair").work_order
    world.handle(order, MONDAY + timedelta(hours=2))
    world.call_back(order, MONDAY + timedelta(hours=3))
    world.close(order, MONDAY + timedelta(hours=4))
    assert (
        repeats.find_open_order(user=world.agent, customer=world.east_customer, at=MONDAY + timedelta(days=1))
        is None
    )


def test_another_number_or_customer_finds_nothing(world, first):
    other = CustomerFactory(name="赵六", phone="13700002222")
    at = MONDAY + timedelta(days=1)
    assert repeats.find_open_order(user=world.agent, phone="13700002222", at=at) is None
    assert repeats.find_open_order(user=world.agent, customer=other, at=at) is None
    assert repeats.find_open_order(user=world.agent, phone="139", at=at) is None


# --- recording the repeat ------------------------------------------------------------------------------


def test_the_repeat_is_linked_to_the_order_and_opens_no_new_one(world, first):
    orders_before = WorkOrder.objects.count()
    contact = again(world, MONDAY + timedelta(days=1))
    assert contact.repeat_of == first
    assert contact.disposition == D.REPEAT
    assert contact.transferred_at is None
    assert not WorkOrder.objects.filter(contact=contact).exists()
    assert WorkOrder.objects.count() == orders_before
    first.refresh_from_db()
    assert first.repeat_count == 1
    event = order_events(first, HotlineEvents.WORK_ORDER_REPEAT_CONTACT).get()
    assert event.changes["contact"] == [None, contact.number]
    assert "第2次来电" in event.note


def test_a_new_matter_opens_its_own_order(world, first):
    contact = again(world, MONDAY + timedelta(days=1), link=False, matter="另外想问一下水费怎么交")
    assert contact.repeat_of is None
    assert contact.work_order != first
    first.refresh_from_db()
    assert first.repeat_count == 0


def test_without_linking_the_service_records_as_before(world, first):
    # Other apps opening contacts (the counter's arrears transfers) do not ask for linking.
    contact = world.record(MONDAY + timedelta(days=1), customer=None, phone=PHONE, address="西湖区文三路88号")
    assert contact.repeat_of is None
    assert contact.work_order.pk != first.pk


def test_repeats_are_counted_per_order(world, first):
    for day in (1, 2, 3):
        again(world, MONDAY + timedelta(days=day))
    first.refresh_from_db()
    assert first.repeat_count == 3
    assert first.repeat_contacts.count() == 3


def test_a_repeat_on_another_day_keeps_the_priority(world, first):
    again(world, MONDAY + timedelta(days=1))
    first.refresh_from_db()
    assert first.priority == Priority.NORMAL
    assert not order_events(first, HotlineEvents.WORK_ORDER_PRIORITY_RAISED).exists()


def test_a_same_day_repeat_raises_the_priority_one_step_with_an_event(world, first):
    contact = again(world, MONDAY + timedelta(hours=4))
    first.refresh_from_db()
    assert first.priority == Priority.IMPORTANT
    event = order_events(first, HotlineEvents.WORK_ORDER_PRIORITY_RAISED).get()
    assert event.changes["priority"] == ["一般", "重要"]
    assert "当日再次来电" in event.note and contact.number in event.note
    again(world, MONDAY + timedelta(hours=6))
    first.refresh_from_db()
    assert first.priority == Priority.URGENT
    again(world, MONDAY + timedelta(hours=7))
    first.refresh_from_db()
    assert first.priority == Priority.URGENT


def test_the_same_day_rule_can_be_switched_off(world, first):
    Policy.objects.create(key="hotline.repeat_same_day_raises_priority", value="false")
    again(world, MONDAY + timedelta(hours=4))
    first.refresh_from_db()
    assert first.priority == Priority.NORMAL
    assert first.repeat_count == 1


def test_the_unit_is_told_of_each_repeat(world, first):
    again(world, MONDAY + timedelta(days=1))
    again(world, MONDAY + timedelta(days=1, hours=1))
    alerts = Alert.objects.filter(
        recipient=world.west_staff, kind=repeats.REPEAT_ALERT, subject=subject_of(first)
    ).order_by("level")
    assert [a.level for a in alerts] == [2, 3]
    assert "第2次来电" in alerts[0].message
    assert "（第3次）" in alerts[1].message
    assert "紧急程度提高" in alerts[1].message


def test_a_unit_reads_the_repeat_contacts_of_its_orders_only(world, first):
    contact = again(world, MONDAY + timedelta(days=1))
    assert Contact.objects.visible_to(world.west_staff).filter(pk=contact.pk).exists()
    assert not Contact.objects.visible_to(world.east_staff).filter(pk=contact.pk).exists()


# --- the workspace -------------------------------------------------------------------------------------


def test_the_workspace_says_at_once_which_order_the_caller_called_about(world, first, client):
    client.force_login(world.agent)
    with time_machine.travel(MONDAY + timedelta(hours=2), tick=False):
        html = client.get("/hotline/repeat-check/", {"phone": "139 0000 1111"}).content.decode()
    assert f"该客户就工单{first.number}第2次来电" in html
    assert "城西供水分公司" in html
    assert "请问您之前咨询的是" in html
    assert "紧急程度将提高一级" in html
    assert 'name="new_matter"' in html


def test_the_workspace_finds_the_order_by_the_chosen_customer(world, client):
    order = world.record(MONDAY, code="repair").work_order
    client.force_login(world.agent)
    with time_machine.travel(MONDAY + timedelta(days=1), tick=False):
        html = client.get(
            "/hotline/repeat-check/", {"customer": world.customer.pk, "phone": ""}
        ).content.decode()
    assert f"该客户就工单{order.number}第2次来电" in html
    assert "紧急程度将提高" not in html


def test_the_notice_is_empty_for_a_new_caller(world, first, client):
    client.force_login(world.agent)
    html = client.get("/hotline/repeat-check/", {"phone": "13700002222"}).content.decode()
    assert "次来电" not in html


def test_the_notice_needs_the_right_to_record_contacts(world, first, client):
    client.force_login(world.west_staff)
    assert client.get("/hotline/repeat-check/", {"phone": PHONE}).status_code == 403


def test_the_workspace_page_asks_for_the_notice(world, client):
    client.force_login(world.agent)
    html = client.get("/hotline/").content.decode()
    assert 'id="repeat-notice"' in html
    assert "/hotline/repeat-check/" in html


def test_saving_a_repeat_says_which_order_it_joined(world, first, client, workspace_form):
    client.force_login(world.agent)
    data = workspace_form(phone=PHONE, address="西湖区文三路88号", matter="还在漏水")
    with time_machine.travel(MONDAY + timedelta(hours=3), tick=False):
        page = client.post("/hotline/", data, follow=True).content.decode()
    assert f"该客户就工单{first.number}第2次来电，已并入该工单" in page
    assert "紧急程度已提高为「重要」" in page
    assert WorkOrder.objects.count() == 1


def test_ticking_new_matter_on_the_workspace_opens_a_new_order(world, first, client, workspace_form):
    client.force_login(world.agent)
    data = workspace_form(phone=PHONE, address="西湖区文三路88号", matter="另一处水表漏水", new_matter="on")
    with time_machine.travel(MONDAY + timedelta(hours=3), tick=False):
        client.post("/hotline/", data, follow=True)
    assert WorkOrder.objects.count() == 2
    first.refresh_from_db()
    assert first.repeat_count == 0


def test_the_order_page_and_the_lists_show_the_repeats(world, first, client):
    contact = again(world, MONDAY + timedelta(days=1))
    client.force_login(world.agent)
    detail = client.get(f"/hotline/orders/{first.pk}/").content.decode()
    assert "来电2次" in detail
    assert contact.number in detail
    listing = client.get("/hotline/orders/?queue=all").content.decode()
    assert "来电2次" in listing
    register = client.get(f"/hotline/contacts/{contact.pk}/").content.decode()
    assert f'id="repeat-of">{first.number}' in register


# --- the API -------------------------------------------------------------------------------------------


def post_contact(client, **body):
    payload = {
        "matter": "水管还在漏",
        "category": "repair",
        "disposition": "transferred",
        "phone": PHONE,
        "address": "西湖区文三路88号",
    } | body
    return client.post("/api/hotline/contacts", data=json.dumps(payload), content_type="application/json")


def test_the_api_links_a_repeat_and_says_so(world, first, client):
    client.force_login(world.agent)
    with time_machine.travel(MONDAY + timedelta(days=1), tick=False):
        response = post_contact(client)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["disposition"] == "repeat"
    assert body["work_order"] is None
    assert body["repeat_of"]["number"] == first.number
    assert body["repeat_of"]["repeat_count"] == 1
    assert body["repeat_notice"] == f"该客户就工单{first.number}第2次来电"


def test_the_api_records_a_new_matter_when_asked(world, first, client):
    client.force_login(world.agent)
    with time_machine.travel(MONDAY + timedelta(days=1), tick=False):
        body = post_contact(client, new_matter=True).json()
    assert body["repeat_of"] is None
    assert body["work_order"]["number"] != first.number


def test_the_api_checks_a_caller_before_recording(world, first, client):
    client.force_login(world.agent)
    with time_machine.travel(MONDAY + timedelta(hours=1), tick=False):
        body = client.get("/api/hotline/contacts/repeat-check", {"phone": PHONE}).json()
        none = client.get("/api/hotline/contacts/repeat-check", {"phone": "13700002222"}).json()
    assert body["repeat"] is True
    assert body["nth"] == 2
    assert body["same_day"] is True and body["raises_priority"] is True
    assert body["work_order"]["number"] == first.number
    assert body["work_order"]["phone"] != PHONE or world.agent.has_perm("customers.view_full_numbers")
    assert none == {
        "repeat": False,
        "notice": "",
        "nth": None,
        "same_day": False,
        "raises_priority": False,
        "work_order": None,
    }


def test_choosing_repeat_without_an_open_order_is_refused_in_chinese(world, client):
    client.force_login(world.agent)
    response = post_contact(client, disposition="repeat", phone="13700002222")
    assert response.status_code == 400
    assert "没有在办工单" in response.content.decode()


def test_a_repeat_after_the_order_is_reopened_links_to_it_again(world):
    world.caller = world.east_customer
    order = world.record(MONDAY, code="repair").work_order
    world.handle(order, MONDAY + timedelta(hours=2))
    world.call_back(order, MONDAY + timedelta(hours=3))
    world.close(order, MONDAY + timedelta(hours=4))
    world.visit(WorkOrder.objects.get(pk=order.pk), MONDAY + timedelta(days=2), "dissatisfied")
    contact = world.record(MONDAY + timedelta(days=2, hours=1), link_repeat=True, matter="还是没修好")
    assert contact.repeat_of_id == order.pk
    assert work_orders.allowed(WorkOrder.objects.get(pk=order.pk), "accept")


def test_the_excel_export_counts_the_calls_and_reopens(world, first, client):
    from io import BytesIO

    from openpyxl import load_workbook

    again(world, MONDAY + timedelta(days=1))
    client.force_login(world.head)
    response = client.get("/hotline/orders/?queue=all&format=xlsx")
    rows = list(load_workbook(BytesIO(response.content)).active.values)
    header = rows[0]
    row = next(r for r in rows[1:] if r[0] == first.number)
    assert row[header.index("来电次数")] == 2
    assert row[header.index("重新打开次数")] == 0


def test_number_checks_count_against_the_number_search_limit(world, first, client):
    # given a limit of one number search a minute for an agent who sees numbers masked
    Policy.objects.create(key="customers.search_per_minute", value=1)
    assert not world.agent.has_perm("customers.view_sensitive_customer")
    client.force_login(world.agent)
    with time_machine.travel(MONDAY + timedelta(hours=1), tick=False):
        # when the agent's second number is checked within the minute
        assert "次来电" in client.get("/hotline/repeat-check/", {"phone": PHONE}).content.decode()
        refused = client.get("/hotline/repeat-check/", {"phone": PHONE}).content.decode()
        api = client.get("/api/hotline/contacts/repeat-check", {"phone": PHONE})
        # then the notice says why instead of probing on, and the API answers 429
        assert "每分钟最多1次" in refused and "次来电" not in refused
        assert api.status_code == 429
        # while a chosen customer is no number search
        html = client.get("/hotline/repeat-check/", {"customer": world.customer.pk}).content.decode()
        assert "每分钟最多1次" not in html


def test_the_customer_panel_counts_the_calls_of_each_open_order(world, client):
    order = world.record(MONDAY, code="repair").work_order
    world.record(MONDAY + timedelta(days=1), link_repeat=True, matter="还没修好")
    client.force_login(world.agent)
    html = client.get("/hotline/customer-history/", {"customer": world.customer.pk}).content.decode()
    assert order.number in html
    assert "来电2次" in html


def test_a_form_drawn_again_after_an_error_keeps_new_matter_ticked(world, first, client, workspace_form):
    client.force_login(world.agent)
    data = workspace_form(phone=PHONE, address="西湖区文三路88号", matter="", new_matter="on")
    with time_machine.travel(MONDAY + timedelta(hours=3), tick=False):
        page = client.post("/hotline/", data).content.decode()
        notice = client.get("/hotline/repeat-check/", {"phone": PHONE, "new_matter_initial": "on"})
    assert 'id="new-matter-initial"' in page
    html = notice.content.decode()
    assert 'id="id_new_matter" checked' in html
    assert 'hx-swap-oob="delete"' in html


def test_the_contact_register_export_names_the_order_a_repeat_joined(world, first, client):
    from io import BytesIO

    from openpyxl import load_workbook

    # given a second call linked to the first call's order
    repeat = again(world, MONDAY + timedelta(days=1))
    # when the register is exported
    client.force_login(world.head)
    response = client.get("/hotline/contacts/?format=xlsx")
    rows = list(load_workbook(BytesIO(response.content)).active.values)
    header = rows[0]
    row = next(r for r in rows[1:] if r[header.index("序号")] == repeat.number)
    # then its 处理结果 says which order it joined
    assert row[header.index("处理结果")] == f"并入在办工单{first.number}"
