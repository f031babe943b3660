"""The knowledge base (H12): search, who may read and who may write, edits that keep every old text,
the demo data, and the API."""

import json

import pytest
from django.core.exceptions import ValidationError

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import ServiceAreaFactory
from kefu.core.events import events_for
from kefu.knowledge import selectors, services
from kefu.knowledge.models import Article, PlannedOutage
from kefu.knowledge.tests.factories import ArticleFactory


@pytest.fixture
def leader(make_user):
    return make_user(Role.TEAM_LEADER, username="leader", name="班长老周")


@pytest.fixture
def pricing(db):
    return ArticleFactory(
        title="居民阶梯水价标准",
        kind=Article.Kind.PRICING,
        keywords="阶梯水价 水费",
        body="第一阶梯：2.90元/吨；第二阶梯：3.85元/吨。",
    )


# Search


def test_search_finds_words_in_the_title_keywords_or_body_title_first(db):
    in_body = ArticleFactory(title="缴费方式", body="可以在营业厅交水费")
    in_title = ArticleFactory(title="水费发票", body="电子发票")
    ArticleFactory(title="报装流程", body="携带身份证")
    assert list(selectors.search_articles("水费")) == [in_title, in_body]


def test_search_needs_every_word_typed_with_spaces(db):
    both = ArticleFactory(title="过户", body="过户须结清欠费")
    ArticleFactory(title="销户", body="销户须结清欠费")
    assert list(selectors.search_articles("过户 欠费")) == [both]


def test_a_whole_sentence_is_split_into_words_when_it_matches_nothing_as_typed(pricing):
    # given an agent who types the caller's question as it was asked
    ArticleFactory(title="营业时间", body="周一至周五")
    # then the article about the words in it is found
    assert list(selectors.search_articles("居民阶梯水价怎么算")) == [pricing]


def test_search_filters_by_kind_and_leaves_out_drafts_and_expired_articles(pricing):
    from datetime import date

    ArticleFactory(title="水价草稿", kind=Article.Kind.PRICING, published=False)
    ArticleFactory(title="旧水价", kind=Article.Kind.PRICING, valid_to=date(2020, 1, 1))
    ArticleFactory(title="水价话术", kind=Article.Kind.SCRIPT)
    assert list(selectors.search_articles("水价", kind=Article.Kind.PRICING)) == [pricing]
    assert len(selectors.search_articles("水价", include_unpublished=True)) == 4


def test_articles_for_an_area_include_the_whole_city_ones(db):
    area, other = ServiceAreaFactory(), ServiceAreaFactory()
    citywide = ArticleFactory(title="全市")
    local = ArticleFactory(title="本片区", service_areas=[area, other])
    ArticleFactory(title="别的片区", service_areas=[other])
    assert set(selectors.search_articles("", area=area)) == {citywide, local}


def test_the_index_page_searches_filters_and_says_when_nothing_was_found(
    client_for, agent, pricing, django_assert_max_num_queries
):
    client = client_for(agent)
    with django_assert_max_num_queries(12):
        html = client.get("/knowledge/", {"q": "阶梯"}).content.decode()
    assert "居民阶梯水价标准" in html
    assert "居民阶梯水价标准" not in client.get("/knowledge/", {"kind": "script"}).content.decode()
    assert "没有找到相关知识" in client.get("/knowledge/", {"q": "火星移民"}).content.decode()


def test_the_index_pages_its_list(client_for, agent):
    ArticleFactory.create_batch(25)
    client = client_for(agent)
    assert "下一页" in client.get("/knowledge/").content.decode()
    assert "第 2 / 2 页" in client.get("/knowledge/", {"page": 2}).content.decode()


# Who may read and write


def test_an_agent_can_read_but_cannot_create_or_edit_an_article(client_for, agent, pricing):
    client = client_for(agent)
    response = client.get(f"/knowledge/articles/{pricing.pk}/")
    assert response.status_code == 200 and "2.90元/吨" in response.content.decode()
    assert client.get("/knowledge/articles/new/").status_code == 403
    assert (
        client.post("/knowledge/articles/new/", {"title": "x", "kind": "faq", "body": "x"}).status_code == 403
    )
    assert client.get(f"/knowledge/articles/{pricing.pk}/edit/").status_code == 403
    assert Article.objects.count() == 1


def test_an_agent_cannot_open_a_draft(client_for, agent):
    draft = ArticleFactory(published=False)
    assert client_for(agent).get(f"/knowledge/articles/{draft.pk}/").status_code == 404


def test_reading_an_article_counts_as_a_use(client_for, agent, pricing):
    client_for(agent).get(f"/knowledge/articles/{pricing.pk}/")
    pricing.refresh_from_db()
    assert pricing.use_count == 1


