"""The counter's working pages: each department's stage queue, the clerk's day, approvals by a leader,
scanned documents, and the same through the API."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kefu.accounts.models import Role, Unit
from kefu.customers.tests.factories import CustomerFactory
from kefu.processes import services
from kefu.processes.models import Approval, Process

SH = ZoneInfo("Asia/Shanghai")
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def clerk(make_user):
    return make_user(Role.COUNTER_CLERK, username="clerk1", name="窗口小李")


@pytest.fixture
def head(make_user):
    return make_user(Role.DEPARTMENT_HEAD, username="head1", name="王主任")


def start(clerk, code="new_connection", customer=None, **facts):
    return services.start_process(
        actor=clerk, definition_code=code, customer=customer or CustomerFactory(), facts=facts
    )


def hand_in(actor, process):
    for doc in process.current_stage.documents_for(process.customer_kind):
        services.receive_document(actor=actor, process=process, code=doc["code"])


def to_design(clerk) -> Process:
    process = start(clerk, area_pressure_mpa="0.3")
    hand_in(clerk, process)
    services.record_fee(actor=clerk, process=process, amount=process.definition.standard_fee())
    services.advance(actor=clerk, process=process)
    return services.advance(actor=clerk, process=process)


def test_each_department_has_its_queue_most_urgent_first(client, clerk):
    later = start(clerk, customer=CustomerFactory(name="后到客户"))
    first = start(clerk, customer=CustomerFactory(name="先到客户"))
    Process.objects.filter(pk=first.pk).update(due_at=later.due_at.replace(year=2020))
    to_design(clerk)
    client.force_login(clerk)
    page = client.get("/processes/queue/", {"department": "客服中心窗口"}).content.decode()
    assert page.index("先到客户") < page.index("后到客户")
    assert "已超期" in page and "共 2 件" in page
    design = client.get("/processes/queue/", {"department": "设计室"}).content.decode()
    assert "共 1 件" in design and "勘测设计" in design


def test_a_queue_for_a_department_that_does_not_exist_says_so(client, clerk):
    client.force_login(clerk)
    page = client.get("/processes/queue/", {"department": "不存在的部门"}, follow=True).content.decode()
    assert "没有名为「不存在的部门」的责任部门" in page


def test_the_design_office_lands_on_its_own_queue_and_sees_only_its_stage(client, clerk, make_user):
    designer = make_user(Role.UNIT_STAFF, username="designer", unit=Unit.objects.get(code="design_office"))
    waiting = to_design(clerk)
    start(clerk, customer=CustomerFactory(name="窗口上的客户"))
    client.force_login(designer)
    assert client.get("/processes/").url == "/processes/queue/"
    page = client.get("/processes/queue/").content.decode()
    assert waiting.number in page and "窗口上的客户" not in page
    assert "窗口业务" in client.get("/").content.decode()  # the menu leads there
    assert client.get(f"/processes/{waiting.pk}/").status_code == 200
    # the counter's own decisions are not offered to the design office
    detail = client.get(f"/processes/{waiting.pk}/").content.decode()
    assert 'id="reject"' not in detail and 'id="advance"' in detail


@time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=SH), tick=False)
def test_the_clerks_day_lists_appointments_due_and_overdue_stages(client, clerk):
    customer = CustomerFactory(name="预约客户")
    appointment = start(
        clerk,
        "counter_appointment",
        customer,
        contact_phone="13812345678",
        appointment_at=datetime(2026, 11, 23, 14, 30, tzinfo=SH).isoformat(),
        wanted_business="更名过户",
    )
    services.advance(actor=clerk, process=appointment)
    overdue = start(clerk, customer=CustomerFactory(name="超期客户"))
    Process.objects.filter(pk=overdue.pk).update(due_at=datetime(2026, 11, 20, 17, 0, tzinfo=SH))
    client.force_login(clerk)
    page = client.get("/processes/today/").content.decode()
    appointments = page.split('id="appointments"')[1].split("</table>")[0]
    assert "14:30" in appointments and "预约客户" in appointments and "更名过户" in appointments
    assert "超期客户" in page.split('id="overdue"')[1].split("</table>")[0]
    assert "超期客户" in page.split('id="started-by-me"')[1]


def test_a_clerk_asks_for_an_extension_and_a_leader_grants_it_on_the_approvals_page(client, clerk, head):
    process = start(clerk)
    due = process.due_at
    client.force_login(clerk)
    page = client.post(
        f"/processes/{process.pk}/approval/",
        {"kind": "extend", "days": "3", "reason": "客户资料需补正"},
        follow=True,
    ).content.decode()
    assert "已提交延期申请" in page
    approval = Approval.objects.get()
    # the clerk cannot decide
    page = client.post(
        f"/processes/approvals/{approval.pk}/decide/", {"decision": "approve"}, follow=True
    ).content.decode()
    assert "只有部门负责人以上可以审批" in page
    client.force_login(head)
    assert "客户资料需补正" in client.get("/processes/approvals/").content.decode()
    client.post(f"/processes/approvals/{approval.pk}/decide/", {"decision": "approve", "note": "同意"})
    process.refresh_from_db()
    assert process.due_at > due
    assert Approval.objects.get().status == Approval.Status.APPROVED


@pytest.mark.parametrize("kind", ["suspend", "extend"])
@pytest.mark.parametrize("days", ["-1", "40000"])
def test_an_approval_with_days_out_of_range_is_refused_in_chinese_for_every_kind(client, clerk, kind, days):
    # given a process at the counter
    process = start(clerk)
    client.force_login(clerk)
    # when the clerk posts a suspension or extension with -1 days (the CHECK constraint) or 40000
    # (beyond a smallint on PostgreSQL)
    response = client.post(
        f"/processes/{process.pk}/approval/", {"kind": kind, "days": days, "reason": "客户要求"}, follow=True
    )
    # then the page names the field and the rule, and nothing is recorded
    assert response.status_code == 200
    assert "工作日" in response.content.decode() and not Approval.objects.exists()


@pytest.mark.parametrize("days", [-1, 367, 40000])
def test_the_approval_service_bounds_the_days_of_every_kind(clerk, days):
    # given
    process = start(clerk)
    # when / then
    with pytest.raises(ValidationError) as refused:
        services.request_approval(actor=clerk, process=process, kind="suspend", reason="客户要求", days=days)
    assert "0至366" in refused.value.message_dict["days"][0]


def test_an_extension_with_a_bad_number_of_days_is_refused_in_chinese(client, clerk):
    process = start(clerk)
    client.force_login(clerk)
    page = client.post(
        f"/processes/{process.pk}/approval/", {"kind": "extend", "days": "三", "reason": "x"}, follow=True
    ).content.decode()
    assert "延期天数应为整数" in page and not Approval.objects.exists()


def test_a_suspended_process_is_resumed_from_its_page(client, clerk, head):
    process = start(clerk)
    approval = services.request_approval(actor=clerk, process=process, kind="suspend", reason="客户出国")
    services.decide(actor=head, approval=approval, approve=True)
    client.force_login(clerk)
    page = client.get(f"/processes/{process.pk}/").content.decode()
    assert 'id="resume"' in page
    client.post(f"/processes/{process.pk}/resume/")
    assert Process.objects.get().state == Process.State.ACTIVE


def test_a_scan_is_kept_with_the_document_and_can_be_opened(client, clerk):
    process = start(clerk)
    client.force_login(clerk)
    scan = SimpleUploadedFile("申请表.pdf", PDF, content_type="application/pdf")
    page = client.post(
        f"/processes/{process.pk}/documents/",
        {"code": ["application"], "scan_code": "application", "file": scan},
        follow=True,
    ).content.decode()
    assert "已收取1份材料（含1份扫描件）" in page
    document = process.documents.get()
    response = client.get(f"/processes/{process.pk}/documents/{document.pk}/")
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_scan_of_the_wrong_kind_is_refused_and_nothing_is_recorded(client, clerk):
    process = start(clerk)
    client.force_login(clerk)
    bad = SimpleUploadedFile("病毒.exe", b"MZ", content_type="application/octet-stream")
    page = client.post(
        f"/processes/{process.pk}/documents/",
        {"scan_code": "application", "file": bad},
        follow=True,
    ).content.decode()
    assert "扫描件只能是 PDF、JPG、PNG 或 TIFF 文件" in page
    assert not process.documents.exists()


def test_the_api_takes_a_scanned_document_and_typed_facts(client, clerk):
    process = start(clerk)
    client.force_login(clerk)
    scan = SimpleUploadedFile("产权证.jpg", b"\xff\xd8\xff\xe0jpeg", content_type="image/jpeg")
    response = client.post(
        f"/api/processes/{process.pk}/documents", {"code": "property_certificate", "file": scan}
    )
    assert response.status_code == 201 and "property_certificate" in response.json()["documents"]
    bad = client.post(
        f"/api/processes/{process.pk}/transitions",
        {"action": "facts", "facts": {"area_pressure_mpa": "很高", "colour": "红"}},
        content_type="application/json",
    )
    assert bad.status_code == 400
    errors = str(bad.json())
    assert "片区供水压力（MPa）应为数字" in errors and "没有名为「colour」的申请信息" in errors
    good = client.post(
        f"/api/processes/{process.pk}/transitions",
        {"action": "facts", "facts": {"area_pressure_mpa": 0.25, "illegal_building": False}},
        content_type="application/json",
    )
    assert good.json()["facts"]["area_pressure_mpa"] == "0.25"


def test_a_leader_decides_through_the_api_but_not_on_their_own_request(client, head, clerk):
    process = start(clerk)
    client.force_login(head)
    own = client.post(
        f"/api/processes/{process.pk}/transitions",
        {"action": "extend", "days": 2, "reason": "等待规划许可"},
        content_type="application/json",
    )
    assert own.status_code == 200
    approval = Approval.objects.get()
    refused = client.post(
        f"/api/processes/approvals/{approval.pk}/decision",
        {"approve": True},
        content_type="application/json",
    )
    assert refused.status_code == 403 and "不能审批自己提出的申请" in str(refused.json())
    assert [a["id"] for a in client.get("/api/processes/approvals/pending").json()] == [approval.pk]
