"""The reading and borrowing pages (D2): the register with its filters, export and print, 我的借阅, the
request from a file, the buttons by permission, the printed 《文件借阅登记表》, the file page's block and
who may see what (403/404, restricted files invisible)."""

from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template import Context, Template
from django.test import RequestFactory
from openpyxl import load_workbook

from kefu.archives.models import FileLoan
from kefu.archives.selectors_loans import desk_loans, home_lines
from kefu.archives.services import loans as services
from kefu.archives.tests.factories_loans import LoanPeople, approved, filed_file, lent, owner_file, requested

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def people(make_user):
    return LoanPeople(make_user)


def text(response) -> str:
    return response.content.decode()


def test_the_register_lists_filters_and_searches(client_for, people):
    out = lent(people.clerk, people.head, people.archivist, filed_file(title="城东新装档案"))
    waiting = requested(people.leader, filed_file(title="城西过户档案"))
    client = client_for(people.archivist)
    page = text(client.get("/archives/loans/"))
    assert "文件借阅登记表" in page and "城东新装档案" in page and "城西过户档案" in page
    page = text(client.get("/archives/loans/?state=requested"))
    assert "城西过户档案" in page and "城东新装档案" not in page
    page = text(client.get("/archives/loans/?q=城东"))
    assert "城东新装档案" in page and "城西过户档案" not in page
    page = text(client.get(f"/archives/loans/?borrower={people.leader.pk}"))
    assert f"#{waiting.pk}" in page and f"#{out.pk}<" not in page
    assert "没有符合条件的借阅记录" in text(client.get("/archives/loans/?q=不存在的档案"))
    assert client.get("/archives/loans/?page=abc").status_code == 200


def test_the_overdue_filter(client_for, people):
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=SH)):
        lent(people.clerk, people.head, people.archivist, filed_file(title="逾期的档案"))
        lent(people.leader, people.head, people.archivist, filed_file(title="按期的档案"), due_on=None)
    client = client_for(people.archivist)
    with time_machine.travel(datetime(2026, 3, 12, 10, 0, tzinfo=SH)):
        page = text(client.get("/archives/loans/?overdue=1"))
    assert "逾期的档案" in page and "逾期" in page


def test_a_staff_member_sees_only_their_own_loans(client_for, people):
    lent(people.clerk, people.head, people.archivist, filed_file(title="小王借的档案"))
    requested(people.leader, filed_file(title="小赵申请的档案"))
    client = client_for(people.clerk)
    page = text(client.get("/archives/loans/mine/"))
    assert "我的借阅" in page and "小王借的档案" in page and "小赵申请的档案" not in page
    page = text(client.get("/archives/loans/"))
    assert "小赵申请的档案" not in page
    other = FileLoan.objects.get(borrower=people.leader)
    assert client.get(f"/archives/loans/{other.pk}/").status_code == 404


def test_restricted_files_and_their_loans_are_invisible_to_others(client_for, people):
    file = filed_file(title="稽查案卷", restricted_to="inspection.view_case")
    loan = requested(people.inspector, file, kind=FileLoan.Kind.READ)
    # the clerk cannot find the file to ask for it
    clerk = client_for(people.clerk)
    assert clerk.get(f"/archives/files/{file.pk}/loans/new/").status_code == 404
    assert clerk.get(f"/archives/loans/{loan.pk}/").status_code == 404
    # the archive room sees it
    client = client_for(people.archivist)
    assert "稽查案卷" in text(client.get("/archives/loans/"))


def test_a_role_without_the_register_gets_403(client_for, make_user, people):
    loan = requested(people.clerk, filed_file())
    client = client_for(make_user("", username="norole"))
    assert client.get("/archives/loans/").status_code == 403
    assert client.get(f"/archives/loans/{loan.pk}/").status_code == 403
    assert client.post(f"/archives/loans/{loan.pk}/approve/").status_code == 403


def test_the_export_is_the_register_as_a_workbook(client_for, people):
    lent(people.clerk, people.head, people.archivist, filed_file(title="导出的档案"))
    response = client_for(people.archivist).get("/archives/loans/export/?state=out")
    assert response.status_code == 200
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:4] == ("借阅单号", "档号", "案卷题名", "方式")
    assert rows[1][2] == "导出的档案" and rows[1][8] == "借出中"


