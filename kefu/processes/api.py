"""Counter business API: definitions, start, read, transitions, documents (P1–P11). Refusals are 400
with each rule and its Chinese reason under `errors`."""

from datetime import datetime
from decimal import Decimal

from django.utils.datastructures import MultiValueDict
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from pydantic import Field

from kefu.core.permissions import require
from kefu.core.schemas import ObjectId, Schema
from kefu.customers.masking import Masker
from kefu.customers.permissions import get_customer_for
from kefu.processes import actions, services
from kefu.processes.actions import ProcessAction
from kefu.processes.models import Approval, ProcessDefinition, ProcessDocument, StageRun
from kefu.processes.permissions import get_approval_for, get_process_for
from kefu.processes.rules import clean_facts
from kefu.processes.selectors import facts_shown

router = Router(tags=["窗口业务"])


class StageOut(Schema):
    order: int
    code: str
    name: str
    responsible: str
    route: str
    unit_id: int | None
    deadline_unit: str
    deadline_individual: int | None
    deadline_unit_customer: int | None
    documents: list[dict]
    rules: list[str]
    hooks: list[str]
    forms: list[str]
    customer_kinds: list[str]


class DefinitionOut(Schema):
    code: str
    name: str
    description: str
    stages: list[StageOut]


@router.get("/definitions", response=list[DefinitionOut], summary="业务定义及其环节")
def definitions(request):
    require(request.user, "processes.view_processdefinition")
    return [
        {
            "code": d.code,
            "name": d.name,
            "description": d.description,
            "stages": list(d.stages.order_by("order")),
        }
        for d in ProcessDefinition.objects.filter(active=True).prefetch_related("stages")
    ]


class RunOut(Schema):
    stage: str
    entered_at: datetime
    due_at: datetime | None
    left_at: datetime | None
    outcome: str
    note: str


class ProcessOut(Schema):
    id: int
    number: str | None
    definition: str
    customer_id: int
    customer_kind: str
    state: str
    current_stage: str | None
    due_at: datetime | None
    facts: dict
    fee: Decimal
    documents: list[str]
    gate: dict[str, str]
    runs: list[RunOut]


def _out(process, user) -> dict:
    """The process as the API shows it; the documents are read once, for the list and for the gate.
    Facts holding phone or ID numbers are masked as the archive masks them (issue 11 item 3)."""
    documents = list(ProcessDocument.objects.filter(process_id=process.pk).values_list("code", flat=True))
    active = process.current_stage_id and process.state == "active"
    return {
        "id": process.pk,
        "number": process.number,
        "definition": process.definition.code,
        "customer_id": process.customer_id,
        "customer_kind": process.customer_kind,
        "state": process.state,
        "current_stage": process.current_stage.code if process.current_stage_id else None,
        "due_at": process.due_at,
        "facts": facts_shown(process, Masker(user)),
        "fee": process.fee,
        "documents": documents,
        "gate": services.gate(process, have=set(documents)) if active else {},
        "runs": [
            {
                "stage": run.stage.code,
                "entered_at": run.entered_at,
                "due_at": run.due_at,
                "left_at": run.left_at,
                "outcome": run.outcome,
                "note": run.note,
            }
            for run in StageRun.objects.filter(process_id=process.pk).select_related("stage")
        ],
    }


class StartIn(Schema):
    definition: str = Field(..., max_length=40)
    customer_id: ObjectId
    facts: dict = {}


@router.post("", response={201: ProcessOut}, summary="受理业务")
def start(request, payload: StartIn):
    customer = get_customer_for(request.user, payload.customer_id)
    process = services.start_process(
        actor=request.user,
        definition_code=payload.definition,
        customer=customer,
        facts=clean_facts(payload.facts),
    )
    return Status(201, _out(process, request.user))


@router.get("/{int:process_id}", response=ProcessOut, summary="业务详情与环节记录")
def read(request, process_id: int):
    return _out(get_process_for(request.user, process_id), request.user)


