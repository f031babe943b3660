"""The archive desk, the catalogue, a file's page and its prints (D1): what the archivist sees and does,
restricted files invisible to others, bad input answered with the page and a Chinese line (400), and
the desk and the catalogue in a fixed number of queries."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kefu.accounts.models import Role
from kefu.archives.models import ArchiveFile, Category
from kefu.archives.tests.factories_filing import filed_file, pending_file
from kefu.core.timeline import customer_timeline
from kefu.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(archivist):
    customer = CustomerFactory(name="王建国")
    late = pending_file(
        actor=archivist,
        title="过户·王建国",
        customer=customer,
        finished_on=timezone.localdate() - timedelta(days=40),
    )
    filed = filed_file(archivist, title="新装用水·王建国", customer=customer, location="A03-2-015")
    secret = filed_file(
        archivist,
        category=Category.INSPECTION,
        title="违章用水调查·王建国",
        customer=customer,
        restricted_to="inspection.view_case",
    )
    return {"customer": customer, "late": late, "filed": filed, "secret": secret}


def test_the_desk_shows_files_to_file_with_the_overdue_in_red(client_for, archivist, archive):
    response = client_for(archivist).get(reverse("archives:desk"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "档案室工作台" in text and "过户·王建国" in text
    assert 'class="overdue"' in text and "逾期 1" in text
    assert "没有借出的档案" in text  # the loans' blocks, empty


def test_the_desk_runs_a_fixed_number_of_queries(
    client_for, archivist, archive, django_assert_max_num_queries
):
    client = client_for(archivist)
    for n in range(15):
        pending_file(actor=archivist, title=f"待归档{n}")
    with django_assert_max_num_queries(25):
        assert client.get(reverse("archives:desk")).status_code == 200


def test_someone_with_only_the_key_cabinet_goes_there(client_for, make_user):
    engineer = make_user(Role.ENGINEERING_MANAGER, username="engineer9")
    response = client_for(engineer).get(reverse("archives:desk"))
    assert response.status_code == 302 and response.url == reverse("archives:keys")


def test_the_catalogue_finds_by_number_customer_and_title(client_for, archivist, archive):
    client = client_for(archivist)
    number = archive["filed"].catalogue_number
    text = client.get(reverse("archives:catalogue"), {"q": number[:7]}).content.decode()
    assert number in text and "过户·王建国" not in text and "按档号" in text
    text = client.get(reverse("archives:catalogue"), {"q": "王建"}).content.decode()
    assert "新装用水·王建国" in text and "过户·王建国" in text
    text = client.get(reverse("archives:catalogue"), {"q": archive["customer"].number}).content.decode()
    assert "新装用水·王建国" in text
    text = client.get(reverse("archives:catalogue"), {"state": "pending"}).content.decode()
    assert "过户·王建国" in text and "新装用水·王建国" not in text
    text = client.get(reverse("archives:catalogue"), {"q": "没有这个客户"}).content.decode()
    assert "没有符合条件的档案" in text


def test_the_catalogue_pages_without_counting(client_for, archivist, django_assert_max_num_queries):
    for n in range(35):
        pending_file(actor=archivist, title=f"案卷{n:02d}")
    client = client_for(archivist)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("archives:catalogue"))
    text = response.content.decode()
    assert "案卷34" in text and "下一页" in text and "共" not in text.split("pager")[-1][:80]
    assert "案卷04" in client.get(reverse("archives:catalogue"), {"page": 2}).content.decode()


def test_a_bad_year_is_answered_with_the_page_and_a_chinese_line(client_for, archivist):
    response = client_for(archivist).get(reverse("archives:catalogue"), {"year": "20x6"})
    assert response.status_code == 400
    assert "年度“20x6”格式不对，应为四位年份" in response.content.decode()


def test_restricted_files_are_invisible_to_those_without_the_right(
    client_for, counter_clerk, archivist, archive
):
    clerk = client_for(counter_clerk)
    assert clerk.get(reverse("archives:file", args=[archive["secret"].pk])).status_code == 404
    assert clerk.get(reverse("archives:file_contents", args=[archive["secret"].pk])).status_code == 404
    text = clerk.get(reverse("archives:catalogue"), {"q": "王建国"}).content.decode()
    assert "新装用水·王建国" in text and "违章用水调查" not in text
    assert client_for(archivist).get(reverse("archives:file", args=[archive["secret"].pk])).status_code == 200
    # and the customer's timeline says the same
    clerk_entries = customer_timeline(archive["customer"], counter_clerk, kinds={"archive_file"}).entries
    assert {e.summary.split(" ", 1)[1] for e in clerk_entries} >= {"新装用水·王建国（已归档）"}
    assert not any("违章用水调查" in e.summary for e in clerk_entries)
    archivist_entries = customer_timeline(archive["customer"], archivist, kinds={"archive_file"}).entries
    assert any("违章用水调查" in e.summary for e in archivist_entries)


def test_someone_without_the_catalogue_gets_403(client_for, make_user, archive):
    agent = make_user(Role.AGENT, username="agent99")
    assert client_for(agent).get(reverse("archives:catalogue")).status_code == 403
    assert client_for(agent).get(reverse("archives:file", args=[archive["filed"].pk])).status_code == 403


def test_the_archivist_checks_and_files_a_file_from_its_page(client_for, archivist, archive):
    client = client_for(archivist)
    file = archive["late"]
    url = reverse("archives:file_in", args=[file.pk])
    first = file.items.order_by("position").first()
    response = client.post(url, {"location": "A01-1-001", "items_checked": [first.pk]})
    assert response.status_code == 400 and "卷内文件未全部清点验收" in response.content.decode()
    ids = list(file.items.values_list("pk", flat=True))
    response = client.post(url, {"location": "A01-1-001", "items_checked": ids})
    assert response.status_code == 302
    file.refresh_from_db()
    assert file.state == ArchiveFile.State.FILED and file.catalogue_number.startswith(
        f"YW-{date.today().year}-"
    )
    text = client.get(reverse("archives:file", args=[file.pk])).content.decode()
    assert file.catalogue_number in text and "接收归档、编目" in text and "逾期归档" in text


def test_the_content_list_changes_from_the_page_with_reasons(client_for, archivist, counter_clerk, archive):
    client = client_for(archivist)
    file = archive["filed"]
    client.post(reverse("archives:file_item_add", args=[file.pk]), {"title": "补充材料", "pages": "2"})
    item = file.items.get(title="补充材料")
    response = client.post(
        reverse("archives:file_item_remove", args=[file.pk]), {"item": item.pk, "reason": ""}
    )
    assert response.status_code == 400 and "请填写撤出原因" in response.content.decode()
    client.post(reverse("archives:file_item_remove", args=[file.pk]), {"item": item.pk, "reason": "误放"})
    text = client.get(reverse("archives:file", args=[file.pk])).content.decode()
    assert "已撤出：误放" in text and "撤出卷内文件" in text
    response = client.post(reverse("archives:file_move", args=[file.pk]), {"location": "B01-1-002"})
    assert response.status_code == 302
    # a clerk reads the file but changes nothing
    assert (
        client_for(counter_clerk)
        .post(reverse("archives:file_item_add", args=[file.pk]), {"title": "x"})
        .status_code
        == 403
    )


def test_the_printed_content_list_and_cover(client_for, archivist, archive):
    client = client_for(archivist)
    file = archive["filed"]
    text = client.get(reverse("archives:file_contents", args=[file.pk])).content.decode()
    assert "卷内目录" in text and "用水申请表" in text and "合计 2 件" in text
    text = client.get(reverse("archives:file_cover", args=[file.pk])).content.decode()
    assert "案卷封面" in text and file.catalogue_number in text and "30年" in text


def test_manual_registration_from_the_page(client_for, archivist):
    client = client_for(archivist)
    response = client.post(
        reverse("archives:file_register"),
        {
            "category": "drawing",
            "title": "城东小区给水施工图",
            "finished_on": "2026-03-02",
            "items": "总平面图|2\n管网图",
        },
    )
    assert response.status_code == 302
    file = ArchiveFile.objects.get(title="城东小区给水施工图")
    assert file.item_count == 2 and file.items.get(position=1).pages == 2
    response = client.post(
        reverse("archives:file_register"),
        {"category": "drawing", "title": "图", "finished_on": "2026-13-02", "items": "图"},
    )
    assert response.status_code == 400 and "形成日期格式不对" in response.content.decode()


def test_the_export_lists_the_visible_files(client_for, archivist, counter_clerk, archive):
    response = client_for(archivist).get(reverse("archives:catalogue_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client_for(counter_clerk).get(reverse("archives:catalogue_export")).status_code == 403


def test_the_home_panel_tells_the_archivist_what_waits(archivist, counter_clerk, archive):
    from kefu.archives.selectors_filing import home_lines

    lines = dict((label, count) for label, count, _url in home_lines(archivist))
    assert lines == {"逾期未归档的档案": 1, "待接收归档的档案": 1}
    assert home_lines(counter_clerk) == []
