"""The rule counter business checks to wait for the meter store (seed 000 ch.4 §5.4–§5.6, §6.4):
`old_meter_in_store` (表库已收回旧表), named by the removal stages of a suspension, a cancellation and a
户表改造 cancellation, and by a capacity change's acceptance (migration 0003). Registered in the
processes' rule registry when the meters app is ready (apps.py imports this module).

The rule refuses while the process's 拆表任务单 (MeterWork kind remove) is open, i.e. until the store
has recorded the old meter's return (services.returns.return_old_meter). A process for which the store
holds no removal task — the customer had no meter to take back, or a capacity change that removes none
(facts removes_old_meter not set) — has nothing to wait for."""

from kefu.meters.models import MeterWork
from kefu.processes.rules import rule


@rule("old_meter_in_store", "表库已收回旧表")
def old_meter_in_store(process) -> str | None:
    if process.definition.code == "capacity_change" and not process.facts.get("removes_old_meter"):
        return None
    work = (
        MeterWork.objects.filter(process_id=process.pk, kind=MeterWork.Kind.REMOVE)
        .select_related("meter")
        .first()
    )
    if work is None or work.state == MeterWork.State.DONE:
        return None
    meter = f"（表号{work.meter.number}）" if work.meter_id else ""
    due = f"，交回期限{work.due_on:%Y-%m-%d}" if work.due_on else ""
    return (
        f"拆表任务单的旧表{meter}尚未交回表库{due}：表库登记旧表回收后方可办理"
        "（供水手册第四章水表管理制度5.4、5.5、6.4）"
    )
