"""QA checks (Q1): opening one, the score on its card, the critical item, re-scoring with history, the
appeal window on the working-day calendar, and the job that makes a check final."""

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kefu.core.calendar import SHANGHAI
from kefu.core.events import events_for
from kefu.quality.events import CheckEvents
from kefu.quality.models import QaCheck
from kefu.quality.services import checks as services
from kefu.quality.services.appeals import file_appeal
from kefu.quality.services.scorecards import active_scorecard, publish_version
from kefu.quality.tests.factories_checks import entries, grant, qa_world_fixture, scored  # noqa: F401 (the qa_world fixture)

AT = datetime(2026, 10, 8, 10, 0, tzinfo=SHANGHAI)  # a Thursday after the National Day holiday


def test_a_sampled_check_is_proposed_for_the_contacts_agent_in_the_contacts_month(qa_world):
    # given a contact the agent took
    contact = qa_world.contact()
    # when sampling proposes it
    check = services.open_check(
        actor=None, contact=contact, source=QaCheck.Source.SAMPLED, sample_reason="投诉"
    )
    # then it is a proposed check of that agent, in the contact's month, on the card in use, numbered ZJ<year>
    assert check.status == QaCheck.Status.PROPOSED
    assert check.agent == qa_world.agent
    assert check.month == contact.received_on.replace(day=1)
    assert check.scorecard == active_scorecard()
    assert check.number.startswith(f"ZJ{timezone.localdate().year}") and len(check.number) == 12
    assert events_for(check).get().verb == CheckEvents.PROPOSED


def test_a_contact_is_checked_once_and_a_repeat_is_answered_with_the_existing_check(qa_world):
    # given a contact already proposed
    contact = qa_world.contact()
    first = services.open_check(actor=None, contact=contact, source=QaCheck.Source.SAMPLED)
    # when an inspector adds the same contact
    again = services.open_check(actor=qa_world.inspector, contact=contact, source=QaCheck.Source.ADDED)
    # then the answer is the existing check, not a second one
    assert again.pk == first.pk
    assert QaCheck.objects.filter(contact=contact).count() == 1


def test_only_an_inspector_adds_a_check_and_not_on_their_own_contact(qa_world):
    contact = qa_world.contact()
    with pytest.raises(PermissionDenied):
        services.open_check(actor=qa_world.other_agent, contact=contact, source=QaCheck.Source.ADDED)
    with pytest.raises(ValidationError) as refused:
        services.open_check(actor=qa_world.agent, contact=contact, source=QaCheck.Source.CALIBRATION)
    assert "来源" in str(refused.value)


def test_the_score_is_the_weighted_mean_of_the_items_on_a_hundred(qa_world):
    # given the shipped card (服务用语 20, 服务态度 25 critical, 语气语调 15, 归纳 20, 应变 20; each of 10)
    # when an inspector scores 8, 9, 10, 7, 6
    check = scored(qa_world, {"phrases": 8, "attitude": 9, "tone": 10, "summarising": 7, "handling": 6})
    # then the score is (16 + 22.5 + 15 + 14 + 12) = 79.5, below the pass mark 80
    assert check.score == Decimal("79.5")
    assert check.passed is False and check.critical_failed is False
    assert check.inspector == qa_world.inspector and check.status == QaCheck.Status.SCORED


def test_a_check_at_the_pass_mark_passes(qa_world):
    check = scored(qa_world, {"phrases": 8, "attitude": 8, "tone": 8, "summarising": 8, "handling": 8})
    assert check.score == Decimal("80.0") and check.passed is True


def test_a_critical_item_scored_zero_fails_the_whole_check(qa_world):
    # when 服务态度 (critical) is 0 and everything else full marks
    check = scored(qa_world, {"attitude": 0})
    # then the check scores 0 and is marked critical_failed
    assert check.score == Decimal("0.0")
    assert check.critical_failed is True and check.passed is False


def test_the_score_is_rounded_half_up_to_one_decimal(qa_world):
    # given a card of three equal items of 3 points
    card = publish_version(
        actor=qa_world.head,
        scorecard=active_scorecard(),
        name="三项表",
        pass_mark=60,
        items=[{"name": n, "weight": 1, "max_score": 3} for n in ("甲", "乙", "丙")],
    )
    # when each item gets 2 of 3
    check = qa_world.check()
    check = services.score_check(
        actor=qa_world.inspector, check=check, scores=[{"item": i.pk, "score": 2} for i in card.items.all()]
    )
    # then 66.666… is 66.7
    assert check.score == Decimal("66.7") and check.passed is True


@pytest.mark.parametrize(
    "bad, field_text",
    [({"tone": 11}, "语气语调"), ({"tone": -1}, "语气语调"), ({"tone": "八"}, "语气语调")],
)
def test_a_score_outside_the_items_scale_is_refused_naming_the_item(qa_world, bad, field_text):
    check = qa_world.check()
    with pytest.raises(ValidationError) as refused:
        services.score_check(actor=qa_world.inspector, check=check, scores=entries(bad))
    assert "scores" in refused.value.message_dict
    assert field_text in refused.value.message_dict["scores"][0]


