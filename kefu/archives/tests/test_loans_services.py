"""Reading and borrowing (D2; 物业客服规章制度·住户档案管理规定3): every rule with its Chinese refusal, the
events, and the overdue job. Services first; pages and API are in test_loans_pages / test_loans_api."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from kefu.archives.events import LoanEvents
from kefu.archives.models import ArchiveFile, Category, FileLoan
from kefu.archives.services import loans as services
from kefu.archives.tests.factories_loans import (
    LoanPeople,
    approved,
    filed_file,
    lent,
    owner_file,
    requested,
)
from kefu.core.events import events_for
from kefu.core.models import Alert
from kefu.core.services import set_policy

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def people(make_user):
    return LoanPeople(make_user)


def message(excinfo, field: str) -> str:
    return excinfo.value.message_dict[field][0]


def verbs(loan):
    return [e.verb for e in events_for(loan).order_by("id")]


# ---- requests ----------------------------------------------------------------------------------------


def test_reading_for_work_goes_straight_to_the_desk_without_approval(people):
    loan = requested(people.clerk, filed_file(), kind=FileLoan.Kind.READ)
    assert loan.state == FileLoan.State.APPROVED and loan.decided_by is None
    assert "无需审批" in loan.decision_note
    assert verbs(loan) == [LoanEvents.REQUESTED]


def test_reading_not_for_work_needs_the_managers_approval(people):
    loan = requested(people.clerk, filed_file(), kind=FileLoan.Kind.READ, for_work=False)
    assert loan.state == FileLoan.State.REQUESTED
    # the approvers are told
    assert Alert.objects.filter(recipient=people.head, kind="archives.loan_waiting").exists()
    assert not Alert.objects.filter(recipient=people.clerk, kind="archives.loan_waiting").exists()


def test_the_rule_can_let_reading_not_for_work_through(people):
    set_policy(actor=people.head, key="archives.read_not_for_work_needs_approval", value=False)
    loan = requested(people.clerk, filed_file(), kind=FileLoan.Kind.READ, for_work=False)
    assert loan.state == FileLoan.State.APPROVED


def test_every_loan_needs_approval(people):
    loan = requested(people.clerk, filed_file())
    assert loan.state == FileLoan.State.REQUESTED


def test_a_loan_not_for_work_is_refused(people):
    with pytest.raises(ValidationError) as excinfo:
        requested(people.clerk, filed_file(), for_work=False)
    assert "档案只因工作需要借出" in message(excinfo, "for_work")


def test_a_confidential_file_is_never_lent(people):
    file = owner_file()
    with pytest.raises(ValidationError) as excinfo:
        requested(people.clerk, file)
    assert message(excinfo, "kind") == (
        f"「{file.catalogue_number}」属业主/租户个人资料等保密档案，不得借出或复印"
        "（物业客服规章制度·住户档案管理规定3(3)）；可在档案室查阅"
    )
    assert not FileLoan.objects.exists()


def test_an_inspection_file_is_refused_with_the_inspection_clause(people):
    file = filed_file(
        category=Category.INSPECTION,
        catalogue_number="JC-2026-000009",
        confidential=True,
        restricted_to="inspection.view_case",
    )
    with pytest.raises(ValidationError) as excinfo:
        requested(people.inspector, file)
    assert message(excinfo, "kind").startswith("「JC-2026-000009」是稽查案卷，属保密档案，不得借出或复印")
    assert "供水手册第七章第三条（十一）" in message(excinfo, "kind")
    assert not FileLoan.objects.exists()


def test_a_confidential_file_may_be_read_on_site(people):
    loan = requested(people.clerk, owner_file(), kind=FileLoan.Kind.READ)
    loan = services.start_reading(actor=people.archivist, loan=loan, signed=True)
    assert loan.state == FileLoan.State.READING


def test_a_confidential_file_is_not_lent_even_with_approval(people):
    # given a loan requested before the file was marked confidential
    file = filed_file()
    loan = requested(people.clerk, file)
    ArchiveFile.objects.filter(pk=file.pk).update(confidential=True)
    # then the manager cannot approve it
    with pytest.raises(ValidationError) as excinfo:
        services.approve(actor=people.head, loan=loan)
    assert "不得借出或复印" in message(excinfo, "file")
    # nor can the desk lend one approved before
    other = filed_file()
    loan2 = approved(people.clerk, people.director, other)
    ArchiveFile.objects.filter(pk=other.pk).update(confidential=True)
    with pytest.raises(ValidationError) as excinfo:
        services.lend(actor=people.archivist, loan=loan2, signed=True)
    assert "保密档案" in message(excinfo, "file")


@pytest.mark.parametrize(
    ("state", "text"),
    [
        (ArchiveFile.State.PENDING, "尚未归档编目，归档后才能查阅或借出"),
        (ArchiveFile.State.DESTROYED, "已销毁"),
    ],
)
def test_pending_and_destroyed_files_are_neither_read_nor_lent(people, state, text):
    file = filed_file(state=state)
    for kind in FileLoan.Kind.values:
        with pytest.raises(ValidationError) as excinfo:
            requested(people.clerk, file, kind=kind)
        assert text in message(excinfo, "file")


def test_a_purpose_is_required_and_one_open_request_per_file(people):
    file = filed_file()
    with pytest.raises(ValidationError) as excinfo:
        requested(people.clerk, file, purpose="  ")
    assert "请填写借阅事由" in message(excinfo, "purpose")
    requested(people.clerk, file)
    with pytest.raises(ValidationError) as excinfo:
        requested(people.clerk, file, kind=FileLoan.Kind.READ)
    assert "不能重复申请" in message(excinfo, "file")


def test_a_role_without_the_right_cannot_ask(make_user, people):
    with pytest.raises(PermissionDenied):
        requested(make_user("", username="nobody"), filed_file())


# ---- approval ------------------------------------------------------------------------------------------


def test_the_manager_approves_and_the_event_is_written(people):
    loan = approved(people.clerk, people.director, filed_file())
    assert loan.state == FileLoan.State.APPROVED and loan.decided_by == people.director
    assert verbs(loan) == [LoanEvents.REQUESTED, LoanEvents.APPROVED]


def test_nobody_approves_their_own_request(people):
    loan = requested(people.head, filed_file())
    with pytest.raises(PermissionDenied, match="不能审批本人的借阅申请"):
        services.approve(actor=people.head, loan=loan)
    with pytest.raises(PermissionDenied, match="不能审批本人的借阅申请"):
        services.refuse(actor=people.head, loan=loan, note="不借")
    assert services.approve(actor=people.director, loan=loan).state == FileLoan.State.APPROVED


def test_only_the_manager_approves(people):
    loan = requested(people.clerk, filed_file())
    with pytest.raises(PermissionDenied):
        services.approve(actor=people.archivist, loan=loan)


def test_a_refusal_needs_a_reason(people):
    loan = requested(people.clerk, filed_file())
    with pytest.raises(ValidationError) as excinfo:
        services.refuse(actor=people.head, loan=loan, note="")
    assert message(excinfo, "note") == "不予批准须写明理由"
    loan = services.refuse(actor=people.head, loan=loan, note="与本岗位工作无关")
    assert loan.state == FileLoan.State.REFUSED
    with pytest.raises(ValidationError) as excinfo:
        services.approve(actor=people.director, loan=loan)
    assert "借阅单当前为「不予批准」，不能批准" in message(excinfo, "state")


# ---- the desk ------------------------------------------------------------------------------------------


def test_a_loan_is_registered_with_the_signature_and_a_due_date(people):
    loan = approved(people.clerk, people.head, filed_file())
    with pytest.raises(ValidationError) as excinfo:
        services.lend(actor=people.archivist, loan=loan, signed=False)
    assert message(excinfo, "signed").startswith("借阅人须在《文件借阅登记表》上签字后才能登记")
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=SH)):  # a Monday
        loan = services.lend(actor=people.archivist, loan=loan, signed=True)
    assert loan.state == FileLoan.State.OUT
    assert loan.registered_by == people.archivist and loan.borrower_signed_at is not None
    assert loan.due_on == date(2026, 3, 11)  # 7 working days
    assert verbs(loan)[-1] == LoanEvents.LENT


def test_the_due_date_cannot_pass_the_loan_period(people):
    loan = approved(people.clerk, people.head, filed_file())
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=SH)):
        with pytest.raises(ValidationError) as excinfo:
            services.lend(actor=people.archivist, loan=loan, signed=True, due_on=date(2026, 3, 31))
        assert (
            message(excinfo, "due_on")
            == "应还日期不能晚于2026-03-11（借阅期限为7个工作日，archives.loan_days）"
        )
        with pytest.raises(ValidationError) as excinfo:
            services.lend(actor=people.archivist, loan=loan, signed=True, due_on=date(2026, 3, 1))
        assert message(excinfo, "due_on") == "应还日期不能早于今天"
        loan = services.lend(actor=people.archivist, loan=loan, signed=True, due_on=date(2026, 3, 5))
    assert loan.due_on == date(2026, 3, 5)


def test_a_loan_not_approved_is_not_lent(people):
    loan = requested(people.clerk, filed_file())
    with pytest.raises(ValidationError) as excinfo:
        services.lend(actor=people.archivist, loan=loan, signed=True)
    assert message(excinfo, "state") == "借阅单当前为「待审批」，不能登记借出"


def test_the_registrar_does_not_register_their_own_loan(people):
    loan = approved(people.archivist, people.head, filed_file())
    with pytest.raises(PermissionDenied, match="不能为本人的借阅登记借出"):
        services.lend(actor=people.archivist, loan=loan, signed=True)


def test_one_file_is_out_to_one_person_at_a_time(people):
    file = filed_file()
    lent(people.clerk, people.head, people.archivist, file)
    second = approved(people.leader, people.head, file)
    with pytest.raises(ValidationError) as excinfo:
        services.lend(actor=people.archivist, loan=second, signed=True)
    assert "正由营业员小王借出中" in message(excinfo, "file")
    reading = requested(people.inspector, file, kind=FileLoan.Kind.READ)
    with pytest.raises(ValidationError):
        services.start_reading(actor=people.archivist, loan=reading, signed=True)


# Not a transactional test: the savepoint of transaction.atomic() is enough to see the constraint refuse,
# and a transactional test's flush would remove the data migrations' rows for the tests after it.
def test_the_database_keeps_one_loan_out_per_file(make_user):
    people = LoanPeople(make_user)
    file = filed_file()
    lent(people.clerk, people.head, people.archivist, file)
    other = approved(people.leader, people.head, file)
    with pytest.raises(IntegrityError), transaction.atomic():
        FileLoan.objects.filter(pk=other.pk).update(state=FileLoan.State.OUT)


def test_reading_is_registered_signed_and_due_the_same_day(people):
    loan = requested(people.clerk, filed_file(), kind=FileLoan.Kind.READ)
    with pytest.raises(ValidationError) as excinfo:
        services.start_reading(actor=people.archivist, loan=loan, signed=False)
    assert "签字" in message(excinfo, "signed")
    with pytest.raises(ValidationError) as excinfo:
        services.lend(actor=people.archivist, loan=loan, signed=True)
    assert "这是查阅申请" in message(excinfo, "kind")
    loan = services.start_reading(actor=people.archivist, loan=loan, signed=True)
    assert loan.state == FileLoan.State.READING and loan.due_on is not None
    loan = services.return_file(actor=people.archivist, loan=loan)
    assert loan.state == FileLoan.State.RETURNED and loan.received_by == people.archivist
    assert verbs(loan) == [LoanEvents.REQUESTED, LoanEvents.READ_STARTED, LoanEvents.RETURNED]


def test_the_borrower_withdraws_a_request(people):
    loan = requested(people.clerk, filed_file())
    with pytest.raises(PermissionDenied):
        services.cancel(actor=people.leader, loan=loan)
    loan = services.cancel(actor=people.clerk, loan=loan, reason="不需要了")
    assert loan.state == FileLoan.State.CANCELLED
    assert verbs(loan)[-1] == LoanEvents.CANCELLED
    with pytest.raises(ValidationError):
        services.cancel(actor=people.clerk, loan=loan)


def test_a_returned_file_can_be_lent_again(people):
    file = filed_file()
    loan = lent(people.clerk, people.head, people.archivist, file)
    services.return_file(actor=people.archivist, loan=loan)
    again = lent(people.leader, people.head, people.archivist, file)
    assert again.state == FileLoan.State.OUT
    with pytest.raises(ValidationError) as excinfo:
        services.return_file(actor=people.archivist, loan=loan)
    assert "不能登记归还" in message(excinfo, "state")


# ---- the job -------------------------------------------------------------------------------------------


def test_an_overdue_loan_is_alerted_once_to_the_borrower_and_the_archivists(people):
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=SH)):
        loan = lent(people.clerk, people.head, people.archivist, filed_file())
    late = datetime(2026, 3, 12, 9, 0, tzinfo=SH)
    with time_machine.travel(late):
        lines = services.run_due(late)
        again = services.run_due(late + timedelta(hours=1))
    assert lines == ["档案借阅：1件逾期未还已提醒"] and again == []
    alerts = Alert.objects.filter(kind="archives.loan_overdue")
    assert {a.recipient for a in alerts} == {people.clerk, people.archivist}
    assert "应还日期2026-03-11，已逾期1天未还" in alerts.first().message
    assert verbs(loan).count(LoanEvents.OVERDUE_FLAGGED) == 1
    loan.refresh_from_db()
    assert loan.overdue_alerted


def test_a_loan_due_soon_is_reminded_to_its_borrower(people):
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=SH)):
        lent(people.clerk, people.head, people.archivist, filed_file())
    soon = datetime(2026, 3, 10, 9, 0, tzinfo=SH)
    with time_machine.travel(soon):
        assert services.run_due(soon) == ["档案借阅：1件即将到期已提醒借阅人"]
        assert services.run_due(soon) == []
    assert Alert.objects.get(kind="archives.loan_due_soon").recipient == people.clerk


def test_a_returned_loan_is_not_alerted(people):
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=SH)):
        loan = lent(people.clerk, people.head, people.archivist, filed_file())
        services.return_file(actor=people.archivist, loan=loan)
    late = datetime(2026, 3, 20, 9, 0, tzinfo=SH)
    assert services.run_due(late) == []
