"""Calibration (Q1): inspectors score one contact blind, the creator or the lead closes it, and the page
shows each item's scores, mean, min, max and spread; calibration checks never count for the agent."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kefu.quality.models import Calibration, QaCheck
from kefu.quality.permissions_checks import visible_checks
from kefu.quality.services import calibration as services
from kefu.quality.services.checks import open_check
from kefu.quality.services.scorecards import card_items
from kefu.quality.tests.factories_checks import entries, qa_world_fixture  # noqa: F401


@pytest.fixture
def calibration(qa_world):
    return services.open_calibration(actor=qa_world.inspector, contact=qa_world.contact(), title="十月校准")


def test_an_inspector_opens_a_calibration_and_an_agent_cannot(qa_world, calibration):
    assert calibration.status == Calibration.Status.OPEN and calibration.created_by == qa_world.inspector
    with pytest.raises(PermissionDenied):
        services.open_calibration(actor=qa_world.agent, contact=calibration.contact, title="x")
    with pytest.raises(ValidationError) as refused:
        services.open_calibration(actor=qa_world.inspector, contact=calibration.contact, title=" ")
    assert "title" in refused.value.message_dict


def test_each_inspector_sees_only_their_own_score_until_it_is_closed(qa_world, calibration, client_for):
    # given two inspectors scoring blind
    mine = services.score_calibration(
        actor=qa_world.inspector, calibration=calibration, scores=entries({"tone": 4})
    )
    theirs = services.score_calibration(
        actor=qa_world.inspector2, calibration=calibration, scores=entries({"tone": 9})
    )
    # then each sees only their own calibration check, the QA lead both, the agent none
    seen = lambda user: set(visible_checks(QaCheck.objects.all(), user).values_list("pk", flat=True))  # noqa: E731
    assert seen(qa_world.inspector) == {mine.pk}
    assert seen(qa_world.inspector2) == {theirs.pk}
    assert seen(qa_world.lead) == {mine.pk, theirs.pk}
    assert seen(qa_world.agent) == set()
    # and the page shows the inspector neither the other's score nor the comparison
    page = client_for(qa_world.inspector).get(reverse("quality:calibration", args=[calibration.pk]))
    assert (
        "calibration-spread" not in page.content.decode()
        and "揭晓前只显示您自己的评分" in page.content.decode()
    )


def test_closing_shows_the_spread_per_item_with_the_warning(qa_world, calibration, client_for):
    services.score_calibration(actor=qa_world.inspector, calibration=calibration, scores=entries({"tone": 4}))
    services.score_calibration(
        actor=qa_world.inspector2, calibration=calibration, scores=entries({"tone": 9})
    )
    services.score_calibration(actor=qa_world.lead, calibration=calibration, scores=entries({"tone": 8}))
    # only the creator or the lead closes it
    with pytest.raises(PermissionDenied):
        services.close_calibration(actor=qa_world.inspector2, calibration=calibration)
    services.close_calibration(actor=qa_world.inspector, calibration=calibration)
    checks, rows, threshold = services.spread(calibration)
    tone = next(r for r in rows if r.item.code == "tone")
    phrases = next(r for r in rows if r.item.code == "phrases")
    assert (str(tone.mean), tone.low, tone.high, tone.spread, tone.warn) == ("7.0", 4, 9, 5, True)
    assert (phrases.spread, phrases.warn) == (0, False)
    assert threshold == 3 and len(checks) == 3
    # the page, now for every inspector, marks the item
    page = (
        client_for(qa_world.inspector2)
        .get(reverse("quality:calibration", args=[calibration.pk]))
        .content.decode()
    )
    assert "calibration-spread" in page and "spread-warning" in page and "偏差大" in page


def test_a_closed_calibration_takes_no_more_scores(qa_world, calibration):
    services.score_calibration(actor=qa_world.inspector, calibration=calibration, scores=entries())
    services.close_calibration(actor=qa_world.lead, calibration=calibration)
    with pytest.raises(ValidationError):
        services.score_calibration(actor=qa_world.inspector2, calibration=calibration, scores=entries())


def test_calibration_checks_never_count_for_the_agent(qa_world, calibration):
    # given a calibration scored on the agent's contact
    check = services.score_calibration(actor=qa_world.inspector, calibration=calibration, scores=entries())
    services.close_calibration(actor=qa_world.inspector, calibration=calibration)
    check.refresh_from_db()
    # then it is a CALIBRATION check with no appeal window, and the contact may still be checked for real
    assert check.source == QaCheck.Source.CALIBRATION and check.appeal_due is None
    real = open_check(actor=None, contact=calibration.contact, source=QaCheck.Source.SAMPLED)
    assert real.pk != check.pk and real.calibration_id is None
    assert check.pk not in set(
        visible_checks(QaCheck.objects.all(), qa_world.agent).values_list("pk", flat=True)
    )


def test_an_inspector_scores_a_calibration_on_the_page(qa_world, calibration, client_for):
    client = client_for(qa_world.inspector2)
    data = {f"score_{i.pk}": i.max_score for i in card_items(calibration.scorecard)}
    response = client.post(reverse("quality:calibration_score", args=[calibration.pk]), data)
    assert response.status_code == 302
    assert QaCheck.objects.get(calibration=calibration, inspector=qa_world.inspector2).score == 100


def test_an_inspector_opens_and_closes_a_calibration_on_the_pages(qa_world, client_for):
    contact = qa_world.contact()
    client = client_for(qa_world.inspector)
    response = client.post(reverse("quality:calibration_new"), {"contact": contact.number, "title": "周校准"})
    calibration = Calibration.objects.get(contact=contact)
    assert response.status_code == 302 and response.url == reverse(
        "quality:calibration", args=[calibration.pk]
    )
    listing = client.get(reverse("quality:calibrations")).content.decode()
    assert "周校准" in listing
    bad = client.post(reverse("quality:calibration_new"), {"contact": "RX-NONE", "title": "x"}, follow=True)
    assert "没有编号为“RX-NONE”的受理记录" in bad.content.decode()
    client.post(reverse("quality:calibration_close", args=[calibration.pk]))
    calibration.refresh_from_db()
    assert calibration.status == Calibration.Status.CLOSED
