"""The case's life (I1, I3; seed 000 ch.7 第三条): scope, two inspectors who show their IDs, the
statement before approval, the leader's approval before any amount, the archive before closing."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kefu.core.models import Event
from kefu.inspection.models import Case, CaseInspector, CaseKind, PenaltyApproval
from kefu.inspection.services import cases as services
from kefu.inspection.tests.factories_cases import (
    hear,
    lead_of,
    make_case,
    make_director,
    make_inspector,
    submitted,
    violation_found,
)

pytestmark = pytest.mark.django_db


def test_a_case_is_numbered_by_year_with_two_inspectors_who_showed_their_ids():
    case = make_case()
    assert case.number.startswith("JC") and len(case.number) == len("JC2026-00001")
    assert case.state == Case.State.OPEN
    seats = list(case.inspectors.all())
    assert len(seats) == 2 and all(seat.id_shown_at for seat in seats)
    assert sum(seat.lead for seat in seats) == 1
    assert Event.objects.filter(target_id=case.pk, verb="inspection_case.opened").exists()


def test_a_kind_outside_the_scope_is_refused():
    inspector = make_inspector()
    with pytest.raises(ValidationError) as refused:
        services.open_case(
            actor=inspector, kind="parking", source="manual", address="某路1号", summary="违停"
        )
    assert "超出稽查范围（供水手册第七章第三条（二））" in str(refused.value)


def test_someone_who_is_not_an_inspector_cannot_open_a_case(counter_clerk):
    with pytest.raises(PermissionDenied):
        services.open_case(
            actor=counter_clerk, kind=CaseKind.HYDRANT, source="manual", address="某路", summary="消火栓取水"
        )


def test_only_active_field_inspectors_may_be_assigned(counter_clerk):
    case = make_case(id_shown=False)
    with pytest.raises(ValidationError) as refused:
        services.assign_inspectors(actor=lead_of(case), case=case, inspectors=[counter_clerk])
    assert "不是在岗的稽查员" in str(refused.value)
    gone = make_inspector(is_active=False)
    with pytest.raises(ValidationError):
        services.assign_inspectors(actor=lead_of(case), case=case, inspectors=[gone])


def test_a_task_with_one_inspector_is_refused_when_starting_field_work():
    alone = make_inspector()
    case = make_case(inspectors=[alone])
    with pytest.raises(ValidationError) as refused:
        services.start_investigation(actor=alone, case=case)
    assert "稽查人员必须2人以上（供水手册第七章第三条（三））" in str(refused.value)
    with pytest.raises(ValidationError):
        services.require_field_work(case, alone)


def test_field_work_waits_until_both_inspectors_showed_their_ids():
    first, second = make_inspector(), make_inspector()
    case = make_case(inspectors=[first, second], id_shown=False)
    services.record_id_shown(actor=first, case=case)
    with pytest.raises(ValidationError) as refused:
        services.start_investigation(actor=first, case=case)
    assert "首先出示稽查证件" in str(refused.value) and second.name in str(refused.value)
    services.record_id_shown(actor=first, case=case, inspector=second)
    case = services.start_investigation(actor=first, case=case)
    assert case.state == Case.State.INVESTIGATING


def test_removing_an_inspector_leaves_a_case_that_cannot_be_worked_until_another_comes():
    case = make_case(started=True)
    lead = lead_of(case)
    other = case.inspectors.exclude(inspector=lead).get().inspector
    services.remove_inspector(actor=lead, case=case, inspector=other, reason="调岗")
    with pytest.raises(ValidationError):
        services.require_field_work(case, lead)
    assert Event.objects.filter(target_id=case.pk, verb="inspection_case.inspector_removed").exists()
    # nothing is deleted: the seat is marked with who took the inspector off, when and why
    seat = CaseInspector.all_seats.get(case=case, inspector=other)
    assert seat.removed_at and seat.removed_by == lead and seat.removed_reason == "调岗"
    # and the inspector may be seated again later
    services.assign_inspectors(actor=lead, case=case, inspectors=[other])
    assert case.inspectors.filter(inspector=other).exists()


def test_an_inspector_who_is_not_on_the_case_cannot_work_it():
    case = make_case()
    with pytest.raises(PermissionDenied):
        services.start_investigation(actor=make_inspector(), case=case)


def test_approval_is_refused_before_the_customer_is_heard():
    case = make_case(started=True)
    services.conclude(actor=lead_of(case), case=case, finding=Case.Finding.VIOLATION, conclusion="私接属实")
    with pytest.raises(ValidationError) as refused:
        services.submit_for_approval(
            actor=lead_of(case),
            case=case,
            facts="私接",
            regulation="条例",
            proposed_penalty="100",
            proposed_recovery="0",
            proposal="处违约金",
        )
    assert "应当听取当事人的陈述和申辩（供水手册第七章第三条（六））" in str(refused.value)


def test_for_an_unregistered_user_the_occupant_must_be_heard():
    case = make_case(started=True, unregistered=True)
    services.conclude(actor=lead_of(case), case=case, finding=Case.Finding.VIOLATION, conclusion="黑户用水")
    with pytest.raises(ValidationError) as refused:
        services.submit_for_approval(
            actor=lead_of(case),
            case=case,
            facts="无户用水",
            regulation="条例",
            proposed_penalty=0,
            proposed_recovery=800,
            proposal="追补水费",
        )
    assert "实际用水人" in str(refused.value)
    hear(case, kind="statement", person="租户李某")
    approval = services.submit_for_approval(
        actor=lead_of(case),
        case=case,
        facts="无户用水",
        regulation="条例",
        proposed_penalty=0,
        proposed_recovery=800,
        proposal="追补水费",
    )
    assert approval.state == PenaltyApproval.State.SUBMITTED


def test_amounts_cannot_be_recorded_before_the_leader_approves():
    approval = submitted()
    case = approval.case
    with pytest.raises(ValidationError) as refused:
        services.record_amounts(actor=lead_of(case), case=case, penalty="100", recovery="0")
    assert "须经客户服务中心领导批准后再进行处理（第三条（九））" in str(refused.value)


def test_the_submitter_cannot_decide_and_only_a_leader_may():
    approval = submitted()
    with pytest.raises(PermissionDenied):
        services.decide(actor=approval.submitted_by, approval=approval, approve=True, opinion="")
    director = make_director()
    services.decide(actor=director, approval=approval, approve=True, opinion="同意")
    approval.refresh_from_db()
    assert approval.state == PenaltyApproval.State.APPROVED and approval.decided_by == director


def test_a_leader_who_submitted_cannot_approve_their_own(make_user):
    from kefu.accounts.models import Role

    approval = submitted()
    leader = make_user(Role.CENTER_DIRECTOR, username="dir2", name="主任二")
    approval.submitted_by = leader
    approval.save(update_fields=["submitted_by"])
    with pytest.raises(PermissionDenied) as refused:
        services.decide(actor=leader, approval=approval, approve=True, opinion="")
    assert "报批人不能审批" in str(refused.value)


def test_a_refusal_needs_an_opinion_and_sends_the_case_back():
    approval = submitted()
    director = make_director()
    with pytest.raises(ValidationError):
        services.decide(actor=director, approval=approval, approve=False, opinion="")
    services.decide(actor=director, approval=approval, approve=False, opinion="证据不足，补充取证")
    approval.case.refresh_from_db()
    assert approval.case.state == Case.State.INVESTIGATING


def test_amounts_above_the_approved_ones_are_refused():
    approval = submitted(penalty="2000", recovery="3500.50")
    services.decide(actor=make_director(), approval=approval, approve=True, opinion="同意")
    case = approval.case
    with pytest.raises(ValidationError) as refused:
        services.record_amounts(actor=lead_of(case), case=case, penalty="2000.01", recovery="0")
    assert "超过领导批准的2000.00元" in str(refused.value)
    case = services.record_amounts(actor=lead_of(case), case=case, penalty="1500", recovery="3500.50")
    assert case.penalty_amount == Decimal("1500.00") and case.amounts_recorded_at


def test_a_violation_cannot_go_to_the_archive_without_approval():
    case = violation_found()
    with pytest.raises(ValidationError) as refused:
        services.send_to_archive(actor=lead_of(case), case=case)
    assert "须经客户服务中心领导批准后再进行处理" in str(refused.value)


def test_the_case_deadline_follows_the_rule_for_a_case_opened_by_the_team():
    case = make_case()
    assert case.due_on > case.opened_at.date()


def test_a_case_past_its_deadline_alerts_its_inspectors_once():
    from datetime import timedelta

    from django.utils import timezone

    from kefu.core.models import Alert

    case = make_case()
    Case.objects.filter(pk=case.pk).update(due_on=timezone.localdate() - timedelta(days=3))
    lines = services.run_due(timezone.now())
    assert any("超过办理期限" in line for line in lines)
    assert Alert.objects.filter(kind=services.OVERDUE).count() == 2
    assert not any("超过办理期限" in line for line in services.run_due(timezone.now()))
    assert Alert.objects.filter(kind=services.OVERDUE).count() == 2
