"""The quality app's verbs, one class per record, and one constructor per event (docs/ARCHITECTURE.md).
Every service writes its event in its own transaction; the pages show them as each record's 履历."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from kefu.core.events import EventVerbs, record_event
from kefu.core.models import Event


class CheckEvents(EventVerbs):
    """Scorecards, QA checks, appeals, calibrations (Q1)."""

    SCORECARD_PUBLISHED = "scorecard.published", _("启用评分表新版本")
    PROPOSED = "qa_check.proposed", _("抽样待检")
    ADDED = "qa_check.added", _("追加质检")
    SCORED = "qa_check.scored", _("评分")
    DROPPED = "qa_check.dropped", _("放弃质检")
    APPEALED = "qa_check.appealed", _("提出申诉")
    APPEAL_UPHELD = "qa_check.appeal_upheld", _("申诉处理：维持原评")
    APPEAL_AMENDED = "qa_check.appeal_amended", _("申诉处理：改评")
    FINALISED = "qa_check.finalised", _("定稿")
    CALIBRATION_OPENED = "calibration.opened", _("发起校准")
    CALIBRATION_CLOSED = "calibration.closed", _("揭晓校准结果")
    UNCHECKED_FLAGGED = "qa_check.unchecked_flagged", _("月底未质检提示")


class SummaryEvents(EventVerbs):
    """Weekly summaries (Q1)."""

    DRAFTED = "weekly_summary.drafted", _("编写周小结")
    SUBMITTED = "weekly_summary.submitted", _("提交客服部主任")
    READ = "weekly_summary.read", _("主任阅示")


class AppraisalEvents(EventVerbs):
    """The monthly appraisal (Q2, Q4)."""

    MONTH_OPENED = "appraisal_month.opened", _("开始编制月度考核")
    MONTH_SHEETS_DRAFTED = "appraisal_month.sheets_drafted", _("从记录取数编制全部考核表")
    MONTH_DRAFTED = "appraisal_month.drafted", _("编制完成，报主管审核")
    MONTH_REVIEWED = "appraisal_month.reviewed", _("主管审核通过")
    MONTH_RETURNED = "appraisal_month.returned", _("退回培训专员修改")
    MONTH_LOCKED = "appraisal_month.locked", _("客服部主任批准并锁定")
    SHEET_DRAFTED = "appraisal_sheet.drafted", _("从记录取数生成考核表")
    SHEET_RECOMPUTED = "appraisal_sheet.recomputed", _("重新计算")
    LINE_ADDED = "appraisal_sheet.line_added", _("录入考核项")
    LINE_VOIDED = "appraisal_sheet.line_voided", _("作废考核项")
    ADJUSTED = "appraisal_sheet.adjusted", _("额外奖惩")
    FLAGGED = "appraisal_sheet.flagged", _("解除合同提示")
    APPEALED = "appraisal_sheet.appealed", _("提出考核申诉")
    APPEAL_UPHELD = "appraisal_sheet.appeal_upheld", _("考核申诉：维持")
    APPEAL_AMENDED = "appraisal_sheet.appeal_amended", _("考核申诉：更正")
    EXAM_RECORDED = "exam_score.recorded", _("录入考试成绩")
    COMPLAINT_FOUND = "complaint_finding.recorded", _("投诉认定")
    ITEM_ADDED = "appraisal_item.added", _("新增考核项目")
    ITEM_CHANGED = "appraisal_item.changed", _("修改考核项目")
    SOFT_SCORED = "soft_indicator.scored", _("软性指标评分")


def quality_event(*, actor, target, verb: str, changes: dict[str, Any] | None = None, note: str = ""):
    """Every quality event goes through here: one place that writes them, with the verb a member of the
    classes above."""
    return record_event(actor=actor, target=target, verb=verb, changes=changes, note=note)


def quality_events(*, actor, rows) -> list:
    """Many events in one insert (the monthly close): `rows` are (target, {"verb", "changes", "note"}),
    each row written with the same fields as quality_event writes, in the order given."""
    events = []
    for target, event in rows:
        verb = event["verb"]  # a member of the classes above, as for quality_event
        events.append(
            Event(
                actor=actor if getattr(actor, "pk", None) else None,
                verb=str(verb),
                target_type=ContentType.objects.get_for_model(target, for_concrete_model=True),
                target_id=target.pk,
                target_repr=str(target)[:200],
                changes=event.get("changes") or {},
                note=event.get("note") or "",
            )
        )
    return Event.objects.bulk_create(events, batch_size=1000)