def test_a_team_leader_creates_an_article_through_the_form(client_for, leader):
    area = ServiceAreaFactory()
    response = client_for(leader).post(
        "/knowledge/articles/new/",
        {
            "title": "过户办理",
            "kind": "procedure",
            "body": "携带身份证和房产证",
            "keywords": "过户，更名",
            "service_areas": [area.pk],
            "published": "on",
        },
    )
    article = Article.objects.get()
    assert response.status_code == 302 and response.url == f"/knowledge/articles/{article.pk}/"
    assert (article.author, article.version, article.keywords) == (leader, 1, "过户 更名")
    assert list(article.service_areas.all()) == [area]
    assert events_for(article).get().verb == "article.created"


def test_the_article_form_shows_missing_fields_in_chinese(client_for, department_head):
    response = client_for(department_head).post(
        "/knowledge/articles/new/", {"title": "", "kind": "", "body": ""}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "请填写标题" in html and "请填写正文" in html and "分类只能是" in html


# Edits keep the old text


def test_an_edit_raises_the_version_and_keeps_the_old_body_in_the_history(client_for, leader, pricing):
    # given the leader corrects the price
    client = client_for(leader)
    old_body = pricing.body
    response = client.post(
        f"/knowledge/articles/{pricing.pk}/edit/",
        {
            "title": pricing.title,
            "kind": pricing.kind,
            "keywords": pricing.keywords,
            "published": "on",
            "body": "第一阶梯：3.10元/吨。",
            "change_note": "2026年调价",
        },
    )
    assert response.status_code == 302
    # then the article says the new price, in its second version
    pricing.refresh_from_db()
    assert (pricing.body, pricing.version) == ("第一阶梯：3.10元/吨。", 2)
    # and the event keeps the old body whole, with the reason
    event = events_for(pricing).first()
    assert event.verb == "article.updated" and event.actor == leader
    assert event.changes["body"] == [old_body, "第一阶梯：3.10元/吨。"]
    assert event.changes["version"] == [1, 2]
    assert event.note == "2026年调价"
    # and the editor can read the old text on the article page
    assert "2.90元/吨" in client.get(f"/knowledge/articles/{pricing.pk}/").content.decode()


def test_every_edit_raises_the_version_and_an_unchanged_save_does_not(leader, pricing):
    services.update_article(actor=leader, article=pricing, data={"title": "阶梯水价"})
    services.update_article(actor=leader, article=pricing, data={"keywords": "水价"})
    article = services.update_article(actor=leader, article=pricing, data={"keywords": "水价"})
    assert article.version == 3
    assert events_for(article).count() == 2  # no creation event: the factory wrote the row directly


def test_validity_dates_must_be_in_order(leader, pricing):
    from datetime import date

    with pytest.raises(ValidationError) as caught:
        services.update_article(
            actor=leader, article=pricing, data={"valid_from": date(2026, 2, 1), "valid_to": date(2026, 1, 1)}
        )
    assert caught.value.message_dict["valid_to"] == ["失效日期不能早于生效日期"]


# API


@pytest.fixture
def api(client_for):
    def call(user, method: str, url: str, body=None):
        client = client_for(user)
        data = json.dumps(body, ensure_ascii=False) if body is not None else ""
        return getattr(client, method)(url, data=data, content_type="application/json")

    return call


def test_the_api_searches_reads_creates_and_updates(api, agent, leader, pricing):
    found = api(agent, "get", "/api/knowledge/articles?q=阶梯")
    assert [a["id"] for a in found.json()["results"]] == [pricing.pk]
    assert api(agent, "get", f"/api/knowledge/articles/{pricing.pk}").json()["body"] == pricing.body
    body = {"title": "发票", "kind": "faq", "body": "电子发票在公众号下载"}
    assert api(agent, "post", "/api/knowledge/articles", body).status_code == 403
    created = api(leader, "post", "/api/knowledge/articles", body)
    assert created.status_code == 201 and created.json()["version"] == 1
    updated = api(leader, "patch", f"/api/knowledge/articles/{created.json()['id']}", {"body": "新内容"})
    assert updated.json()["version"] == 2 and updated.json()["body"] == "新内容"


def test_the_api_refuses_bad_input_with_chinese_messages(api, leader):
    response = api(leader, "post", "/api/knowledge/articles", {"title": "", "kind": "novel", "body": ""})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["title"] == ["请填写标题"] and "分类只能是" in errors["kind"][0]
    assert api(leader, "get", "/api/knowledge/articles?kind=novel").status_code == 400


# Demo data


def test_the_demo_knowledge_is_seeded_once(db):
    from kefu.accounts.demo import create_demo_organisation
    from kefu.knowledge.demo import ARTICLES, seed_knowledge

    create_demo_organisation()
    assert seed_knowledge() == {"articles": len(ARTICLES), "outages": 2}
    assert seed_knowledge() == {"articles": 0, "outages": 0}
    assert Article.objects.count() == len(ARTICLES) >= 15
    cx = PlannedOutage.objects.get(service_areas__code="CX")
    assert cx.is_current()
    assert PlannedOutage.objects.get(service_areas__code="CN").starts_at > cx.starts_at
    assert selectors.search_articles("阶梯水价").first().title == "居民阶梯水价标准"
