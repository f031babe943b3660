"""The key cabinet's writes (D4; 物业客服规章制度·钥匙管理规定).

Keys are sorted as the seed says (2(2)①③): owners' keys by flat, five kinds each (防盗铁门、单元门、
室内门、电子对讲门、信报箱); public doors and windows by floor; equipment rooms by equipment, held by
工程部 (3(2)①). Each carries a label "栋号-单元、楼层房号或设施设备房名称" (rule
archives.key_label_format), unique within its estate and kind.

A loan (《房屋钥匙管理记录表》, 2(1)②, 3(2)③) is for work only and never in a private name (2(1)①): a
purpose is required, the borrower is an active member of staff who signs, and the registrar may not lend
to themselves without a work order; one loan is out per key at a time (a database constraint); a key
issued to its owner or lost is not in the cabinet. An owner's keys go to the owner only after the
occupant's identity is checked, and the owner signs (3(1)). A public or equipment-room key is copied only
with the engineering manager's consent (3(2)②); copying an owner's key is the owner's own business.
Every step is an event on the key (its 履历)."""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from kefu.accounts.models import Role, User
from kefu.archives.events import KeyEvents, archives_event
from kefu.archives.models import Key, KeyCopyRequest, KeyIssue, KeyLoan
from kefu.archives.sources import KEYS
from kefu.core.alerts import send_alert
from kefu.core.permissions import require
from kefu.core.policies import policy
from kefu.core.validators import normalise_resident_id
from kefu.customers.models import Customer

ALERT_KINDS: dict[str, str] = {
    "archives.key_overdue": "钥匙逾期未还",
    "archives.keycopy_requested": "钥匙配制待同意",
}

CUSTOMER_SERVICE = "客户服务部"
ENGINEERING = "工程部"
RESIDENT_ID = "居民身份证"
# What a customer-service clerk checks the occupant's identity against (3(1) 验证客户的入住身份).
IDENTITY_DOCUMENTS = (RESIDENT_ID, "入伙通知书", "不动产权证书", "购房合同", "护照", "其他证件")
EQUIPMENT_ROOMS = ("水泵房", "配电房", "消防控制室", "电梯机房", "监控室", "发电机房", "中水机房")
PUBLIC_DOOR = "公共门窗"
MAX_COPIES = 20
LABEL_FIELDS = ("building", "entrance", "floor", "room")
_SAMPLE = {"building": "3", "entrance": "2", "floor": "05", "room": "0502"}


# ---------------------------------------------------------------- labels


def check_label_format(value: str) -> None:
    """The rule archives.key_label_format names only the four parts and yields a label."""
    try:
        label = value.format(**_SAMPLE)
    except (KeyError, IndexError, ValueError):
        raise ValidationError(
            "标签格式只能使用 {building}、{entrance}、{floor}、{room} 四个占位符，例如 "
            "{building}栋-{entrance}单元-{floor}层-{room}"
        ) from None
    if "{room}" not in value or "{building}" not in value:
        raise ValidationError("标签格式须含栋号 {building} 和房号 {room}（钥匙管理规定2(2)②）")
    if len(label) > 60:
        raise ValidationError("标签格式过长：示例标签超过60个字符")


def _part(value, limit: int = 10) -> str:
    return str(value if value is not None else "").strip()[:limit]


def floor_text(value) -> str:
    """Floors as two digits ("5" → "05", "-1" stays), so that labels sort and read alike."""
    text = _part(value)
    return text.zfill(2) if text.isascii() and text.isdigit() else text


def build_label(
    *, kind: str, building="", entrance="", floor="", room="", equipment_room="", pattern: str | None = None
) -> str:
    """The label the seed asks for: "3栋-2单元-05层-0502" (rule archives.key_label_format), a public
    door "3栋-2单元-05层-公共门窗", an equipment room by its name ("1栋-水泵房" when in a building)."""
    if kind == Key.Kind.EQUIPMENT:
        return f"{building}栋-{equipment_room}" if building else equipment_room
    parts = {"building": building, "entrance": entrance, "floor": floor, "room": room or PUBLIC_DOOR}
    return str(pattern or policy("archives.key_label_format")).format(**parts)[:80]


# ---------------------------------------------------------------- registering


