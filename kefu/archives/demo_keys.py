"""The key cabinet's demo (D4): one estate, 锦绣花园 — 3 buildings × 2 entrances × 6 floors × 2 flats, each
flat's five owner keys, the public doors of every floor, four equipment rooms held by 工程部 — with a few
flats' keys issued to demo customers, keys out on loan (one overdue, one back), a copy made with the
engineering manager's consent and one waiting for it. The engineering manager `engineer1` (工程部经理) is
made here: the role is the key cabinet's. Through the services, at the times the steps would have
happened; idempotent (nothing is added once the estate is there)."""

from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kefu.accounts.models import Center, Department, Role, User
from kefu.archives.models import Key, KeyCopyRequest
from kefu.archives.services import keys as services
from kefu.customers.models import Customer

ESTATE = "锦绣花园"
EQUIPMENT = ("水泵房", "配电房", "消防控制室", "电梯机房")
ENGINEER = "engineer1"


def at(moment):
    """Write as if it were `moment` (the clock stands still inside the block), like the hotline's demo."""
    import time_machine

    return time_machine.travel(moment, tick=False)


def engineering_manager() -> User:
    """The demo's 工程部经理, with the demo password; made once."""
    from kefu.accounts.demo import DEMO_PASSWORD
    from kefu.accounts.services import create_staff

    existing = User.objects.filter(username=ENGINEER).first()
    if existing is not None:
        return existing
    center = Center.objects.order_by("pk").first()
    department = None
    if center is not None:
        department, _ = Department.objects.get_or_create(
            code="GCB", defaults={"center": center, "name": "工程部"}
        )
    user = create_staff(
        actor=None,
        username=ENGINEER,
        name="周建国",
        role=Role.ENGINEERING_MANAGER,
        employee_no="GC001" if not User.objects.filter(employee_no="GC001").exists() else None,
        department=department,
        phone="13905710901",
    )
    user.password = make_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    return user


def _key(label: str, *, kind: str = Key.Kind.OWNER, owner_kind: str = "") -> Key:
    return Key.objects.get(estate=ESTATE, label=label, kind=kind, owner_kind=owner_kind)


def seed(options) -> list[str]:
    archivist = User.objects.filter(username="archivist", is_active=True).first()
    if archivist is None or Key.objects.filter(estate=ESTATE).exists():
        return []
    with transaction.atomic():
        return _seed(archivist)


def _seed(archivist: User) -> list[str]:
    engineer = engineering_manager()
    now = timezone.now()
    with at(now - timedelta(days=30)):
        added = services.bulk_register_estate(
            actor=archivist,
            estate=ESTATE,
            buildings=3,
            entrances=2,
            floors=6,
            flats_per_floor=2,
            equipment_rooms=EQUIPMENT,
            custodian=archivist,
            engineering_custodian=engineer,
        )
    lines = [f"钥匙柜演示：{ESTATE}登记钥匙{added}条（业主钥匙五类、各层公共门窗、设施设备房）"]

    # Owners' keys issued after their identity was checked (3(1)).
    individuals = Customer.objects.filter(kind=Customer.Kind.INDIVIDUAL, status=Customer.Status.ACTIVE)
    owners = list(individuals.order_by("pk")[:3])
    flats = ["1栋-1单元-01层-0101", "1栋-1单元-02层-0202", "2栋-2单元-04层-0401"]
    issued = 0
    for n, (customer, flat) in enumerate(zip(owners, flats, strict=False)):
        keys = list(Key.objects.filter(estate=ESTATE, kind=Key.Kind.OWNER, label=flat))
        resident = customer.id_type == Customer.IdType.RESIDENT_ID and customer.id_number
        with at(now - timedelta(days=20 - n * 3, hours=2)):
            try:
                services.issue_to_owner(
                    actor=archivist,
                    customer=customer,
                    keys=keys,
                    identity_document=services.RESIDENT_ID if resident else "入伙通知书",
                    identity_number=customer.id_number if resident else f"RH2026{n + 1:04d}",
                    owner_signed=True,
                )
            except ValidationError:
                continue
        issued += 1

    people = {u.username: u for u in User.objects.filter(username__in=["head", "clerk1", "agent11"])}
    head, clerk = people.get("head"), people.get("clerk1")
    # A loan that came back, one out now, one overdue (the job flags it).
    with at(now - timedelta(days=2, hours=3)):
        back = services.lend(
            actor=archivist,
            key=_key("1栋-1单元-03层-公共门窗", kind=Key.Kind.PUBLIC),
            borrower=engineer,
            purpose="楼道窗户合页维修",
            work_reference="GC20261203-02",
            borrower_signed=True,
        )
    with at(now - timedelta(days=2, hours=1)):
        services.return_key(actor=archivist, loan=back)
    with at(now - timedelta(hours=1)):
        services.lend(
            actor=archivist,
            key=_key("水泵房", kind=Key.Kind.EQUIPMENT),
            borrower=engineer,
            purpose="水泵房例行巡检",
            work_reference="GC20261205-01",
            borrower_signed=True,
        )
    if clerk is not None:
        with at(now - timedelta(hours=7)):
            services.lend(
                actor=archivist,
                key=_key("2栋-1单元-03层-0301", owner_kind=Key.OwnerKind.INDOOR),
                borrower=clerk,
                purpose="入户查看厨房漏水（业主电话同意）",
                work_reference="WX20261205-07",
                borrower_signed=True,
            )
    services.run_due(now)

    # Copies of public and equipment-room keys only with the engineering manager's consent (3(2)②).
    requester = head or archivist
    with at(now - timedelta(days=6)):
        made = services.request_copy(
            actor=requester,
            key=_key("1栋-1单元-01层-公共门窗", kind=Key.Kind.PUBLIC),
            copies=1,
            reason="原钥匙磨损严重，配制备用一把",
        )
    with at(now - timedelta(days=5)):
        services.consent(actor=engineer, request=made, note="同意，配制一把")
    with at(now - timedelta(days=4)):
        services.record_copy_made(actor=archivist, request=made)
    with at(now - timedelta(hours=3)):
        services.request_copy(
            actor=archivist,
            key=_key("配电房", kind=Key.Kind.EQUIPMENT),
            copies=1,
            reason="值班电工需备用钥匙一把",
        )
    waiting = KeyCopyRequest.objects.filter(state=KeyCopyRequest.State.REQUESTED).count()
    lines.append(
        f"钥匙柜演示：业主签领{issued}户，借出中2把（1把逾期），配制申请待工程部经理同意{waiting}件；"
        f"工程部经理账号 {ENGINEER}"
    )
    return lines
