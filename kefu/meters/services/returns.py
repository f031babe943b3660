"""Old meters back in the store (M7, seed 000 ch.4 §5) and the store's tasks from counter business.

- Counter business asks the store (processes' `meter_work_requested`, sent after commit): a removal
  (拆表任务单, suspension §5.4, cancellation §5.5, 户表改造 §5.6, the old meter of a capacity change
  §6.4) or an issue (改表领表单). One MeterWork per process and kind; the removal is due
  meters.removal_return_working_days (10) or, for a renovation, meters.renovation_return_working_days
  (20) working days later. The process waits for the return (kefu/meters/process_rules.py).
- `return_old_meter`: one meter per return, each the meter of its own replacement or removal task
  (§4.3.5 一表一还, 严禁一次性归还), with its reading and seal state (§5.1); DN ≥ meters.large_caliber_dn
  is labelled and kept meters.old_meter_keep_months by area (§5.1), then released; signs of deliberate
  damage open a 赔表 case for the branch (§5.2).
- Entry within meters.old_meter_entry_working_days working days of the return (§5.7): a return entered
  later is recorded all the same (the meter is in the store; refusing it would lose the record) and
  flagged `late_entry` (list filter 「录入超期」).
"""

import logging
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from kefu.archives.models import Category
from kefu.archives.services.filing import register_file
from kefu.core.alerts import send_alert
from kefu.core.numbering import next_number, year_period
from kefu.core.permissions import require
from kefu.core.policies import policy
from kefu.customers.models import Meter, branch_scope
from kefu.meters.dates import months_after, working_days_after
from kefu.meters.events import ReplacementEvents, ReturnEvents, StoreEvents, meters_event
from kefu.meters.models import CompensationCase, MeterWork, OldMeterReturn, Replacement, StockMeter
from kefu.meters.recipients import branch_staff, store_keepers

logger = logging.getLogger(__name__)

ALERT_KINDS: dict[str, str] = {
    "meters.old_meter_overdue": "旧表逾期未交回",
    "meters.old_meter_release_due": "旧表保存期满待放行",
    "meters.compensation_opened": "旧表人为损坏，须办理赔表",
}
RETURN_SERIES = "meters.old_return"
COMPENSATION_SERIES = "meters.compensation"
CH4 = "供水手册第四章水表管理制度"
# Process facts that may name the meter to take back when a customer has several in service.
METER_FACTS = ("old_meter_number", "meter_number", "archive_meter")


def _moved(old, new) -> list[str]:
    """A state change as the history shows it: [old label, new label] (plain text for the event's JSON)."""
    return [str(old.label), str(new.label)]


def _yearly(series: str, prefix: str) -> str:
    today = timezone.localdate()
    return f"{prefix}{today.year}{next_number(series, year_period(today)):06d}"


def _meters_in_service(customer_id: int):
    return (
        Meter.objects.filter(service_point__customer_id=customer_id)
        .exclude(status=Meter.Status.REMOVED)
        .order_by("id")
    )


def _meter_to_remove(process) -> Meter | None:
    """The customer's meter in service; of several, the one the process's facts name, else none (the
    store chooses it at the return)."""
    meters = list(_meters_in_service(process.customer_id)[:50])
    if len(meters) == 1:
        return meters[0]
    named = {str(process.facts.get(name) or "").strip() for name in METER_FACTS} - {""}
    chosen = [meter for meter in meters if meter.number in named]
    return chosen[0] if len(chosen) == 1 else None


def is_renovation(process) -> bool:
    """户表改造 (§5.6: a building's meters renovated, the collective or unit account cancelled)."""
    return process.definition.code == "renovation_cancellation" or bool(
        process.facts.get("building_meter_renovation")
    )


def open_work(*, process, kind: str) -> MeterWork | None:
    """The store's task for the process (idempotent: one per process and kind)."""
    from kefu.processes.hooks import branch_of

    existing = MeterWork.objects.filter(process_id=process.pk, kind=kind).first()
    if existing is not None:
        return existing
    branch = branch_of(process.customer)
    if branch is None:
        # The branch's own stage cannot be entered without a branch either; nothing for the store.
        logger.warning("meter work for %s: the customer has no branch", process.number)
        return None
    renovation = is_renovation(process)
    meter, due_on = None, None
    if kind == MeterWork.Kind.REMOVE:
        meter = _meter_to_remove(process)
        rule = "meters.renovation_return_working_days" if renovation else "meters.removal_return_working_days"
        due_on = working_days_after(timezone.localdate(), int(policy(rule)))
    try:
        with transaction.atomic():
            work = MeterWork.objects.create(
                process=process,
                kind=kind,
                customer=process.customer,
                branch=branch,
                meter=meter,
                renovation=renovation,
                due_on=due_on,
            )
    except IntegrityError:  # a second delivery of the same request: the first one's task stands
        return MeterWork.objects.get(process_id=process.pk, kind=kind)
    meters_event(
        actor=None,
        target=work,
        verb=ReturnEvents.WORK_OPENED,
        changes={
            "process": process.number,
            "kind": work.get_kind_display(),
            "meter": meter.number if meter else "",
            "due_on": due_on.isoformat() if due_on else "",
        },
    )
    return work


