"""Every list of contacts and work orders follows the detail pages' rule, visible_to(user) (issue 11
item 2): a branch never sees, in any list, panel or export, the misconduct complaint about its own
meter reader that went to the discipline office, while the discipline office does."""

from django.contrib.auth.models import Permission
from django.utils import timezone

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import UserFactory
from kefu.telephony.models import Call

# Rights an administrator may add to a unit's role group: the rule must hold whatever the rights.
EXTRA_RIGHTS = ["add_contact", "add_callback", "export_register", "view_escalated"]


def with_rights(user):
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="hotline", codename__in=EXTRA_RIGHTS)
    )
    return user


def read_paths(customer) -> dict[str, str]:
    """Each page, partial, export and API that lists contacts or work orders (or a customer's)."""
    this_month = f"{timezone.localdate():%Y-%m}"
    return {
        "history panel": f"/hotline/customer-history/?customer={customer.pk}",
        "lookup, then select": f"/hotline/customer-history/?customer={customer.pk}&select=1",
        "workspace with ?customer=": f"/hotline/?customer={customer.pk}",
        "screen pop": "/telephony/pop/",
        "contact register": "/hotline/contacts/",
        "contact register search": "/hotline/contacts/?q=抄表员",
        "contact register export": "/hotline/contacts/?format=xlsx",
        "all orders": "/hotline/orders/?queue=all",
        "unit queue": "/hotline/orders/?queue=unit",
        "overdue orders": "/hotline/orders/?queue=overdue",
        "escalated orders": "/hotline/orders/?queue=escalated",
        "callbacks": "/hotline/orders/?queue=callbacks",
        "orders export": "/hotline/orders/?queue=all&format=xlsx",
        "API contacts": "/api/hotline/contacts",
        "API contacts search": "/api/hotline/contacts?q=抄表员",
        "API work orders": "/api/hotline/work-orders?queue=all",
        "API callbacks": "/api/hotline/callbacks",
        "monthly register export": f"/reports/monthly.xlsx?month={this_month}",
        "monthly summary": f"/reports/monthly/?month={this_month}",
    }


# The center's own reports count and list the whole center and cannot be narrowed to a unit: a unit's
# staff are refused them whole, whatever rights they were given (kefu.reports.permissions).
CENTER_ONLY = {"monthly register export", "monthly summary"}


def body(response) -> str:
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        from io import BytesIO

        from openpyxl import load_workbook

        book = load_workbook(BytesIO(content(response)))
        return " ".join(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
        )
    return content(response).decode()


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_no_list_shows_a_branch_the_discipline_offices_case(client_for, world):
    # given a customer of the west branch with a burst pipe the branch handles, and a complaint about
    # the branch's own meter reader, which went to the discipline office
    customer = world.customer
    repair = world.record(code="repair", matter="水管爆裂，水流很大")
    complaint = world.record(code="misconduct", matter="抄表员上门索要好处费", caller_name="匿名")
    assert repair.work_order.unit == world.west
    assert complaint.work_order.unit == world.discipline
    # and a call from the customer ringing at the branch user's phone, and at the discipline office's
    branch = with_rights(world.west_staff)
    office = with_rights(
        UserFactory(role=Role.UNIT_STAFF, username="jw1", name="纪委专员", unit=world.discipline)
    )
    for n, user in enumerate([branch, office]):
        Call.objects.create(
            call_id=f"C{n}",
            agent=user,
            caller_number=customer.phone,
            started_at=timezone.now(),
            ring_at=timezone.now(),
        )
    # when the branch user opens every read path
    client = client_for(branch)
    leaks, seen = {}, {}
    for name, url in read_paths(customer).items():
        response = client.get(url)
        expected = 403 if name in CENTER_ONLY else 200
        if response.status_code != 200:
            assert response.status_code == expected, (name, response.status_code)
            continue
        text = body(response)
        if complaint.number in text or complaint.work_order.number in text or "索要好处费" in text:
            leaks[name] = url
        seen[name] = repair.number in text or repair.work_order.number in text
    # then none shows the complaint
    assert leaks == {}
    # and the center's own reports were refused whole
    assert not seen.keys() & CENTER_ONLY
    # while the lists meant to show the branch's own work do show its repair
    assert (
        seen["history panel"] and seen["contact register"] and seen["all orders"] and seen["API work orders"]
    )
    # and the detail pages agree: the complaint is not found
    assert client.get(f"/hotline/contacts/{complaint.pk}/").status_code == 404
    assert client.get(f"/hotline/orders/{complaint.work_order.pk}/").status_code == 404


def test_the_discipline_office_sees_its_case_in_the_history_panel_but_not_the_repair(client_for, world):
    world.record(code="repair", matter="水管爆裂，水流很大")
    complaint = world.record(code="misconduct", matter="抄表员上门索要好处费")
    office = UserFactory(role=Role.UNIT_STAFF, username="jw1", name="纪委专员", unit=world.discipline)
    # the office's staff cannot open the west branch's customer archive: the panel is refused whole
    response = client_for(office).get(f"/hotline/customer-history/?customer={world.customer.pk}")
    assert response.status_code == 404
    # and its register lists its case alone
    page = client_for(office).get("/hotline/contacts/").content.decode()
    assert complaint.number in page and "水管爆裂" not in page


def test_a_unit_that_co_handles_an_order_sees_its_contact_as_on_the_order_page(client_for, world):
    # given an order of the west branch that the east branch co-handles
    from kefu.hotline.models import WorkOrder

    repair = world.record(code="repair", matter="两区交界处水管爆裂")
    WorkOrder.co_units.through.objects.create(workorder_id=repair.work_order.pk, unit_id=world.east.pk)
    client = client_for(world.east_staff)
    # then the order page, the contact page and the register agree
    assert client.get(f"/hotline/orders/{repair.work_order.pk}/").status_code == 200
    assert client.get(f"/hotline/contacts/{repair.pk}/").status_code == 200
    assert repair.number in client.get("/hotline/contacts/").content.decode()
