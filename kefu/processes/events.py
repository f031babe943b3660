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
    APPLICATION_SIGNED = "process.application_signed", _("中心负责人审核签字")
    CONNECTION_NUMBER_CALLED = "process.connection_number_called", _("发起发放接水点编号")
    ARCHIVE_FILED = "process.archive_filed", _("系统建档")
    ACCOUNT_CARD_OPENED = "process.account_card_opened", _("建立账卡")
    SUSPENSION_OVERDUE = "process.suspension_overdue", _("暂停用水超期提醒")
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


def application_signed_event(*, actor, process, note: str = ""):
    return record_event(
        actor=actor,
        target=process,
        verb=ProcessEvents.APPLICATION_SIGNED,
        changes={"center_head_signature": [None, str(actor)]},
        note=note,
    )


def connection_number_called_event(*, actor, process, child):
    """The one-stop process started the connection_number business (P1 + P6)."""
    return record_event(
        actor=actor,
        target=process,
        verb=ProcessEvents.CONNECTION_NUMBER_CALLED,
        changes={"connection_number_process": [None, child.number]},
    )


def archive_filed_event(*, actor, process, account, point, meter):
    """What the one-stop process put into the archive (the archive records each part on its side)."""
    return record_event(
        actor=actor,
        target=process,
        verb=ProcessEvents.ARCHIVE_FILED,
        changes={
            "account": [None, account.number],
            "connection_point_no": [None, point.connection_point_no],
            "meter": [None, meter.number],
        },
    )


def account_card_opened_event(*, actor, process, account: str):
    return record_event(
        actor=actor,
        target=process,
        verb=ProcessEvents.ACCOUNT_CARD_OPENED,
        changes={"account": [None, account]},
    )


def suspension_overdue_event(*, process, months: int, told: int):
    """The daily scan told the branch that a suspension passed processes.suspension_max_months (P9)."""
    return record_event(
        actor=None,
        target=process,
        verb=ProcessEvents.SUSPENSION_OVERDUE,
        changes={"months": [None, months], "told": [None, told]},
    )
