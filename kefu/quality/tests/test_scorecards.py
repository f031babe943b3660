"""Scorecards as data with versions: a new version becomes the card in use, the old one is retired,
and old checks keep the card they were scored on; the items are validated in Chinese."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kefu.quality.models import Scorecard
from kefu.quality.services.scorecards import active_scorecard, card_items, publish_version
from kefu.quality.tests.factories_checks import qa_world_fixture, scored  # noqa: F401 (the qa_world fixture)


def _items(card):
    return [
        {"code": i.code, "name": i.name, "weight": i.weight, "max_score": i.max_score, "critical": i.critical}
        for i in card_items(card)
    ]


def test_a_new_version_is_active_and_the_old_one_retired_while_old_checks_keep_theirs(qa_world):
    # given a check scored on version 1
    old_card = active_scorecard()
    check = scored(qa_world)
    # when the head publishes a version with 语气语调 weighted 30 and a new item
    items = _items(old_card)
    items[2]["weight"] = 30
    items.append({"name": "业务知识", "weight": 10, "max_score": 5})
    new = publish_version(
        actor=qa_world.head, scorecard=old_card, name="服务质量综合考评表", pass_mark=85, items=items
    )
    # then the new version is in use, the old one retired, the check still on the old card
    old_card.refresh_from_db()
    check.refresh_from_db()
    assert (new.version, new.status, new.pass_mark) == (old_card.version + 1, Scorecard.Status.ACTIVE, 85)
    assert old_card.status == Scorecard.Status.RETIRED
    assert active_scorecard() == new and [i.name for i in card_items(new)][-1] == "业务知识"
    assert check.scorecard == old_card
    assert qa_world.check().scorecard == new


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda items: [], "至少要有一个评分项"),
        (lambda items: [{**items[0], "weight": 0}], "权重应大于0"),
        (lambda items: [{**items[0], "max_score": 0}], "满分应在1至100之间"),
        (lambda items: [{**items[0], "name": ""}], "项目名称不能为空"),
        (lambda items: [items[0], {**items[1], "code": items[0]["code"]}], "重复"),
    ],
)
def test_bad_items_are_refused_in_chinese(qa_world, change, message):
    card = active_scorecard()
    with pytest.raises(ValidationError) as refused:
        publish_version(
            actor=qa_world.head, scorecard=card, name="表", pass_mark=80, items=change(_items(card))
        )
    assert message in refused.value.message_dict["items"][0]
    assert active_scorecard() == card


def test_only_the_holder_of_change_scorecard_publishes(qa_world, client_for):
    card = active_scorecard()
    with pytest.raises(ValidationError):
        publish_version(actor=qa_world.inspector, scorecard=card, name="表", pass_mark=80, items=_items(card))
    assert (
        client_for(qa_world.inspector).get(reverse("quality:scorecard_publish", args=[card.pk])).status_code
        == 403
    )


def test_the_head_publishes_a_version_on_the_page_and_a_bad_weight_is_a_400(qa_world, client_for):
    card = active_scorecard()
    client = client_for(qa_world.head)
    form = client.get(reverse("quality:scorecard_publish", args=[card.pk]))
    assert form.status_code == 200 and "服务态度" in form.content.decode()
    data = {"name": card.name, "pass_mark": 80, "note": ""}
    for index, item in enumerate(_items(card)):
        data.update(
            {
                f"code_{index}": item["code"],
                f"name_{index}": item["name"],
                f"weight_{index}": item["weight"],
                f"max_score_{index}": item["max_score"],
            }
        )
    bad = client.post(reverse("quality:scorecard_publish", args=[card.pk]), {**data, "weight_1": "0"})
    assert bad.status_code == 400 and "权重应大于0" in bad.content.decode()
    good = client.post(reverse("quality:scorecard_publish", args=[card.pk]), data)
    assert good.status_code == 302
    assert active_scorecard().version == card.version + 1
    listing = client.get(reverse("quality:scorecards")).content.decode()
    assert "已停用" in listing and "在用" in listing