def _check_key_fields(*, kind, owner_kind, estate, building, entrance, floor, room, equipment_room):
    if kind not in Key.Kind.values:
        raise ValidationError({"kind": "钥匙类别应为业主钥匙、公共区域门窗钥匙或设施设备房钥匙"})
    if not estate:
        raise ValidationError({"estate": "请填写小区名称"})
    if kind == Key.Kind.OWNER:
        if owner_kind not in Key.OwnerKind.values:
            raise ValidationError(
                {
                    "owner_kind": "业主钥匙须注明种类：防盗铁门、单元门、室内门、电子对讲门或信报箱"
                    f"（{KEYS}2(2)③）"
                }
            )
        parts = (("栋号", building), ("单元", entrance), ("楼层", floor), ("房号", room))
        missing = [name for name, value in parts if not value]
        if missing:
            raise ValidationError(
                {"label": f"业主钥匙按住户套房分类，须填写{'、'.join(missing)}（{KEYS}2(2)①②）"}
            )
    elif owner_kind:
        raise ValidationError({"owner_kind": "只有业主钥匙分防盗铁门、单元门等五类"})
    if kind == Key.Kind.PUBLIC and not (building and entrance and floor):
        raise ValidationError({"label": f"公共区域门窗钥匙按楼层分类，须填写栋号、单元和楼层（{KEYS}2(2)①）"})
    if kind == Key.Kind.EQUIPMENT and not equipment_room:
        raise ValidationError(
            {"equipment_room": f"设施设备房钥匙按设备分类，须填写设施设备房名称（{KEYS}2(2)①）"}
        )


@transaction.atomic
def register_key(
    *,
    actor,
    kind: str,
    estate: str,
    owner_kind: str = "",
    building: str = "",
    entrance: str = "",
    floor: str = "",
    room: str = "",
    equipment_room: str = "",
    copies: int = 1,
    custodian: User | None = None,
    note: str = "",
) -> Key:
    """Put a key (a bunch under one label) into the cabinet. Equipment-room keys are held by 工程部
    (3(2)①); the others by 客户服务部, kept by the member of staff in charge (2(1), the registrar unless
    another custodian is named)."""
    require(actor, "archives.add_key")
    key = _new_key(
        actor=actor,
        kind=kind,
        estate=estate,
        owner_kind=owner_kind,
        building=building,
        entrance=entrance,
        floor=floor,
        room=room,
        equipment_room=equipment_room,
        copies=copies,
        custodian=custodian,
        note=note,
    )
    if Key.objects.filter(
        estate=key.estate, label=key.label, kind=key.kind, owner_kind=key.owner_kind
    ).exists():
        shown = f"{key.label}（{key.get_owner_kind_display()}）" if key.owner_kind else key.label
        raise ValidationError({"label": f"{key.estate}的钥匙「{shown}」已登记入柜，标签不能重复"})
    key.save()
    _registered_event(actor, key)
    return key


def _new_key(
    *,
    actor,
    kind,
    estate,
    owner_kind,
    building,
    entrance,
    floor,
    room,
    equipment_room,
    copies,
    custodian,
    note,
    pattern: str | None = None,
) -> Key:
    estate, building, entrance, room = _part(estate, 60), _part(building), _part(entrance), _part(room)
    floor, equipment_room, owner_kind = floor_text(floor), _part(equipment_room, 60), _part(owner_kind, 16)
    _check_key_fields(
        kind=kind,
        owner_kind=owner_kind,
        estate=estate,
        building=building,
        entrance=entrance,
        floor=floor,
        room=room,
        equipment_room=equipment_room,
    )
    if not isinstance(copies, int) or not 1 <= copies <= MAX_COPIES:
        raise ValidationError({"copies": f"把数应为1至{MAX_COPIES}"})
    equipment = kind == Key.Kind.EQUIPMENT
    if custodian is not None and not (custodian.is_active and custodian.role):
        raise ValidationError({"custodian": f"专职保管人须为在职员工（{KEYS}2(1)：安排专职人员管理钥匙）"})
    if custodian is None and not equipment:
        custodian = actor if getattr(actor, "pk", None) else None
    return Key(
        kind=kind,
        owner_kind=owner_kind if kind == Key.Kind.OWNER else "",
        estate=estate,
        building=building,
        entrance=entrance,
        floor=floor if not equipment else _part(floor),
        room=room if not equipment else "",
        equipment_room=equipment_room if equipment else "",
        label=build_label(
            kind=kind,
            building=building,
            entrance=entrance,
            floor=floor,
            room=room,
            equipment_room=equipment_room,
            pattern=pattern,
        ),
        copies=copies,
        holder_department=ENGINEERING if equipment else CUSTOMER_SERVICE,
        custodian=custodian,
        note=_part(note, 200),
    )


