"""The meters app's verbs, one class per record, and one constructor per event. Every service writes
its event in its own transaction (docs/ARCHITECTURE.md); the pages show them as each record's 履历."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from kefu.core.events import EventVerbs, record_event


class StoreEvents(EventVerbs):
    """The store: purchase plans, goods-in, stock meters, stocktakes (M1–M3)."""

    PLAN_DRAFTED = "purchase_plan.drafted", _("编制购置计划")
    PLAN_SUBMITTED = "purchase_plan.submitted", _("报中心负责人审核")
    PLAN_CENTER_APPROVED = "purchase_plan.center_approved", _("中心负责人审核通过")
    PLAN_APPROVED = "purchase_plan.approved", _("投资管理部批准")
    PLAN_RETURNED = "purchase_plan.returned", _("退回修改")
    PLAN_RECEIVED = "purchase_plan.received", _("采购到货")
    METER_RECEIVED = "stock_meter.received", _("验收入库")
    METER_ISSUED = "stock_meter.issued", _("领出")
    METER_FITTED = "stock_meter.fitted", _("安装")
    METER_RETURNED_OLD = "stock_meter.returned_old", _("作为旧表回收")
    STOCKTAKE_OPENED = "stocktake.opened", _("开始盘存")
    STOCKTAKE_COUNTED = "stocktake.counted", _("登记实盘数")
    STOCKTAKE_CLOSED = "stocktake.closed", _("完成盘存")


class IssueEvents(EventVerbs):
    """Issue forms and bulk appointments (M3)."""

    ISSUED = "meter_issue.issued", _("领表")
    APPOINTMENT_BOOKED = "issue_appointment.booked", _("预约批量领表")
    APPOINTMENT_CANCELLED = "issue_appointment.cancelled", _("取消预约")


class ReplacementEvents(EventVerbs):
    """Age-based and urgent replacements (M4–M6)."""

    PLAN_SUBMITTED = "replacement_plan.submitted", _("报送换表计划")
    PLAN_APPROVED = "replacement_plan.approved", _("批准换表计划")
    PLAN_RETURNED = "replacement_plan.returned", _("退回换表计划")
    PLANNED = "replacement.planned", _("列入换表计划")
    REPORTED = "replacement.reported", _("填报换表报核单")
    VERIFIED = "replacement.verified", _("核查属实，通知分公司换表")
    REJECTED = "replacement.rejected", _("核查不属实")
    ISSUED = "replacement.issued", _("领取新表")
    DELAY_REPORTED = "replacement.delay_reported", _("反馈不能按时完成")
    STOPPED = "replacement.stopped", _("停止更换")
    RESUMED = "replacement.resumed", _("恢复更换")
    SUBSTITUTED = "replacement.substituted", _("同口径替代")
    FITTED = "replacement.fitted", _("完成换表")
    CLOSED = "replacement.closed", _("旧表交回")


class ReturnEvents(EventVerbs):
    """Old meters, the store's tasks from counter business, compensation, acceptance (M7, M8)."""

    RETURNED = "old_meter.returned", _("旧表交回")
    LABEL_PRINTED = "old_meter.label_printed", _("打印旧表标签")
    RELEASED = "old_meter.released", _("保存期满放行")
    WORK_OPENED = "meter_work.opened", _("收到表务任务")
    WORK_DONE = "meter_work.done", _("表务任务完成")
    COMPENSATION_OPENED = "compensation.opened", _("开具赔表单")
    COMPENSATION_SETTLED = "compensation.settled", _("赔表处理完毕")
    ACCEPTANCE_DUE = "acceptance.due", _("待验收")
    ACCEPTED = "acceptance.passed", _("验收合格")
    ACCEPTANCE_FAILED = "acceptance.failed", _("验收不合格")
    TRACKING_OPENED = "tracking_task.opened", _("生成稽查任务")
    TRACKING_DONE = "tracking_task.done", _("稽查任务完成")


def meters_event(*, actor, target, verb, changes: dict[str, Any] | None = None, note: str = ""):
    """The one constructor: every verb above names what happened; `changes` holds what it changed.
    (One function rather than forty: each call site names its verb from the classes above, so a verb
    cannot be misspelt, and the 履历 reads the labels.)"""
    return record_event(actor=actor, target=target, verb=verb, changes=changes or {}, note=note)
