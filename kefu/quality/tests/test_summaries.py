"""Weekly QA summaries (Q1, 002 质检员的职责5): the week's figures equal the inspector's checks; one
summary per inspector and week; submitted to the department head, who reads it; pages and API."""

import json
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from kefu.core.models import Alert
from kefu.quality.models import QaCheck, WeeklySummary
from kefu.quality.selectors_summaries import week_figures
from kefu.quality.services import summaries as services
from kefu.quality.tests.factories_sampling import at, build_qa_world, open_checks, score

MONDAY = date(2026, 11, 16)
LATER = at(date(2026, 11, 23), 9)


@pytest.fixture
def qa_world(world):
    return build_qa_world(world)


def write(qa, actor=None, **changes):
    fields = {
        "common_problems": "服务用语不规范，未做到三声服务",
        "analysis": "新员工居多",
        "training_plan": "周五下午全员服务用语培训",
    } | changes
    with time_machine.travel(LATER, tick=False):
        return services.write_summary(actor=actor or qa.inspector, week_start=MONDAY, **fields)


def test_the_weeks_figures_equal_the_inspectors_checks(qa_world):
    # given three checks the inspector scored in the week (one with 服务态度 at 0, a critical failure,
    # one with 服务用语 at 3), one scored the week before and one scored by another inspector
    qa = qa_world
    agent = qa.world.agent
    contacts = [qa.contact(agent, at(date(2026, 11, 2 + n))) for n in range(5)]
    checks = open_checks(qa.inspector, contacts)
    score(checks[0], qa.inspector, when=at(date(2026, 11, 16), 10))
    score(checks[1], qa.inspector, when=at(date(2026, 11, 18), 10), attitude=0)
    score(checks[2], qa.inspector, when=at(date(2026, 11, 22), 23), phrases=3)
    score(checks[3], qa.inspector, when=at(date(2026, 11, 13), 10))
    score(checks[4], qa.lead, when=at(date(2026, 11, 17), 10))
    # when the week's figures are read
    figures = week_figures(week_start=MONDAY, inspector=qa.inspector)
    # then they are those of the three checks
    week = QaCheck.objects.filter(pk__in=[c.pk for c in checks[:3]])
    assert figures.scored == 3
    assert figures.average == (sum(c.score for c in week) / 3).quantize(Decimal("0.1"))
    assert figures.failed == week.filter(passed=False).count() == 2  # 服务用语 3 of 10 gives 70
    assert figures.critical == 1
    items = {i.name: i for i in figures.items}
    assert items["服务用语"].low == 1 and items["服务态度"].low == 1 and items["语气语调"].low == 0
    assert items["服务用语"].average == round((80 + 80 + 30) / 3, 1)
    assert {i.name for i in figures.most_low} == {"服务用语", "服务态度"}
    assert [c.pk for c in figures.failed_checks] == [checks[1].pk, checks[2].pk]


def test_one_summary_per_inspector_and_week_written_again_updates_the_draft(qa_world):
    qa = qa_world
    first = write(qa)
    again = write(qa, training_plan="单独辅导", training_scope="individual", trainees=[qa.world.agent])
    assert again.pk == first.pk and WeeklySummary.objects.count() == 1
    again.refresh_from_db()
    assert again.training_plan == "单独辅导" and list(again.trainees.all()) == [qa.world.agent]
    # another inspector writes their own for the same week
    assert write(qa, actor=qa.lead).pk != first.pk


def test_the_summary_names_the_field_and_the_clause_when_something_is_missing(qa_world):
    with pytest.raises(ValidationError) as error:
        write(qa_world, training_plan=" ")
    assert "培训计划" in error.value.message_dict["training_plan"][0]
    assert "质检员的职责5" in error.value.message_dict["training_plan"][0]
    with pytest.raises(ValidationError) as error:
        write(qa_world, training_scope="individual")
    assert "培训对象" in error.value.message_dict["trainees"][0]


