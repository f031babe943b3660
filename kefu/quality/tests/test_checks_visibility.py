"""Who sees which check — one rule for the pages, the export, the search and the API: the agent only
their own (and not a proposed one), a team leader their team's, inspectors and the head all."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kefu.quality.models import QaCheck
from kefu.quality.permissions_checks import visible_checks
from kefu.quality.tests.factories_checks import qa_world_fixture, scored  # noqa: F401 (the qa_world fixture)


@pytest.fixture
def two_checks(qa_world):
    mine = scored(qa_world)
    theirs = scored(qa_world, agent=qa_world.other_agent)
    return mine, theirs


def _visible(user):
    return set(visible_checks(QaCheck.objects.all(), user).values_list("pk", flat=True))


def test_the_rule_agent_own_leader_team_inspector_and_head_all(qa_world, two_checks):
    mine, theirs = two_checks
    assert _visible(qa_world.agent) == {mine.pk}
    assert _visible(qa_world.other_agent) == {theirs.pk}
    assert _visible(qa_world.leader) == {mine.pk}  # team A's leader
    assert _visible(qa_world.inspector2) == {mine.pk, theirs.pk}
    assert _visible(qa_world.head) == {mine.pk, theirs.pk}


def test_an_agent_does_not_see_a_check_proposed_on_their_call(qa_world):
    proposed = qa_world.check()
    assert proposed.pk not in _visible(qa_world.agent)


def test_an_agent_cannot_open_another_agents_check_page_or_api(qa_world, two_checks, client_for):
    _mine, theirs = two_checks
    client = client_for(qa_world.agent)
    assert client.get(reverse("quality:check", args=[theirs.pk])).status_code == 404
    assert client.get(f"/api/quality/checks/{theirs.pk}").status_code == 404
    assert client.get(reverse("quality:check_print", args=[theirs.pk])).status_code == 404


def test_an_agent_cannot_find_another_agents_check_through_the_api_search(qa_world, two_checks, client_for):
    mine, theirs = two_checks
    client = client_for(qa_world.agent)
    found = client.get("/api/quality/checks", {"q": theirs.number}).json()["items"]
    assert found == []
    found = client.get("/api/quality/checks", {"q": "话务员小刘"}).json()["items"]
    assert found == []
    assert [c["id"] for c in client.get("/api/quality/checks").json()["items"]] == [mine.pk]


def test_the_desk_and_its_export_are_for_qa_readers_only(qa_world, two_checks, client_for):
    client = client_for(qa_world.agent)
    assert client.get(reverse("quality:checks")).status_code == 403
    assert client.get(reverse("quality:checks_export")).status_code == 403


def test_a_team_leaders_desk_search_and_export_hold_only_the_teams_checks(qa_world, two_checks, client_for):
    mine, theirs = two_checks
    client = client_for(qa_world.leader)
    page = client.get(reverse("quality:checks"), {"q": theirs.number})
    assert page.status_code == 200 and list(page.context["page"].object_list) == []
    assert reverse("quality:check", args=[theirs.pk]) not in page.content.decode()
    page = client.get(reverse("quality:checks"))
    assert [c.pk for c in page.context["page"].object_list] == [mine.pk]
    book = load_workbook(io.BytesIO(b"".join(client.get(reverse("quality:checks_export")).streaming_content)))
    numbers = [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert numbers == [mine.number]


def test_the_agent_sees_their_own_check_with_the_score_and_the_appeal_form(qa_world, two_checks, client_for):
    mine, _theirs = two_checks
    page = client_for(qa_world.agent).get(reverse("quality:check", args=[mine.pk])).content.decode()
    assert mine.number in page and str(mine.score) in page


def test_an_outsider_without_a_role_is_refused(qa_world, two_checks, client_for, outsider):
    mine, _theirs = two_checks
    client = client_for(outsider)
    assert client.get(reverse("quality:mine")).status_code == 403
    assert client.get("/api/quality/checks").status_code == 403
    assert client.get(reverse("quality:check", args=[mine.pk])).status_code == 403
