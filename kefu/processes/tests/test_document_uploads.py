"""Issue 11 item 11: a scan sent through the API is kept, byte for byte, and the API refuses what the
page refuses (type allow-list by name and content, size limit policy) with the same Chinese 400."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kefu.accounts.models import Role
from kefu.core import services as core_services
from kefu.customers.tests.factories import CustomerFactory
from kefu.processes import services

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def clerk(make_user):
    return make_user(Role.COUNTER_CLERK, username="clerk1", name="窗口小李")


@pytest.fixture
def process(clerk):
    return services.start_process(
        actor=clerk, definition_code="new_connection", customer=CustomerFactory(), facts={}
    )


def post_scan(client, process, name: str, content: bytes, content_type: str = "application/octet-stream"):
    scan = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(
        f"/api/processes/{process.pk}/documents", {"code": "property_certificate", "file": scan}
    )


def test_a_scan_sent_through_the_api_is_stored_and_reads_back_byte_for_byte(client, clerk, process):
    # given
    client.force_login(clerk)
    # when
    response = post_scan(client, process, "产权证.png", PNG, "image/png")
    # then
    assert response.status_code == 201, response.content
    document = process.documents.get()
    with document.file.open("rb") as stored:
        assert stored.read() == PNG
    download = client.get(f"/processes/{process.pk}/documents/{document.pk}/")
    assert b"".join(download.streaming_content) == PNG


@pytest.mark.parametrize(
    "name, content",
    [
        ("说明.html", b"<html><script>alert(1)</script></html>"),
        ("图.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("伪装.pdf", b"<html><script>alert(1)</script></html>"),
    ],
    ids=["html", "svg", "html-renamed-pdf"],
)
def test_the_api_refuses_a_page_or_drawing_that_could_carry_script(client, clerk, process, name, content):
    # given
    client.force_login(clerk)
    # when
    response = post_scan(client, process, name, content)
    # then
    assert response.status_code == 400
    assert response.json()["errors"] == {"file": ["扫描件只能是 PDF、JPG、PNG 或 TIFF 文件"]}
    assert not process.documents.exists()


def test_the_api_refuses_a_scan_over_the_size_policy(client, clerk, administrator, process):
    # given
    core_services.set_policy(actor=administrator, key="processes.upload_max_mb", value=1)
    client.force_login(clerk)
    # when
    response = post_scan(client, process, "大.pdf", PDF + b"0" * (1024 * 1024), "application/pdf")
    # then
    assert response.status_code == 400
    assert response.json()["errors"] == {"file": ["扫描件不能超过 1 MB"]}
    assert not process.documents.exists()


def test_the_page_refuses_a_page_renamed_to_pdf_with_the_same_rule(client, clerk, process):
    # given
    client.force_login(clerk)
    disguised = SimpleUploadedFile("伪装.pdf", b"<html></html>", content_type="application/pdf")
    # when
    page = client.post(
        f"/processes/{process.pk}/documents/",
        {"scan_code": "property_certificate", "file": disguised},
        follow=True,
    ).content.decode()
    # then
    assert "扫描件只能是 PDF、JPG、PNG 或 TIFF 文件" in page
    assert not process.documents.exists()
