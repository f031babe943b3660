"""新水表验收 (M8, seed 000 ch.4 §6): every new install, temporary use and capacity change is accepted
jointly by the branch and the center within meters.acceptance_months calendar month(s) of the issue
(§6.3: 2026-01-31 → 2026-02-28, 2026-03-15 → 2026-04-15). Where the work removed an old meter, the old
meter is back in the store before the acceptance passes (§6.4). A failed acceptance may be done again
(back to passed), its history kept in the events. Pending past due is alerted once to the branch's staff
and the store keepers (§6.5: late or failed acceptance blocks the branch's next issue — the issues
subject reads it through selectors_issues.blocking_reasons)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kefu.core.alerts import send_alert
from kefu.core.permissions import require
from kefu.core.policies import policy
from kefu.meters.dates import months_after
from kefu.meters.events import ReturnEvents, meters_event
from kefu.meters.models import ACCEPTED_PURPOSES, Acceptance, MeterWork
from kefu.meters.recipients import branch_staff, store_keepers

ALERT_KINDS: dict[str, str] = {"meters.acceptance_overdue": "水表验收逾期"}
CH4 = "供水手册第四章水表管理制度"


@transaction.atomic
def open_acceptance(*, actor, issue) -> Acceptance | None:
    """The joint acceptance due after an issue for a new install, temporary use or capacity change;
    called by issues.issue_meter in its transaction. Idempotent (one per issue)."""
    if issue.purpose not in ACCEPTED_PURPOSES:
        return None
    existing = Acceptance.objects.filter(issue=issue).first()
    if existing is not None:
        return existing
    issued_on = timezone.localdate(issue.issued_at)
    due_on = months_after(issued_on, int(policy("meters.acceptance_months")))
    acceptance = Acceptance.objects.create(issue=issue, branch=issue.branch, due_on=due_on)
    meters_event(
        actor=actor,
        target=acceptance,
        verb=ReturnEvents.ACCEPTANCE_DUE,
        changes={"issue": issue.number, "due_on": due_on.isoformat()},
    )
    return acceptance


def old_meter_outstanding(acceptance: Acceptance) -> MeterWork | None:
    """The removal task of the issue's process whose old meter is not back yet (§6.4)."""
    process_id = acceptance.issue.process_id
    if not process_id:
        return None
    return (
        MeterWork.objects.filter(
            process_id=process_id, kind=MeterWork.Kind.REMOVE, state=MeterWork.State.OPEN
        )
        .select_related("meter")
        .first()
    )


@transaction.atomic
def record_acceptance(
    *,
    actor,
    acceptance: Acceptance,
    passed: bool,
    branch_signer: str,
    note: str = "",
    accepted_on: date | None = None,
) -> Acceptance:
    """The joint acceptance: the branch's signer by name, the center's signer is the actor (who holds
    meters.change_acceptance). A failed one may be accepted again; a passed one is final."""
    require(actor, "meters.change_acceptance")
    acceptance = Acceptance.objects.select_for_update().select_related("issue").get(pk=acceptance.pk)
    if acceptance.state == Acceptance.State.PASSED:
        raise ValidationError({"state": f"该验收已于{acceptance.accepted_on:%Y-%m-%d}验收合格，不能再次登记"})
    branch_signer = (branch_signer or "").strip()
    if not branch_signer:
        raise ValidationError({"branch_signer": "请填写分公司验收人（联合验收须分公司和中心共同签字，6.3）"})
    note = (note or "").strip()
    if not passed and not note:
        raise ValidationError({"note": "验收不合格的，请写明不合格的原因"})
    today = timezone.localdate()
    accepted_on = accepted_on or today
    issued_on = timezone.localdate(acceptance.issue.issued_at)
    if accepted_on > today:
        raise ValidationError({"accepted_on": "验收日期不能晚于今天"})
    if accepted_on < issued_on:
        raise ValidationError({"accepted_on": f"验收日期不能早于领表日期 {issued_on:%Y-%m-%d}"})
    if passed and (work := old_meter_outstanding(acceptance)) is not None:
        meter = f"（表号{work.meter.number}）" if work.meter_id else ""
        raise ValidationError(
            {
                "state": f"该工程拆除的旧表{meter}尚未交回表库：旧表的交回应在验收前办理，"
                f"未办好手续的不予验收（{CH4}6.4）"
            }
        )
    old_state = acceptance.get_state_display()
    acceptance.state = Acceptance.State.PASSED if passed else Acceptance.State.FAILED
    acceptance.accepted_on, acceptance.branch_signer, acceptance.center_signer = (
        accepted_on,
        branch_signer,
        actor,
    )
    acceptance.note = note[:200]
    acceptance.save(
        update_fields=["state", "accepted_on", "branch_signer", "center_signer", "note", "updated_at"]
    )
    late = accepted_on > acceptance.due_on
    changes = {
        "state": [old_state, acceptance.get_state_display()],
        "accepted_on": accepted_on.isoformat(),
        "branch_signer": branch_signer,
        "center_signer": str(actor),
    }
    if late:
        changes["late"] = f"逾期验收（期限{acceptance.due_on:%Y-%m-%d}）"
    verb = ReturnEvents.ACCEPTED if passed else ReturnEvents.ACCEPTANCE_FAILED
    meters_event(
        actor=actor,
        target=acceptance,
        verb=verb,
        changes=changes,
        note=note,
    )
    return acceptance


def overdue(now) -> list[str]:
    """Acceptances still pending past their due day: the branch's staff and the store keepers are told
    once (conditional UPDATE of overdue_alerted)."""
    today = timezone.localdate(now)
    rows = Acceptance.objects.filter(
        state=Acceptance.State.PENDING, due_on__lt=today, overdue_alerted=False
    ).select_related("issue", "branch")
    keepers = store_keepers()
    told = 0
    for acceptance in rows[:500]:
        if not Acceptance.objects.filter(pk=acceptance.pk, overdue_alerted=False).update(
            overdue_alerted=True
        ):
            continue
        send_alert(
            recipients=[*branch_staff(acceptance.branch), *keepers],
            kind="meters.acceptance_overdue",
            message=f"{acceptance.branch}领表单{acceptance.issue.number}的水表应于{acceptance.due_on:%Y-%m-%d}前验收，"
            "已逾期未验收；逾期未验收将影响该分公司下一次领表（6.5）",
            url=f"/meters/acceptance/{acceptance.pk}/",
            subject=f"meters.acceptance:{acceptance.pk}",
        )
        told += 1
    return [f"水表验收逾期：{told} 项"] if told else []