def on_meter_work_requested(sender, process, work, **kwargs) -> None:
    """Receiver of processes' meter_work_requested (sent after the advance committed, so this opens its
    own transaction). A capacity change that removes the old meter (facts removes_old_meter) asks only
    for the issue; the store also takes the old meter back for it (§6.4)."""
    kinds = [work] if work in MeterWork.Kind.values else []
    if work == MeterWork.Kind.ISSUE and process.facts.get("removes_old_meter"):
        kinds.append(MeterWork.Kind.REMOVE)
    try:
        with transaction.atomic():
            for kind in kinds:
                open_work(process=process, kind=kind)
    except Exception:
        # The advance that asked is committed already: a failure here must not turn the clerk's page
        # into an error for something done. It is logged for the administrator.
        logger.exception("meter work %s for %s could not be opened", work, process.number)


@transaction.atomic
def issue_work_done(*, actor, issue) -> None:
    """An issue made against a process's 改表领表单 closes the store's task (called by
    issues.issue_meter in its transaction)."""
    if not issue.process_id:
        return
    work = (
        MeterWork.objects.select_for_update()
        .filter(process_id=issue.process_id, kind=MeterWork.Kind.ISSUE, state=MeterWork.State.OPEN)
        .first()
    )
    if work is None:
        return
    _close_work(actor, work, issue=issue.number)


def _close_work(actor, work: MeterWork, **changes) -> None:
    work.state, work.done_at = MeterWork.State.DONE, timezone.now()
    work.save(update_fields=["state", "done_at", "meter", "updated_at"])
    meters_event(
        actor=actor,
        target=work,
        verb=ReturnEvents.WORK_DONE,
        changes={"state": _moved(MeterWork.State.OPEN, MeterWork.State.DONE), **changes},
    )


# -- the return (M7) ---------------------------------------------------------------------------------


def _check_returned_by(returned_by, branch) -> None:
    if returned_by is None or not returned_by.is_active:
        raise ValidationError({"returned_by": "请选择交表人（在职人员）"})
    scope = branch_scope(returned_by)
    if scope is not None and scope != branch.pk:
        raise ValidationError(
            {"returned_by": f"交表人{returned_by}不是{branch}的人员，旧表由本分公司换表员交回"}
        )


def _source(meter: Meter, replacement, work):
    """(branch, due_on, earliest return day) of the replacement or removal task the meter is returned
    for; a meter of neither, or of another one, is refused (一表一还)."""
    if (replacement is None) == (work is None):
        raise ValidationError(
            {"source": "每只旧表须对应一张换表单或一张拆表任务单（一表一还，不能合并交回）"}
        )
    if replacement is not None:
        replacement = Replacement.objects.select_for_update().get(pk=replacement.pk)
        if replacement.state != Replacement.State.FITTED:
            raise ValidationError(
                {
                    "replacement": f"换表单{replacement.number}当前为「{replacement.get_state_display()}」，"
                    "换表完成（已换表待交旧表）后才能交回旧表"
                }
            )
        if replacement.meter_id != meter.pk:
            raise ValidationError(
                {
                    "meter": f"表号{meter.number}不是换表单{replacement.number}换下的旧表（应为"
                    f"{replacement.meter.number}）：旧表须一表一还，不能以他表代还（{CH4}4.3.5）"
                }
            )
        fitted = timezone.localdate(replacement.fitted_at) if replacement.fitted_at else None
        return replacement, replacement.branch, replacement.replace_due, fitted
    work = MeterWork.objects.select_for_update().get(pk=work.pk)
    if work.kind != MeterWork.Kind.REMOVE:
        raise ValidationError({"work": "《改表领表单》是领表任务，不交回旧表；请选择《拆表任务单》"})
    if work.state != MeterWork.State.OPEN:
        raise ValidationError({"work": "该拆表任务单的旧表已交回"})
    if work.meter_id and work.meter_id != meter.pk:
        raise ValidationError(
            {
                "meter": f"表号{meter.number}不是该拆表任务单所拆的水表"
                f"（应为{work.meter.number}），旧表须一表一还"
            }
        )
    if work.meter_id is None and meter.service_point.customer_id != work.customer_id:
        raise ValidationError({"meter": f"表号{meter.number}不是该拆表任务单客户（{work.customer}）的水表"})
    return work, work.branch, work.due_on, timezone.localdate(work.created_at)


