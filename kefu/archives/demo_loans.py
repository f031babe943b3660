"""Reading and borrowing's part of the archives demo (D2): on the files the filing demo filed, a loan out, a
loan overdue (alerted), a loan waiting for the manager's approval, a reading waiting at the desk, a loan
returned, and an owner's file (confidential) whose loan is refused at the request and whose reading not
for work the manager refused. Through the services, at the times the steps would have happened;
idempotent (nothing is added once there are loans); skipped when the filing demo filed nothing."""

from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kefu.accounts.models import User
from kefu.archives.models import ArchiveFile, Category, FileLoan
from kefu.archives.services import loans as services
from kefu.core.calendar import is_working_day


def at(moment):
    """Write as if it were `moment` (the clock stands still inside the block), like the hotline's demo."""
    import time_machine

    return time_machine.travel(moment, tick=False)


def _moment(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _working_days_back(today: date, count: int) -> date:
    day, found = today, 0
    while found < count:
        day -= timedelta(days=1)
        if is_working_day(day).working:
            found += 1
    return day


def _people() -> dict[str, User] | None:
    names = ("clerk1", "clerk2", "clerk3", "leader1", "head", "director", "archivist")
    people = {u.username: u for u in User.objects.filter(username__in=names, is_active=True)}
    return people if len(people) == len(names) else None


OWNER_FILE = "YZ-DEMO-3-2-0502"
OWNER_PAPERS = ["身份证复印件", "入伙通知书", "前期物业管理服务协议", "业主情况登记表", "装修管理协议"]


def _owner_file(archivist) -> ArchiveFile | None:
    """An owner's papers (003 住户档案, confidential by archives.confidential_categories), registered and
    filed through the filing services when the filing demo has none."""
    from kefu.archives.services import filing

    existing = ArchiveFile.objects.filter(source_number=OWNER_FILE).first()
    if existing is not None:
        return existing if existing.state == ArchiveFile.State.FILED else None
    try:
        with transaction.atomic():
            file = filing.register_manual(
                actor=archivist,
                category=Category.OWNER,
                title="锦绣花园3栋-2单元-05层-0502业主档案",
                finished_on=timezone.localdate() - timedelta(days=30),
                source_number=OWNER_FILE,
                items=OWNER_PAPERS,
            )
            return filing.file_in(actor=archivist, file=file, location="Y01-1-001")
    except (ValidationError, PermissionDenied):
        return None


def seed(options) -> list[str]:
    if FileLoan.objects.exists():
        return []
    people = _people()
    if people is None:
        return ["档案借阅：缺少演示人员，跳过"]
    filed = ArchiveFile.objects.filter(state=ArchiveFile.State.FILED, restricted_to="")
    # not the files past their retention: the destruction demo (after this one) proposes those
    usable = filed.filter(confidential=False).exclude(retention_until__lte=timezone.localdate())
    files = list(usable.order_by("-id")[:5])
    if len(files) < 5:
        return ["档案借阅：已归档的档案不足，跳过借阅演示"]
    confidential = filed.filter(confidential=True).order_by("id").first() or _owner_file(people["archivist"])
    clerk1, clerk2, clerk3 = people["clerk1"], people["clerk2"], people["clerk3"]
    leader, head, director, archivist = (
        people["leader1"],
        people["head"],
        people["director"],
        people["archivist"],
    )
    today = timezone.localdate()
    lines = []

    # A loan out now: asked three working days ago, approved by the 客服部主任, lent by the archivist.
    day = _working_days_back(today, 3)
    with at(_moment(day, 9, 20)):
        loan = services.request(
            actor=clerk1, file=files[0], kind="loan", purpose="办理过户，核对原供用水合同", for_work=True
        )
    with at(_moment(day, 10, 5)):
        services.approve(actor=head, loan=loan, note="同意，按期归还")
    with at(_moment(day, 10, 40)):
        services.lend(actor=archivist, loan=loan, signed=True)

    # An overdue loan: lent twelve working days ago for the seven the rule allows.
    day = _working_days_back(today, 12)
    with at(_moment(day, 14, 0)):
        late = services.request(
            actor=clerk2, file=files[1], kind="loan", purpose="水费争议复核，调阅换表记录", for_work=True
        )
    with at(_moment(day, 15, 10)):
        services.approve(actor=director, loan=late, note="同意")
    with at(_moment(day, 15, 30)):
        services.lend(actor=archivist, loan=late, signed=True)
    services.run_due(timezone.now())

    # Returned: a loan of last month, back on time.
    day = _working_days_back(today, 20)
    with at(_moment(day, 9, 0)):
        back = services.request(
            actor=clerk3, file=files[2], kind="loan", purpose="增容申请，参考原施工图纸", for_work=True
        )
    with at(_moment(day, 9, 40)):
        services.approve(actor=head, loan=back, note="同意")
    with at(_moment(day, 10, 0)):
        services.lend(actor=archivist, loan=back, signed=True)
    with at(_moment(_working_days_back(today, 17), 16, 30)):
        services.return_file(actor=archivist, loan=back)

    # Waiting for the manager: a team leader's loan asked this morning (or the last working day).
    day = today if is_working_day(today).working else _working_days_back(today, 1)
    moment = min(_moment(day, 9, 15), timezone.now())
    with at(moment):
        services.request(
            actor=leader, file=files[3], kind="loan", purpose="投诉回访前核对新装资料", for_work=True
        )
        # A reading for work, waiting at the desk to be registered (no approval needed).
        services.request(
            actor=clerk1, file=files[4], kind="read", purpose="核对用户户名与地址", for_work=True
        )
    lines.append("档案借阅：借出中1件、逾期未还1件、待审批1件、待登记查阅1件、已归还1件")

    if confidential is not None and confidential.confidential:
        day = _working_days_back(today, 2)
        with at(_moment(day, 11, 0)):
            try:
                services.request(
                    actor=clerk2, file=confidential, kind="loan", purpose="业主要求复印", for_work=True
                )
            except ValidationError:
                pass  # refused at the request: an owner's papers are never lent (3(3))
            asked = services.request(
                actor=clerk2, file=confidential, kind="read", purpose="了解邻居装修情况", for_work=False
            )
        with at(_moment(day, 14, 0)):
            services.refuse(
                actor=head,
                loan=asked,
                note="非工作需要；业主个人资料属保密档案，不得借出、复印或传播（住户档案管理规定3(2)(3)）",
            )
        lines.append(f"档案借阅：保密档案{confidential.catalogue_number}借出被拒，非工作需要查阅不予批准")
    return lines
