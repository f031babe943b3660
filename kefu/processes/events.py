"""The counter processes' verbs, and constructors for the events written outside the engine
(services.py writes its steps with the members directly: one verb per step of the engine)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from kefu.core.events import EventVerbs, record_event


class ProcessEvents(EventVerbs):
    STARTED = "process.started", _("受理业务")
    FACTS_CHANGED = "process.facts_changed", _("修改办理信息")
    DOCUMENT_RECEIVED = "process.document_received", _("收取材料")
    ADVANCED = "process.advanced", _("转下一环节")
    RETURNED = "process.returned", _("退回")
    REJECTED = "process.rejected", _("不予受理")
    FEE_PAID = "process.fee_paid", _("登记缴费")
    RESUMED = "process.resumed", _("恢复办理")
    APPROVAL_REQUESTED = "approval.requested", _("提请审批")
    APPROVAL_DECIDED = "approval.decided", _("审批")
    FORM_PRINTED = "form.printed", _("打印单据")
    METER_WORK_REQUESTED = "meter_work.requested", _("通知表务")
    DESIGN_BATCH_SENT = "design_batch.sent", _("批量发送设计委托")
    DAILY_REPORT_MADE = "daily_report.made", _("生成用水申请日报")
    DEFINITION_CREATED = "definition.created", _("新建业务定义")
    DEFINITION_CHANGED = "definition.changed", _("修改业务定义")
    STAGE_CREATED = "stage.created", _("新建业务环节")
    STAGE_CHANGED = "stage.changed", _("修改业务环节")
    HANDED_OVER = "process.handed_over", _("移交受理人")


def form_printed_event(*, actor, process, form_title: str, note: str):
    return record_event(
        actor=actor,
        target=process,
        verb=ProcessEvents.FORM_PRINTED,
        changes={"form": [None, form_title]},
        note=note,
    )


def meter_work_requested_event(*, actor, process, work: str):
    return record_event(
        actor=actor, target=process, verb=ProcessEvents.METER_WORK_REQUESTED, changes={"work": [None, work]}
    )


def design_batch_sent_event(*, claim, sent: int):
    return record_event(
        actor=None, target=claim, verb=ProcessEvents.DESIGN_BATCH_SENT, changes={"sent": [None, sent]}
    )


def daily_report_made_event(*, claim, day: str):
    return record_event(
        actor=None, target=claim, verb=ProcessEvents.DAILY_REPORT_MADE, changes={"day": [None, day]}
    )


def definition_saved_event(*, actor, definition, created: bool, changes: dict[str, Any]):
    verb = ProcessEvents.DEFINITION_CREATED if created else ProcessEvents.DEFINITION_CHANGED
    return record_event(actor=actor, target=definition, verb=verb, changes=changes)


def stage_saved_event(*, actor, stage, created: bool, changes: dict[str, Any]):
    verb = ProcessEvents.STAGE_CREATED if created else ProcessEvents.STAGE_CHANGED
    return record_event(actor=actor, target=stage, verb=verb, changes=changes)


def process_handed_over_event(*, actor, process, old: str, new: str, note: str):
    """A3, H7: the clerk who took the process in left or is absent; a colleague follows it now."""
    return record_event(
        actor=actor,
        target=process,
        verb=ProcessEvents.HANDED_OVER,
        changes={"started_by": [old, new]},
        note=note,
    )