@transaction.atomic
def return_old_meter(
    *,
    actor,
    meter: Meter,
    returned_by,
    reading,
    seal_state: str,
    damaged: bool = False,
    damage_note: str = "",
    replacement=None,
    work=None,
    returned_on: date | None = None,
) -> OldMeterReturn:
    require(actor, "meters.add_oldmeterreturn")
    meter = Meter.objects.select_for_update().select_related("service_point").get(pk=meter.pk)
    earlier = OldMeterReturn.objects.filter(meter=meter).first()
    if earlier is not None:
        raise ValidationError(
            {
                "meter": f"表号{meter.number}已于{earlier.returned_on:%Y-%m-%d}交回"
                f"（回收单{earlier.number}），不能重复登记"
            }
        )
    source, branch, due_on, earliest = _source(meter, replacement, work)
    _check_returned_by(returned_by, branch)
    today = timezone.localdate()
    returned_on = returned_on or today
    if returned_on > today:
        raise ValidationError({"returned_on": "交回日期不能晚于今天"})
    if earliest and returned_on < earliest:
        raise ValidationError({"returned_on": f"交回日期不能早于拆表（换表）日期 {earliest:%Y-%m-%d}"})
    if reading is None or reading == "":
        raise ValidationError({"reading": "请填写旧表行度（m³）"})
    reading = Decimal(str(reading))
    if not reading.is_finite() or reading < 0:
        raise ValidationError({"reading": "旧表行度应为不小于0的数字（m³）"})
    if seal_state not in Meter.SealState.values:
        raise ValidationError({"seal_state": "请选择铅封情况：铅封完好、铅封破损或无铅封"})
    damage_note = (damage_note or "").strip()
    if damaged and not damage_note:
        raise ValidationError(
            {"damage_note": f"有人为损坏痕迹的，请写明损坏情况（{CH4}5.2：应办理赔表手续）"}
        )
    large = meter.caliber_dn >= int(policy("meters.large_caliber_dn"))
    keep_until = months_after(returned_on, int(policy("meters.old_meter_keep_months"))) if large else None
    entry_due = working_days_after(returned_on, int(policy("meters.old_meter_entry_working_days")))
    now = timezone.now()
    if damaged:
        disposition = OldMeterReturn.Disposition.COMPENSATION
    elif large:
        disposition = OldMeterReturn.Disposition.KEPT
    else:  # a small meter is not kept for review (§5.1 keeps DN40 and above)
        disposition = OldMeterReturn.Disposition.RELEASED
    old_return = OldMeterReturn.objects.create(
        number=_yearly(RETURN_SERIES, "HS"),  # 回收单 (HB is the 换表单's series)
        meter=meter,
        branch=branch,
        replacement=source if isinstance(source, Replacement) else None,
        work=source if isinstance(source, MeterWork) else None,
        returned_by=returned_by,
        received_by=actor,
        returned_on=returned_on,
        recorded_at=now,
        due_on=due_on,
        reading=reading,
        seal_state=seal_state,
        damaged=damaged,
        damage_note=damage_note,
        keep_until=keep_until,
        disposition=disposition,
        released_at=now if disposition == OldMeterReturn.Disposition.RELEASED else None,
        late_entry=today > entry_due,
    )
    changes = {
        "meter": meter.number,
        "reading": str(reading),
        "seal_state": str(Meter.SealState(seal_state).label),
        "returned_on": returned_on.isoformat(),
        "disposition": old_return.get_disposition_display(),
    }
    if keep_until:
        changes["keep_until"] = keep_until.isoformat()
    if old_return.late_entry:
        changes["late_entry"] = f"录入超期（应于{entry_due:%Y-%m-%d}前录入）"
    if due_on and returned_on > due_on:
        changes["returned_late"] = f"逾期交回（期限{due_on:%Y-%m-%d}）"
    meters_event(actor=actor, target=old_return, verb=ReturnEvents.RETURNED, changes=changes)
    meters_event(actor=actor, target=meter, verb=ReturnEvents.RETURNED, changes={"return": old_return.number})
    if isinstance(source, Replacement):
        Replacement.objects.filter(pk=source.pk).update(state=Replacement.State.CLOSED, updated_at=now)
        meters_event(
            actor=actor,
            target=source,
            verb=ReplacementEvents.CLOSED,
            changes={"state": _moved(Replacement.State.FITTED, Replacement.State.CLOSED)},
            note=old_return.number,
        )
    else:
        source.meter = meter
        _close_work(actor, source, old_return=old_return.number)
    if meter.status != Meter.Status.REMOVED:  # a removal: the archive's meter leaves service now
        Meter.objects.filter(pk=meter.pk).update(
            status=Meter.Status.REMOVED,
            seal_state=seal_state,
            last_reading=reading,
            last_read_on=returned_on,
            updated_at=now,
        )
    stock = StockMeter.objects.filter(archive_meter=meter).first()
    if stock is not None:
        old_state = stock.get_state_display()
        StockMeter.objects.filter(pk=stock.pk).update(state=StockMeter.State.OLD_RETURNED, updated_at=now)
        meters_event(
            actor=actor,
            target=stock,
            verb=StoreEvents.METER_RETURNED_OLD,
            changes={"state": [old_state, str(StockMeter.State.OLD_RETURNED.label)]},
            note=old_return.number,
        )
    if damaged:
        _open_compensation(actor, old_return)
    register_file(  # the return's papers go to the archive room (D1)
        actor=actor,
        category=Category.METER_RETURN,
        title=f"旧表回收·{meter.number}（{old_return.number}）",
        subject=f"meters.oldmeterreturn:{old_return.pk}",
        finished_on=returned_on,
        customer=meter.service_point.customer,
        unit=branch,
        source_number=old_return.number,
        source_url=reverse("meters:return_detail", args=[old_return.pk]),
        items=["旧表回收单"],
    )
    return old_return


