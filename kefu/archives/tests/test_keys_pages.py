"""The key cabinet's pages: the cabinet with its filters, counts, paging and Excel; a key with its actions by
permission and the refusals in Chinese (400); the printed label with its QR code; the register, printed;
the engineering manager's queue of copies; registering keys; who may open them."""

from datetime import timedelta
from io import BytesIO

import pytest
import time_machine
from django.utils import timezone
from openpyxl import load_workbook

from kefu.accounts.models import Role
from kefu.archives import selectors_keys
from kefu.archives.models import Key, KeyCopyRequest, KeyLoan
from kefu.archives.services import keys as services
from kefu.archives.tests.factories_keys import (
    copy_requested,
    equipment_key,
    flat_keys,
    key_people,  # noqa: F401 - the fixture "people"
    lent,
    owner_key,
    public_key,
)
from kefu.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

CABINET = "/archives/keys/"


def test_roles_without_the_cabinet_get_403(people, client_for):
    key = public_key(people.archivist)
    for user in (people.agent, people.clerk):
        client = client_for(user)
        for url in (
            CABINET,
            f"/archives/keys/{key.pk}/",
            f"/archives/keys/{key.pk}/label/",
            "/archives/keys/register/",
        ):
            assert client.get(url).status_code == 403, (user, url)
        assert client.post(f"/archives/keys/{key.pk}/lend/", {}).status_code == 403


def test_the_cabinet_lists_counts_and_filters(people, client_for):
    # given keys in the cabinet, one lent, one overdue, one issued
    public_key(people.archivist)
    lent_key = public_key(people.archivist, floor="6")
    lent(people.archivist, lent_key, people.clerk)
    late = equipment_key(people.archivist)
    with time_machine.travel(timezone.now() - timedelta(hours=6), tick=False):
        lent(people.archivist, late, people.clerk)
    client = client_for(people.head)

    # when the head opens the cabinet
    page = client.get(CABINET).content.decode()

    # then the counts and the keys show
    counts = selectors_keys.counts(people.head)
    assert counts["in_cabinet"] == 1 and counts["lent"] == 2 and counts["overdue"] == 1
    assert "逾期未还" in page and "3栋-2单元-05层-公共门窗" in page and "水泵房" in page
    overdue = client.get(CABINET + "?state=overdue").content.decode()
    assert "水泵房" in overdue and "3栋-2单元-06层-公共门窗" not in overdue
    by_kind = client.get(CABINET + "?kind=equipment").content.decode()
    assert "水泵房" in by_kind and "公共门窗</a>" not in by_kind
    assert "3栋-2单元-06层" in client.get(CABINET + "?q=06层").content.decode()
    assert "没有符合条件的钥匙" in client.get(CABINET + "?building=9").content.decode()


def test_an_empty_cabinet_says_so(people, client_for):
    assert "钥匙柜还没有登记钥匙" in client_for(people.archivist).get(CABINET).content.decode()


def test_the_cabinet_pages_in_a_bounded_number_of_queries(people, client_for, django_assert_max_num_queries):
    services.bulk_register_estate(
        actor=people.archivist, estate="锦绣花园", buildings=1, entrances=1, floors=8, flats_per_floor=2
    )
    client = client_for(people.archivist)
    client.get(CABINET)
    with django_assert_max_num_queries(20):
        response = client.get(CABINET + "?page=2")
    assert response.status_code == 200
    assert "page=3" in response.content.decode()


def test_the_cabinet_exports_to_excel(people, client_for):
    owner_key(people.archivist)
    equipment_key(people.archivist)
    response = client_for(people.archivist).get("/archives/keys/export/?kind=equipment")
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(b"".join(response.streaming_content))).active.values)
    assert rows[0][:3] == ("小区", "标签", "类别")
    assert [r[1] for r in rows[1:]] == ["水泵房"]
    assert rows[1][10] == "工程部"


def test_a_key_shows_its_actions_by_permission_and_its_history(people, client_for):
    key = public_key(people.archivist)
    archivist_page = client_for(people.archivist).get(f"/archives/keys/{key.pk}/").content.decode()
    assert 'id="key-lend"' in archivist_page and 'id="key-copy"' in archivist_page
    assert "钥匙入柜登记" in archivist_page
    head_page = client_for(people.head).get(f"/archives/keys/{key.pk}/").content.decode()
    assert 'id="key-lend"' in head_page and 'id="key-lost"' not in head_page


