"""Demo of work-order collaboration (W1, H17): on `make run` a few of the demo's orders carry the
leaders' 督办意见 (most signed for by the branch, one still outstanding on unit11's queue), a 批示 on
an escalated complaint, and internal notes with an @-mention, each written at a realistic past time
through the services (so the timeline, the alerts and the W5 summary read like a real week)."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from kefu.accounts.models import Role, Unit, User
from kefu.core.registry import Seeder
from kefu.hotline.demo import at
from kefu.hotline.models import LeaderInstruction, WorkOrder
from kefu.hotline.services import notes

SUPERVISIONS = [
    # (instruction, the branch's reply when it signs, signed?); the most recent order's is still unsigned
    ("停水已超过12小时，请说明原因和预计恢复时间，必要时安排送水。", "", False),
    ("该片区一周内第二次报漏水，请分公司今日派人复查管网并回复处理情况。", "已安排维修班下午到场复查", True),
    ("客户为独居老人，请优先安排上门，处理完毕后电话告知客户。", "已优先安排，今天上午上门", True),
]
NOTES = [
    "客户白天不在家，下午5点后可上门，已与客户确认。",
    "现场查看为表前阀门老化渗漏，需停水更换，已约客户明早9点。",
]


def _person(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def _between(start, now, after: timedelta):
    """`after` past `start`, or halfway to now when that would be in the future."""
    return start + min(after, (now - start) / 2)


def _candidates(unit_ids: list[int], *, opened_before) -> list[WorkOrder]:
    """Open orders of these units, the first unit's first, most recent first, opened a while ago."""
    orders = []
    for unit_id in unit_ids:
        orders += list(
            WorkOrder.objects.filter(unit_id=unit_id, created_at__lt=opened_before)
            .exclude(state=WorkOrder.State.CLOSED)
            .select_related("contact", "owner", "unit")
            .order_by("-created_at")[:5]
        )
    return orders


def _signer(order) -> User | None:
    return (
        User.objects.filter(is_active=True, role=Role.UNIT_STAFF, unit_id=order.unit_id)
        .order_by("username")
        .first()
    )


def seed_collaboration(options: dict) -> list[str]:
    if LeaderInstruction.objects.exists():
        return ["督办意见与内部备注：已有，跳过"]
    head, leader, director = _person("head"), _person("leader1"), _person("director")
    unit_person = _person("unit11")
    if not (head and leader and unit_person and unit_person.unit_id):
        return []
    now = timezone.now()
    # unit11's branch first (its dispatcher finds the outstanding one on the queue), then the others'.
    branches = list(
        Unit.objects.filter(kind=Unit.Kind.BRANCH)
        .exclude(pk=unit_person.unit_id)
        .values_list("pk", flat=True)
    )
    orders = _candidates([unit_person.unit_id, *branches], opened_before=now - timedelta(hours=1))
    if not orders:
        return []
    written = signed = noted = 0
    for order, (text, reply, is_signed), author in zip(
        orders, SUPERVISIONS, [head, leader, head], strict=False
    ):
        # A leader writes an hour or two after the order came in; the branch signs half an hour later.
        moment = _between(order.created_at, now, timedelta(hours=2))
        with at(moment):
            instruction = notes.write_supervision(actor=author, work_order=order, text=text)
        written += 1
        signer = _signer(order)
        if is_signed and signer is not None:
            with at(_between(moment, now, timedelta(minutes=35))):
                notes.acknowledge(actor=signer, instruction=instruction, reply=reply)
            signed += 1
    # Internal notes: the branch's dispatcher on the first order, mentioning its owner; an agent's on another.
    for order, text in zip(orders[:2], NOTES, strict=False):
        moment = _between(order.created_at, now, timedelta(hours=1))
        owner = order.owner
        writer = _signer(order) or owner
        mention = f" @{owner.username}" if owner.is_active and owner.pk != writer.pk else ""
        with at(moment):
            notes.add_note(actor=writer, work_order=order, text=text + mention)
        noted += 1
    # A 批示 on an escalated complaint, if the demo has one open.
    escalated = (
        # one a branch holds, so that someone signs for it (a 上级督办 call sits with the leaders)
        WorkOrder.objects.filter(escalation_level__gt=0, unit__kind=Unit.Kind.BRANCH)
        .exclude(state=WorkOrder.State.CLOSED)
        .filter(Q(escalated_at__lt=now - timedelta(hours=1)))
        .order_by("-escalated_at")
        .first()
    )
    instructed = 0
    if escalated is not None:
        by = director if escalated.escalation_level >= 3 and director else head
        moment = _between(escalated.escalated_at, now, timedelta(minutes=40))
        with at(moment):
            notes.record_instruction(
                actor=by,
                work_order=escalated,
                text="请责任单位三日内查清事实，向客户当面说明处理结果，并将处理情况书面报客服部。",
            )
        instructed = 1
    outstanding = written - signed
    return [
        f"督办意见：{written} 条（已签收 {signed}，待签收 {outstanding}，见 unit11 的“本单位工单”），"
        f"上报批示 {instructed} 条，内部备注 {noted} 条"
    ]


SEEDER = Seeder("hotline_collaboration", 46, seed_collaboration)