def _registered_event(actor, key: Key) -> None:
    archives_event(
        actor=actor,
        target=key,
        verb=KeyEvents.REGISTERED,
        changes={
            "label": key.label,
            "kind": str(key.get_kind_display()),
            "owner_kind": str(key.get_owner_kind_display()) if key.owner_kind else "",
            "holder_department": key.holder_department,
            "copies": key.copies,
        },
        note=key.estate,
    )


@transaction.atomic
def bulk_register_estate(
    *,
    actor,
    estate: str,
    buildings: int,
    entrances: int,
    floors: int,
    flats_per_floor: int,
    equipment_rooms: tuple[str, ...] | list[str] = (),
    owner_kinds: tuple[str, ...] | list[str] | None = None,
    public_doors: bool = True,
    custodian: User | None = None,
    engineering_custodian: User | None = None,
) -> int:
    """Register an estate's keys at once (a takeover of the buildings, 2(1) 接管楼宇房屋钥匙): each flat's
    owner keys of every kind, the public doors of each floor, and the equipment rooms. Keys already
    registered are left as they are; returns how many were added."""
    require(actor, "archives.add_key")
    sizes = {
        "buildings": buildings,
        "entrances": entrances,
        "floors": floors,
        "flats_per_floor": flats_per_floor,
    }
    for field, value in sizes.items():
        if not isinstance(value, int) or not 1 <= value <= 60:
            raise ValidationError({field: "栋数、单元数、楼层数、每层户数应为1至60"})
    if buildings * entrances * floors * flats_per_floor > 5000:
        raise ValidationError({"flats_per_floor": "一次最多登记5000户，请分批登记"})
    kinds = list(owner_kinds) if owner_kinds is not None else list(Key.OwnerKind.values)
    wanted: list[dict] = []
    for b in range(1, buildings + 1):
        for e in range(1, entrances + 1):
            for f in range(1, floors + 1):
                for n in range(1, flats_per_floor + 1):
                    room = f"{f:02d}{n:02d}"
                    wanted += [
                        {
                            "kind": Key.Kind.OWNER,
                            "owner_kind": k,
                            "building": str(b),
                            "entrance": str(e),
                            "floor": str(f),
                            "room": room,
                        }
                        for k in kinds
                    ]
                if public_doors:
                    wanted.append(
                        {"kind": Key.Kind.PUBLIC, "building": str(b), "entrance": str(e), "floor": str(f)}
                    )
    wanted += [{"kind": Key.Kind.EQUIPMENT, "equipment_room": name} for name in equipment_rooms]
    keys = []
    pattern = str(policy("archives.key_label_format"))
    for fields in wanted:
        equipment = fields["kind"] == Key.Kind.EQUIPMENT
        keys.append(
            _new_key(
                actor=actor,
                estate=estate,
                owner_kind=fields.get("owner_kind", ""),
                building=fields.get("building", ""),
                entrance=fields.get("entrance", ""),
                floor=fields.get("floor", ""),
                room=fields.get("room", ""),
                equipment_room=fields.get("equipment_room", ""),
                kind=fields["kind"],
                copies=1 if equipment else 2 if fields["kind"] == Key.Kind.PUBLIC else 3,
                custodian=engineering_custodian if equipment else custodian,
                note="",
                pattern=pattern,
            )
        )
    existing = set(Key.objects.filter(estate=_part(estate, 60)).values_list("label", "kind", "owner_kind"))
    new = [k for k in keys if (k.label, k.kind, k.owner_kind) not in existing]
    # SQLite (3.35+) and PostgreSQL both return the new ids, which the events need.
    for key in Key.objects.bulk_create(new, batch_size=500):
        _registered_event(actor, key)
    return len(new)


