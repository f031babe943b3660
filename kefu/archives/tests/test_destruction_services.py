"""Destruction (D3; seed 000 ch.8 §7, 003 住户档案管理规定 6): the appraisal group proposes files past
retention, the department supervisor reviews, the center director approves, two or more people destroy
them at the named place and sign, the supervisor re-checks; the destroyed files' entries remain."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kefu.accounts.models import Role
from kefu.archives.events import DestructionEvents, FileEvents
from kefu.archives.models import ArchiveFile, Destruction, FileLoan
from kefu.archives.selectors_destruction import desk_destruction, destruction_of, home_lines, past_retention
from kefu.archives.services import destruction as services
from kefu.archives.tests.factories_destruction import (
    approved,
    current_file,
    destroyed,
    expired_files,
    filed_file,
    member,
    permanent_file,
    proposed,
)
from kefu.core.models import Alert, Event
from kefu.core.services import set_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def director(make_user):
    return make_user(Role.CENTER_DIRECTOR, username="director", name="中心主任老王")


def _events(target, verb):
    return Event.objects.filter(target_id=target.pk, verb=verb)


# -- the proposal --------------------------------------------------------------------------------------


def test_the_appraisal_group_proposes_files_past_retention_and_the_supervisor_is_told(
    archivist, department_head
):
    # given two filed files whose retention ended last year
    files = expired_files(2)

    # when the archivist proposes them with a colleague of the appraisal group
    colleague = member(name="营业员小周")
    destruction = services.propose(
        actor=archivist, files=files, reason="旧表回收档案保管期满", appraisal_group=[colleague]
    )

    # then a numbered list stands with both files, the proposer counted in the group
    assert destruction.number.startswith(f"XH{timezone.localdate().year}")
    assert destruction.state == Destruction.State.PROPOSED
    assert {i.file_id for i in destruction.items.all()} == {f.pk for f in files}
    assert set(destruction.appraisal_group.all()) == {archivist, colleague}
    assert _events(destruction, DestructionEvents.PROPOSED).exists()
    told = Alert.objects.get(recipient=department_head, kind="archives.destruction_review")
    assert destruction.number in told.message


def test_an_appraisal_group_of_one_is_refused_quoting_the_rule(archivist, administrator):
    files = expired_files(1)
    with pytest.raises(ValidationError) as refused:
        services.propose(actor=archivist, files=files, reason="期满", appraisal_group=[])
    assert "鉴定小组至少2人（含提出人），现为1人" in refused.value.message_dict["appraisal_group"][0]

    # the number is a rule: with 3 required, two are refused
    set_policy(actor=administrator, key="archives.destruction_min_appraisers", value=3)
    with pytest.raises(ValidationError) as refused:
        services.propose(actor=archivist, files=files, reason="期满", appraisal_group=[member()])
    assert "鉴定小组至少3人" in refused.value.message_dict["appraisal_group"][0]


def test_a_permanent_file_can_never_be_proposed(archivist):
    drawing = permanent_file(title="白沙路管网施工图")
    with pytest.raises(ValidationError) as refused:
        proposed(archivist=archivist, files=[drawing])
    message = refused.value.message_dict["files"][0]
    assert drawing.catalogue_number in message and "永久保管" in message and "不能销毁" in message


def test_a_file_within_its_retention_is_refused_naming_its_retention(archivist):
    young = current_file()
    with pytest.raises(ValidationError) as refused:
        proposed(archivist=archivist, files=[young])
    message = refused.value.message_dict["files"][0]
    assert young.catalogue_number in message and f"至{young.retention_until:%Y-%m-%d}" in message
    assert "尚未期满" in message


def test_a_file_not_filed_or_destroyed_is_refused(archivist):
    waiting = filed_file(state=ArchiveFile.State.PENDING, catalogue_number=None)
    with pytest.raises(ValidationError) as refused:
        proposed(archivist=archivist, files=[waiting])
    assert "只有已归档的档案才能列入销毁清册" in refused.value.message_dict["files"][0]


def test_a_file_on_another_open_list_is_refused(archivist):
    files = expired_files(2)
    first = proposed(archivist=archivist, files=files[:1])
    with pytest.raises(ValidationError) as refused:
        proposed(archivist=archivist, files=files)
    assert (
        f"已列入销毁清册{first.number}（鉴定小组已提出），不能重复提出"
        in refused.value.message_dict["files"][0]
    )


def test_a_refused_list_frees_its_files(archivist, department_head):
    files = expired_files(1)
    first = proposed(archivist=archivist, files=files)
    services.refuse(actor=department_head, destruction=first, note="清册与实物不符，重新鉴定")
    second = proposed(archivist=archivist, files=files)
    assert second.items.count() == 1


def test_only_the_appraisal_group_may_propose(department_head):
    with pytest.raises(PermissionDenied):
        proposed(archivist=department_head, files=expired_files(1))


def test_a_reason_and_files_are_required(archivist):
    with pytest.raises(ValidationError) as refused:
        services.propose(actor=archivist, files=[], reason=" ", appraisal_group=[member()])
    assert refused.value.message_dict["reason"] == ["请填写销毁理由（鉴定小组意见）"]
    assert refused.value.message_dict["files"] == ["请选择超过保存期、要列入销毁清册的档案"]


def test_a_list_longer_than_the_rule_is_refused(archivist, administrator):
    set_policy(actor=administrator, key="archives.destruction_max_files", value=2)
    with pytest.raises(ValidationError) as refused:
        proposed(archivist=archivist, files=expired_files(3))
    assert "一份销毁清册最多2卷" in refused.value.message_dict["files"][0]


# -- review and approval ---------------------------------------------------------------------------------


def test_the_supervisor_reviews_and_the_director_approves(archivist, department_head, director):
    destruction = proposed(archivist=archivist, files=expired_files(1))

    services.review(actor=department_head, destruction=destruction, note="核对无误")
    destruction.refresh_from_db()
    assert (destruction.state, destruction.reviewed_by) == (Destruction.State.REVIEWED, department_head)
    assert Alert.objects.filter(recipient=director, kind="archives.destruction_approval").exists()

    services.approve(actor=director, destruction=destruction, note="同意")
    destruction.refresh_from_db()
    assert (destruction.state, destruction.approved_by) == (Destruction.State.APPROVED, director)
    assert _events(destruction, DestructionEvents.APPROVED).exists()
    assert Alert.objects.filter(recipient=archivist, kind="archives.destruction_decided").exists()


def test_the_director_cannot_approve_before_the_review(archivist, director):
    destruction = proposed(archivist=archivist, files=expired_files(1))
    with pytest.raises(ValidationError) as refused:
        services.approve(actor=director, destruction=destruction)
    assert (
        "当前为「鉴定小组已提出」，不能批准（须先经部门主管审核）" in refused.value.message_dict["state"][0]
    )


def test_a_member_of_the_appraisal_group_may_not_review_or_approve(archivist, department_head, director):
    # given a list whose group includes the department head and, on another, the director
    destruction = proposed(archivist=archivist, files=expired_files(1), group=[department_head])
    with pytest.raises(PermissionDenied) as refused:
        services.review(actor=department_head, destruction=destruction)
    assert "鉴定小组成员" in str(refused.value) and "不能审核" in str(refused.value)

    other = proposed(archivist=archivist, files=expired_files(1), group=[director])
    services.review(actor=department_head, destruction=other)
    with pytest.raises(PermissionDenied) as refused:
        services.approve(actor=director, destruction=other)
    assert "不能批准" in str(refused.value)


def test_the_reviewer_cannot_also_approve(archivist, make_user):
    both = make_user(Role.DEPARTMENT_HEAD, username="both", name="兼任主任")
    from django.contrib.auth.models import Group

    both.groups.add(Group.objects.get(name=Role.CENTER_DIRECTOR.label))
    destruction = proposed(archivist=archivist, files=expired_files(1))
    services.review(actor=both, destruction=destruction)
    with pytest.raises(PermissionDenied) as refused:
        services.approve(actor=both, destruction=destruction)
    assert "审核与批准须由不同的人进行" in str(refused.value)


def test_the_supervisor_cannot_approve_and_the_archivist_cannot_review(archivist, department_head):
    destruction = proposed(archivist=archivist, files=expired_files(1))
    with pytest.raises(PermissionDenied):
        services.review(actor=archivist, destruction=destruction)
    services.review(actor=department_head, destruction=destruction)
    with pytest.raises(PermissionDenied):
        services.approve(actor=department_head, destruction=destruction)


def test_a_refusal_needs_its_reason_and_tells_the_proposer(archivist, department_head, director):
    destruction = proposed(archivist=archivist, files=expired_files(1))
    services.review(actor=department_head, destruction=destruction)
    with pytest.raises(ValidationError) as refused:
        services.refuse(actor=director, destruction=destruction, note="")
    assert refused.value.message_dict["note"] == ["请填写不同意销毁的理由"]
    services.refuse(actor=director, destruction=destruction, note="合同类档案须再保存")
    destruction.refresh_from_db()
    assert (
        destruction.state == Destruction.State.REFUSED and destruction.approval_note == "合同类档案须再保存"
    )
    told = Alert.objects.get(recipient=archivist, kind="archives.destruction_decided")
    assert "未获" in told.message and "合同类档案须再保存" in told.message


# -- the destruction itself ------------------------------------------------------------------------------


def test_two_people_destroy_the_files_which_keep_their_entries(archivist, department_head, director):
    # given an approved list of two files
    files = expired_files(2)
    destruction = approved(archivist=archivist, head=department_head, director=director, files=files)

    # when it is carried out before two witnesses
    services.carry_out(
        actor=archivist, destruction=destruction, place="档案室碎纸间", witnesses=[archivist, department_head]
    )

    # then the files are destroyed — their catalogue entries remain, with the destruction record
    destruction.refresh_from_db()
    assert destruction.state == Destruction.State.DESTROYED and destruction.place == "档案室碎纸间"
    assert set(destruction.witnesses.all()) == {archivist, department_head}
    for file in files:
        file.refresh_from_db()
        assert file.state == ArchiveFile.State.DESTROYED and file.destroyed_at is not None
        assert file.catalogue_number  # the entry and its number stay
        assert destruction_of(file) == destruction
        event = Event.objects.get(target_id=file.pk, verb=FileEvents.DESTROYED)
        assert (
            event.changes["destruction"] == destruction.number and event.target_repr == file.catalogue_number
        )
    assert ArchiveFile.objects.filter(pk__in=[f.pk for f in files]).count() == 2  # nothing hard-deleted
    # and the supervisor is asked to re-check
    assert Alert.objects.filter(recipient=department_head, kind="archives.destruction_recheck").exists()


def test_one_witness_is_refused_quoting_the_rule(archivist, department_head, director):
    destruction = approved(
        archivist=archivist, head=department_head, director=director, files=expired_files(1)
    )
    with pytest.raises(ValidationError) as refused:
        services.carry_out(actor=archivist, destruction=destruction, place="档案室", witnesses=[archivist])
    assert "销毁时应有2人以上在场并在销毁清册上签字，现为1人" in refused.value.message_dict["witnesses"][0]


def test_the_recorder_counts_only_when_named_among_the_witnesses(archivist, department_head, director):
    destruction = approved(
        archivist=archivist, head=department_head, director=director, files=expired_files(1)
    )
    # the archivist records it, but only the head is named: one signer
    with pytest.raises(ValidationError):
        services.carry_out(
            actor=archivist, destruction=destruction, place="档案室", witnesses=[department_head]
        )
    services.carry_out(
        actor=archivist, destruction=destruction, place="档案室", witnesses=[department_head, member()]
    )


def test_the_place_is_required_and_the_list_must_be_approved(archivist, department_head, director):
    destruction = proposed(archivist=archivist, files=expired_files(1))
    with pytest.raises(ValidationError) as refused:
        services.carry_out(
            actor=archivist, destruction=destruction, place="档案室", witnesses=[archivist, department_head]
        )
    assert "须经领导批准后才能销毁" in refused.value.message_dict["state"][0]
    services.review(actor=department_head, destruction=destruction)
    services.approve(actor=director, destruction=destruction)
    with pytest.raises(ValidationError) as refused:
        services.carry_out(
            actor=archivist, destruction=destruction, place=" ", witnesses=[archivist, department_head]
        )
    assert "请填写销毁地点" in refused.value.message_dict["place"][0]


def test_a_file_out_on_loan_is_not_destroyed_until_it_is_back(
    archivist, department_head, director, counter_clerk
):
    files = expired_files(1)
    destruction = approved(archivist=archivist, head=department_head, director=director, files=files)
    FileLoan.objects.create(
        file=files[0],
        kind=FileLoan.Kind.LOAN,
        state=FileLoan.State.OUT,
        borrower=counter_clerk,
        purpose="核对旧表行度",
        requested_at=timezone.now(),
    )
    with pytest.raises(ValidationError) as refused:
        services.carry_out(
            actor=archivist, destruction=destruction, place="档案室", witnesses=[archivist, department_head]
        )
    assert (
        "借出中" in refused.value.message_dict["files"][0]
        and "收回后才能销毁" in refused.value.message_dict["files"][0]
    )
    files[0].refresh_from_db()
    assert files[0].state == ArchiveFile.State.FILED


# -- the re-check ---------------------------------------------------------------------------------------


def test_the_supervisor_rechecks_each_item(archivist, department_head, director):
    destruction = destroyed(
        archivist=archivist, head=department_head, director=director, files=expired_files(2)
    )
    first, second = list(destruction.items.order_by("pk"))

    services.recheck(actor=department_head, destruction=destruction, items=[first])
    destruction.refresh_from_db()
    assert destruction.rechecked_at is None
    assert _events(destruction, DestructionEvents.RECHECKED).get().note == "尚有1卷未复核"

    services.recheck(actor=department_head, destruction=destruction, items=[second.pk])
    destruction.refresh_from_db()
    assert destruction.rechecked_by == department_head and destruction.rechecked_at is not None
    with pytest.raises(ValidationError) as refused:
        services.recheck(actor=department_head, destruction=destruction, items=[second.pk])
    assert "复核完毕" in refused.value.message_dict["items"][0]


def test_the_recheck_needs_items_of_the_list_and_the_supervisor(archivist, department_head, director):
    destruction = destroyed(
        archivist=archivist, head=department_head, director=director, files=expired_files(1)
    )
    other = destroyed(archivist=archivist, head=department_head, director=director, files=expired_files(1))
    with pytest.raises(PermissionDenied):
        services.recheck(actor=archivist, destruction=destruction, items=list(destruction.items.all()))
    with pytest.raises(ValidationError) as refused:
        services.recheck(actor=department_head, destruction=destruction, items=[])
    assert refused.value.message_dict["items"] == ["请逐件勾选已复核的案卷"]
    with pytest.raises(ValidationError) as refused:
        services.recheck(actor=department_head, destruction=destruction, items=list(other.items.all()))
    assert "不在销毁清册" in refused.value.message_dict["items"][0]


def test_the_recheck_comes_after_the_destruction(archivist, department_head, director):
    destruction = approved(
        archivist=archivist, head=department_head, director=director, files=expired_files(1)
    )
    with pytest.raises(ValidationError) as refused:
        services.recheck(actor=department_head, destruction=destruction, items=list(destruction.items.all()))
    assert "销毁后才能复核" in refused.value.message_dict["state"][0]


# -- the desk and the home page ------------------------------------------------------------------------


def test_the_desk_lists_open_proposals_and_files_past_retention_not_yet_proposed(archivist):
    listed, waiting = expired_files(1), expired_files(1)
    permanent_file()
    current_file()
    destruction = proposed(archivist=archivist, files=listed)

    desk = desk_destruction(archivist)

    assert list(desk["proposals"]) == [destruction]
    assert list(desk["past_retention"][:10]) == waiting
    assert list(past_retention(archivist, q=waiting[0].catalogue_number)) == waiting


def test_a_restricted_file_past_retention_is_shown_only_to_those_who_may_see_it(archivist, counter_clerk):
    secret = filed_file(restricted_to="inspection.view_case")
    assert secret in past_retention(archivist)
    assert secret not in past_retention(counter_clerk)  # and the clerk has no destruction rights anyway
    assert list(desk_destruction(counter_clerk)["past_retention"]) == []


def test_home_lines_say_what_waits_for_each_person(archivist, department_head, director):
    destruction = proposed(archivist=archivist, files=expired_files(1))
    assert ("待审核的档案销毁", 1, "/archives/destructions/?state=proposed") in home_lines(department_head)
    assert home_lines(director) == [] or all(line[0] != "待批准的档案销毁" for line in home_lines(director))
    services.review(actor=department_head, destruction=destruction)
    assert ("待批准的档案销毁", 1, "/archives/destructions/?state=reviewed") in home_lines(director)
    services.approve(actor=director, destruction=destruction)
    assert ("已批准待销毁的档案", 1, "/archives/destructions/?state=approved") in home_lines(archivist)


def test_the_destroyed_time_may_be_given_but_not_in_the_future_nor_before_the_approval(
    archivist, department_head, director
):
    destruction = approved(
        archivist=archivist, head=department_head, director=director, files=expired_files(1)
    )
    with pytest.raises(ValidationError) as refused:
        services.carry_out(
            actor=archivist,
            destruction=destruction,
            place="档案室",
            witnesses=[archivist, department_head],
            destroyed_at=timezone.now() + timedelta(hours=2),
        )
    assert refused.value.message_dict["destroyed_at"] == ["销毁时间不能晚于现在"]