def _open_compensation(actor, old_return: OldMeterReturn) -> CompensationCase:
    case = CompensationCase.objects.create(
        number=_yearly(COMPENSATION_SERIES, "PB"),
        old_return=old_return,
        branch=old_return.branch,
        note=old_return.damage_note,
    )
    meters_event(
        actor=actor,
        target=case,
        verb=ReturnEvents.COMPENSATION_OPENED,
        changes={"meter": old_return.meter.number, "damage": old_return.damage_note},
    )
    send_alert(
        recipients=branch_staff(old_return.branch),
        kind="meters.compensation_opened",
        message=f"旧表{old_return.meter.number}有人为损坏痕迹（{old_return.damage_note}），"
        f"请办理赔表手续（赔表单{case.number}）",
        url=f"/meters/returns/compensations/?q={case.number}",
        subject=f"meters.compensation:{case.pk}",
    )
    return case


@transaction.atomic
def settle_compensation(*, actor, case: CompensationCase, note: str = "") -> CompensationCase:
    require(actor, "meters.change_compensationcase")
    case = CompensationCase.objects.select_for_update().select_related("old_return").get(pk=case.pk)
    if case.state != CompensationCase.State.OPEN:
        raise ValidationError(
            {"state": f"赔表单{case.number}已于{timezone.localtime(case.settled_at):%Y-%m-%d}处理完毕"}
        )
    case.state, case.settled_at = CompensationCase.State.SETTLED, timezone.now()
    note = (note or "").strip()
    if note:
        case.note = note[:200]
    case.save(update_fields=["state", "settled_at", "note", "updated_at"])
    meters_event(
        actor=actor,
        target=case,
        verb=ReturnEvents.COMPENSATION_SETTLED,
        changes={"state": _moved(CompensationCase.State.OPEN, CompensationCase.State.SETTLED)},
        note=note,
    )
    stock = StockMeter.objects.filter(archive_meter_id=case.old_return.meter_id).first()
    if stock is not None and stock.state == StockMeter.State.OLD_RETURNED:
        StockMeter.objects.filter(pk=stock.pk).update(
            state=StockMeter.State.COMPENSATED, updated_at=timezone.now()
        )
        meters_event(
            actor=actor,
            target=stock,
            verb=StoreEvents.METER_RETURNED_OLD,
            changes={"state": _moved(StockMeter.State.OLD_RETURNED, StockMeter.State.COMPENSATED)},
            note=case.number,
        )
    return case


