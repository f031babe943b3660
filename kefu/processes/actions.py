"""The steps of a counter business (P1–P11), in one table that the detail page and the API both use.

Each action name is the one vocabulary (`ProcessAction`): the page's URL and the API's `action` say the
same words. An entry gives the action's form (validation only) and the step (a service call and its
success message). The process is fetched, and its visibility checked, by `get_process_for` before
`perform` is called; who may take each step (the counter, or the unit holding the stage) is checked by
the service, with its Chinese refusal, for both callers alike.

A leader's decision on an approval (`decide`) is a step of this table too, not of a table of its own:
an approval belongs to one process and deciding it moves that process (a longer deadline, a
suspension), so its target is the process and the approval is named in the form. The approvals
page's and the API's approval paths take the approval from their address and its process as the
target; the service checks `processes.approve_process` and "never one's own request"."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction

from kefu.core.actions import unknown_action, validated
from kefu.processes import forms, services
from kefu.processes.models import Process


class ProcessAction(models.TextChoices):
    ADVANCE = "advance", "完成本环节，进入下一环节"
    RETURN = "return", "退回"
    REJECT = "reject", "不予受理"
    FACTS = "facts", "保存申请信息"
    DOCUMENTS = "documents", "登记收件"
    FEE = "fee", "登记收费"
    EXTEND = "extend", "申请延期"
    SUSPEND = "suspend", "申请暂停"
    RESUME = "resume", "恢复办理"
    DECIDE = "decide", "审批（批准或不批准）"
    SIGN = "sign", "中心负责人审核签字"


A = ProcessAction

# Old names the API took, kept for one release: "document" (one code) is now "documents".
ALIASES = {"document": A.DOCUMENTS}


@dataclass(frozen=True)
class Done:
    """What a step did: the process as it is now and the sentence the page shows."""

    process: Process
    message: str


@dataclass(frozen=True)
class Entry:
    form: type | None
    step: Callable[..., Done]  # (actor, process, cleaned data) -> Done


def _advance(actor, process, data) -> Done:
    process = services.advance(actor=actor, process=process, note=data["note"])
    if process.state == Process.State.COMPLETED:
        return Done(process, "业务已办结")
    return Done(process, f"已进入「{process.current_stage.name}」")


def _return(actor, process, data) -> Done:
    process = services.return_to(
        actor=actor, process=process, stage_code=data["stage"], reason=data["reason"]
    )
    return Done(process, f"已退回「{process.current_stage.name}」")


def _reject(actor, process, data) -> Done:
    process = services.reject(actor=actor, process=process, reason=data["reason"])
    return Done(process, "已不予受理" + ("，退费待领导审批" if process.fee > 0 else ""))


def _facts(actor, process, data) -> Done:
    process = services.set_facts(actor=actor, process=process, facts=data["facts"])
    return Done(process, "申请信息已保存")


def _documents(actor, process, data) -> Done:
    codes, scans = data["codes"], data["scans"]
    for code in codes:
        services.receive_document(
            actor=actor, process=process, code=code, file=scans.get(code), note=data["note"]
        )
    scanned = f"（含{len(scans)}份扫描件）" if scans else ""
    return Done(process, f"已收取{len(codes)}份材料{scanned}")


def _fee(actor, process, data) -> Done:
    process = services.record_fee(actor=actor, process=process, amount=data["amount"])
    return Done(process, f"已登记收费 {data['amount']} 元")


def _approval(kind: str) -> Callable[..., Done]:
    def step(actor, process, data) -> Done:
        approval = services.request_approval(
            actor=actor, process=process, kind=kind, reason=data["reason"], days=data["days"]
        )
        return Done(process, f"已提交{approval.get_kind_display()}申请，待领导审批")

    return step


def _resume(actor, process, data) -> Done:
    process = services.resume(actor=actor, process=process)
    return Done(process, "业务已恢复办理，本环节重新计时")


def _decide(actor, process, data) -> Done:
    approval = process.approvals.filter(pk=data["approval"]).first()
    if approval is None:
        raise ValidationError({"approval": "该业务没有这项审批"})
    approval = services.decide(
        actor=actor, approval=approval, approve=data["decision"] == "approve", note=data["note"]
    )
    process.refresh_from_db()  # an approved extension or suspension changed it
    return Done(process, f"{approval.get_kind_display()}申请{approval.get_status_display()}")


def _sign(actor, process, data) -> Done:
    process = services.sign_application(actor=actor, process=process, note=data["note"])
    return Done(process, "已审核签字")


ACTIONS: dict[ProcessAction, Entry] = {
    A.ADVANCE: Entry(forms.NoteForm, _advance),
    A.RETURN: Entry(forms.ReturnForm, _return),
    A.REJECT: Entry(forms.ReasonForm, _reject),
    A.FACTS: Entry(forms.FactsForm, _facts),
    A.DOCUMENTS: Entry(forms.DocumentsForm, _documents),
    A.FEE: Entry(forms.FeeForm, _fee),
    A.EXTEND: Entry(forms.ApprovalForm, _approval(A.EXTEND)),
    A.SUSPEND: Entry(forms.ApprovalForm, _approval(A.SUSPEND)),
    A.RESUME: Entry(None, _resume),
    A.DECIDE: Entry(forms.DecisionForm, _decide),
    A.SIGN: Entry(forms.NoteForm, _sign),
}


def entry_for(action: str) -> Entry:
    action = ALIASES.get(action, action)
    if action not in ACTIONS:
        raise unknown_action(action, A.values, "业务")
    return ACTIONS[ProcessAction(action)]


def perform(actor, process: Process, action: str, data, files=None) -> Done:
    """Take one step on a process already fetched for this actor: validate `data` (and `files`, the
    scans) with the action's form (a ValidationError naming each field, in Chinese), then call the
    service in one transaction."""
    entry = entry_for(action)
    cleaned = validated(entry.form, data, files)
    with transaction.atomic():
        return entry.step(actor, process, cleaned)
