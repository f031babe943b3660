"""The shift hand-over's verbs, and one constructor per event."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from kefu.core.events import EventVerbs, record_event


class HandoverEvents(EventVerbs):
    RECORDED = "handover.recorded", _("交班")
    RECEIVED = "handover.received", _("接班确认")
    CORRECTED = "handover.corrected", _("更正")


def handover_recorded_event(*, actor, handover, changes: dict[str, Any], note: str = ""):
    return record_event(
        actor=actor, target=handover, verb=HandoverEvents.RECORDED, changes=changes, note=note
    )


def handover_received_event(*, actor, handover, note: str = ""):
    return record_event(
        actor=actor,
        target=handover,
        verb=HandoverEvents.RECEIVED,
        changes={"received_by": str(actor)},
        note=note,
    )


def handover_corrected_event(*, actor, handover, changes: dict[str, Any], note: str = ""):
    return record_event(
        actor=actor, target=handover, verb=HandoverEvents.CORRECTED, changes=changes, note=note
    )


# -- rosters (kefu/workforce/services/rosters.py)


class RosterEvents(EventVerbs):
    ASSIGNED = "roster.assigned", _("排班")
    CANCELLED = "roster.cancelled", _("撤销排班")


def roster_assigned_event(*, actor, entry, note: str = ""):
    return record_event(
        actor=actor,
        target=entry,
        verb=RosterEvents.ASSIGNED,
        changes={
            "person": str(entry.person),
            "day": f"{entry.day:%Y-%m-%d}",
            "shift": entry.shift.name,
            "status": entry.get_status_display(),
        },
        note=note,
    )


def roster_cancelled_event(*, actor, entry, old_status: str, reason: str):
    return record_event(
        actor=actor,
        target=entry,
        verb=RosterEvents.CANCELLED,
        changes={
            "day": f"{entry.day:%Y-%m-%d}",
            "shift": entry.shift.name,
            "status": [old_status, entry.get_status_display()],
        },
        note=reason,
    )


# -- attendance and discipline (kefu/workforce/services/attendance.py)


class AttendanceEvents(EventVerbs):
    SIGNED_IN = "attendance.signed_in", _("签到")
    SIGNED_OUT = "attendance.signed_out", _("签退")
    ROLL_CALLED = "attendance.roll_called", _("点名")
    CORRECTED = "attendance.corrected", _("更正考勤")
    ABSENCE_RECORDED = "absence.recorded", _("登记离岗")
    ABSENCE_RETURNED = "absence.returned", _("登记返岗")
    CASE_OPENED = "discipline_case.opened", _("记录违纪")
    CASE_UPDATED = "discipline_case.updated", _("违纪情况变更")
    CASE_CLOSED = "discipline_case.closed", _("违纪处理")
    CASE_REOPENED = "discipline_case.reopened", _("违纪重新待处理")


def attendance_event(*, actor, attendance, verb: AttendanceEvents, changes: dict[str, Any], note: str = ""):
    """Sign-in, sign-out, roll call and corrections: the attendance row with its old → new values."""
    return record_event(actor=actor, target=attendance, verb=verb, changes=changes, note=note)


def absence_event(*, actor, absence, verb: AttendanceEvents, changes: dict[str, Any], note: str = ""):
    return record_event(actor=actor, target=absence, verb=verb, changes=changes, note=note)


def discipline_case_event(*, actor, case, verb: AttendanceEvents, changes: dict[str, Any], note: str = ""):
    return record_event(actor=actor, target=case, verb=verb, changes=changes, note=note)


# -- leave (kefu/workforce/services/leave.py) --------------------------------------------------------


class LeaveEvents(EventVerbs):
    ASKED = "leave.asked", _("提出请假")
    ENDORSED = "leave.endorsed", _("逐级审批同意")
    APPROVED = "leave.approved", _("请假批准")
    REFUSED = "leave.refused", _("请假未批准")
    WITHDRAWN = "leave.withdrawn", _("撤回请假")
    CANCELLED = "leave.cancelled", _("撤销已批准的请假")
    CERTIFICATE_RECEIVED = "leave.certificate_received", _("交回病假证明")
    CERTIFICATE_MISSING = "leave.certificate_missing", _("病假证明到期未交")
    ENTRY_ON_LEAVE = "roster_entry.put_on_leave", _("请假离班（排班空出）")
    ENTRY_BACK_FROM_LEAVE = "roster_entry.back_from_leave", _("请假撤销，恢复在班")


def leave_asked_event(*, actor, leave, changes: dict[str, Any]):
    return record_event(actor=actor, target=leave, verb=LeaveEvents.ASKED, changes=changes)


def leave_decided_event(*, actor, leave, verb: LeaveEvents, changes: dict[str, Any], note: str = ""):
    """One approver's decision: ENDORSED (a level approved, more to come), APPROVED or REFUSED."""
    return record_event(actor=actor, target=leave, verb=verb, changes=changes, note=note)


