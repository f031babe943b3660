"""Work-order collaboration (W1, H9, H17): leaders' 督办意见 and 批示 that the unit signs for, and the
staff's internal notes with attachments and @-mentions.

Every write here checks who may do it (so a page and the API cannot differ), records its event on the
order's timeline and sends its alerts in the same transaction."""

import re
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from kefu.accounts.models import Role, User
from kefu.core.alerts import send_alert
from kefu.core.permissions import require
from kefu.core.policies import policy
from kefu.core.uploads import SCANS, check_upload
from kefu.hotline.events import instruction_acknowledged_event, instruction_written_event, note_added_event
from kefu.hotline.models import LeaderInstruction, NoteAttachment, WorkOrder, WorkOrderNote

SUPERVISE = "hotline.supervise_workorder"
TEXT_MAX = 2000
K = LeaderInstruction.Kind
ALERT_SUPERVISION = "hotline.supervision"
ALERT_INSTRUCTION = "hotline.instruction"
ALERT_MENTION = "hotline.mention"
# Registered with the platform in apps.py (kefu.core.alerts refuses an unregistered kind).
ALERT_KINDS = {
    ALERT_SUPERVISION: "督办意见待签收",
    ALERT_INSTRUCTION: "领导批示待签收",
    ALERT_MENTION: "工单备注中提到我",
}
# "@username" or "@姓名": letters (Chinese included), digits, "_", "." and "-" up to a space or a mark.
MENTION = re.compile(r"@([\w.\-]+)")


def order_url(work_order: WorkOrder) -> str:
    return reverse("hotline:work_order", kwargs={"pk": work_order.pk})


def _may_see(user, work_order: WorkOrder) -> bool:
    return (
        user.is_active
        and user.has_perm("hotline.view_workorder")
        and WorkOrder.objects.visible_to(user).filter(pk=work_order.pk).exists()
    )


def _require_sees(user, work_order: WorkOrder) -> None:
    require(user, "hotline.view_workorder")
    if not WorkOrder.objects.visible_to(user).filter(pk=work_order.pk).exists():
        raise PermissionDenied("此工单不在您的权限范围内")


def _text(value: str, *, field: str, label: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: f"请填写{label}"})
    if len(text) > TEXT_MAX:
        raise ValidationError({field: f"{label}不能超过{TEXT_MAX}字（现有{len(text)}字）"})
    return text


# --- 督办意见 and 批示 --------------------------------------------------------------------------------


def signers(work_order: WorkOrder) -> list[User]:
    """Who signs for an instruction on this order: the unit's active staff, else the order's owner."""
    if work_order.unit_id:
        return list(
            User.objects.filter(is_active=True, role=Role.UNIT_STAFF, unit_id=work_order.unit_id).order_by(
                "pk"
            )
        )
    return [work_order.owner] if work_order.owner.is_active else []


def may_supervise(user, work_order: WorkOrder) -> bool:
    return user.has_perm(SUPERVISE)


def may_instruct(user, work_order: WorkOrder) -> bool:
    """A 批示 answers an escalation: a leader's, on an order escalated and still open."""
    return user.has_perm(SUPERVISE) and work_order.escalation_level > 0 and work_order.is_open


def may_acknowledge(user, instruction: LeaderInstruction) -> bool:
    if instruction.is_acknowledged:
        return False
    if instruction.unit_id:
        return user.unit_id == instruction.unit_id and user.has_perm("hotline.handle_workorder")
    return user.pk == instruction.work_order.owner_id


@transaction.atomic
def write_supervision(
    *, actor, work_order: WorkOrder, text: str, reply_by: datetime | None = None
) -> LeaderInstruction:
    """A leader's 督办意见 on any order they may see (H17, W5): the unit must sign for it."""
    if not actor.has_perm(SUPERVISE):
        raise PermissionDenied("只有班长、客服部主任、中心主任可以写督办意见")
    return _write(actor=actor, work_order=work_order, kind=K.SUPERVISION, text=text, reply_by=reply_by)


