"""Customer 360 in a real browser (A2, issue 13 point 2): the counter clerk opens 王建国's archive and
reads his calls, his work order's steps, his counter business, his payment and his letter on one
timeline, filters it to payments, and clicks through from the timeline to the call; the branch's
dispatcher opens the same archive and sees the call and its order, but not the payment."""

from datetime import timedelta
from decimal import Decimal
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from kefu.accounts.models import Role
from kefu.collection.tests.factories import pay
from kefu.customers import services
from kefu.customers.models import Document
from kefu.customers.tests.factories import AccountFactory
from kefu.processes.tests.factories import ProcessFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def shipped_new_connection(db):
    """The one-stop new connection the data migration ships (a transactional test flushes it)."""
    from django.apps import apps

    import_module("kefu.processes.migrations.0002_new_connection").create(apps, None)


@pytest.fixture
def wang(world, shipped_categories, shipped_new_connection, settings, tmp_path):
    """王建国's last weeks: a repair call the east branch replied to, a new connection at the counter,
    a payment, and a letter about his bill."""
    settings.MEDIA_ROOT = tmp_path
    clerk = world.user(Role.COUNTER_CLERK)
    customer = world.east_customer
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(days=10)
    call = world.record(start, customer=customer, matter="楼道水管漏水，水一直往外冒")
    world.handle(call.work_order, start + timedelta(hours=5))
    with time_machine.travel(start + timedelta(days=2), tick=False):
        process = ProcessFactory(actor=clerk, customer=customer, facts={"area_pressure_mpa": "0.30"})
    account = AccountFactory(customer=customer, arrears=Decimal("0"))
    with time_machine.travel(start + timedelta(days=3, hours=1), tick=False):
        payment = pay(clerk, account=account, amount="58.00")
    with time_machine.travel(start + timedelta(days=4, hours=2), tick=False):
        services.add_correspondence(
            actor=clerk,
            customer=customer,
            channel=Document.Channel.LETTER,
            direction=Document.Direction.INCOMING,
            dated_on=(start + timedelta(days=3)).date(),
            title="关于水费偏高的来信",
            summary="要求复核水表读数",
            file=SimpleUploadedFile("letter.pdf", b"%PDF-1.4 letter"),
        )
    return {"customer": customer, "clerk": clerk, "call": call, "process": process, "payment": payment}


def test_the_clerk_reads_the_whole_relationship_and_clicks_through(log_in, live_server, wang):
    # given the counter clerk on 王建国's archive
    page = log_in(wang["clerk"].username)
    page.goto(f"{live_server.url}/customers/{wang['customer'].pk}/")
    timeline = page.locator("#timeline-entries")

    # then the call, the order's steps, the business, the payment and the letter are on one timeline
    order = wang["call"].work_order.number
    for text in (
        wang["call"].number,
        f"工单{order} 转办",
        f"工单{order} 回复办理结果",
        wang["process"].number,
        wang["payment"].number,
        "信函（来）：关于水费偏高的来信",
    ):
        expect(timeline).to_contain_text(text)
    # newest first: the letter (entered last) heads the call (the oldest)
    rows = timeline.locator("tr").all_inner_texts()
    assert "关于水费偏高的来信" in "".join(rows[1:3])
    assert wang["call"].number in rows[-1]

    # when the clerk filters to payments
    page.select_option("#timeline-kind", "payment")
    page.click(".timeline-filter button")
    # then only the payment is left
    expect(timeline).to_contain_text(wang["payment"].number)
    expect(timeline).not_to_contain_text(wang["call"].number)
    expect(page.locator("#timeline-kind")).to_have_value("payment")

    # when the clerk goes back to every kind and clicks the call
    page.select_option("#timeline-kind", "")
    page.click(".timeline-filter button")
    page.click(f"#timeline-entries >> text={wang['call'].number}")
    # then the call's own page opens
    expect(page).to_have_url(f"{live_server.url}/hotline/contacts/{wang['call'].pk}/")
    expect(page.locator("main")).to_contain_text(wang["call"].number)


def test_the_branch_sees_its_order_but_not_the_payment(log_in, live_server, world, wang):
    page = log_in(world.east_staff.username)
    page.goto(f"{live_server.url}/customers/{wang['customer'].pk}/")
    timeline = page.locator("#timeline-entries")
    expect(timeline).to_contain_text(wang["call"].work_order.number)
    expect(timeline).not_to_contain_text(wang["payment"].number)
    expect(timeline).not_to_contain_text(wang["process"].number)
    # and the order's link opens the order for the branch
    page.click(f"#timeline-entries >> text=工单{wang['call'].work_order.number} 回复办理结果")
    expect(page).to_have_url(f"{live_server.url}/hotline/orders/{wang['call'].work_order.pk}/")
