"""The destruction pages (D3) and the holdings check pages: the list, a proposal with its search of files
past retention, the workflow buttons each reader may use, the refusals in Chinese (400), the prints."""

import pytest
from django.utils import timezone

from kefu.accounts.models import Role
from kefu.archives.models import ArchiveFile, Destruction
from kefu.archives.services import destruction as services
from kefu.archives.tests.factories_destruction import (
    approved,
    destroyed,
    expired_files,
    member,
    permanent_file,
    proposed,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def director(make_user):
    return make_user(Role.CENTER_DIRECTOR, username="director", name="中心主任老王")


def test_the_archivist_proposes_from_the_search_of_files_past_retention(
    client_for, archivist, department_head
):
    # given files past retention and a permanent one
    files = expired_files(2)
    drawing = permanent_file()
    colleague = member(name="营业员小周")
    client = client_for(archivist)

    # the proposal page lists only those past retention
    page = client.get("/archives/destructions/new/").content.decode()
    assert files[0].catalogue_number in page and files[1].catalogue_number in page
    assert drawing.catalogue_number not in page

    # when she ticks both and names the group
    response = client.post(
        "/archives/destructions/new/",
        {
            "files": [f.pk for f in files],
            "reason": "旧表回收档案保管期满",
            "appraisal_group": [colleague.pk],
            "take": "chosen",
        },
    )

    # then the list is proposed and its page shows it
    destruction = Destruction.objects.get()
    assert response.status_code == 302 and response.url == f"/archives/destructions/{destruction.pk}/"
    detail = client.get(response.url).content.decode()
    assert destruction.number in detail and "鉴定小组已提出" in detail and "营业员小周" in detail


def test_a_group_of_one_is_the_page_again_with_the_rule(client_for, archivist):
    files = expired_files(1)
    response = client_for(archivist).post(
        "/archives/destructions/new/", {"files": [files[0].pk], "reason": "期满", "take": "chosen"}
    )
    assert response.status_code == 400
    assert "鉴定小组至少2人（含提出人），现为1人" in response.content.decode()
    assert not Destruction.objects.exists()


def test_take_every_file_the_search_finds(client_for, archivist):
    files = expired_files(3)
    client_for(archivist).post(
        "/archives/destructions/new/",
        {"reason": "期满", "appraisal_group": [member().pk], "take": "all"},
    )
    assert Destruction.objects.get().items.count() == len(files)


def test_the_buttons_follow_the_reader_and_the_steps(client_for, archivist, department_head, director):
    destruction = proposed(archivist=archivist, files=expired_files(1))
    url = f"/archives/destructions/{destruction.pk}/"
    assert "审核同意" in client_for(department_head).get(url).content.decode()
    assert "审核同意" not in client_for(archivist).get(url).content.decode()
    assert "批准销毁" not in client_for(director).get(url).content.decode()

    # the director cannot approve before the review: 400 with the reason
    response = client_for(director).post(url + "approve/", {"note": ""})
    assert response.status_code == 400 and "须先经部门主管审核" in response.content.decode()

    assert client_for(department_head).post(url + "review/", {"note": "核对无误"}).status_code == 302
    assert "批准销毁" in client_for(director).get(url).content.decode()
    assert client_for(director).post(url + "approve/", {"note": "同意"}).status_code == 302
    destruction.refresh_from_db()
    assert destruction.state == Destruction.State.APPROVED


def test_a_group_member_is_refused_with_403(client_for, archivist, department_head):
    destruction = proposed(archivist=archivist, files=expired_files(1), group=[department_head])
    response = client_for(department_head).post(f"/archives/destructions/{destruction.pk}/review/")
    assert response.status_code == 403 and "鉴定小组成员" in response.content.decode()


def test_carry_out_and_recheck_on_the_page(client_for, archivist, department_head, director):
    files = expired_files(2)
    destruction = approved(archivist=archivist, head=department_head, director=director, files=files)
    url = f"/archives/destructions/{destruction.pk}/"
    client = client_for(archivist)

    # one witness: refused
    response = client.post(url + "carry-out/", {"place": "档案室碎纸间", "witnesses": [archivist.pk]})
    assert response.status_code == 400 and "销毁时应有2人以上在场" in response.content.decode()

    response = client.post(
        url + "carry-out/", {"place": "档案室碎纸间", "witnesses": [archivist.pk, department_head.pk]}
    )
    assert response.status_code == 302
    assert set(ArchiveFile.objects.filter(pk__in=[f.pk for f in files]).values_list("state", flat=True)) == {
        ArchiveFile.State.DESTROYED
    }

    head = client_for(department_head)
    page = head.get(url).content.decode()
    assert "复核所选" in page
    items = list(destruction.items.values_list("pk", flat=True))
    assert head.post(url + "recheck/", {"items": items}).status_code == 302
    destruction.refresh_from_db()
    assert destruction.rechecked_by == department_head


def test_the_prints_carry_the_signature_lines(client_for, archivist, department_head, director):
    destruction = destroyed(
        archivist=archivist, head=department_head, director=director, files=expired_files(1)
    )
    client = client_for(director)
    listing = client.get(f"/archives/destructions/{destruction.pk}/print/").content.decode()
    for words in (
        "档案销毁清册",
        destruction.number,
        "鉴定小组签字",
        "部门主管审核",
        "分管领导批准",
        "监销人",
        "复核人",
        "档案室碎纸间",
    ):
        assert words in listing
    form = client.get(f"/archives/destructions/{destruction.pk}/form/").content.decode()
    for words in (
        "过期文件处理登记表",
        "客户服务部主管审核",
        "服务中心主任批准",
        "旧表回收档案",
        "中心主任老王",
    ):
        assert words in form


def test_the_list_searches_filters_and_exports(client_for, archivist, department_head):
    first = proposed(archivist=archivist, files=expired_files(1), reason="二〇一九年旧表回收档案期满")
    second = proposed(archivist=archivist, files=expired_files(1), reason="其他")
    services.refuse(actor=department_head, destruction=second, note="重新鉴定")
    client = client_for(department_head)
    page = client.get("/archives/destructions/?q=二〇一九").content.decode()
    assert first.number in page and second.number not in page
    page = client.get("/archives/destructions/?state=refused").content.decode()
    assert second.number in page and first.number not in page
    export = client.get("/archives/destructions/export/")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_pages_need_their_rights(client_for, counter_clerk, department_head):
    client = client_for(counter_clerk)
    assert client.get("/archives/destructions/").status_code == 403
    assert client.get("/archives/holdings-checks/").status_code == 403
    # the head reads but does not propose
    assert client_for(department_head).get("/archives/destructions/new/").status_code == 403


def test_the_empty_list_says_so(client_for, department_head):
    page = client_for(department_head).get("/archives/destructions/").content.decode()
    assert "还没有销毁清册" in page


# -- the holdings check pages ----------------------------------------------------------------------------


def test_the_archivist_fills_the_checklist_with_a_problem(client_for, archivist, department_head):
    client = client_for(archivist)
    listing = client.get("/archives/holdings-checks/").content.decode()
    assert "开始本期检查" in listing
    opened = client.post("/archives/holdings-checks/open/")
    inspection_url = opened.url
    page = client.get(inspection_url).content.decode()
    assert "防有害生物" in page and "温湿度计正常" in page

    from kefu.archives.models import HoldingsInspection

    inspection = HoldingsInspection.objects.get()
    data = {f"item_{n}": "ok" for n in range(len(inspection.checklist))}
    data["item_4"] = "problem"  # 防潮
    # a problem without its note: the page again
    response = client.post(inspection_url, data)
    assert response.status_code == 400 and "请写明情况：防潮" in response.content.decode()
    data["note_4"] = "B柜底层受潮"
    data["reported_to"] = department_head.pk
    assert client.post(inspection_url, data).status_code == 302
    inspection.refresh_from_db()
    assert inspection.problems == "防潮：B柜底层受潮" and inspection.reported_to == department_head

    printed = client.get(f"/archives/holdings-checks/{inspection.pk}/print/").content.decode()
    assert "档案库房检查记录" in printed and "B柜底层受潮" in printed and "主任老李" in printed
    assert "发现问题" in client.get("/archives/holdings-checks/?state=problems").content.decode()


def test_the_head_reads_the_checks_but_does_not_fill_them(client_for, archivist, department_head):
    inspection, _ = services.open_inspection(day=timezone.localdate())
    client = client_for(department_head)
    assert "提交检查结果" not in client.get(f"/archives/holdings-checks/{inspection.pk}/").content.decode()
    assert client.post(f"/archives/holdings-checks/{inspection.pk}/", {}).status_code == 403
    assert client.post("/archives/holdings-checks/open/").status_code == 403


def test_the_desk_leads_to_destruction_and_the_check_due(client_for, archivist):
    inspection, _ = services.open_inspection(day=timezone.localdate())
    files = expired_files(1)
    page = client_for(archivist).get("/archives/").content.decode()
    assert "/archives/destructions/" in page and "/archives/holdings-checks/" in page
    assert f"/archives/holdings-checks/{inspection.pk}/" in page
    assert files[0].catalogue_number in page  # past retention, on the desk


def test_a_destroyed_file_keeps_its_catalogue_entry_and_names_its_destruction(
    client_for, archivist, department_head, director
):
    # given a file destroyed by a carried-out list
    files = expired_files(1)
    destruction = destroyed(archivist=archivist, head=department_head, director=director, files=files)

    # when the archivist opens the file's page
    page = client_for(archivist).get(f"/archives/files/{files[0].pk}/").content.decode()

    # then the entry is still there, says it was destroyed, and links the destruction list
    assert files[0].catalogue_number in page and "已销毁" in page
    assert f"销毁清册 {destruction.number}" in page
    assert f"/archives/destructions/{destruction.pk}/" in page