@transaction.atomic
def record_instruction(
    *, actor, work_order: WorkOrder, text: str, reply_by: datetime | None = None
) -> LeaderInstruction:
    """The 批示 of a leader an order was escalated to (H9, 请示报告制度 7 "对上级指示要详细记载")."""
    if not actor.has_perm(SUPERVISE):
        raise PermissionDenied("只有班长、客服部主任、中心主任可以批示")
    if work_order.escalation_level == 0:
        raise ValidationError({"text": f"工单{work_order.number}未上报，无需批示；如需督办请写督办意见"})
    return _write(actor=actor, work_order=work_order, kind=K.ESCALATION, text=text, reply_by=reply_by)


def _write(*, actor, work_order, kind, text, reply_by) -> LeaderInstruction:
    _require_sees(actor, work_order)
    work_order = WorkOrder.objects.select_related("owner").get(pk=work_order.pk)
    label = K(kind).label
    text = _text(text, field="text", label=label)
    if not work_order.is_open and kind == K.ESCALATION:
        raise ValidationError({"text": f"工单{work_order.number}已办结，无需批示"})
    if reply_by is not None and reply_by <= timezone.now():
        raise ValidationError({"reply_by": "要求答复时间应晚于现在"})
    instruction = LeaderInstruction.objects.create(
        work_order=work_order,
        kind=kind,
        level=work_order.escalation_level if kind == K.ESCALATION else 0,
        text=text,
        reply_by=reply_by,
        author=actor,
        unit_id=work_order.unit_id,
    )
    changes = {"instruction": instruction.pk}
    if reply_by:
        changes["reply_by"] = timezone.localtime(reply_by).strftime("%Y-%m-%d %H:%M")
    instruction_written_event(actor=actor, instruction=instruction, changes=changes, note=text)
    who = actor.name or actor.username
    due = f"，请于{timezone.localtime(reply_by):%m月%d日 %H:%M}前答复" if reply_by else ""
    send_alert(
        recipients=signers(work_order),
        kind=ALERT_SUPERVISION if kind == K.SUPERVISION else ALERT_INSTRUCTION,
        message=f"工单{work_order.number}有{who}的{label}，请签收{due}：{text[:120]}",
        url=order_url(work_order),
        subject=f"hotline.instruction:{instruction.pk}",
    )
    return instruction


@transaction.atomic
def acknowledge(*, actor, instruction: LeaderInstruction, reply: str = "") -> LeaderInstruction:
    """The unit (or, for an order no unit holds, its owner) signs for an instruction, with a reply."""
    instruction = (
        LeaderInstruction.objects.select_for_update(of=("self",))
        .select_related("work_order", "author")
        .get(pk=instruction.pk)
    )
    _require_sees(actor, instruction.work_order)
    if instruction.is_acknowledged:
        raise ValidationError(
            {
                "instruction": f"该{instruction.get_kind_display()}已于"
                f"{timezone.localtime(instruction.acknowledged_at):%m月%d日 %H:%M}签收"
            }
        )
    if not may_acknowledge(actor, instruction):
        raise PermissionDenied(
            "只有责任单位的人员可以签收" if instruction.unit_id else "只有首问责任人可以签收"
        )
    reply = (reply or "").strip()
    if len(reply) > TEXT_MAX:
        raise ValidationError({"reply": f"签收回复不能超过{TEXT_MAX}字（现有{len(reply)}字）"})
    instruction.acknowledged_at = timezone.now()
    instruction.acknowledged_by = actor
    instruction.acknowledgement = reply
    instruction.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement", "updated_at"])
    instruction_acknowledged_event(
        actor=actor,
        instruction=instruction,
        changes={"instruction": instruction.pk},
        note=reply,
    )
    return instruction


def pending_for_unit(unit_id: int | None):
    """The unit's instructions not yet signed for (instruction_pending_idx)."""
    if not unit_id:
        return LeaderInstruction.objects.none()
    return LeaderInstruction.objects.filter(unit_id=unit_id, acknowledged_at__isnull=True)