class ProcessTransitionIn(Schema):
    action: str = Field(
        ...,
        description="、".join(f"{a.value}（{a.label}）" for a in ProcessAction)
        + "；document 为 documents 的旧名，保留一个版本",
    )
    stage: str = Field("", max_length=40, description="return：退回到的环节")
    reason: str = Field("", max_length=1000)
    note: str = Field(
        "",
        max_length=1000,
        description="advance：办理说明（旧客户端用 reason，仍可用一个版本）；decide：审批说明",
    )
    facts: dict = {}
    documents: list[str] = Field([], description="documents：收到的材料编码")
    document: str = Field("", max_length=40, description="documents：一份材料的编码（旧写法）")
    # A text too, so that "一百" is refused by the fee form in the page's words, not by the schema.
    amount: Decimal | str | None = Field(None, description="fee：收费金额（元）")
    # A text too, so that "三" is refused by the approval form in the page's words; the range is the
    # service's check, for both callers.
    days: int | float | str | None = Field(None, description="extend：延期工作日")
    approval: int | str | None = Field(None, description="decide：审批编号")
    decision: str = Field("", description="decide：approve（批准）或 decline（不批准）")


def _form_data(payload: ProcessTransitionIn) -> dict:
    """The payload in the action forms' words; a field not given is left out, as a page leaves it."""
    advance = payload.action == ProcessAction.ADVANCE
    data = {
        "stage": payload.stage,
        "reason": payload.reason,
        # advance took its note from `reason` before `note` existed: kept for one release.
        "note": payload.note or (payload.reason if advance else ""),
        "facts": payload.facts,
        "code": [*payload.documents, *([payload.document] if payload.document else [])],
        "amount": payload.amount,
        "days": payload.days,
        "approval": payload.approval,
        "decision": payload.decision,
    }
    return {name: value for name, value in data.items() if value is not None}


@router.post(
    "/{int:process_id}/transitions", response=ProcessOut, summary="办理：推进、退回、不予受理、补充信息"
)
def transition(request, process_id: int, payload: ProcessTransitionIn):
    process = get_process_for(request.user, process_id)
    done = actions.perform(request.user, process, payload.action, _form_data(payload))
    # the services return the locked process with its definition and stage: no second fetch
    return _out(done.process, request.user)


@router.post("/{int:process_id}/documents", response={201: ProcessOut}, summary="收取材料（可附扫描件）")
def upload_document(
    request,
    process_id: int,
    code: Form[str],
    note: Form[str] = "",
    # `File[UploadedFile] | None` would make ninja read `file` from the query string, where it never is:
    # the paper was recorded without its scan. Optional inside the marker keeps it a multipart part.
    file: File[UploadedFile | None] = None,
):
    """The same step as the action documents, one document with its scan."""
    process = get_process_for(request.user, process_id)
    data = {"code": [code], "scan_code": [code] if file else [], "note": note[:200]}
    files = MultiValueDict({"file": [file]} if file else {})
    actions.perform(request.user, process, ProcessAction.DOCUMENTS, data, files)
    return Status(201, _out(get_process_for(request.user, process_id), request.user))


class DecisionIn(Schema):
    # Checked by the action decide's form, so that a missing or unknown decision, or a long note, is
    # refused in the approvals page's words.
    decision: str = Field("", description="approve（批准）或 decline（不批准）")
    approve: bool | None = Field(
        None, description="旧写法：true 批准、false 不批准；decision 的别名，保留一个版本"
    )
    note: str = Field("", description="审批说明（至多500字）")

    def as_decision(self) -> str:
        if self.decision or self.approve is None:
            return self.decision
        return "approve" if self.approve else "decline"


class ApprovalOut(Schema):
    id: int
    process_id: int
    kind: str
    days: int
    amount: Decimal
    reason: str
    status: str


@router.get("/approvals/pending", response=list[ApprovalOut], summary="待审批的延期、暂停、退费")
def pending_approvals(request):
    require(request.user, "processes.view_process")
    return list(Approval.objects.filter(status=Approval.Status.PENDING).order_by("created_at")[:200])


@router.post("/approvals/{int:approval_id}/decision", response=ApprovalOut, summary="领导审批")
def decide(request, approval_id: int, payload: DecisionIn):
    """The action decide of the table (as on the approvals page), the approval taken from the address."""
    approval = get_approval_for(request.user, approval_id)
    data = {"approval": approval.pk, "decision": payload.as_decision(), "note": payload.note}
    actions.perform(request.user, approval.process, ProcessAction.DECIDE, data)
    approval.refresh_from_db()
    return approval
