"""The month's exam scores (Q2, 002 考核标准 6): entered by the training specialist, once per person and
month, the sheet following the score."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kefu.core.models import Event
from kefu.quality.models import AppraisalMonth, ExamScore
from kefu.quality.services import exams
from kefu.quality.tests import factories_sheets as f


@pytest.fixture
def spec(db):
    f.catalogue()
    return f.specialist(username="spec")


def test_entering_a_score_again_changes_it_and_the_sheet_follows(spec):
    # given a drafted sheet and a full-marks exam
    person = f.staff()
    sheet = f.drafted(person, actor=spec)
    exams.record_score(actor=spec, month=f.MONTH, person=person, score=100)
    sheet.refresh_from_db()
    assert sheet.score == 85
    # when corrected to 55, and entered again the same
    exams.record_score(actor=spec, month=f.MONTH, person=person, score=55)
    exams.record_score(actor=spec, month=f.MONTH, person=person, score=55)
    # then one row, the bonus voided, the medium deduction in
    sheet.refresh_from_db()
    assert ExamScore.objects.get(person=person).score == 55
    assert sheet.score == 70
    assert Event.objects.filter(verb="exam_score.recorded").count() == 2


def test_a_score_above_full_marks_or_by_an_agent_or_in_a_locked_month_is_refused(spec):
    person = f.staff()
    with pytest.raises(ValidationError) as error:
        exams.record_score(actor=spec, month=f.MONTH, person=person, score=101)
    assert "score" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        exams.record_score(actor=person, month=f.MONTH, person=person, score=90)
    f.appraisal_month(status=AppraisalMonth.Status.LOCKED)
    with pytest.raises(ValidationError) as error:
        exams.record_score(actor=spec, month=f.MONTH, person=person, score=90)
    assert "month" in error.value.message_dict


def test_the_exams_page_lists_and_enters_scores(spec, client_for):
    person = f.staff(name="话务员小赵", employee_no="K901")
    client = client_for(spec)
    response = client.post(
        "/quality/exams/?month=2026-11", {"month": "2026-11", "person": person.pk, "score": 98}
    )
    assert response.status_code == 302
    page = client.get("/quality/exams/?month=2026-11")
    assert "话务员小赵" in page.content.decode()
    bad = client.post(
        "/quality/exams/?month=2026-11", {"month": "2026-11", "person": person.pk, "score": 300}
    )
    assert bad.status_code == 400


def test_the_month_s_scores_export_to_excel(spec, client_for):
    person = f.staff(name="话务员小周", employee_no="K902")
    exams.record_score(actor=spec, month=f.MONTH, person=person, score=100)
    response = client_for(spec).get("/quality/exams/export/?month=2026-11")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client_for(spec).get("/quality/exams/export/?month=2026-13").status_code == 400
