"""督办意见, 批示 and internal notes through the API (W1, H9, H17): the page's services and permission
helpers, so the API refuses what the page refuses in the same words (400 with the field, 403, 404)."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from pydantic import Field

from kefu.core.actions import validated
from kefu.core.schemas import Moment, Schema
from kefu.hotline import forms
from kefu.hotline.models import LeaderInstruction, NoteAttachment, WorkOrderNote
from kefu.hotline.permissions import get_work_order_for
from kefu.hotline.services import notes

router = Router(tags=["热线与工单"])


class InstructionOut(Schema):
    id: int
    kind: str = Field(..., description="supervision（督办意见）或 escalation（上报批示）")
    kind_label: str
    level: int = Field(..., description="批示所对应的上报级别；督办意见为0")
    text: str
    reply_by: datetime | None
    author: str
    created_at: datetime
    unit: str | None = Field(..., description="签收单位；为空时由首问责任人签收")
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    acknowledgement: str
    may_acknowledge: bool


class InstructionIn(Schema):
    text: str = Field(..., max_length=2000, description="督办意见或批示内容")
    reply_by: Moment | None = Field(None, description="要求答复时间（可不填）")


class AcknowledgementIn(Schema):
    reply: str = Field("", max_length=2000, description="签收回复（可不填）")


class NoteAttachmentOut(Schema):
    id: int
    name: str
    size: int
    url: str


class WorkOrderNoteOut(Schema):
    id: int
    author: str
    text: str
    created_at: datetime
    mentions: list[str]
    attachments: list[NoteAttachmentOut]


def _person(user) -> str | None:
    return (user.name or user.username) if user else None


def _instruction(instruction: LeaderInstruction, user) -> dict:
    return {
        "id": instruction.pk,
        "kind": instruction.kind,
        "kind_label": instruction.get_kind_display(),
        "level": instruction.level,
        "text": instruction.text,
        "reply_by": instruction.reply_by,
        "author": _person(instruction.author),
        "created_at": instruction.created_at,
        "unit": instruction.unit.name if instruction.unit_id else None,
        "acknowledged_at": instruction.acknowledged_at,
        "acknowledged_by": _person(instruction.acknowledged_by),
        "acknowledgement": instruction.acknowledgement,
        "may_acknowledge": notes.may_acknowledge(user, instruction),
    }


def _note(note: WorkOrderNote) -> dict:
    return {
        "id": note.pk,
        "author": _person(note.author),
        "text": note.text,
        "created_at": note.created_at,
        "mentions": [_person(p) for p in note.mentions.all()],
        "attachments": [
            {
                "id": a.pk,
                "name": a.name,
                "size": a.size,
                "url": f"/api/hotline/work-orders/{note.work_order_id}/notes/attachments/{a.pk}",
            }
            for a in note.attachments.all()
        ],
    }


def _instructions(order):
    return order.instructions.select_related("author", "acknowledged_by", "unit", "work_order").order_by(
        "created_at", "id"
    )


@router.get(
    "/work-orders/{int:order_id}/instructions",
    response=list[InstructionOut],
    summary="工单的督办意见与批示",
)
def list_instructions(request, order_id: int):
    order = get_work_order_for(request.user, order_id)
    return [_instruction(i, request.user) for i in _instructions(order)]


def _written(request, order_id: int, payload: InstructionIn, write) -> Status:
    order = get_work_order_for(request.user, order_id)
    data = validated(forms.InstructionForm, payload.dict())
    instruction = write(actor=request.user, work_order=order, text=data["text"], reply_by=data["reply_by"])
    return Status(201, _instruction(instruction, request.user))


@router.post(
    "/work-orders/{int:order_id}/supervisions",
    response={201: InstructionOut},
    summary="写督办意见（班长、客服部主任、中心主任）",
)
def write_supervision(request, order_id: int, payload: InstructionIn):
    return _written(request, order_id, payload, notes.write_supervision)


@router.post(
    "/work-orders/{int:order_id}/instructions",
    response={201: InstructionOut},
    summary="记录领导对上报工单的批示",
)
def record_instruction(request, order_id: int, payload: InstructionIn):
    return _written(request, order_id, payload, notes.record_instruction)


@router.post(
    "/work-orders/{int:order_id}/instructions/{int:instruction_id}/acknowledgement",
    response=InstructionOut,
    summary="责任单位签收督办意见或批示",
)
def acknowledge_instruction(request, order_id: int, instruction_id: int, payload: AcknowledgementIn):
    order = get_work_order_for(request.user, order_id)
    instruction = LeaderInstruction.objects.filter(pk=instruction_id, work_order=order).first()
    if instruction is None:
        raise Http404("督办意见不存在")
    instruction = notes.acknowledge(actor=request.user, instruction=instruction, reply=payload.reply)
    return _instruction(instruction, request.user)


@router.get("/work-orders/{int:order_id}/notes", response=list[WorkOrderNoteOut], summary="工单内部备注")
def list_notes(request, order_id: int):
    order = get_work_order_for(request.user, order_id)
    rows = order.notes.select_related("author").prefetch_related("attachments", "mentions")
    return [_note(n) for n in rows.order_by("created_at", "id")]


@router.post(
    "/work-orders/{int:order_id}/notes",
    response={201: WorkOrderNoteOut},
    summary="添加内部备注（multipart：text，可附 attachments 照片或扫描件；@用户名 提醒同事）",
)
def add_note(
    request,
    order_id: int,
    text: Form[str] = "",
    # Optional inside the marker keeps the files multipart parts (see processes.api.upload_document).
    attachments: File[list[UploadedFile] | None] = None,
):
    order = get_work_order_for(request.user, order_id)
    if len(text) > notes.TEXT_MAX:
        raise ValidationError({"text": f"备注内容不能超过{notes.TEXT_MAX}字（现有{len(text)}字）"})
    note = notes.add_note(actor=request.user, work_order=order, text=text, files=attachments or [])
    return Status(201, _note(note))


@router.get(
    "/work-orders/{int:order_id}/notes/attachments/{int:attachment_id}",
    response={200: None},
    summary="下载备注附件",
)
def note_attachment(request, order_id: int, attachment_id: int):
    order = get_work_order_for(request.user, order_id)
    attachment = NoteAttachment.objects.filter(pk=attachment_id, note__work_order=order).first()
    if attachment is None:
        raise Http404("附件不存在")
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("附件文件已不存在") from None
    return FileResponse(handle, filename=attachment.name)
