"""Issue 11 item 6: a control character in any text input (page forms, the admin, query strings, API
JSON) is refused with a Chinese 400 naming the field — one rule, kefu.core.validators — and rows that
already hold one can still be read."""

import json

import pytest

from kefu.core.schemas import Schema
from kefu.core.validators import find_control_character
from kefu.knowledge.tests.factories import ArticleFactory


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize(
    "url, body, field",
    [
        ("/api/knowledge/articles", {"title": "停水\u000b说明", "kind": "faq", "body": "正文"}, "title"),
        (
            "/api/knowledge/outages",
            {
                "title": "计划停水",
                "reason": "管道\x00维修",
                "service_areas": ["A01"],
                "affected_addresses": "文三路",
                "starts_at": "2026-09-30T08:00:00+08:00",
                "ends_at": "2026-09-30T12:00:00+08:00",
            },
            "reason",
        ),
        (
            "/api/hotline/contacts",
            {"matter": "没水了\x1b", "category": "repair", "disposition": "transferred"},
            "matter",
        ),
        ("/api/hotline/contacts/1/corrections", {"reason": "录错\x07了"}, "reason"),
        (
            "/api/knowledge/articles",
            {"title": "t", "kind": "faq", "body": "b", "service_areas": ["A\x0c"]},
            "service_areas",
        ),
        (
            "/api/processes",
            {"definition": "new_connection", "customer_id": 1, "facts": {"contact_phone": "138\x7f"}},
            "facts",
        ),
        (
            "/api/customers",
            {"name": "王\x85建国", "phone": "13812345678", "address": "文三路1号", "service_area": "A01"},
            "name",
        ),
    ],
)
def test_api_json_with_a_control_character_is_refused_naming_the_field(
    client_for, administrator, url, body, field
):
    # given
    client = client_for(administrator)

    # when
    response = post_json(client, url, body)

    # then
    assert response.status_code == 400
    assert "控制字符" in response.json()["errors"][field][0]


@pytest.mark.parametrize(
    "url, field",
    [
        ("/knowledge/articles/new/", "title"),
        ("/knowledge/outages/new/", "affected_addresses"),
        ("/hotline/", "matter"),
        ("/hotline/contacts/1/correct/", "reason"),
        ("/customers/1/contacts/", "name"),
        ("/admin/core/calendarday/add/", "name"),
    ],
)
def test_a_page_form_with_a_control_character_is_refused_naming_the_field(
    client_for, administrator, url, field
):
    # given
    client = client_for(administrator)

    # when
    response = client.post(url, {field: "第一行\u000b第二行", "other": "正常"})

    # then
    assert response.status_code == 400
    text = response.content.decode()
    assert f"「{field}」" in text
    assert "U+000B" in text


def test_a_query_string_with_a_control_character_is_refused_on_pages_and_in_the_api(client_for, agent):
    # given
    client = client_for(agent)

    # when
    page = client.get("/customers/", {"q": "王\x1f"})
    api = client.get("/api/hotline/contacts", {"q": "没水\x0b"})

    # then
    assert page.status_code == 400 and "「q」" in page.content.decode()
    assert api.status_code == 400 and api.json()["errors"]["q"]


def test_tabs_and_line_breaks_are_ordinary_text(client_for, agent):
    # given
    client = client_for(agent)

    # when
    response = client.get("/customers/", {"q": "王\t建国\r\n"})

    # then
    assert response.status_code == 200
    assert find_control_character(["第一行\r\n第二行\t"]) is None


def test_a_stored_row_that_holds_a_control_character_can_still_be_read(client_for, agent):
    # given: a row written before the rule existed
    article = ArticleFactory(title="旧条目\u000b标题", published=True)

    # when
    response = client_for(agent).get(f"/api/knowledge/articles/{article.pk}")

    # then
    assert response.status_code == 200
    assert response.json()["title"] == "旧条目\u000b标题"


def test_every_api_schema_is_built_on_the_shared_base_that_carries_the_rule():
    # given: every schema class the kefu routers declare
    from ninja import Schema as NinjaSchema

    import kefu.api  # noqa: F401 (registers every router)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    # when
    ours = [cls for cls in subclasses(NinjaSchema) if cls.__module__.startswith("kefu.")]
    outside = [f"{cls.__module__}.{cls.__name__}" for cls in ours if not issubclass(cls, Schema)]

    # then
    assert len(ours) > 50
    assert outside == []
