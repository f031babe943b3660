"""督办意见, 批示 and internal notes on the work order's page (W1, H9, H17).

The order is fetched through get_work_order_for (the API's helper too); the services check who may
write or sign. A refusal draws the order's page again with the reason and status 400."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from kefu.core.actions import validated
from kefu.core.responses import bad_request
from kefu.hotline import forms
from kefu.hotline.models import LeaderInstruction, NoteAttachment
from kefu.hotline.permissions import get_work_order_for
from kefu.hotline.services import notes as services

ANCHOR = "#collaboration"


def collaboration_context(user, order) -> dict:
    """The instructions and notes of an order, and the forms this user may use on it."""
    instructions = list(
        order.instructions.select_related("author", "acknowledged_by", "unit").order_by("created_at", "id")
    )
    for instruction in instructions:
        instruction.may_acknowledge = services.may_acknowledge(user, instruction)
    notes = list(
        order.notes.select_related("author")
        .prefetch_related("attachments", "mentions")
        .order_by("created_at", "id")
    )
    return {
        "instructions": instructions,
        "pending_instructions": sum(1 for i in instructions if not i.is_acknowledged),
        "notes": notes,
        "may_supervise": services.may_supervise(user, order),
        "may_instruct": services.may_instruct(user, order),
    }


def _refused(request, order, error):
    from kefu.hotline.views.work_orders import detail_context

    return bad_request(request, "hotline/work_order.html", error, **detail_context(request.user, order))


def _back(order):
    response = redirect("hotline:work_order", pk=order.pk)
    response["Location"] += ANCHOR
    return response


@require_POST
def supervise(request, pk: int):
    """A leader's 督办意见 on the order."""
    order = get_work_order_for(request.user, pk)
    try:
        data = validated(forms.InstructionForm, request.POST)
        services.write_supervision(
            actor=request.user, work_order=order, text=data["text"], reply_by=data["reply_by"]
        )
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, order, error)
    messages.success(request, f"已对工单 {order.number} 写督办意见，待责任单位签收")
    return _back(order)


@require_POST
def instruct(request, pk: int):
    """The 批示 of the leader an order was escalated to."""
    order = get_work_order_for(request.user, pk)
    try:
        data = validated(forms.InstructionForm, request.POST)
        services.record_instruction(
            actor=request.user, work_order=order, text=data["text"], reply_by=data["reply_by"]
        )
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, order, error)
    messages.success(request, f"已记录对工单 {order.number} 的批示")
    return _back(order)


@require_POST
def acknowledge(request, pk: int, instruction_id: int):
    """The unit signs for a 督办意见 or 批示 (签收)."""
    order = get_work_order_for(request.user, pk)
    instruction = LeaderInstruction.objects.filter(pk=instruction_id, work_order=order).first()
    if instruction is None:
        raise Http404("督办意见不存在")
    try:
        data = validated(forms.AcknowledgeForm, request.POST)
        services.acknowledge(actor=request.user, instruction=instruction, reply=data["reply"])
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, order, error)
    messages.success(request, f"已签收{instruction.get_kind_display()}")
    return _back(order)


@require_POST
def add_note(request, pk: int):
    """An internal note, with photos or scans and @-mentions."""
    order = get_work_order_for(request.user, pk)
    try:
        data = validated(forms.WorkOrderNoteForm, request.POST)
        note = services.add_note(
            actor=request.user,
            work_order=order,
            text=data["text"],
            files=request.FILES.getlist("attachments"),
        )
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, order, error)
    told = "、".join(p.name or p.username for p in note.mentions.all())
    messages.success(request, "已添加内部备注" + (f"，已提醒{told}" if told else ""))
    return _back(order)


def note_attachment(request, pk: int, attachment_id: int):
    """A note's photo or scan, to whoever may open the order (never a public media address)."""
    order = get_work_order_for(request.user, pk)
    attachment = NoteAttachment.objects.filter(pk=attachment_id, note__work_order=order).first()
    if attachment is None:
        raise Http404("附件不存在")
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("附件文件已不存在") from None
    return FileResponse(handle, filename=attachment.name)