@transaction.atomic
def report_lost(*, actor, key: Key, note: str) -> Key:
    """A key gone missing: not lent nor issued from now on; a loan still open is closed with it."""
    require(actor, "archives.change_key")
    key = Key.objects.select_for_update().get(pk=key.pk)
    note = _part(note, 200)
    if not note:
        raise ValidationError({"note": "请说明遗失经过"})
    if key.state in (Key.State.LOST, Key.State.ISSUED):
        raise ValidationError({"key": f"钥匙「{key.label}」为「{key.get_state_display()}」，不在柜中保管"})
    open_loan = KeyLoan.objects.filter(key=key, returned_at__isnull=True).first()
    if open_loan is not None:
        KeyLoan.objects.filter(pk=open_loan.pk).update(returned_at=timezone.now(), received_by=actor)
    old = key.get_state_display()
    key.state = Key.State.LOST
    key.save(update_fields=["state", "updated_at"])
    archives_event(
        actor=actor,
        target=key,
        verb=KeyEvents.LOST,
        changes={"state": [str(old), str(Key.State.LOST.label)]},
        note=note + (f"（借用人{open_loan.borrower}借用中遗失）" if open_loan else ""),
    )
    return key


# ---------------------------------------------------------------- loans (《房屋钥匙管理记录表》)


def is_staff_member(person) -> bool:
    return bool(person is not None and getattr(person, "pk", None) and person.is_active and person.role)


@transaction.atomic
def lend(
    *,
    actor,
    key: Key,
    borrower: User | None,
    purpose: str,
    work_reference: str = "",
    due_at: datetime | None = None,
    borrower_signed: bool = False,
) -> KeyLoan:
    """Register a loan for work in 《房屋钥匙管理记录表》: the borrower signs, the return is due."""
    require(actor, "archives.lend_key")
    purpose, work_reference = _part(purpose, 200), _part(work_reference, 40)
    if not purpose:
        raise ValidationError(
            {"purpose": f"请填写借用事由：非工作需要任何人不得以私人名义借出钥匙（{KEYS}2(1)①）"}
        )
    if not is_staff_member(borrower):
        raise ValidationError(
            {"borrower": f"借用人须为本单位在职员工，钥匙不得以私人名义借出（{KEYS}2(1)①）"}
        )
    if borrower.pk == actor.pk and not work_reference:
        raise ValidationError(
            {"work_reference": f"登记人借给本人须填写工作单号，证明是工作需要（{KEYS}2(1)①）"}
        )
    if not borrower_signed:
        raise ValidationError(
            {"borrower_signed": f"借用人须在《房屋钥匙管理记录表》上签字后方可借出（{KEYS}2(1)②、3(2)③）"}
        )
    key = Key.objects.select_for_update().get(pk=key.pk)
    if key.state == Key.State.ISSUED:
        raise ValidationError({"key": f"钥匙「{key.label}」已发放业主，不在柜中，不能借出"})
    if key.state == Key.State.LOST:
        raise ValidationError({"key": f"钥匙「{key.label}」已登记遗失，不能借出"})
    out = KeyLoan.objects.filter(key=key, returned_at__isnull=True).select_related("borrower").first()
    if out is not None or key.state == Key.State.LENT:
        who = f"（借用人{out.borrower}，应还{timezone.localtime(out.due_at):%m-%d %H:%M}）" if out else ""
        raise ValidationError({"key": f"钥匙「{key.label}」已借出未还{who}，一把钥匙同一时间只借给一人"})
    if key.kind == Key.Kind.OWNER:
        if not policy("archives.owner_key_loan_for_work"):
            raise ValidationError({"key": "业主钥匙不借出（业务规则 archives.owner_key_loan_for_work 为否）"})
        if not work_reference:
            raise ValidationError(
                {"work_reference": "业主钥匙只凭工作单借出（如经业主同意的入户维修），请填写工作单号"}
            )
    now = timezone.now()
    default_hours = policy("archives.key_loan_hours")
    max_hours = policy("archives.key_loan_max_hours")
    due_at = due_at or now + timedelta(hours=default_hours)
    if due_at <= now:
        raise ValidationError({"due_at": "应还时间须晚于现在"})
    if due_at > now + timedelta(hours=max_hours):
        raise ValidationError(
            {"due_at": f"借用时间最长{max_hours}小时（业务规则 archives.key_loan_max_hours），请缩短应还时间"}
        )
    try:
        with transaction.atomic():
            loan = KeyLoan.objects.create(
                key=key,
                borrower=borrower,
                purpose=purpose,
                work_reference=work_reference,
                lent_by=actor,
                lent_at=now,
                borrower_signed_at=now,
                due_at=due_at,
            )
    except IntegrityError:
        raise ValidationError({"key": f"钥匙「{key.label}」已借出未还，一把钥匙同一时间只借给一人"}) from None
    key.state = Key.State.LENT
    key.save(update_fields=["state", "updated_at"])
    archives_event(
        actor=actor,
        target=key,
        verb=KeyEvents.LENT,
        changes={
            "loan": loan.pk,
            "borrower": str(borrower),
            "purpose": purpose,
            "work_reference": work_reference,
            "due_at": f"{timezone.localtime(due_at):%Y-%m-%d %H:%M}",
            "state": [str(Key.State.IN_CABINET.label), str(Key.State.LENT.label)],
        },
        note=f"借用人{borrower}签字",
    )
    return loan


