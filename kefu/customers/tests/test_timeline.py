"""Customer 360 (A2, issue 13 point 2): the archive page shows the customer's whole relationship on one
timeline — contacts, work-order steps, callbacks and return visits, counter businesses, payments,
papers and archive changes — newest first, paged, filtered by kind, each entry linking to its record,
and only what the viewer may open."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kefu.accounts.models import Role
from kefu.collection.tests.factories import pay
from kefu.core.timeline import customer_timeline, timeline_kinds
from kefu.customers import services
from kefu.customers.models import Document
from kefu.customers.tests.factories import AccountFactory
from kefu.processes.tests.factories import ProcessFactory

TZ = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.usefixtures("shipped_categories")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def story(world, media):
    """王建国's November (his flat in the east): a repair call that went to the east branch and was
    replied, called back, closed and visited; a complaint about a meter reader that went to the
    discipline office; a new connection at the counter; a payment; a letter; and a change to his
    archive."""
    clerk = world.user(Role.COUNTER_CLERK)
    customer = world.east_customer
    repair = world.record(at(2, 9), customer=customer, matter="楼道水管漏水")
    order = repair.work_order
    world.handle(order, at(2, 15))  # the east branch accepts and replies
    world.call_back(order, at(3, 10), satisfied=True)
    world.close(order, at(3, 11))
    world.visit(order, at(4, 10), "satisfied")
    complaint = world.record(at(5, 9), customer=customer, code="misconduct", matter="抄表员索要好处费")
    with time_machine.travel(at(6, 10), tick=False):
        process = ProcessFactory(actor=clerk, customer=customer, facts={"area_pressure_mpa": "0.30"})
    account = AccountFactory(customer=customer, arrears=Decimal("80.00"))
    with time_machine.travel(at(7, 14), tick=False):
        payment = pay(clerk, account=account, amount="80.00", kind="arrears")
    with time_machine.travel(at(9, 16), tick=False):
        letter = services.add_correspondence(
            actor=clerk,
            customer=customer,
            channel=Document.Channel.LETTER,
            direction=Document.Direction.INCOMING,
            dated_on=at(8, 0).date(),
            title="关于水费异议的来信",
            summary="客户认为10月水量偏高，要求复核",
            file=SimpleUploadedFile("letter.pdf", b"%PDF-1.4 letter"),
        )
    with time_machine.travel(at(10, 9), tick=False):
        services.update_customer(
            actor=clerk,
            customer=customer,
            data={**_archive_data(customer), "phone": "13900001111"},
            note="客户来电更换号码",
        )
    return {
        "clerk": clerk,
        "customer": customer,
        "repair": repair,
        "order": order,
        "complaint": complaint,
        "process": process,
        "payment": payment,
        "letter": letter,
    }


def _archive_data(customer) -> dict:
    fields = ["kind", "name", "id_type", "id_number", "phone", "address", "service_area", "household_count"]
    return {field: getattr(customer, field) for field in fields} | {"note": customer.note}


def kinds_of(page) -> list[str]:
    return [entry.kind for entry in page.entries]


# What the viewer sees


def test_a_clerk_sees_the_whole_relationship_newest_first(story):
    # when the counter clerk (who may see contacts, orders, businesses and payments) reads the timeline
    page = customer_timeline(story["customer"], story["clerk"], per_page=50)
    # then every kind is there, newest first
    assert {"contact", "work_order", "follow_up", "process", "payment", "document", "archive"} <= set(
        kinds_of(page)
    )
    moments = [entry.at for entry in page.entries]
    assert moments == sorted(moments, reverse=True)
    assert page.entries[0].kind == "archive" and "客户来电更换号码" in page.entries[0].summary
    # and the key steps of the order are each a line
    steps = [e.summary for e in page.entries if e.kind == "work_order"]
    order = story["order"].number
    for step in ("创建工单", "转办", "回复办理结果", "办结"):
        assert any(s.startswith(f"工单{order} {step}") for s in steps), steps
    # and the letter stands on the day it is dated, not the day it was entered
    letter = next(e for e in page.entries if e.kind == "document")
    assert letter.at.astimezone(TZ).date() == at(8, 0).date()
    assert letter.summary.startswith("信函（来）：关于水费异议的来信")


def test_every_entry_links_to_a_page_the_viewer_may_open(story, client_for):
    client = client_for(story["clerk"])
    page = customer_timeline(story["customer"], story["clerk"], per_page=50)
    for entry in page.entries:
        path = entry.url.split("#")[0]
        assert client.get(path).status_code == 200, (entry.kind, entry.url)


def test_a_leader_s_supervision_is_a_step_of_the_order(world, story):
    from kefu.hotline.services.notes import write_supervision

    # given the department head's 督办意见 on the complaint
    write_supervision(actor=world.head, work_order=story["complaint"].work_order, text="三日内查实并答复客户")
    # then the timeline says so, in the leader's words
    page = customer_timeline(story["customer"], story["clerk"], kinds=["work_order"])
    assert (
        page.entries[0].summary
        == f"工单{story['complaint'].work_order.number} 督办意见：三日内查实并答复客户"
    )
    assert page.entries[0].actor == str(world.head)


def test_a_unit_sees_only_its_own_orders_and_no_businesses_or_payments(world, story):
    # given the east branch's dispatcher, whose unit took the repair but not the complaint
    staff = world.east_staff
    # when the dispatcher reads the timeline of a customer of the branch
    page = customer_timeline(story["customer"], staff, per_page=50)
    summaries = " ".join(e.summary for e in page.entries)
    # then the repair and its steps are there, the complaint that went to the discipline office is not
    assert story["repair"].number in summaries
    assert story["complaint"].number not in summaries
    assert story["complaint"].work_order.number not in summaries
    # and neither the counter's business (not at the unit) nor the payment (no right to payments)
    assert "process" not in kinds_of(page) and "payment" not in kinds_of(page)
    assert story["process"].number not in summaries and story["payment"].number not in summaries


def test_an_agent_sees_both_calls_but_no_payment_and_numbers_masked(world, story):
    page = customer_timeline(story["customer"], world.agent, per_page=50)
    summaries = " ".join(e.summary for e in page.entries)
    assert story["repair"].number in summaries and story["complaint"].number in summaries
    assert "payment" not in kinds_of(page)
    # the archive change names the new phone as the agent may see it
    change = next(e for e in page.entries if e.kind == "archive" and "修改档案" in e.summary)
    assert "139****1111" in change.summary and "13900001111" not in change.summary
    # while the clerk, who may see numbers, reads it whole
    clerk_change = next(
        e
        for e in customer_timeline(story["customer"], story["clerk"], per_page=50).entries
        if e.kind == "archive" and "修改档案" in e.summary
    )
    assert "13900001111" in clerk_change.summary


def test_the_archive_page_shows_a_unit_only_its_entries(world, story, client_for):
    body = client_for(world.east_staff).get(f"/customers/{story['customer'].pk}/").content.decode()
    assert story["repair"].number in body
    assert story["complaint"].number not in body
    assert story["payment"].number not in body


# Filter and paging


def test_the_filter_shows_one_kind(story, client_for):
    page = customer_timeline(story["customer"], story["clerk"], kinds=["payment"])
    assert kinds_of(page) == ["payment"]
    body = client_for(story["clerk"]).get(f"/customers/{story['customer'].pk}/?kind=contact").content.decode()
    timeline = body[body.index('id="timeline"') : body.index('id="documents"')]
    assert story["repair"].number in timeline and story["payment"].number not in timeline


def test_an_unknown_kind_shows_every_kind(story, client_for):
    response = client_for(story["clerk"]).get(f"/customers/{story['customer'].pk}/?kind=<script>&page=x")
    assert response.status_code == 200
    assert story["payment"].number in response.content.decode()


def test_the_filter_offers_every_registered_kind_in_order():
    # (other apps may register kinds of their own between these)
    ours = ["contact", "work_order", "follow_up", "process", "payment", "document", "archive"]
    assert [kind.code for kind in timeline_kinds() if kind.code in ours] == ours


def test_the_filter_offers_a_viewer_only_the_kinds_they_may_see(world, story, client_for):
    # an agent may not see payments, so the filter does not offer them
    assert "payment" not in [kind.code for kind in timeline_kinds(world.agent)]
    assert "payment" in [kind.code for kind in timeline_kinds(story["clerk"])]
    body = client_for(world.agent).get(f"/customers/{story['customer'].pk}/").content.decode()
    assert '<option value="contact"' in body and '<option value="payment"' not in body


def test_pages_follow_each_other_without_gaps_or_repeats(story):
    whole = customer_timeline(story["customer"], story["clerk"], per_page=100).entries
    pages, number = [], 1
    while True:
        page = customer_timeline(story["customer"], story["clerk"], page=number, per_page=4)
        pages += page.entries
        if not page.has_next:
            break
        number += 1
    assert pages == whole
    assert number == -(-len(whole) // 4)


def test_the_page_pages_the_timeline(story, client_for):
    for n in range(10):
        services.add_correspondence(
            actor=story["clerk"],
            customer=story["customer"],
            channel=Document.Channel.PHONE_RECORD,
            direction=Document.Direction.INCOMING,
            dated_on=at(11, 0).date(),
            title=f"长话记录{n}",
            summary="客户来电询问复核进度",
        )
    client = client_for(story["clerk"])
    first = client.get(f"/customers/{story['customer'].pk}/").content.decode()
    assert "下一页" in first  # more than 20 entries
    second = client.get(f"/customers/{story['customer'].pk}/?page=2").content.decode()
    assert "上一页" in second and "第 2 页" in second


def test_the_timeline_costs_the_same_however_long_the_history(world, story, django_assert_num_queries):
    # given the timeline of a customer with a few contacts, read once to warm the permission caches
    clerk, customer = story["clerk"], story["customer"]
    customer_timeline(customer, clerk)
    with CaptureQueriesContext(connection) as baseline:
        customer_timeline(customer, clerk)
    # and thirty more calls with their orders
    for n in range(30):
        world.record(at(12, 8, n), customer=customer, matter=f"第{n}次反映水压低")
    # then the timeline asks the same bounded queries, one per kind of row
    with django_assert_num_queries(len(baseline)):
        page = customer_timeline(customer, clerk)
    assert len(page.entries) == 20 and page.has_next
    # one query per kind the clerk may see (issue 17 added the archive's files: 10)
    assert len(baseline) <= 10


# The API reads the same timeline, with the same rules


def test_the_api_gives_the_timeline_the_viewer_may_see(world, story, client_for):
    url = f"/api/customers/{story['customer'].pk}/timeline"
    clerk = client_for(story["clerk"]).get(url, {"kind": "payment"}).json()
    assert [entry["summary"].split()[0] for entry in clerk["entries"]] == [story["payment"].number]
    assert clerk["kinds"]["follow_up"] == "回电与回访" and clerk["page"] == 1
    staff = client_for(world.east_staff).get(url).json()
    numbers = " ".join(entry["summary"] for entry in staff["entries"])
    assert story["repair"].number in numbers and story["payment"].number not in numbers


def test_the_api_names_a_wrong_kind_or_page_in_chinese(story, client_for):
    client = client_for(story["clerk"])
    url = f"/api/customers/{story['customer'].pk}/timeline"
    response = client.get(url, {"kind": "letters"})
    assert response.status_code == 400
    assert response.json()["errors"]["kind"][0].startswith("类别应为以下之一：contact、")
    assert client.get(url, {"page": "0"}).json()["errors"]["page"] == ["不能小于1"]
    assert client.get(url, {"page": "51"}).status_code == 400
