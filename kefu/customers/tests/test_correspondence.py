"""Correspondence in the archive (A2; 002 客户管理制度: "与客户的信函、传真、长话交往…整合在客户档案内"):
a letter, fax or e-mail from or to the customer, or a note of a long-distance call or a meeting, with
its channel, direction, date and summary; through the archive page, with its event, on the timeline."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kefu.accounts.tests.factories import UserFactory
from kefu.core.events import events_for
from kefu.core.timeline import customer_timeline
from kefu.customers import services
from kefu.customers.models import Document
from kefu.customers.tests.factories import CustomerFactory


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def customer(db):
    return CustomerFactory()


def letter(**changes) -> dict:
    data = {
        "channel": "letter",
        "direction": "incoming",
        "dated_on": "2026-11-05",
        "title": "关于水费异议的来信",
        "summary": "客户认为10月水量偏高，要求复核",
    }
    return data | changes


def pdf(name="letter.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 a scanned letter", content_type="application/pdf")


# The service


def test_a_letter_is_kept_with_its_channel_direction_date_and_event(counter_clerk, customer, media):
    document = services.add_correspondence(
        actor=counter_clerk,
        customer=customer,
        channel=Document.Channel.FAX,
        direction=Document.Direction.OUTGOING,
        dated_on=date(2026, 11, 6),
        title="复核结果告知函",
        summary="经复核水表读数无误",
        file=pdf("fax.pdf"),
    )
    assert (document.kind, document.channel, document.direction) == ("correspondence", "fax", "outgoing")
    assert document.dated_on == date(2026, 11, 6) and document.file.name.endswith(".pdf")
    event = events_for(customer).get()
    assert event.verb == "customer.correspondence_added"
    assert event.changes == {
        "document": "复核结果告知函",
        "channel": "传真",
        "direction": "往",
        "dated_on": "2026-11-06",
    }


def test_a_note_of_a_call_needs_no_file_but_a_summary(counter_clerk, customer):
    note = services.add_correspondence(
        actor=counter_clerk,
        customer=customer,
        channel=Document.Channel.PHONE_RECORD,
        direction=Document.Direction.INCOMING,
        dated_on=timezone.localdate(),
        title="长话：询问复核进度",
        summary="客户从外地来电询问复核进度，已告知三个工作日内答复",
    )
    assert not note.file
    with pytest.raises(ValidationError) as refusal:
        services.add_correspondence(
            actor=counter_clerk,
            customer=customer,
            channel=Document.Channel.INTERVIEW,
            direction=Document.Direction.INCOMING,
            dated_on=timezone.localdate(),
            title="面谈",
        )
    assert refusal.value.message_dict == {"summary": ["没有附件时请填写摘要（长话、面谈记录的内容）"]}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"channel": "upload"}, "channel", "往来方式应为信函、传真、电子邮件、长话记录、面谈记录或其他"),
        ({"channel": "telegram"}, "channel", "往来方式应为信函、传真、电子邮件、长话记录、面谈记录或其他"),
        ({"direction": ""}, "direction", "请选择来往：来（客户来件）或往（发给客户）"),
        ({"dated_on": None}, "dated_on", "请填写函件日期"),
        ({"dated_on": date(1899, 12, 31)}, "dated_on", "函件日期：年份应在1900至2100之间"),
        ({"title": "  "}, "title", "请填写函件标题，例如“关于水费异议的来信”"),
    ],
)
def test_the_service_names_the_field_and_the_rule(counter_clerk, customer, changes, field, message):
    data = letter(dated_on=date(2026, 11, 5)) | changes
    with pytest.raises(ValidationError) as refusal:
        services.add_correspondence(actor=counter_clerk, customer=customer, **data)
    assert refusal.value.message_dict[field] == [message]
    assert not Document.objects.exists()


def test_a_letter_cannot_be_dated_tomorrow(counter_clerk, customer):
    with pytest.raises(ValidationError) as refusal:
        services.add_correspondence(
            actor=counter_clerk,
            customer=customer,
            **letter(dated_on=timezone.localdate() + timedelta(days=1)),
        )
    assert refusal.value.message_dict["dated_on"] == ["函件日期不能晚于今天"]


def test_an_upload_is_dated_the_day_it_is_uploaded(counter_clerk, customer, media):
    document = services.add_document(
        actor=counter_clerk, customer=customer, kind="licence", title="营业执照", file=pdf("licence.pdf")
    )
    assert (document.channel, document.direction, document.dated_on) == ("upload", "", timezone.localdate())


# The archive page


def test_a_clerk_registers_a_letter_from_the_archive_page(client_for, counter_clerk, customer, media):
    client = client_for(counter_clerk)
    response = client.post(f"/customers/{customer.pk}/correspondence/", letter(file=pdf()), follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "已登记信函（来）：关于水费异议的来信" in body
    document = Document.objects.get()
    # the letter is on the timeline, on its date, linking to its file
    entry = customer_timeline(customer, counter_clerk).entries[0]
    assert entry.kind == "document" and entry.summary.startswith("信函（来）：关于水费异议的来信")
    assert entry.url == f"/customers/{customer.pk}/documents/{document.pk}/"
    assert client.get(entry.url).status_code == 200


def test_a_note_without_a_file_links_to_its_row_and_has_nothing_to_download(
    client_for, counter_clerk, customer
):
    client = client_for(counter_clerk)
    data = letter(channel="interview", title="面谈记录：表位迁移", summary="客户到厅面谈，要求迁移表位")
    assert client.post(f"/customers/{customer.pk}/correspondence/", data).status_code == 302
    document = Document.objects.get()
    entry = customer_timeline(customer, counter_clerk).entries[0]
    assert entry.url == f"/customers/{customer.pk}/#document-{document.pk}"
    assert f'id="document-{document.pk}"' in client.get(f"/customers/{customer.pk}/").content.decode()
    assert client.get(f"/customers/{customer.pk}/documents/{document.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"dated_on": "2026-02-30"}, "日期格式应为 YYYY-MM-DD"),
        ({"dated_on": ""}, "请填写函件日期"),
        ({"channel": "pigeon"}, "往来方式应为信函、传真、电子邮件、长话记录、面谈记录或其他"),
        ({"title": "函" * 101}, "标题最多100字"),
        ({"summary": "", "file": None}, "没有附件时请填写摘要（长话、面谈记录的内容）"),
        ({"file": "page"}, "附件只能是 PDF、JPG、PNG、TIFF、Word 或 Excel 文件"),
    ],
)
def test_a_bad_entry_is_the_page_again_with_the_reason(
    client_for, counter_clerk, customer, media, changes, message
):
    data = letter(**changes)
    if data.get("file") is None:
        data.pop("file", None)
    elif data["file"] == "page":
        data["file"] = SimpleUploadedFile("letter.pdf", b"<html><script>alert(1)</script>", "application/pdf")
    response = client_for(counter_clerk).post(f"/customers/{customer.pk}/correspondence/", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert 'id="correspondence" open' in body  # the form stays open with what was typed
    assert not Document.objects.exists()


def test_the_size_limit_is_the_archive_rule(client_for, counter_clerk, administrator, customer, media):
    from kefu.core import services as core_services

    core_services.set_policy(actor=administrator, key="customers.upload_max_mb", value=1)
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (1024 * 1024 + 1), "application/pdf")
    response = client_for(counter_clerk).post(f"/customers/{customer.pk}/correspondence/", letter(file=big))
    assert response.status_code == 400
    assert "附件不能超过 1 MB" in response.content.decode()


def test_an_agent_may_not_register_correspondence(client_for, agent, customer):
    response = client_for(agent).post(f"/customers/{customer.pk}/correspondence/", letter())
    assert response.status_code == 403
    assert not Document.objects.exists()
    assert 'id="correspondence"' not in client_for(agent).get(f"/customers/{customer.pk}/").content.decode()


# The migration: the archives' existing documents


@pytest.mark.django_db(transaction=True)
def test_existing_uploads_become_dated_uploads_on_their_local_day():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    def migrate(name):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate([("customers", name)])
        return executor.loader.project_state([("customers", name)]).apps

    # given an archive with a licence uploaded at 01:30 Beijing time, before documents had a date
    old = migrate("0007_search_limit_cache_table")
    customer, clerk = CustomerFactory(), UserFactory()
    Document = old.get_model("customers", "Document")
    document = Document.objects.create(
        customer_id=customer.pk,
        kind="licence",
        title="营业执照",
        file="documents/1/licence.pdf",
        uploaded_by_id=clerk.pk,
    )
    uploaded = datetime(2026, 11, 6, 1, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    Document.objects.filter(pk=document.pk).update(created_at=uploaded)

    # when the three migrations run
    new = migrate("0010_document_dated_on_required")

    # then it is an upload, with no direction, dated the day it was uploaded there
    row = new.get_model("customers", "Document").objects.get(pk=document.pk)
    assert (row.channel, row.direction, row.summary, row.dated_on) == ("upload", "", "", date(2026, 11, 6))

    # the schema the rest of the suite expects: migrating customers back unapplied what depends on its
    # later migrations (the meters' tables), which the browser tests after this one read
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_archive_history_names_a_letters_details_in_chinese(counter_clerk, customer):
    # given a call note filed in the archive
    services.add_correspondence(
        actor=counter_clerk,
        customer=customer,
        channel=Document.Channel.PHONE_RECORD,
        direction=Document.Direction.INCOMING,
        dated_on=timezone.localdate(),
        title="长话：询问复核进度",
        summary="客户来电询问复核进度",
    )
    # when the archive's change log is read
    from kefu.customers.masking import Masker
    from kefu.customers.selectors import history_for

    line = history_for(customer, Masker(counter_clerk))[0]
    # then its details are in words, not the event's keys
    text = "；".join(line.details)
    assert "往来方式：长话记录" in text and "资料：长话：询问复核进度" in text
    assert "channel" not in text and "document" not in text and "dated_on" not in text


def test_the_printed_archive_card_lists_the_correspondence_not_the_uploads(
    client_for, counter_clerk, customer, media
):
    # given a letter and an uploaded licence in the archive
    services.add_correspondence(actor=counter_clerk, customer=customer, **letter(dated_on=date(2026, 11, 5)))
    services.add_document(
        actor=counter_clerk, customer=customer, kind="licence", title="营业执照", file=pdf("licence.pdf")
    )
    # when the archive card is printed
    page = client_for(counter_clerk).get(f"/customers/{customer.pk}/print/").content.decode()
    # then the letter is on it, with its channel and direction, and the upload is not
    assert "往来函件" in page and letter()["title"] in page and "信函（来）" in page
    assert "营业执照" not in page