@transaction.atomic
def return_key(*, actor, loan: KeyLoan) -> KeyLoan:
    """The key back in the cabinet; the receiver is recorded."""
    require(actor, "archives.lend_key")
    loan = KeyLoan.objects.select_for_update().select_related("key", "borrower").get(pk=loan.pk)
    if loan.returned_at is not None:
        raise ValidationError(
            {"loan": f"该借用已于{timezone.localtime(loan.returned_at):%Y-%m-%d %H:%M}归还"}
        )
    now = timezone.now()
    loan.returned_at, loan.received_by = now, actor
    loan.save(update_fields=["returned_at", "received_by", "updated_at"])
    key = Key.objects.select_for_update().get(pk=loan.key_id)
    if key.state == Key.State.LENT:
        key.state = Key.State.IN_CABINET
        key.save(update_fields=["state", "updated_at"])
    late = now > loan.due_at
    archives_event(
        actor=actor,
        target=key,
        verb=KeyEvents.RETURNED,
        changes={
            "loan": loan.pk,
            "borrower": str(loan.borrower),
            "state": [str(Key.State.LENT.label), str(Key.State.IN_CABINET.label)],
            "late": "逾期归还" if late else "",
        },
    )
    return loan


# ---------------------------------------------------------------- issuing to the owner (3(1))


def _check_identity(customer: Customer, document: str, number: str) -> str:
    if document not in IDENTITY_DOCUMENTS:
        raise ValidationError({"identity_document": f"请选择核验的证件：{'、'.join(IDENTITY_DOCUMENTS)}"})
    if not number:
        raise ValidationError(
            {"identity_number": f"请先验证客户的入住身份，填写所核验证件的号码（{KEYS}3(1)）"}
        )
    if document == RESIDENT_ID:
        try:
            number = normalise_resident_id(number)
        except ValidationError as error:
            raise ValidationError({"identity_number": error.messages[0]}) from None
        if (
            customer.id_type == Customer.IdType.RESIDENT_ID
            and customer.id_number
            and customer.id_number != number
        ):
            raise ValidationError(
                {
                    "identity_number": "身份证号码与业主档案登记的不符，入住身份核验未通过，"
                    f"不能发放钥匙（{KEYS}3(1)）"
                }
            )
    return number[:30]