def test_the_printed_register_and_one_loans_form(client_for, people):
    loan = lent(people.clerk, people.head, people.archivist, filed_file(title="打印的档案"))
    client = client_for(people.archivist)
    page = text(client.get("/archives/loans/print/"))
    assert "文件借阅登记表" in page and "打印的档案" in page
    page = text(client.get(f"/archives/loans/{loan.pk}/print/"))
    assert "文件借阅登记表" in page and "借阅人签字" in page and "营业员小王" in page
    assert "主任老李" in page  # the approver


def test_asking_from_the_file_page_for_work_goes_to_the_desk(client_for, people):
    file = filed_file(title="要查的档案")
    client = client_for(people.clerk)
    page = text(client.get(f"/archives/files/{file.pk}/loans/new/"))
    assert "申请借阅档案" in page and "要查的档案" in page
    response = client.post(
        f"/archives/files/{file.pk}/loans/new/", {"kind": "read", "purpose": "核对户名", "for_work": "on"}
    )
    loan = FileLoan.objects.get()
    assert response.status_code == 302 and response.url == f"/archives/loans/{loan.pk}/"
    assert loan.state == FileLoan.State.APPROVED
    assert "请到档案室登记查阅" in text(client.get(response.url))


def test_asking_to_borrow_a_confidential_file_is_refused_with_the_rule(client_for, people):
    file = owner_file()
    client = client_for(people.clerk)
    page = text(client.get(f"/archives/files/{file.pk}/loans/new/"))
    assert "不得借出或复印" in page  # said before asking
    response = client.post(
        f"/archives/files/{file.pk}/loans/new/", {"kind": "loan", "purpose": "复印给业主", "for_work": "on"}
    )
    assert response.status_code == 400
    assert "属业主/租户个人资料等保密档案，不得借出或复印（物业客服规章制度·住户档案管理规定3(3)）" in text(
        response
    )
    assert not FileLoan.objects.exists()
    response = client.post(f"/archives/files/{file.pk}/loans/new/", {"kind": "loan", "purpose": ""})
    assert response.status_code == 400


def test_the_manager_approves_and_the_desk_lends_with_the_signature(client_for, people):
    loan = requested(people.clerk, filed_file())
    head = client_for(people.director)
    page = text(head.get(f"/archives/loans/{loan.pk}/"))
    assert "批准" in page and "不予批准" in page and "登记借出" not in page
    head.post(f"/archives/loans/{loan.pk}/approve/", {"note": "同意借阅"})
    loan.refresh_from_db()
    assert loan.state == FileLoan.State.APPROVED
    desk = client_for(people.archivist)
    page = text(desk.get(f"/archives/loans/{loan.pk}/"))
    assert "借阅人已签字" in page and "登记借出" in page
    response = desk.post(f"/archives/loans/{loan.pk}/lend/", {"due_on": ""})
    assert response.status_code == 400
    assert "借阅人须在《文件借阅登记表》上签字后才能登记" in text(response)
    response = desk.post(f"/archives/loans/{loan.pk}/lend/", {"signed": "1"})
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.state == FileLoan.State.OUT
    desk.post(f"/archives/loans/{loan.pk}/return/")
    loan.refresh_from_db()
    assert loan.state == FileLoan.State.RETURNED and loan.received_by == people.archivist


def test_the_borrower_sees_no_approval_buttons_on_their_own_request(client_for, people):
    loan = requested(people.head, filed_file())
    client = client_for(people.head)
    page = text(client.get(f"/archives/loans/{loan.pk}/"))
    assert 'id="loan-decide"' not in page and "撤回申请" in page
    response = client.post(f"/archives/loans/{loan.pk}/approve/", follow=True)
    assert "不能审批本人的借阅申请" in text(response)
    loan.refresh_from_db()
    assert loan.state == FileLoan.State.REQUESTED


def test_a_refusal_without_reason_is_a_400(client_for, people):
    loan = requested(people.clerk, filed_file())
    response = client_for(people.head).post(f"/archives/loans/{loan.pk}/refuse/", {"note": ""})
    assert response.status_code == 400 and "不予批准须写明理由" in text(response)