def pending_by_order(order_ids) -> dict[int, int]:
    """How many instructions wait to be signed for, per order (one query for a page of rows)."""
    counts: dict[int, int] = {}
    rows = LeaderInstruction.objects.filter(
        work_order_id__in=list(order_ids), acknowledged_at__isnull=True
    ).values_list("work_order_id", flat=True)
    for order_id in rows:
        counts[order_id] = counts.get(order_id, 0) + 1
    return counts


def instructed_levels(order_ids) -> set[tuple[int, int]]:
    """(order, level) pairs that have a leader's 批示: the escalated queue shows which wait for one."""
    return set(
        LeaderInstruction.objects.filter(work_order_id__in=list(order_ids), kind=K.ESCALATION).values_list(
            "work_order_id", "level"
        )
    )


# --- internal notes --------------------------------------------------------------------------------


def mentioned_names(text: str) -> list[str]:
    """The names after "@", in order, once each."""
    seen: list[str] = []
    for name in MENTION.findall(text or ""):
        name = name.rstrip(".-")
        if name and name not in seen:
            seen.append(name)
    return seen


def resolve_mentions(text: str, work_order: WorkOrder, *, author=None) -> list[User]:
    """The colleagues `text` mentions, by username or by name; each must be on duty and able to open
    the order (else the alert would lead to a page they may not see)."""
    people: dict[int, User] = {}
    for name in mentioned_names(text):
        matches = list(User.objects.filter(Q(username__iexact=name) | Q(name=name), is_active=True)[:3])
        exact = [u for u in matches if u.username.lower() == name.lower()] or matches
        if not exact:
            raise ValidationError({"text": f"找不到被提及的同事：@{name}（请写用户名或姓名）"})
        if len(exact) > 1:
            raise ValidationError({"text": f"@{name} 对应多位同事，请改用用户名"})
        person = exact[0]
        if not _may_see(person, work_order):
            raise ValidationError(
                {"text": f"@{name}（{person.name or person.username}）无权查看此工单，不能提及"}
            )
        if author is None or person.pk != author.pk:
            people[person.pk] = person
    return list(people.values())


def check_attachments(files) -> list:
    files = [f for f in (files or []) if f]
    limit = policy("hotline.note_attachments_max")
    if len(files) > limit:
        raise ValidationError(
            {"attachments": f"附件最多{limit}个（工单备注附件个数上限），现有{len(files)}个"}
        )
    for file in files:
        check_upload(
            file, field="attachments", label="附件", kinds=SCANS, limit_policy="hotline.note_upload_max_mb"
        )
    return files


@transaction.atomic
def add_note(*, actor, work_order: WorkOrder, text: str, files=()) -> WorkOrderNote:
    """An internal note by anyone who may see the order; attachments are photos or scans (JPG, PNG,
    TIFF, PDF); each colleague @-mentioned gets an alert with a link to the order."""
    _require_sees(actor, work_order)
    text = _text(text, field="text", label="备注内容")
    files = check_attachments(files)
    mentioned = resolve_mentions(text, work_order, author=actor)
    note = WorkOrderNote.objects.create(work_order=work_order, author=actor, text=text)
    if mentioned:
        note.mentions.set(mentioned)
    for file in files:
        name = (file.name or "附件").rsplit("/", 1)[-1][:100]
        NoteAttachment.objects.create(note=note, file=file, name=name, size=file.size or 0)
    changes = {"note": note.pk}
    if files:
        changes["attachments"] = len(files)
    if mentioned:
        changes["mentions"] = [p.name or p.username for p in mentioned]
    note_added_event(actor=actor, note=note, changes=changes)
    if mentioned:
        who = actor.name or actor.username
        send_alert(
            recipients=mentioned,
            kind=ALERT_MENTION,
            message=f"{who}在工单{work_order.number}的备注中提到了您：{text[:120]}",
            url=order_url(work_order),
            subject=f"hotline.note:{note.pk}",
        )
    return note