@transaction.atomic
def issue_to_owner(
    *,
    actor,
    customer: Customer,
    keys: list[Key],
    identity_document: str,
    identity_number: str,
    owner_signed: bool,
) -> KeyIssue:
    """Hand a flat's keys to its owner: identity checked first, then the owner signs for them, each kind
    registered (分类登记)."""
    require(actor, "archives.issue_key")
    number = _check_identity(customer, _part(identity_document, 30), _part(identity_number, 30))
    if not owner_signed:
        raise ValidationError({"owner_signed": f"须由业主签领钥匙（{KEYS}3(1)：由业主签领钥匙，并分类登记）"})
    if not keys:
        raise ValidationError({"keys": "请选择发放的钥匙"})
    locked = list(Key.objects.select_for_update().filter(pk__in=[k.pk for k in keys]).order_by("owner_kind"))
    if any(k.kind != Key.Kind.OWNER for k in locked):
        raise ValidationError({"keys": "只发放业主钥匙；公共门窗和设施设备房钥匙不发给业主"})
    flats = {(k.estate, k.building, k.entrance, k.floor, k.room) for k in locked}
    if len(flats) != 1:
        raise ValidationError({"keys": "一次只发放同一户的钥匙"})
    others = [k for k in locked if k.customer_id and k.customer_id != customer.pk]
    if others:
        raise ValidationError({"keys": f"钥匙「{others[0].label}」登记的业主不是{customer.name}"})
    away = [k for k in locked if k.state != Key.State.IN_CABINET]
    if away:
        k = away[0]
        raise ValidationError(
            {
                "keys": f"{k.label} {k.get_owner_kind_display()}钥匙为「{k.get_state_display()}」，"
                "不在柜中，不能发放"
            }
        )
    now = timezone.now()
    issue = KeyIssue.objects.create(
        customer=customer,
        identity_document=_part(identity_document, 30),
        identity_number=number,
        identity_checked_by=actor,
        owner_signed_at=now,
        issued_at=now,
    )
    issue.keys.set(locked)
    for key in locked:
        key.state, key.customer = Key.State.ISSUED, customer
        key.save(update_fields=["state", "customer", "updated_at"])
        archives_event(
            actor=actor,
            target=key,
            verb=KeyEvents.ISSUED,
            changes={
                "issue": issue.pk,
                "customer": customer.number,
                "identity_document": issue.identity_document,
                "state": [str(Key.State.IN_CABINET.label), str(Key.State.ISSUED.label)],
            },
            note=f"{customer.name}核验身份后签领",
        )
    return issue


# ---------------------------------------------------------------- copies (3(2)②)


def consenters() -> list[User]:
    """Who may consent to a copy: the holders of archives.consent_keycopy (the engineering managers by
    default, 3(2)② 工程部经理或主管), through their role's group or given to them directly."""
    granted = Q(groups__permissions__codename="consent_keycopy") | Q(
        user_permissions__codename="consent_keycopy"
    )
    return list(User.objects.filter(granted, is_active=True).exclude(role="").distinct().order_by("pk")[:20])


@transaction.atomic
def request_copy(*, actor, key: Key, copies: int, reason: str) -> KeyCopyRequest:
    require(actor, "archives.add_keycopyrequest")
    reason = _part(reason, 200)
    key = Key.objects.select_for_update().get(pk=key.pk)
    if key.kind == Key.Kind.OWNER:
        raise ValidationError(
            {
                "key": "业主钥匙由业主自行配制，客服中心不代为配制；"
                "只有公用门窗、设施设备房钥匙经工程部经理同意后配制"
            }
        )
    if not reason:
        raise ValidationError({"reason": "请填写配制事由（因工作需要）"})
    if not isinstance(copies, int) or not 1 <= copies <= MAX_COPIES:
        raise ValidationError({"copies": f"配制把数应为1至{MAX_COPIES}"})
    if KeyCopyRequest.objects.filter(
        key=key, state__in=[KeyCopyRequest.State.REQUESTED, KeyCopyRequest.State.CONSENTED]
    ).exists():
        raise ValidationError({"key": f"钥匙「{key.label}」已有未办结的配制申请"})
    request = KeyCopyRequest.objects.create(
        key=key, copies=copies, reason=reason, requested_by=actor, requested_at=timezone.now()
    )
    archives_event(
        actor=actor,
        target=key,
        verb=KeyEvents.COPY_REQUESTED,
        changes={"request": request.pk, "copies": copies, "reason": reason},
    )
    send_alert(
        recipients=[u for u in consenters() if u.pk != actor.pk],
        kind="archives.keycopy_requested",
        message=f"{actor}申请配制钥匙「{key.label}」{copies}把：{reason}",
        url=reverse("archives:key_copies"),
        subject=f"archives.keycopyrequest:{request.pk}",
    )
    return request


def _decidable(actor, request: KeyCopyRequest) -> KeyCopyRequest:
    require(actor, "archives.consent_keycopy")
    request = KeyCopyRequest.objects.select_for_update().select_related("key").get(pk=request.pk)
    if request.requested_by_id == actor.pk:
        raise PermissionDenied("申请人不能决定自己的配制申请，须由工程部经理或主管同意")
    if request.state != KeyCopyRequest.State.REQUESTED:
        raise ValidationError({"state": f"该申请为「{request.get_state_display()}」，不能再作决定"})
    return request


