"""The month's skills exam (002 考核标准 6), entered by the training specialist: full marks is a bonus
line, below the pass mark a medium deduction (kefu.quality.collect reads them)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from kefu.core.permissions import require
from kefu.core.policies import policy
from kefu.quality.events import AppraisalEvents, quality_event
from kefu.quality.models import AppraisalMonth, AppraisalSheet, ExamScore
from kefu.quality.services.sheets import draft_sheet


def month_locked(month: date) -> bool:
    return AppraisalMonth.objects.filter(month=month, status=AppraisalMonth.Status.LOCKED).exists()


def refresh_sheet(*, person, month: date, actor) -> None:
    """Draft the person's sheet again when the month has one and is not locked, so the line follows."""
    sheet = AppraisalSheet.objects.filter(appraisal_month__month=month, person=person).select_related(
        "appraisal_month"
    )
    sheet = sheet.first()
    if sheet is not None and sheet.appraisal_month.status != AppraisalMonth.Status.LOCKED:
        draft_sheet(appraisal_month=sheet.appraisal_month, person=person, actor=actor)


@transaction.atomic
def record_score(*, actor, month: date, person, score: int) -> ExamScore:
    """Enter (or correct) `person`'s exam score for `month`; entering the same again changes nothing."""
    require(actor, "quality.add_examscore")
    month = date(month.year, month.month, 1)
    full = policy("quality.exam_full_marks")
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= full:
        raise ValidationError({"score": [f"成绩应为0至{full}之间的整数（业务规则 quality.exam_full_marks）"]})
    if month_locked(month):
        raise ValidationError({"month": [f"{month:%Y年%m月}考核已锁定，不能再录入考试成绩"]})
    exam = ExamScore.objects.select_for_update().filter(month=month, person=person).first()
    if exam is not None and exam.score == score:
        return exam
    before = exam.score if exam else None
    if exam is None:
        exam = ExamScore.objects.create(month=month, person=person, score=score, entered_by=actor)
    else:
        exam.score, exam.entered_by = score, actor
        exam.save(update_fields=["score", "entered_by", "updated_at"])
    quality_event(
        actor=actor,
        target=exam,
        verb=AppraisalEvents.EXAM_RECORDED,
        changes={"score": [before, score]},
        note=f"{person} {month:%Y-%m} 考试成绩{score}分",
    )
    refresh_sheet(person=person, month=month, actor=actor)
    return exam
