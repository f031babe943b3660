"""Appeals against a QA check (Q1, Q4): the agent's window on the working-day calendar, one open
appeal, the lead upholds with a note or amends the scores, and whoever scored it does not decide."""

from datetime import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from kefu.core.calendar import SHANGHAI
from kefu.core.events import events_for
from kefu.quality.events import CheckEvents
from kefu.quality.models import QaAppeal, QaCheck
from kefu.quality.services.appeals import decide_appeal, file_appeal
from kefu.quality.tests.factories_checks import entries, qa_world_fixture, scored  # noqa: F401 (the qa_world fixture)

SCORED_AT = datetime(2026, 10, 8, 10, 0, tzinfo=SHANGHAI)  # due Mon 10-12 (Sat 10-10 is worked)
DUE_DAY = datetime(2026, 10, 12, 17, 0, tzinfo=SHANGHAI)
DAY_AFTER = datetime(2026, 10, 13, 9, 0, tzinfo=SHANGHAI)


def _appealed(world, **kwargs):
    check = scored(world, {"tone": 5}, now=SCORED_AT, **kwargs)
    with time_machine.travel(DUE_DAY, tick=False):
        appeal = file_appeal(actor=world.agent, check=check, reason="通话中客户情绪激动，语调已尽量平和")
    check.refresh_from_db()
    return check, appeal


def test_the_agent_appeals_on_the_last_day_of_the_window(qa_world):
    # given a check scored Thursday 10-08, due Monday 10-12 (the Saturday 10-10 is a 调休 working day)
    # when the agent appeals on Monday 10-12
    check, appeal = _appealed(qa_world)
    # then the appeal is open and the check is 申诉中
    assert appeal.status == QaAppeal.Status.OPEN and appeal.score_before == check.score
    assert check.status == QaCheck.Status.APPEALED
    assert events_for(check).filter(verb=CheckEvents.APPEALED).exists()


def test_an_appeal_after_the_deadline_is_refused_quoting_the_rule(qa_world):
    check = scored(qa_world, now=SCORED_AT)
    with time_machine.travel(DAY_AFTER, tick=False), pytest.raises(ValidationError) as refused:
        file_appeal(actor=qa_world.agent, check=check, reason="不服")
    message = refused.value.message_dict["reason"][0]
    assert "2026-10-12" in message and "quality.check_appeal_days" in message and "3个工作日" in message


def test_only_the_agent_appeals_with_a_reason(qa_world):
    check = scored(qa_world, now=SCORED_AT)
    with time_machine.travel(DUE_DAY, tick=False):
        with pytest.raises(PermissionDenied):
            file_appeal(actor=qa_world.other_agent, check=check, reason="不服")
        with pytest.raises(ValidationError) as refused:
            file_appeal(actor=qa_world.agent, check=check, reason="  ")
    assert "reason" in refused.value.message_dict


def test_one_open_appeal_at_a_time_and_a_repeat_is_answered(qa_world):
    check, appeal = _appealed(qa_world)
    with time_machine.travel(DUE_DAY, tick=False):
        again = file_appeal(actor=qa_world.agent, check=check, reason=appeal.reason)
        with pytest.raises(ValidationError) as refused:
            file_appeal(actor=qa_world.agent, check=check, reason="另一条理由")
    assert again.pk == appeal.pk
    assert "处理中" in str(refused.value)
    assert QaAppeal.objects.filter(check_record=check).count() == 1


def test_the_lead_upholds_with_a_note_and_the_check_is_final(qa_world):
    check, appeal = _appealed(qa_world)
    with pytest.raises(ValidationError) as refused:
        decide_appeal(actor=qa_world.lead, appeal=appeal, decision="uphold", note="")
    assert "note" in refused.value.message_dict
    appeal = decide_appeal(actor=qa_world.lead, appeal=appeal, decision="uphold", note="录音中语调生硬，维持")
    check.refresh_from_db()
    assert appeal.status == QaAppeal.Status.UPHELD and appeal.score_after == appeal.score_before
    assert check.status == QaCheck.Status.FINAL and check.finalised_at is not None


def test_the_lead_amends_and_the_old_scores_stay_in_the_history(qa_world):
    # given an appealed check with 语气语调 5 (92.5)
    check, appeal = _appealed(qa_world)
    # when the lead amends 语气语调 to 9
    appeal = decide_appeal(
        actor=qa_world.lead, appeal=appeal, decision="amend", note="改评", scores=entries({"tone": 9})
    )
    check.refresh_from_db()
    # then the new score stands, the appeal keeps before/after and the event says old → new
    assert check.score == Decimal("98.5") and check.status == QaCheck.Status.FINAL
    assert (appeal.score_before, appeal.score_after) == (Decimal("92.5"), Decimal("98.5"))
    event = events_for(check).get(verb=CheckEvents.APPEAL_AMENDED)
    assert event.changes["语气语调"] == [5, 9] and event.changes["score"] == ["92.5", "98.5"]
    assert check.scores.get(item__code="tone").score == 9


def test_whoever_scored_the_check_cannot_decide_its_appeal(qa_world):
    # given a check the QA lead scored herself
    check, appeal = _appealed(qa_world, inspector=qa_world.lead)
    # when she tries to decide the appeal
    with pytest.raises(PermissionDenied) as refused:
        decide_appeal(actor=qa_world.lead, appeal=appeal, decision="uphold", note="维持")
    # then she is refused (回避) and the department head decides instead
    assert "回避" in str(refused.value)
    decided = decide_appeal(actor=qa_world.head, appeal=appeal, decision="uphold", note="维持")
    assert decided.status == QaAppeal.Status.UPHELD


def test_an_inspector_without_the_leads_permission_cannot_decide(qa_world):
    check, appeal = _appealed(qa_world)
    with pytest.raises(PermissionDenied):
        decide_appeal(actor=qa_world.inspector2, appeal=appeal, decision="uphold", note="维持")


def test_a_decided_appeal_is_not_decided_again_and_a_final_check_is_not_appealed(qa_world):
    check, appeal = _appealed(qa_world)
    decide_appeal(actor=qa_world.lead, appeal=appeal, decision="uphold", note="维持")
    with pytest.raises(ValidationError):
        decide_appeal(actor=qa_world.head, appeal=appeal, decision="uphold", note="维持")
    check.refresh_from_db()
    with time_machine.travel(DUE_DAY, tick=False), pytest.raises(ValidationError) as refused:
        file_appeal(actor=qa_world.agent, check=check, reason="再次申诉")
    assert "已定稿" in str(refused.value)
