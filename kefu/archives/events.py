"""The archive room's verbs, one class per record, and the one constructor that writes them
(docs/ARCHITECTURE.md "Events"). Every service writes its event in its own transaction; the pages show
them as each record's 履历."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from kefu.core.events import EventVerbs, record_event


class FileEvents(EventVerbs):
    """Filing and the content list (D1)."""

    REGISTERED = "archive_file.registered", _("业务办结，待归档")
    FILED = "archive_file.filed", _("接收归档、编目")
    ITEM_ADDED = "archive_file.item_added", _("增加卷内文件")
    ITEM_REMOVED = "archive_file.item_removed", _("撤出卷内文件")
    MOVED = "archive_file.moved", _("调整存放位置")
    OVERDUE_FLAGGED = "archive_file.overdue_flagged", _("逾期未归档提醒")
    DESTROYED = "archive_file.destroyed", _("销毁")
    HANDED_OVER = "archive_file.handed_over", _("随档案移交")


class LoanEvents(EventVerbs):
    """Reading and borrowing (D2)."""

    REQUESTED = "file_loan.requested", _("申请借阅")
    APPROVED = "file_loan.approved", _("批准借阅")
    REFUSED = "file_loan.refused", _("不予批准借阅")
    LENT = "file_loan.lent", _("登记借出，借阅人签字")
    READ_STARTED = "file_loan.read_started", _("登记查阅")
    RETURNED = "file_loan.returned", _("归还")
    CANCELLED = "file_loan.cancelled", _("撤回申请")
    OVERDUE_FLAGGED = "file_loan.overdue_flagged", _("逾期未还提醒")


class DestructionEvents(EventVerbs):
    """Destruction (D3) and the holdings (ch.8 §5–§6)."""

    PROPOSED = "destruction.proposed", _("鉴定小组提出销毁")
    REVIEWED = "destruction.reviewed", _("部门主管审核")
    APPROVED = "destruction.approved", _("分管领导批准")
    REFUSED = "destruction.refused", _("不同意销毁")
    CARRIED_OUT = "destruction.carried_out", _("监销签字")
    RECHECKED = "destruction.rechecked", _("主管复核销毁内容")
    INSPECTION_OPENED = "holdings_inspection.opened", _("库房定期检查待办")
    INSPECTION_DONE = "holdings_inspection.done", _("库房检查完成")
    HAND_OVER_SIGNED = "hand_over.signed", _("档案员移交签字")


class KeyEvents(EventVerbs):
    """Keys (D4, 003 钥匙管理规定)."""

    REGISTERED = "key.registered", _("钥匙入柜登记")
    LENT = "key.lent", _("钥匙借出")
    RETURNED = "key.returned", _("钥匙归还")
    OVERDUE_FLAGGED = "key.overdue_flagged", _("钥匙逾期未还提醒")
    ISSUED = "key.issued", _("业主签领钥匙")
    COPY_REQUESTED = "key.copy_requested", _("申请配制钥匙")
    COPY_CONSENTED = "key.copy_consented", _("工程部经理同意配制")
    COPY_REFUSED = "key.copy_refused", _("工程部经理不同意配制")
    COPY_MADE = "key.copy_made", _("钥匙已配制")
    LOST = "key.lost", _("钥匙遗失登记")


def archives_event(*, actor, target, verb: str, changes: dict[str, Any] | None = None, note: str = ""):
    """Every archives event goes through here, with the verb a member of the classes above."""
    return record_event(actor=actor, target=target, verb=verb, changes=changes, note=note)
