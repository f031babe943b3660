"""Field inspection's verbs and the one constructor that writes them (docs/ARCHITECTURE.md "Events").
Every service writes its event in its own transaction; the case page shows them as its 办理经过."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from kefu.core.events import EventVerbs, record_event


class CaseEvents(EventVerbs):
    """The case (I1–I3)."""

    OPENED = "inspection_case.opened", _("立案")
    INSPECTOR_ASSIGNED = "inspection_case.inspector_assigned", _("指派稽查员")
    INSPECTOR_REMOVED = "inspection_case.inspector_removed", _("撤出稽查员")
    ID_SHOWN = "inspection_case.id_shown", _("出示稽查证件")
    STARTED = "inspection_case.started", _("开始调查取证")
    EVIDENCE_ADDED = "inspection_case.evidence_added", _("取证")
    EVIDENCE_SUPERSEDED = "inspection_case.evidence_superseded", _("证据替换")
    STATEMENT_RECORDED = "inspection_case.statement_recorded", _("记录陈述、申辩或笔录")
    NOTICE_ISSUED = "inspection_case.notice_issued", _("开具通知书")
    NOTICE_SIGNED = "inspection_case.notice_signed", _("通知书签收")
    NOTICE_REFUSED = "inspection_case.notice_refused", _("当事人拒签")
    NOTICE_OVERDUE = "inspection_case.notice_overdue", _("整改逾期提醒")
    FOLLOWED_UP = "inspection_case.followed_up", _("整改复查")
    CONCLUDED = "inspection_case.concluded", _("调查结论")
    APPROVAL_SUBMITTED = "inspection_case.approval_submitted", _("违章登记、报领导审批")
    APPROVED = "inspection_case.approved", _("领导批准处理")
    APPROVAL_REFUSED = "inspection_case.approval_refused", _("领导不予批准")
    AMOUNTS_RECORDED = "inspection_case.amounts_recorded", _("登记违约金与追补水费")
    SENT_TO_ARCHIVE = "inspection_case.sent_to_archive", _("案卷移交档案室")
    CLOSED = "inspection_case.closed", _("结案")


class PatrolEvents(EventVerbs):
    """Patrol plans and patrols (I4)."""

    PLAN_DRAFTED = "patrol_plan.drafted", _("编制巡查年度计划")
    PLAN_CHANGED = "patrol_plan.changed", _("调整巡查计划")
    PLAN_APPROVED = "patrol_plan.approved", _("批准巡查年度计划")
    RECORDED = "patrol.recorded", _("登记巡查")


def inspection_event(*, actor, target, verb: str, changes: dict[str, Any] | None = None, note: str = ""):
    """Every inspection event goes through here, with the verb a member of the classes above."""
    return record_event(actor=actor, target=target, verb=verb, changes=changes, note=note)
