"""The periodic holdings check (seed 000 ch.8 §3–§5): the job opens the period's check once and tells the
archivists; every item of the checklist (八防, fire equipment, thermometer and hygrometer, air
conditioning, files complete) is answered; a problem is reported to a leader."""

from datetime import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kefu.accounts.models import Role
from kefu.archives import jobs
from kefu.archives.events import DestructionEvents
from kefu.archives.models import HoldingsInspection
from kefu.archives.selectors_destruction import home_lines
from kefu.archives.services import destruction as services
from kefu.core.models import Alert, Event
from kefu.core.services import set_policy

pytestmark = pytest.mark.django_db

TZ = timezone.get_current_timezone()


def at(*args) -> datetime:
    return datetime(*args, 9, 0, tzinfo=TZ)


@pytest.fixture
def director(make_user):
    return make_user(Role.CENTER_DIRECTOR, username="director", name="中心主任老王")


def _answers(inspection, problem: str = "", note: str = "") -> dict:
    return {
        item["code"]: {"ok": item["code"] != problem, "note": note if item["code"] == problem else ""}
        for item in inspection.checklist
    }


def test_the_job_opens_the_quarters_check_once_and_tells_the_archivists(archivist):
    # when the job runs twice in the quarter
    first = services.run_due(at(2026, 10, 2))
    again = services.run_due(at(2026, 10, 3))

    # then one check for 2026Q4 is open, due within the rule's days, with the rule's checklist
    inspection = HoldingsInspection.objects.get()
    assert (inspection.period, inspection.due_on.isoformat()) == ("2026Q4", "2026-10-15")
    labels = [item["label"] for item in inspection.checklist]
    assert labels[:8] == ["防盗", "防火", "防光", "防有害生物", "防潮", "防尘", "防高温", "防污染"]
    assert {"消防设施完好有效", "温湿度计正常", "空调设备正常", "档案完整（账物相符）"} <= set(labels)
    assert first == ["档案：2026年第4季度库房定期检查已开始"] and again == []
    assert Alert.objects.filter(recipient=archivist, kind="archives.holdings_check_due").count() == 1
    assert (
        Event.objects.filter(verb=DestructionEvents.INSPECTION_OPENED, target_id=inspection.pk).count() == 1
    )


def test_the_archive_job_runs_it_with_the_others(archivist):
    lines = jobs.run(at(2026, 12, 1))
    assert "档案：2026年第4季度库房定期检查已开始" in lines


def test_the_period_is_a_rule(administrator, archivist):
    set_policy(actor=administrator, key="archives.holdings_check_period", value="monthly")
    services.run_due(at(2026, 12, 5))
    assert HoldingsInspection.objects.get().period == "2026-12"
    assert services.period_label("2026-12") == "2026年12月"


def test_a_check_not_done_by_its_day_is_told_to_the_leaders_once(archivist, department_head, director):
    services.run_due(at(2026, 10, 1))
    services.run_due(at(2026, 10, 20))
    services.run_due(at(2026, 10, 21))
    told = Alert.objects.filter(kind="archives.holdings_check_overdue")
    assert {a.recipient for a in told} == {department_head, director}
    assert told.count() == 2


def test_all_items_ok_is_recorded(archivist):
    inspection, _ = services.open_inspection(day=timezone.localdate())

    services.record_inspection(actor=archivist, inspection=inspection, results=_answers(inspection))

    inspection.refresh_from_db()
    assert inspection.done_by == archivist and inspection.problems == "" and inspection.reported_to is None
    assert all(item["ok"] for item in inspection.checklist)
    event = Event.objects.get(verb=DestructionEvents.INSPECTION_DONE, target_id=inspection.pk)
    assert event.note == "各项正常"


def test_a_problem_is_reported_to_a_leader(archivist, department_head):
    inspection, _ = services.open_inspection(day=timezone.localdate())

    services.record_inspection(
        actor=archivist,
        inspection=inspection,
        results=_answers(inspection, problem="防潮", note="B柜底层受潮，已移放高处"),
        reported_to=department_head,
    )

    inspection.refresh_from_db()
    assert inspection.problems == "防潮：B柜底层受潮，已移放高处"
    assert inspection.reported_to == department_head
    told = Alert.objects.get(recipient=department_head, kind="archives.holdings_problem")
    assert "防潮：B柜底层受潮" in told.message


def test_every_item_must_be_answered(archivist):
    inspection, _ = services.open_inspection(day=timezone.localdate())
    answers = _answers(inspection)
    answers.pop("防火")
    with pytest.raises(ValidationError) as refused:
        services.record_inspection(actor=archivist, inspection=inspection, results=answers)
    assert "以下检查项目未填写：防火" in refused.value.message_dict["checklist"][0]


def test_a_problem_needs_its_note_and_a_leader(archivist, counter_clerk):
    inspection, _ = services.open_inspection(day=timezone.localdate())
    with pytest.raises(ValidationError) as refused:
        services.record_inspection(
            actor=archivist, inspection=inspection, results=_answers(inspection, "防尘")
        )
    assert refused.value.message_dict["checklist"] == ["以下项目发现问题，请写明情况：防尘"]

    with pytest.raises(ValidationError) as refused:
        services.record_inspection(
            actor=archivist, inspection=inspection, results=_answers(inspection, "防尘", "积尘")
        )
    assert "请选择报告的领导" in refused.value.message_dict["reported_to"][0]

    with pytest.raises(ValidationError) as refused:
        services.record_inspection(
            actor=archivist,
            inspection=inspection,
            results=_answers(inspection, "防尘", "积尘"),
            reported_to=counter_clerk,
        )
    assert "不是客服部主任或中心主任" in refused.value.message_dict["reported_to"][0]


def test_a_check_is_filled_once_and_only_by_the_archive_room(archivist, department_head):
    inspection, _ = services.open_inspection(day=timezone.localdate())
    with pytest.raises(PermissionDenied):
        services.record_inspection(actor=department_head, inspection=inspection, results=_answers(inspection))
    services.record_inspection(actor=archivist, inspection=inspection, results=_answers(inspection))
    with pytest.raises(ValidationError) as refused:
        services.record_inspection(actor=archivist, inspection=inspection, results=_answers(inspection))
    assert "不能重复填写" in refused.value.message_dict["checklist"][0]


def test_the_checklist_is_kept_as_it_was_when_the_rule_changes(administrator, archivist):
    inspection, _ = services.open_inspection(day=timezone.localdate())
    set_policy(actor=administrator, key="archives.holdings_checklist", value="防盗,防火")
    inspection.refresh_from_db()
    assert len(inspection.checklist) == 12


def test_the_archivists_home_shows_the_check_due(archivist):
    inspection, _ = services.open_inspection(day=timezone.localdate())
    assert ("本期库房定期检查", 1, f"/archives/holdings-checks/{inspection.pk}/") in home_lines(archivist)
    services.record_inspection(actor=archivist, inspection=inspection, results=_answers(inspection))
    assert all(line[0] != "本期库房定期检查" for line in home_lines(archivist))