def test_submitted_to_the_head_once_who_reads_it_with_a_comment(qa_world):
    # given a draft
    qa = qa_world
    summary = write(qa)
    # when the inspector submits it twice
    with time_machine.travel(LATER, tick=False):
        services.submit_summary(actor=qa.inspector, summary=summary)
        services.submit_summary(actor=qa.inspector, summary=summary)
    # then it is submitted, and the department head is told once
    summary.refresh_from_db()
    assert summary.status == WeeklySummary.Status.SUBMITTED
    assert Alert.objects.filter(kind=services.SUBMITTED_KIND, recipient=qa.head).count() == 1
    # and it can no longer be changed
    with pytest.raises(ValidationError):
        write(qa)
    # the inspector may not mark it read; the head does, with a comment, once
    with pytest.raises(PermissionDenied):
        services.mark_read(actor=qa.lead, summary=summary, comment="好")
    services.mark_read(actor=qa.head, summary=summary, comment="同意培训计划")
    services.mark_read(actor=qa.head, summary=summary, comment="再次")
    summary.refresh_from_db()
    assert summary.status == WeeklySummary.Status.READ and summary.head_comment == "同意培训计划"
    assert Alert.objects.filter(kind=services.READ_KIND, recipient=qa.inspector).count() == 1


def test_a_week_to_come_is_refused(qa_world):
    with time_machine.travel(at(date(2026, 11, 10)), tick=False), pytest.raises(ValidationError) as error:
        services.write_summary(
            actor=qa_world.inspector, week_start=MONDAY, common_problems="x", training_plan="y"
        )
    assert "尚未开始" in error.value.message_dict["week_start"][0]


def test_pages_prefill_the_figures_save_submit_and_print(qa_world, client_for):
    qa = qa_world
    check = open_checks(qa.inspector, [qa.contact(qa.world.agent, at(date(2026, 11, 3)))])[0]
    score(check, qa.inspector, when=at(date(2026, 11, 17)))
    client = client_for(qa.inspector)
    with time_machine.travel(LATER, tick=False):
        form = client.get("/quality/summaries/new/?week=2026-11-18")
        assert form.status_code == 200 and "本周评分" in form.content.decode()
        assert "1 次" in form.content.decode()
        bad = client.post("/quality/summaries/new/", {"week_start": "2026-11-18", "common_problems": ""})
        assert bad.status_code == 400 and "请填写共性问题" in bad.content.decode()
        saved = client.post(
            "/quality/summaries/new/",
            {
                "week_start": "2026-11-18",
                "common_problems": "语气生硬",
                "training_plan": "全员培训",
                "training_scope": "all",
                "submit": "1",
            },
        )
        summary = WeeklySummary.objects.get()
        assert saved.status_code == 302 and summary.week_start == MONDAY
        assert summary.status == WeeklySummary.Status.SUBMITTED
        assert client.get(f"/quality/summaries/{summary.pk}/print/").status_code == 200
        assert "语气生硬" in client.get("/quality/summaries/").content.decode()
        assert client.get("/quality/summaries/export.xlsx").status_code == 200
        # the head reads it from the page
        head = client_for(qa.head)
        assert (
            head.post(f"/quality/summaries/{summary.pk}/read/", {"head_comment": "已阅"}).status_code == 302
        )
    summary.refresh_from_db()
    assert summary.status == WeeklySummary.Status.READ


def test_a_draft_is_its_authors_alone(qa_world, client_for):
    qa = qa_world
    summary = write(qa)
    assert client_for(qa.lead).get(f"/quality/summaries/{summary.pk}/").status_code == 404
    assert client_for(qa.world.agent).get("/quality/summaries/").status_code == 403


def test_the_api_writes_once_per_week_and_submits(qa_world, client_for):
    qa = qa_world
    client = client_for(qa.inspector)
    body = {"week_start": "2026-11-18", "common_problems": "问题", "training_plan": "计划"}
    with time_machine.travel(LATER, tick=False):
        first = client.post("/api/quality/summaries", json.dumps(body), content_type="application/json")
        second = client.post(
            "/api/quality/summaries", json.dumps(body | {"submit": True}), content_type="application/json"
        )
        bad = client.post(
            "/api/quality/summaries",
            json.dumps(body | {"training_scope": "individual"}),
            content_type="application/json",
        )
    assert first.status_code == 201 and second.status_code == 200
    assert first.json()["id"] == second.json()["id"] and second.json()["status"] == "submitted"
    assert bad.status_code == 400
    listed = client.get("/api/quality/summaries").json()
    assert [s["id"] for s in listed] == [first.json()["id"]]