@transaction.atomic
def release_old_meter(*, actor, old_return: OldMeterReturn) -> OldMeterReturn:
    """A kept meter leaves the store once its keeping time is over (§5.1)."""
    require(actor, "meters.change_oldmeterreturn")
    old_return = OldMeterReturn.objects.select_for_update().get(pk=old_return.pk)
    if old_return.disposition != OldMeterReturn.Disposition.KEPT:
        raise ValidationError(
            {
                "disposition": f"回收单{old_return.number}为"
                f"「{old_return.get_disposition_display()}」，不在保存中"
            }
        )
    today = timezone.localdate()
    if old_return.keep_until and today < old_return.keep_until:
        months = policy("meters.old_meter_keep_months")
        raise ValidationError(
            {
                "keep_until": f"回收单{old_return.number}须按区域保存至{old_return.keep_until:%Y-%m-%d}"
                f"（大口径旧表保存{months}个月以便复核），未满不能放行"
            }
        )
    old_return.disposition, old_return.released_at = OldMeterReturn.Disposition.RELEASED, timezone.now()
    old_return.save(update_fields=["disposition", "released_at", "updated_at"])
    meters_event(
        actor=actor,
        target=old_return,
        verb=ReturnEvents.RELEASED,
        changes={"disposition": _moved(OldMeterReturn.Disposition.KEPT, OldMeterReturn.Disposition.RELEASED)},
    )
    return old_return


def labelled(old_return: OldMeterReturn) -> bool:
    return old_return.meter.caliber_dn >= int(policy("meters.large_caliber_dn"))


@transaction.atomic
def record_labels_printed(*, actor, returns: list[OldMeterReturn]) -> list[OldMeterReturn]:
    """The labels of these returns were printed (§5.1: DN40 and above carry a label with the customer
    and the connection point); returns of smaller meters are refused by name."""
    require(actor, "meters.change_oldmeterreturn")
    if not returns:
        raise ValidationError({"returns": "请选择要打印标签的旧表"})
    small = [r.number for r in returns if not labelled(r)]
    if small:
        dn = policy("meters.large_caliber_dn")
        raise ValidationError({"returns": f"{'、'.join(small)}：口径小于DN{dn}的旧表不须贴标签（{CH4}5.1）"})
    now = timezone.now()
    for old_return in returns:
        first = old_return.label_printed_at is None
        old_return.label_printed_at = now
        if first:
            OldMeterReturn.objects.filter(pk=old_return.pk).update(label_printed_at=now, updated_at=now)
            meters_event(actor=actor, target=old_return, verb=ReturnEvents.LABEL_PRINTED)
    return returns


# -- the deadline scan ---------------------------------------------------------------------------------


def overdue(now) -> list[str]:
    """Removal tasks past due without their old meter (to the branch, once: a conditional UPDATE of
    overdue_alerted), and kept meters whose keeping time is over (to the store keepers)."""
    today = timezone.localdate(now)
    lines = []
    late = MeterWork.objects.filter(
        kind=MeterWork.Kind.REMOVE, state=MeterWork.State.OPEN, due_on__lt=today, overdue_alerted=False
    ).select_related("branch", "customer", "meter", "process")
    told = 0
    for work in late[:500]:
        if not MeterWork.objects.filter(pk=work.pk, overdue_alerted=False).update(overdue_alerted=True):
            continue  # another worker told them
        meter = f"（表号{work.meter.number}）" if work.meter_id else ""
        send_alert(
            recipients=branch_staff(work.branch),
            kind="meters.old_meter_overdue",
            message=f"{work.process.number} {work.customer.name}的旧表{meter}"
            f"应于{work.due_on:%Y-%m-%d}前交回表库，"
            "已逾期；不能按时完成的请及时向客户服务中心反馈",
            url="/meters/returns/works/",
            subject=f"meters.meterwork:{work.pk}",
        )
        told += 1
    if told:
        lines.append(f"旧表逾期未交回：{told} 项")
    keepers = store_keepers()
    released = 0
    due = OldMeterReturn.objects.filter(
        disposition=OldMeterReturn.Disposition.KEPT, keep_until__lte=today
    ).select_related("meter")
    for old_return in due[:500]:
        released += (
            send_alert(
                recipients=keepers,
                kind="meters.old_meter_release_due",
                message=f"旧表{old_return.meter.number}（{old_return.number}）保存期已满（{old_return.keep_until:%Y-%m-%d}），可以放行",
                url=f"/meters/returns/{old_return.pk}/",
                subject=f"meters.oldmeterreturn:{old_return.pk}",
            )
            and 1
        )
    if released:
        lines.append(f"旧表保存期满待放行：{released} 只")
    return lines
