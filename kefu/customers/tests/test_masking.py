"""Phone and ID numbers are masked for roles that do not need them, alike in the search results, the
archive page, the API and the Excel export (A1, A3); a unit's credit code is public and never masked."""

from io import BytesIO

import pytest
from django.contrib.auth.models import Permission
from openpyxl import load_workbook

from kefu.accounts.tests.factories import ServiceAreaFactory
from kefu.customers import services

PHONE, PHONE_MASKED = "13812345678", "138****5678"
ID_NUMBER, ID_MASKED = "330106198503150016", "330106********0016"
CONTACT_PHONE, CONTACT_MASKED = "13905710001", "139****0001"
CREDIT_CODE = "91330100799655058B"


@pytest.fixture
def person(counter_clerk):
    customer = services.open_customer(
        actor=counter_clerk,
        data={
            "kind": "individual",
            "name": "王建国",
            "id_number": ID_NUMBER,
            "phone": PHONE,
            "address": "西湖区文三路100号1幢1单元101室",
            "service_area": ServiceAreaFactory(),
        },
    )
    services.add_contact_person(
        actor=counter_clerk, customer=customer, name="李秀英", phone=CONTACT_PHONE, relation="配偶"
    )
    return customer


@pytest.fixture
def company(counter_clerk):
    return services.open_customer(
        actor=counter_clerk,
        data={
            "kind": "unit",
            "name": "阿里巴巴（中国）有限公司",
            "id_number": CREDIT_CODE,
            "phone": "0571-85022088",
            "address": "余杭区文一西路969号",
            "service_area": ServiceAreaFactory(),
        },
    )


def allow_export(user):
    user.user_permissions.add(Permission.objects.get(codename="export_customer"))


def workbook_rows(response) -> list[list]:
    sheet = load_workbook(BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


# An agent sees masked numbers everywhere


def test_it_masks_the_phone_and_id_in_the_search_results_for_an_agent(client_for, agent, person):
    # given an agent searching for the customer
    page = client_for(agent).get("/customers/", {"q": "王建国"}).content.decode()
    # then the row shows the masked forms and never the whole numbers
    assert PHONE_MASKED in page and ID_MASKED in page
    assert PHONE not in page and ID_NUMBER not in page


def test_it_masks_the_phone_and_id_on_the_archive_page_for_an_agent(client_for, agent, person):
    # when the agent opens the archive (whose history holds the numbers entered at opening)
    page = client_for(agent).get(f"/customers/{person.pk}/").content.decode()
    # then the numbers, the contact person's phone and the history are all masked
    assert PHONE_MASKED in page and ID_MASKED in page and CONTACT_MASKED in page
    for whole in (PHONE, ID_NUMBER, CONTACT_PHONE):
        assert whole not in page


def test_it_masks_old_and_new_values_in_the_history_for_an_agent(client_for, agent, counter_clerk, person):
    # given the phone was changed
    services.update_customer(actor=counter_clerk, customer=person, data={"phone": "13698765432"})
    # when an agent reads the history
    page = client_for(agent).get(f"/customers/{person.pk}/").content.decode()
    # then both the old and the new number are masked
    assert f"{PHONE_MASKED} → 136****5432" in page
    assert "13698765432" not in page and PHONE not in page


def test_it_masks_the_print_view_for_an_agent(client_for, agent, person):
    page = client_for(agent).get(f"/customers/{person.pk}/print/").content.decode()
    assert PHONE_MASKED in page and ID_MASKED in page
    assert PHONE not in page and ID_NUMBER not in page


def test_it_masks_the_api_list_for_an_agent(client_for, agent, person):
    response = client_for(agent).get("/api/customers", {"q": "wjg"})
    row = response.json()["results"][0]
    assert row["phone"] == PHONE_MASKED
    assert row["id_number"] == ID_MASKED
    assert PHONE not in response.content.decode()


def test_it_masks_the_api_detail_for_an_agent(client_for, agent, person):
    response = client_for(agent).get(f"/api/customers/{person.pk}")
    body = response.json()
    assert body["phone"] == PHONE_MASKED
    assert body["id_number"] == ID_MASKED
    assert body["contact_persons"][0]["phone"] == CONTACT_MASKED
    for whole in (PHONE, ID_NUMBER, CONTACT_PHONE):
        assert whole not in response.content.decode()


def test_it_masks_the_excel_export_for_a_role_that_may_export_but_not_see_numbers(client_for, agent, person):
    # given an agent an administrator allowed to export, but not to see whole numbers
    allow_export(agent)
    # when the agent exports the search
    response = client_for(agent).get("/customers/export.xlsx", {"q": "王建国"})
    # then the file holds the masked numbers
    assert response.status_code == 200
    header, row = workbook_rows(response)
    assert row[header.index("联系电话")] == PHONE_MASKED
    assert row[header.index("证件号码")] == ID_MASKED
    assert PHONE not in str(row) and ID_NUMBER not in str(row)


def test_it_masks_a_landline_keeping_the_area_code(client_for, agent, company):
    page = client_for(agent).get(f"/customers/{company.pk}/").content.decode()
    assert "0571-****2088" in page
    assert "85022088" not in page


# Roles that need the numbers see them whole


@pytest.mark.parametrize("role_fixture", ["department_head", "counter_clerk", "archivist"])
def test_it_shows_whole_numbers_to_roles_that_need_them(request, client_for, role_fixture, person):
    # given a user whose role handles the customer's paperwork
    client = client_for(request.getfixturevalue(role_fixture))
    # then the search, the archive page, the API and the export show the whole numbers
    search = client.get("/customers/", {"q": "王建国"}).content.decode()
    assert PHONE in search and ID_NUMBER in search
    detail = client.get(f"/customers/{person.pk}/").content.decode()
    assert PHONE in detail and ID_NUMBER in detail and CONTACT_PHONE in detail
    assert PHONE_MASKED not in detail
    body = client.get(f"/api/customers/{person.pk}").json()
    assert (body["phone"], body["id_number"]) == (PHONE, ID_NUMBER)
    assert body["contact_persons"][0]["phone"] == CONTACT_PHONE
    rows = client.get("/api/customers", {"q": "王建国"}).json()["results"]
    assert (rows[0]["phone"], rows[0]["id_number"]) == (PHONE, ID_NUMBER)
    header, row = workbook_rows(client.get("/customers/export.xlsx", {"q": "王建国"}))
    assert (row[header.index("联系电话")], row[header.index("证件号码")]) == (PHONE, ID_NUMBER)


def test_it_shows_a_landline_formatted_to_roles_that_need_it(client_for, counter_clerk, company):
    page = client_for(counter_clerk).get(f"/customers/{company.pk}/").content.decode()
    assert "0571-85022088" in page


# A unit's credit code is on the licence on its wall: never masked


def test_it_never_masks_a_units_credit_code(client_for, agent, company):
    # given an agent, who sees personal IDs masked
    allow_export(agent)
    client = client_for(agent)
    # then the company's credit code is whole on every channel
    assert CREDIT_CODE in client.get("/customers/", {"q": "阿里巴巴"}).content.decode()
    assert CREDIT_CODE in client.get(f"/customers/{company.pk}/").content.decode()
    assert client.get(f"/api/customers/{company.pk}").json()["id_number"] == CREDIT_CODE
    assert client.get("/api/customers", {"q": "阿里巴巴"}).json()["results"][0]["id_number"] == CREDIT_CODE
    header, row = workbook_rows(client.get("/customers/export.xlsx", {"q": "阿里巴巴"}))
    assert row[header.index("证件号码")] == CREDIT_CODE