def test_the_file_pages_block(rf: RequestFactory, people):
    file = filed_file()
    loan = lent(people.clerk, people.head, people.archivist, file)
    request = rf.get("/")
    request.user = people.archivist
    html = Template('{% include "archives/loans_file_block.html" %}').render(
        Context({"file": file, "request": request})
    )
    assert "借出中" in html and "营业员小王" in html and f"#{loan.pk}" in html and "申请查阅或借出" in html
    confidential = owner_file()
    html = Template('{% include "archives/loans_file_block.html" %}').render(
        Context({"file": confidential, "request": request})
    )
    assert "不得借出或复印" in html


def test_the_desk_and_the_home_lines(people):
    waiting = requested(people.clerk, filed_file())
    ready = approved(people.leader, people.head, filed_file())
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=SH)):
        late = lent(people.inspector, people.head, people.archivist, filed_file())
    with time_machine.travel(datetime(2026, 3, 12, 10, 0, tzinfo=SH)):
        desk = desk_loans(people.head)
        assert set(desk["waiting"]) == {waiting, ready}
        assert list(desk["out"]) == [late] and list(desk["overdue"]) == [late]
        assert set(desk_loans(people.archivist)["waiting"]) == {ready}
        assert set(desk_loans(people.director)["waiting"]) == {waiting}
        assert list(desk_loans(people.clerk)["out"]) == []
        lines = dict((label, count) for label, count, _ in home_lines(people.head))
        assert lines == {"待我审批的档案借阅": 1, "待登记的档案借阅": 1, "逾期未还的档案": 1}
        assert [line[:2] for line in home_lines(people.inspector)] == [("我借阅的档案已逾期", 1)]


def test_the_desk_reads_few_queries(people, django_assert_max_num_queries):
    for _ in range(3):
        lent(people.clerk, people.head, people.archivist, filed_file())
        services.request(actor=people.leader, file=filed_file(), kind="loan", purpose="核对", for_work=True)
    with django_assert_max_num_queries(8):
        desk = desk_loans(people.head)
        [list(desk[k][:10]) for k in desk] + [desk[k].count() for k in desk]


def test_the_file_page_shows_the_loans_block(client_for, people):
    file = filed_file(title="带借阅块的档案")
    lent(people.clerk, people.head, people.archivist, file)
    page = text(client_for(people.leader).get(f"/archives/files/{file.pk}/"))
    assert 'id="file-loans"' in page and "借出中" in page and "申请查阅或借出" in page


LOAN_URLS = [
    ("get", "/archives/loans/"),
    ("get", "/archives/loans/mine/"),
    ("get", "/archives/loans/export/"),
    ("get", "/archives/loans/print/"),
    ("get", "/archives/loans/{loan}/"),
    ("get", "/archives/loans/{loan}/print/"),
    ("post", "/archives/loans/{loan}/approve/"),
    ("post", "/archives/loans/{loan}/refuse/"),
    ("post", "/archives/loans/{loan}/lend/"),
    ("post", "/archives/loans/{loan}/read/"),
    ("post", "/archives/loans/{loan}/return/"),
    ("post", "/archives/loans/{loan}/cancel/"),
    ("get", "/archives/files/{file}/loans/new/"),
    ("post", "/archives/files/{file}/loans/new/"),
    ("get", "/api/archives/loans"),
    ("post", "/api/archives/loans"),
    ("get", "/api/archives/loans/{loan}"),
    ("post", "/api/archives/loans/{loan}/approve"),
    ("post", "/api/archives/loans/{loan}/lend"),
    ("post", "/api/archives/loans/{loan}/return"),
]


def test_every_loan_url_needs_login_and_a_role(client, make_user, people):
    file = filed_file()
    loan = requested(people.clerk, file)
    urls = [(m, u.format(loan=loan.pk, file=file.pk)) for m, u in LOAN_URLS]
    for method, url in urls:
        response = getattr(client, method)(url)
        if url.startswith("/api/"):
            assert response.status_code == 401, url
        else:
            assert response.status_code == 302 and response.url.startswith("/login/"), url
    client.force_login(make_user("", username="no_role"))
    for method, url in urls:
        response = getattr(client, method)(
            url, **({"content_type": "application/json"} if "/api/" in url else {})
        )
        assert response.status_code in (403, 404), url