def test_every_item_must_be_scored(qa_world):
    check = qa_world.check()
    with pytest.raises(ValidationError) as refused:
        services.score_check(actor=qa_world.inspector, check=check, scores=entries()[:3])
    assert "未打分" in refused.value.message_dict["scores"][0]


def test_an_agent_cannot_score_and_nobody_scores_their_own_contact(qa_world):
    check = qa_world.check()
    with pytest.raises(PermissionDenied):
        services.score_check(actor=qa_world.agent, check=check, scores=entries())
    # an agent who also holds the scoring permission still may not score their own contact
    scorer = grant(qa_world.agent, "score_qacheck")
    with pytest.raises(ValidationError) as refused:
        services.score_check(actor=scorer, check=check, scores=entries())
    assert "自己" in str(refused.value)


def test_time_stamped_remarks_are_kept_in_seconds_and_shown_as_mm_ss(qa_world):
    check = qa_world.check()
    check = services.score_check(
        actor=qa_world.inspector, check=check, scores=entries(), marks="01:25 未使用问候语\n\n12:03 打断客户"
    )
    assert [(m.at_second, m.text) for m in check.remarks.all()] == [(85, "未使用问候语"), (723, "打断客户")]
    assert str(check.remarks.first()) == "01:25 未使用问候语"
    with pytest.raises(ValidationError) as refused:
        services.parse_marks("一分钟处 没有问候")
    assert "第1行" in refused.value.message_dict["marks"][0]


def test_re_scoring_before_final_keeps_the_old_scores_in_the_history(qa_world):
    # given a scored check
    check = scored(qa_world, {"tone": 5})
    # when the inspector scores it again
    check = services.score_check(actor=qa_world.inspector, check=check, scores=entries({"tone": 9}))
    # then the event of the second scoring says old → new for the item and the score
    second = events_for(check).filter(verb=CheckEvents.SCORED).order_by("-id").first()
    assert second.changes["语气语调"] == [5, 9]
    assert second.changes["score"] == ["92.5", "98.5"]
    assert check.score == Decimal("98.5")


def test_the_same_scoring_sent_twice_records_one_event(qa_world):
    check = scored(qa_world)
    services.score_check(actor=qa_world.inspector, check=check, scores=entries(), comment="评语")
    assert events_for(check).filter(verb=CheckEvents.SCORED).count() == 1


def test_the_appeal_window_counts_working_days_with_the_adjusted_saturday(qa_world):
    # given a check scored on Thu 2026-10-08 (appeal days 3): Fri 10-09, Sat 10-10 (调休 worked), Mon 10-12
    check = scored(qa_world, now=AT)
    # then the appeal is due on Monday 10-12, not on Tuesday as weekends alone would make it
    assert check.appeal_due == date(2026, 10, 12)


def test_scored_before_the_holiday_the_window_jumps_the_golden_week(qa_world):
    check = scored(qa_world, now=datetime(2026, 9, 30, 16, 0, tzinfo=SHANGHAI))
    # 10-01..10-07 are off; 10-08, 10-09, and the worked Saturday 10-10
    assert check.appeal_due == date(2026, 10, 10)


def test_a_final_check_is_not_scored_again(qa_world):
    check = scored(qa_world, now=AT)
    services.finalise_due(datetime(2026, 10, 13, 1, 0, tzinfo=SHANGHAI))
    check.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.score_check(actor=qa_world.inspector, check=check, scores=entries())
    assert "已定稿" in str(refused.value)


def test_finalise_due_makes_checks_past_their_window_final_once(qa_world):
    # given a check due 10-12 and one with an open appeal
    quiet = scored(qa_world, now=AT)
    appealed = scored(qa_world, now=AT)
    with time_machine.travel(datetime(2026, 10, 9, 9, 0, tzinfo=SHANGHAI), tick=False):
        file_appeal(actor=qa_world.agent, check=appealed, reason="我已经问候过客户")
    # when the job runs on the due day, then the next day, then again
    assert services.finalise_due(datetime(2026, 10, 12, 20, 0, tzinfo=SHANGHAI)) == []
    lines = services.finalise_due(datetime(2026, 10, 13, 1, 0, tzinfo=SHANGHAI))
    again = services.finalise_due(datetime(2026, 10, 13, 2, 0, tzinfo=SHANGHAI))
    # then only the quiet check became final, once, with its event
    quiet.refresh_from_db()
    appealed.refresh_from_db()
    assert lines == ["质检：1条质检记录申诉期满，已定稿"] and again == []
    assert quiet.status == QaCheck.Status.FINAL and quiet.finalised_at is not None
    assert appealed.status == QaCheck.Status.APPEALED
    assert events_for(quiet).filter(verb=CheckEvents.FINALISED).count() == 1


def test_an_inspector_may_drop_a_proposed_check_with_a_reason(qa_world):
    check = qa_world.check()
    with pytest.raises(ValidationError):
        services.drop_check(actor=qa_world.inspector, check=check, reason="")
    check = services.drop_check(actor=qa_world.inspector, check=check, reason="无录音")
    assert check.status == QaCheck.Status.DROPPED
    # the contact may be proposed again
    again = services.open_check(actor=None, contact=check.contact, source=QaCheck.Source.SAMPLED)
    assert again.pk != check.pk
