"""我的质检与考核: a person's own scored checks with the appeal window, their sheets, nobody else's."""

from django.urls import reverse

from kefu.quality.tests.factories_checks import qa_world_fixture, scored  # noqa: F401 (the qa_world fixture)


def test_the_agent_sees_their_own_scored_checks_only(qa_world, client_for):
    # given a scored check of the agent's, a proposed one, and another agent's
    mine = scored(qa_world)
    proposed = qa_world.check()
    theirs = scored(qa_world, agent=qa_world.other_agent)
    # when the agent opens 我的质检与考核
    response = client_for(qa_world.agent).get(reverse("quality:mine"))
    # then only their scored check is listed, open to appeal
    assert response.status_code == 200
    assert [c.pk for c in response.context["page"].object_list] == [mine.pk]
    page = response.content.decode()
    assert theirs.number not in page and proposed.number not in page
    assert "1 条可申诉" in page


def test_the_page_is_for_appraised_staff(qa_world, client_for, administrator):
    assert client_for(qa_world.leader).get(reverse("quality:mine")).status_code == 200
    assert client_for(administrator).get(reverse("quality:mine")).status_code == 403


def test_the_home_page_lists_the_checks_lines(qa_world):
    from kefu.quality.home import panel

    scored(qa_world)
    qa_world.check()
    assert ("待质检评分", 1, "/quality/checks/?status=proposed") in panel(qa_world.inspector)
    assert ("新的质检评分（申诉期内）", 1, "/quality/mine/") in panel(qa_world.agent)