@transaction.atomic
def consent(*, actor, request: KeyCopyRequest, note: str = "") -> KeyCopyRequest:
    """The engineering manager (or supervisor) consents to a copy of a public or equipment-room key."""
    request = _decidable(actor, request)
    request.state, request.decided_by, request.decided_at = (
        KeyCopyRequest.State.CONSENTED,
        actor,
        timezone.now(),
    )
    request.save(update_fields=["state", "decided_by", "decided_at", "updated_at"])
    archives_event(
        actor=actor,
        target=request.key,
        verb=KeyEvents.COPY_CONSENTED,
        changes={"request": request.pk, "copies": request.copies},
        note=_part(note, 200),
    )
    return request


@transaction.atomic
def refuse(*, actor, request: KeyCopyRequest, reason: str) -> KeyCopyRequest:
    request = _decidable(actor, request)
    reason = _part(reason, 200)
    if not reason:
        raise ValidationError({"reason": "请填写不同意配制的理由"})
    request.state, request.decided_by, request.decided_at = (
        KeyCopyRequest.State.REFUSED,
        actor,
        timezone.now(),
    )
    request.save(update_fields=["state", "decided_by", "decided_at", "updated_at"])
    archives_event(
        actor=actor,
        target=request.key,
        verb=KeyEvents.COPY_REFUSED,
        changes={"request": request.pk, "copies": request.copies},
        note=reason,
    )
    return request


@transaction.atomic
def record_copy_made(*, actor, request: KeyCopyRequest) -> KeyCopyRequest:
    """The copies are made (after consent only) and counted into the key's bunch."""
    require(actor, "archives.change_key")
    request = KeyCopyRequest.objects.select_for_update().select_related("key").get(pk=request.pk)
    if request.state != KeyCopyRequest.State.CONSENTED:
        raise ValidationError(
            {
                "state": f"未经工程部经理或主管同意，任何人不得私配钥匙（{KEYS}3(2)②）；"
                f"该申请为「{request.get_state_display()}」"
            }
        )
    request.state, request.made_at = KeyCopyRequest.State.MADE, timezone.now()
    request.save(update_fields=["state", "made_at", "updated_at"])
    Key.objects.filter(pk=request.key_id).update(
        copies=F("copies") + request.copies, updated_at=timezone.now()
    )
    key = Key.objects.get(pk=request.key_id)
    archives_event(
        actor=actor,
        target=key,
        verb=KeyEvents.COPY_MADE,
        changes={"request": request.pk, "copies": [key.copies - request.copies, key.copies]},
    )
    return request


# ---------------------------------------------------------------- the job


def keepers(key: Key) -> list[User]:
    """Who keeps the cabinet for this key: its custodian, and the archive room (for customer-service keys)
    or the engineering managers (for equipment-room keys, held by 工程部)."""
    role = Role.ENGINEERING_MANAGER if key.holder_department == ENGINEERING else Role.ARCHIVIST
    people = list(User.objects.filter(role=role, is_active=True).order_by("pk")[:10])
    if key.custodian_id and key.custodian not in people:
        people.append(key.custodian)
    return people


def run_due(now) -> list[str]:
    """Loans past their return time: the borrower and the keepers are told once (claimed by a conditional
    UPDATE on overdue_alerted, so two workers never alert twice)."""
    due = KeyLoan.objects.filter(returned_at__isnull=True, due_at__lt=now, overdue_alerted=False).values_list(
        "pk", flat=True
    )
    flagged = 0
    for pk in list(due[:1000]):
        with transaction.atomic():
            if not KeyLoan.objects.filter(pk=pk, overdue_alerted=False).update(overdue_alerted=True):
                continue
            loan = KeyLoan.objects.select_related("key__custodian", "borrower").get(pk=pk)
            key = loan.key
            due_text = f"{timezone.localtime(loan.due_at):%m-%d %H:%M}"
            send_alert(
                recipients=[loan.borrower, *keepers(key)],
                kind="archives.key_overdue",
                message=f"钥匙「{key.label}」（{key.estate}）借用人{loan.borrower}，应于{due_text}归还，已逾期",
                url=reverse("archives:key", args=[key.pk]),
                subject=f"archives.keyloan:{loan.pk}",
                level=1,
            )
            archives_event(
                actor=None,
                target=key,
                verb=KeyEvents.OVERDUE_FLAGGED,
                changes={"loan": loan.pk, "borrower": str(loan.borrower), "due_at": due_text},
            )
            flagged += 1
    return [f"钥匙逾期未还提醒：{flagged}笔"] if flagged else []