def test_a_loan_is_registered_from_the_key_page_and_a_refusal_is_a_400(people, client_for):
    key = owner_key(people.archivist, owner_kind=Key.OwnerKind.INDOOR)
    client = client_for(people.archivist)
    url = f"/archives/keys/{key.pk}/lend/"
    data = {
        "borrower": people.clerk.pk,
        "purpose": "入户查看漏水",
        "work_reference": "",
        "borrower_signed": "on",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "业主钥匙只凭工作单借出" in refused.content.decode()
    unsigned = client.post(url, {**data, "work_reference": "WX-1", "borrower_signed": ""})
    assert unsigned.status_code == 400
    assert "借用人须在《房屋钥匙管理记录表》上签字后方可借出" in unsigned.content.decode()
    done = client.post(url, {**data, "work_reference": "WX-1"})
    assert done.status_code == 302
    loan = KeyLoan.objects.get()
    assert loan.borrower == people.clerk
    returned = client.post(f"/archives/keys/loans/{loan.pk}/return/")
    assert returned.status_code == 302
    loan.refresh_from_db()
    assert loan.returned_at is not None


def test_the_owner_signs_for_the_keys_on_the_page_and_the_id_is_masked(people, client_for):
    keys = flat_keys(people.archivist)
    customer = CustomerFactory()
    client = client_for(people.archivist)
    url = f"/archives/keys/{keys[0].pk}/issue/"
    data = {
        "customer_number": customer.number,
        "identity_document": "居民身份证",
        "identity_number": customer.id_number,
        "owner_signed": "",
        "keys": [k.pk for k in keys],
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "须由业主签领钥匙" in refused.content.decode()
    assert client.post(url, {**data, "owner_signed": "on"}).status_code == 302
    assert Key.objects.filter(state=Key.State.ISSUED).count() == 5
    # the engineering manager, without the sensitive-number right, sees the ID masked; the archivist in full
    masked = f"{customer.id_number[:6]}********{customer.id_number[-4:]}"
    engineer_page = client_for(people.engineer).get(f"/archives/keys/{keys[0].pk}/").content.decode()
    assert masked in engineer_page and customer.id_number not in engineer_page
    assert (
        customer.id_number
        in client_for(people.archivist).get(f"/archives/keys/{keys[0].pk}/").content.decode()
    )


def test_an_unknown_customer_number_is_a_400(people, client_for):
    key = owner_key(people.archivist)
    response = client_for(people.archivist).post(
        f"/archives/keys/{key.pk}/issue/",
        {
            "customer_number": "KH404",
            "identity_document": "入伙通知书",
            "identity_number": "1",
            "keys": [key.pk],
        },
    )
    assert response.status_code == 400
    assert "客户编号KH404不存在或不在您的权限范围内" in response.content.decode()


def test_the_label_prints_with_a_qr_code_of_the_keys_page(people, client_for):
    key = owner_key(people.archivist)
    page = client_for(people.head).get(f"/archives/keys/{key.pk}/label/").content.decode()
    assert "print.js" in page and 'class="sheet' in page
    assert "3栋-2单元-05层-0502" in page
    assert '<svg xmlns="http://www.w3.org/2000/svg" viewBox=' in page
    assert "<title>3栋-2单元-05层-0502</title>" in page
    assert "<script>" not in page and "style=" not in page


def test_the_labels_of_a_selection_print_together(people, client_for):
    flat_keys(people.archivist)
    page = client_for(people.archivist).get("/archives/keys/labels/?q=0502").content.decode()
    assert page.count('<section class="key-label">') == 5
    assert page.count("<svg") == 5


def test_the_register_lists_loans_and_prints(people, client_for):
    key = public_key(people.archivist)
    lent(people.archivist, key, people.clerk, purpose="楼道灯更换")
    client = client_for(people.head)
    page = client.get("/archives/keys/register/").content.decode()
    assert "房屋钥匙管理记录表" in page and "楼道灯更换" in page and "营业员小王" in page
    assert "楼道灯更换" in client.get("/archives/keys/register/?open=1&q=楼道").content.decode()
    assert "没有符合条件的借用记录" in client.get("/archives/keys/register/?q=无此事由").content.decode()
    printed = client.get("/archives/keys/register/print/").content.decode()
    assert "借用人签字" in printed and "楼道灯更换" in printed and "print.js" in printed


def test_the_engineering_manager_consents_from_the_queue(people, client_for):
    request = copy_requested(people.archivist, equipment_key(people.archivist))
    client = client_for(people.engineer)
    queue = client.get("/archives/keys/copies/?state=requested").content.decode()
    assert "同意配制" in queue and "原钥匙磨损" in queue
    client.post(f"/archives/keys/copies/{request.pk}/consent/", {"note": "同意"})
    request.refresh_from_db()
    assert request.state == KeyCopyRequest.State.CONSENTED
    # the archivist sees no decision buttons, only 登记已配制
    archivist_queue = client_for(people.archivist).get("/archives/keys/copies/").content.decode()
    assert "同意配制</button>" not in archivist_queue and "登记已配制" in archivist_queue
    client_for(people.archivist).post(f"/archives/keys/copies/{request.pk}/made/")
    request.refresh_from_db()
    assert request.state == KeyCopyRequest.State.MADE


def test_a_refusal_without_a_reason_is_said_on_the_queue(people, client_for):
    request = copy_requested(people.archivist, equipment_key(people.archivist))
    response = client_for(people.engineer).post(
        f"/archives/keys/copies/{request.pk}/refuse/", {"note": ""}, follow=True
    )
    assert "请填写不同意配制的理由" in response.content.decode()


def test_a_copy_of_an_owners_key_is_refused_on_the_page(people, client_for):
    key = owner_key(people.archivist)
    response = client_for(people.archivist).post(
        f"/archives/keys/{key.pk}/copy/", {"copies": 1, "reason": "备用"}
    )
    assert response.status_code == 400
    assert "业主钥匙由业主自行配制" in response.content.decode()


def test_keys_are_registered_one_by_one_or_by_estate(people, client_for):
    client = client_for(people.archivist)
    response = client.post(
        "/archives/keys/new/",
        {"kind": "equipment", "estate": "锦绣花园", "equipment_room": "配电房", "copies": 2},
    )
    assert response.status_code == 302
    assert Key.objects.get().holder_department == "工程部"
    refused = client.post(
        "/archives/keys/new/", {"kind": "owner", "estate": "锦绣花园", "building": "1", "copies": 1}
    )
    assert refused.status_code == 400 and "业主钥匙须注明种类" in refused.content.decode()
    imported = client.post(
        "/archives/keys/import/",
        {
            "estate": "锦绣花园",
            "buildings": 1,
            "entrances": 1,
            "floors": 2,
            "flats_per_floor": 1,
            "public_doors": "on",
        },
    )
    assert imported.status_code == 302
    assert Key.objects.count() == 1 + 10 + 2
    assert client_for(people.head).get("/archives/keys/new/").status_code == 403


def test_the_home_lines_show_overdue_keys_and_copies_to_consent(people):
    key = public_key(people.archivist)
    with time_machine.travel(timezone.now() - timedelta(hours=6), tick=False):
        lent(people.archivist, key, people.clerk)
    copy_requested(people.archivist, equipment_key(people.archivist))
    assert ("钥匙逾期未还", 1, "/archives/keys/?state=overdue") in selectors_keys.home_lines(people.archivist)
    engineer_lines = selectors_keys.home_lines(people.engineer)
    assert ("钥匙配制待同意", 1, "/archives/keys/copies/?state=requested") in engineer_lines
    assert selectors_keys.home_lines(people.agent) == []


def test_the_pages_fit_a_phone(people, client_for):
    public_key(people.archivist)
    page = client_for(people.archivist).get(CABINET).content.decode()
    assert 'name="viewport"' in page and "hide-narrow" in page and "table-scroll" in page


@pytest.mark.parametrize("role", [Role.ENGINEERING_MANAGER, Role.CENTER_DIRECTOR])
def test_the_cabinet_opens_for_roles_with_view_key(make_user, client_for, role):
    assert client_for(make_user(role)).get(CABINET).status_code == 200


def test_a_key_only_user_is_sent_from_the_archive_desk_to_the_cabinet(people, client_for):
    # the engineering manager may see the keys but not the catalogue
    response = client_for(people.engineer).get("/archives/")
    assert response.status_code == 302
    assert response.url == CABINET