def leave_withdrawn_event(*, actor, leave, cancelled: bool, note: str = ""):
    verb = LeaveEvents.CANCELLED if cancelled else LeaveEvents.WITHDRAWN
    return record_event(
        actor=actor, target=leave, verb=verb, changes={"status": str(leave.get_status_display())}, note=note
    )


def leave_certificate_received_event(*, actor, leave, changes: dict[str, Any]):
    return record_event(actor=actor, target=leave, verb=LeaveEvents.CERTIFICATE_RECEIVED, changes=changes)


def leave_certificate_missing_event(*, leave, changes: dict[str, Any]):
    return record_event(actor=None, target=leave, verb=LeaveEvents.CERTIFICATE_MISSING, changes=changes)


def entry_on_leave_event(*, actor, entry, leave):
    return record_event(
        actor=actor,
        target=entry,
        verb=LeaveEvents.ENTRY_ON_LEAVE,
        changes={"status": ["在班", "请假"], "leave": leave.number},
    )


def entry_back_from_leave_event(*, actor, entry, leave):
    return record_event(
        actor=actor,
        target=entry,
        verb=LeaveEvents.ENTRY_BACK_FROM_LEAVE,
        changes={"status": ["请假", "在班"], "leave": leave.number},
    )


# -- swaps (kefu/workforce/services/swaps.py) -------------------------------------------------------


class SwapEvents(EventVerbs):
    REQUESTED = "shift_swap.requested", _("申请换班")
    SIGNED = "shift_swap.signed", _("一方批准换班")
    APPROVED = "shift_swap.approved", _("换班批准生效")
    REFUSED = "shift_swap.refused", _("换班未批准")
    WITHDRAWN = "shift_swap.withdrawn", _("撤回换班")
    ENTRY_SWAPPED_OUT = "roster_entry.swapped_out", _("换班换出")
    ENTRY_SWAPPED_IN = "roster_entry.swapped_in", _("换班换入")


def swap_event(*, actor, swap, verb: SwapEvents, changes: dict[str, Any], note: str = ""):
    """Asking, each approver's decision, the approval that applies it, withdrawing."""
    return record_event(actor=actor, target=swap, verb=verb, changes=changes, note=note)


def entry_swapped_event(*, actor, entry, swap, out: bool):
    """A roster entry given away by an approved swap (out) or made for the one who takes it (in)."""
    if out:
        changes = {"status": ["在班", "已换出"], "swap": swap.number}
    else:
        changes = {
            "person": str(entry.person),
            "day": f"{entry.day:%Y-%m-%d}",
            "shift": entry.shift.name,
            "swap": swap.number,
        }
    verb = SwapEvents.ENTRY_SWAPPED_OUT if out else SwapEvents.ENTRY_SWAPPED_IN
    return record_event(actor=actor, target=entry, verb=verb, changes=changes)


# -- roster plans (kefu/workforce/services/plans.py) -------------------------------------------------


class RosterPlanEvents(EventVerbs):
    GENERATED = "rosterplan.generated", _("生成排班方案")
    PUBLISHED = "rosterplan.published", _("发布排班方案")
    DISCARDED = "rosterplan.discarded", _("放弃排班方案")


def rosterplan_event(*, actor, plan, verb: RosterPlanEvents, changes: dict[str, Any], note: str = ""):
    """Generating a plan (with the solver's figures), publishing it, discarding it."""
    return record_event(actor=actor, target=plan, verb=verb, changes=changes, note=note)
