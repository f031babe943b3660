"""新水表验收 (M8, seed 000 ch.4 §6): due a calendar month after the issue, recorded jointly (the
branch's signer by name, the center's by login), refused while a removed old meter is out (§6.4),
re-accepted after a failure with the history kept, overdue alerted once."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kefu.core.events import events_for
from kefu.core.models import Alert
from kefu.meters.events import ReturnEvents
from kefu.meters.models import Acceptance, MeterWork, Purpose
from kefu.meters.services import acceptance as services
from kefu.meters.tests.factories_returns import advance, clerk, give_back, issue_for, start

SH = ZoneInfo("Asia/Shanghai")


def refusal(excinfo, field: str) -> str:
    return excinfo.value.message_dict[field][0]


def record(world, acceptance, **kwargs):
    values = {
        "actor": world.store_keeper,
        "acceptance": acceptance,
        "passed": True,
        "branch_signer": "分公司老林",
    }
    values.update(kwargs)
    return services.record_acceptance(**values)


@pytest.mark.parametrize(
    "issued, due",
    [
        (datetime(2026, 1, 31, 10, 0, tzinfo=SH), date(2026, 2, 28)),
        (datetime(2026, 3, 15, 10, 0, tzinfo=SH), date(2026, 4, 15)),
    ],
)
def test_an_acceptance_is_due_one_calendar_month_after_the_issue(meters_world, issued, due):
    _issue, acceptance = issue_for(meters_world, issued_at=issued)
    assert acceptance.due_on == due and acceptance.state == Acceptance.State.PENDING
    assert acceptance.branch == meters_world.branch
    assert [e.verb for e in events_for(acceptance)] == [ReturnEvents.ACCEPTANCE_DUE]


@pytest.mark.parametrize("purpose", [Purpose.TEMPORARY_USE, Purpose.CAPACITY_CHANGE])
def test_temporary_use_and_capacity_change_are_accepted_too(meters_world, purpose):
    assert issue_for(meters_world, purpose=purpose)[1] is not None


def test_a_replacement_or_compensation_issue_needs_no_acceptance(meters_world):
    assert issue_for(meters_world, purpose=Purpose.AGE_REPLACEMENT)[1] is None
    assert issue_for(meters_world, purpose=Purpose.COMPENSATION)[1] is None


def test_opening_twice_keeps_one_acceptance(meters_world):
    issue, acceptance = issue_for(meters_world)
    assert services.open_acceptance(actor=meters_world.store_keeper, issue=issue) == acceptance
    assert Acceptance.objects.count() == 1


def test_the_joint_acceptance_records_both_signers(meters_world):
    _issue, acceptance = issue_for(meters_world)
    acceptance = record(meters_world, acceptance, note="水表安装规范")
    assert acceptance.state == Acceptance.State.PASSED and acceptance.branch_signer == "分公司老林"
    assert acceptance.center_signer == meters_world.store_keeper
    with pytest.raises(ValidationError) as refused:
        record(meters_world, acceptance)
    assert "验收合格，不能再次登记" in refusal(refused, "state")


def test_the_branchs_signer_is_required(meters_world):
    _issue, acceptance = issue_for(meters_world)
    with pytest.raises(ValidationError) as refused:
        record(meters_world, acceptance, branch_signer=" ")
    assert "请填写分公司验收人" in refusal(refused, "branch_signer")


def test_a_failed_acceptance_says_why_and_may_be_accepted_again(meters_world):
    _issue, acceptance = issue_for(meters_world)
    with pytest.raises(ValidationError) as refused:
        record(meters_world, acceptance, passed=False)
    assert "请写明不合格的原因" in refusal(refused, "note")
    failed = record(meters_world, acceptance, passed=False, note="表前阀门未装")
    assert failed.state == Acceptance.State.FAILED
    passed = record(meters_world, failed, note="整改后复验合格")
    assert passed.state == Acceptance.State.PASSED
    verbs = [e.verb for e in events_for(passed)]
    assert verbs.count(ReturnEvents.ACCEPTANCE_FAILED) == 1 and verbs.count(ReturnEvents.ACCEPTED) == 1


def test_a_branchs_staff_alone_cannot_record_the_acceptance(meters_world):
    _issue, acceptance = issue_for(meters_world)
    with pytest.raises(PermissionDenied):
        record(meters_world, acceptance, actor=meters_world.fitter)


def test_the_acceptance_day_lies_between_the_issue_and_today(meters_world):
    _issue, acceptance = issue_for(meters_world, issued_at=datetime(2026, 3, 15, 10, 0, tzinfo=SH))
    with pytest.raises(ValidationError) as refused:
        record(meters_world, acceptance, accepted_on=date(2026, 3, 1))
    assert "验收日期不能早于领表日期 2026-03-15" in refusal(refused, "accepted_on")
    with pytest.raises(ValidationError) as refused:
        record(meters_world, acceptance, accepted_on=date(2099, 1, 1))
    assert "验收日期不能晚于今天" in refusal(refused, "accepted_on")


def test_no_acceptance_passes_while_the_removed_old_meter_is_out(
    meters_world, make_user, django_capture_on_commit_callbacks
):
    # given a capacity change that removes the old meter, the store asked for both tasks
    counter = clerk(make_user)
    process = start(
        counter, "capacity_change", meters_world.meter.service_point.customer, removes_old_meter=True
    )
    process = advance(counter, process, django_capture_on_commit_callbacks)
    _issue, acceptance = issue_for(meters_world, purpose=Purpose.CAPACITY_CHANGE, process=process)
    # then passing is refused (§6.4), failing is not
    with pytest.raises(ValidationError) as refused:
        record(meters_world, acceptance)
    message = refusal(refused, "state")
    assert f"该工程拆除的旧表（表号{meters_world.meter.number}）尚未交回表库" in message
    assert "未办好手续的不予验收" in message
    # once the store has the old meter the acceptance passes
    give_back(meters_world, work=MeterWork.objects.get(process=process, kind=MeterWork.Kind.REMOVE))
    assert record(meters_world, acceptance).state == Acceptance.State.PASSED


def test_an_acceptance_past_due_is_alerted_once_to_the_branch_and_the_store(meters_world):
    _issue, acceptance = issue_for(meters_world, issued_at=datetime(2026, 1, 31, 10, 0, tzinfo=SH))
    assert services.overdue(datetime(2026, 2, 28, 8, 0, tzinfo=SH)) == []
    assert services.overdue(datetime(2026, 3, 1, 8, 0, tzinfo=SH)) == ["水表验收逾期：1 项"]
    assert services.overdue(datetime(2026, 3, 2, 8, 0, tzinfo=SH)) == []
    told = {a.recipient for a in Alert.objects.filter(kind="meters.acceptance_overdue")}
    assert told == {meters_world.fitter, meters_world.store_keeper}


def test_a_passed_or_failed_acceptance_is_not_alerted_as_pending(meters_world):
    _issue, acceptance = issue_for(meters_world, issued_at=datetime(2026, 1, 31, 10, 0, tzinfo=SH))
    record(meters_world, acceptance, passed=False, note="未装止回阀")
    assert services.overdue(datetime(2026, 3, 1, 8, 0, tzinfo=SH)) == []


# ---- pages and API ---------------------------------------------------------------------------------


def test_the_acceptance_list_loads_in_a_fixed_number_of_queries(
    meters_world, client, django_assert_num_queries
):
    acceptances = [issue_for(meters_world)[1] for _ in range(3)]
    client.force_login(meters_world.store_keeper)
    client.get("/meters/acceptance/")
    with django_assert_num_queries(8):
        page = client.get("/meters/acceptance/").content.decode()
    assert all(a.issue.number in page for a in acceptances)


@time_machine.travel(datetime(2026, 3, 20, 10, 0, tzinfo=SH), tick=False)
def test_the_list_shows_overdue_acceptances_and_filters_them(meters_world, client):
    _issue, late = issue_for(meters_world, issued_at=datetime(2026, 1, 31, 10, 0, tzinfo=SH))
    _issue, fresh = issue_for(meters_world)
    client.force_login(meters_world.fitter)
    page = client.get("/meters/acceptance/?overdue=1").content.decode()
    assert late.issue.number in page and fresh.issue.number not in page and "逾期" in page


def test_the_acceptance_is_recorded_on_its_page(meters_world, client):
    _issue, acceptance = issue_for(meters_world)
    client.force_login(meters_world.head)
    response = client.post(
        f"/meters/acceptance/{acceptance.pk}/",
        {
            "result": "failed",
            "branch_signer": "分公司老林",
            "accepted_on": timezone.localdate().isoformat(),
            "note": "",
        },
    )
    assert response.status_code == 400 and "请写明不合格的原因" in response.content.decode()
    response = client.post(
        f"/meters/acceptance/{acceptance.pk}/",
        {"result": "passed", "branch_signer": "分公司老林", "accepted_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    acceptance.refresh_from_db()
    assert acceptance.state == Acceptance.State.PASSED and acceptance.center_signer == meters_world.head
    page = client.get(response.url).content.decode()
    assert "验收合格" in page and "登记联合验收" not in page


def test_a_branchs_staff_read_the_acceptance_but_cannot_record_it(meters_world, client):
    _issue, acceptance = issue_for(meters_world)
    client.force_login(meters_world.fitter)
    assert "登记联合验收" not in client.get(f"/meters/acceptance/{acceptance.pk}/").content.decode()
    assert client.post(f"/meters/acceptance/{acceptance.pk}/", {"result": "passed"}).status_code == 403
    client.force_login(meters_world.other_fitter)
    assert client.get(f"/meters/acceptance/{acceptance.pk}/").status_code == 404


def test_the_api_lists_reads_and_records_acceptances(meters_world, client):
    _issue, acceptance = issue_for(meters_world)
    client.force_login(meters_world.store_keeper)
    items = client.get("/api/meters/acceptances?state=pending").json()["items"]
    assert [item["id"] for item in items] == [acceptance.pk]
    detail = client.get(f"/api/meters/acceptances/{acceptance.pk}").json()
    assert detail["old_meter_outstanding"] is False and detail["due_on"] == acceptance.due_on.isoformat()
    refused = client.post(
        f"/api/meters/acceptances/{acceptance.pk}/record",
        {"passed": False, "branch_signer": "老林"},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "请写明不合格的原因" in refused.content.decode()
    done = client.post(
        f"/api/meters/acceptances/{acceptance.pk}/record",
        {"passed": True, "branch_signer": "老林"},
        content_type="application/json",
    ).json()
    assert done["state"] == "passed" and done["center_signer"] == str(meters_world.store_keeper)
