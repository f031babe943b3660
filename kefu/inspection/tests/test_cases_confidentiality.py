"""Case files are confidential (第三条(十一)): only inspection staff and leaders (inspection.view_case)
read them; every read — page, print, API — is logged; to anyone else the case does not exist: 403 on its
page, print and API, absent from every list, search, export and the customer timeline, and the hotline's
own pages do not reveal it."""

import pytest
from django.urls import reverse

from kefu.accounts.models import Role
from kefu.core.timeline import customer_timeline
from kefu.hotline.models import WorkOrder
from kefu.inspection.models import Case, CaseRead
from kefu.inspection.permissions import visible_cases
from kefu.inspection.tests.factories_cases import submitted

pytestmark = pytest.mark.usefixtures("shipped_categories")

OUTSIDERS = [Role.AGENT, Role.COUNTER_CLERK, Role.ARCHIVIST, Role.UNIT_STAFF, Role.TEAM_LEADER]


@pytest.fixture
def secret(world):
    approval = submitted(customer=world.customer, summary="黑户私接消防管网", unregistered=True)
    return approval


@pytest.mark.parametrize("role", OUTSIDERS)
def test_others_get_403_and_see_nothing(world, secret, client_for, role):
    case = secret.case
    person = world.user(role)
    client = client_for(person)
    for url in (
        reverse("inspection:case", args=[case.pk]),
        reverse("inspection:approval_registration_print", args=[secret.pk]),
        reverse("inspection:approval_form_print", args=[secret.pk]),
        reverse("inspection:cases"),
        reverse("inspection:cases_export"),
        reverse("inspection:approvals"),
        reverse("inspection:case_reads"),
        f"/api/inspection/cases/{case.pk}",
        "/api/inspection/cases",
    ):
        assert client.get(url).status_code == 403, url
    assert not visible_cases(person).exists()
    entries = customer_timeline(world.customer, person).entries
    assert not any(case.number in entry.summary for entry in entries)
    assert not CaseRead.objects.filter(reader=person).exists()


def test_every_read_is_logged_page_print_and_api(world, secret, client_for):
    case = secret.case
    client = client_for(world.director)
    assert client.get(reverse("inspection:case", args=[case.pk])).status_code == 200
    assert client.get(reverse("inspection:approval_form_print", args=[secret.pk])).status_code == 200
    assert client.get(f"/api/inspection/cases/{case.pk}").status_code == 200
    whats = list(CaseRead.objects.filter(case=case, reader=world.director).values_list("what", flat=True))
    assert sorted(whats) == sorted(["案卷页面", "打印违章审批表", "接口读取"])


def test_the_read_log_page_is_for_its_holders(world, secret, client_for):
    client = client_for(world.director)
    client.get(reverse("inspection:case", args=[secret.case.pk]))
    page = client.get(reverse("inspection:case_reads"))
    assert page.status_code == 200 and secret.case.number in page.content.decode()
    inspector = secret.submitted_by
    assert client_for(inspector).get(reverse("inspection:case_reads")).status_code == 403


def test_the_leaders_and_inspectors_see_the_case_in_the_timeline(world, secret):
    entries = customer_timeline(world.customer, world.director).entries
    assert any(secret.case.number in entry.summary for entry in entries)


def test_the_hotline_pages_do_not_reveal_the_case(world, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        contact = world.record(code="theft_report", matter="有人在小区绿化带私接水管")
    order = WorkOrder.objects.get(contact=contact)
    case = Case.objects.get(work_order=order)
    client = client_for(world.agent)
    for url in (
        reverse("hotline:work_order", args=[order.pk]),
        reverse("hotline:contact", args=[contact.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200
        assert case.number not in page.content.decode()
    listing = client.get(reverse("hotline:work_orders")).content.decode()
    assert case.number not in listing
