"""The filing part of the archives demo (D1): a file for every finished business of the demo (the
counter's completed processes, the meter replacements fitted and the old meters returned — registered
here when the demo's business predates the hooks; `register_file` is idempotent on the business), most
of them received and catalogued with a place in the store (柜-层-盒), the newest still waiting, two
overdue; supply contracts and drawings registered by hand; and meter-return files of 2019–2020, past
their 5 years, for the destruction demo. Idempotent: a second run adds nothing."""

from datetime import date, timedelta

from django.apps import apps
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kefu.accounts.models import Role, User
from kefu.archives.models import ArchiveFile, Category
from kefu.archives.services import filing as services
from kefu.customers.models import Customer

LEFT_PENDING = 3  # the newest files stay on the desk, waiting
BACKFILL_MOST = 300


def _location(n: int) -> str:
    return f"A{n // 200 + 1:02d}-{n // 40 % 5 + 1}-{n % 40 + 1:03d}"


def _backfill(archivist) -> int:
    """Register the files of finished business the hooks did not see (read through the app registry:
    the archive sits below processes and meters and never imports them)."""
    made = 0
    subjects = set(ArchiveFile.objects.exclude(subject="").values_list("subject", flat=True))
    if apps.is_installed("kefu.processes"):
        Process = apps.get_model("processes", "Process")
        done = (
            Process.objects.filter(state="completed")
            .select_related("definition", "customer", "started_by")
            .order_by("-completed_at")[:BACKFILL_MOST]
        )
        for process in done:
            subject = f"processes.process:{process.pk}"
            if subject in subjects:
                continue
            services.register_file(
                actor=process.started_by,
                category=Category.PROCESS,
                title=f"{process.definition.name}·{process.customer.name}（{process.number}）"[:200],
                subject=subject,
                finished_on=timezone.localdate(process.completed_at),
                customer=process.customer,
                department=getattr(process.started_by, "department", None),
                source_number=process.number or "",
                source_url=reverse("processes:detail", args=[process.pk]),
                items=[d.name for d in process.documents.order_by("id")]
                or [f"{process.definition.name}申请资料"],
            )
            made += 1
    if apps.is_installed("kefu.meters"):
        Replacement = apps.get_model("meters", "Replacement")
        for r in Replacement.objects.filter(state__in=["fitted", "closed"]).select_related(
            "meter__service_point__customer", "new_meter", "branch", "fitted_by"
        )[:BACKFILL_MOST]:
            subject = f"meters.replacement:{r.pk}"
            if subject in subjects:
                continue
            services.register_file(
                actor=r.fitted_by,
                category=Category.METER_REPLACEMENT,
                title=f"{r.get_kind_display()}·{r.meter.number}（{r.number}）",
                subject=subject,
                finished_on=timezone.localdate(r.fitted_at) if r.fitted_at else timezone.localdate(),
                customer=r.meter.service_point.customer,
                unit=r.branch,
                source_number=r.number,
                items=["换表通知单（用户签字）", "领表单"],
            )
            made += 1
        OldMeterReturn = apps.get_model("meters", "OldMeterReturn")
        for o in OldMeterReturn.objects.select_related(
            "meter__service_point__customer", "branch", "received_by"
        )[:BACKFILL_MOST]:
            subject = f"meters.oldmeterreturn:{o.pk}"
            if subject in subjects:
                continue
            services.register_file(
                actor=o.received_by,
                category=Category.METER_RETURN,
                title=f"旧表回收·{o.meter.number}（{o.number}）",
                subject=subject,
                finished_on=o.returned_on,
                customer=o.meter.service_point.customer,
                unit=o.branch,
                source_number=o.number,
                items=["旧表回收单"],
            )
            made += 1
    return made


CONTRACTS = [
    (
        "供用水合同·城东花园小区物业服务中心",
        "GYS2025-00118",
        420,
        [("供用水合同", 6), "营业执照复印件", "法人授权委托书"],
    ),
    ("供用水合同·市第二中学", "GYS2025-00231", 300, [("供用水合同", 6), "事业单位法人证书复印件"]),
    (
        "供用水合同·恒达食品有限公司",
        "GYS2026-00017",
        200,
        [("供用水合同", 6), "营业执照复印件", "用水性质说明"],
    ),
]
DRAWINGS = [
    (
        "城东花园小区给水施工图（竣工图）",
        "TZ-CD-2025-031",
        410,
        [("总平面图", 2), ("给水管网平面图", 4), "水表井大样图"],
    ),
    ("滨江路DN300供水管道迁改图", "TZ-BJ-2026-004", 120, [("管道平面图", 3), ("纵断面图", 2)]),
]
OVERDUE = [
    ("开发区管网改造验收资料", "QT-2026-KF-07", 45, ["竣工验收记录", "试压记录"]),
    ("城西泵站设备说明书及图纸", "TZ-CX-2026-002", 38, [("设备说明书", 40), "安装图"]),
]


def _manual(archivist, rows, category, today) -> list[ArchiveFile]:
    made = []
    for title, number, days_ago, items in rows:
        if ArchiveFile.objects.filter(source_number=number, category=category).exists():
            continue
        made.append(
            services.register_manual(
                actor=archivist,
                category=category,
                title=title,
                finished_on=today - timedelta(days=days_ago),
                source_number=number,
                items=items,
            )
        )
    return made


def _old_returns(archivist, customers) -> list[ArchiveFile]:
    """Meter-return files of 2019–2020: kept 5 years, past retention now (for the destruction demo)."""
    made = []
    for n, (year, month) in enumerate([(2019, 3), (2019, 6), (2019, 11), (2020, 2), (2020, 7), (2020, 10)]):
        subject = f"demo.oldmeterreturn:{year}{month:02d}"
        if ArchiveFile.objects.filter(subject=subject).exists():
            continue
        customer = customers[n % len(customers)] if customers else None
        file = services.register_file(
            actor=archivist,
            category=Category.METER_RETURN,
            title=f"旧表回收（{year}年{month}月批次）" + (f"·{customer.name}" if customer else ""),
            subject=subject,
            finished_on=date(year, month, 15),
            customer=customer,
            source_number=f"HS{year}{month:02d}{n + 1:04d}",
            items=["旧表回收单", "交表清单"],
        )
        made.append(services.file_in(actor=archivist, file=file, location=f"D01-{n % 5 + 1}-{n + 1:03d}"))
    return made


def seed(options) -> list[str]:
    archivist = (
        User.objects.filter(username="archivist").first()
        or User.objects.filter(role=Role.ARCHIVIST, is_active=True).first()
    )
    if archivist is None:
        return ["档案归档：没有档案员，跳过"]
    today = timezone.localdate()
    with transaction.atomic():
        backfilled = _backfill(archivist)
        manual = _manual(archivist, CONTRACTS, Category.SUPPLY_CONTRACT, today)
        manual += _manual(archivist, DRAWINGS, Category.DRAWING, today)
        overdue = _manual(archivist, OVERDUE, Category.OTHER, today)
        old = _old_returns(archivist, list(Customer.objects.order_by("pk")[:6]))
        keep = {f.pk for f in overdue}
        pending = list(
            ArchiveFile.objects.filter(state=ArchiveFile.State.PENDING)
            .exclude(pk__in=keep)
            .exclude(subject__startswith="demo.")
            .order_by("-finished_on", "-id")
        )
        # the newest files still within their deadline stay on the desk; only the two above are overdue
        keep |= set([f.pk for f in pending if f.filing_due_on >= today][:LEFT_PENDING])
        # files a previous run filed keep their place; the rest are received now, oldest first
        start = ArchiveFile.objects.filter(state=ArchiveFile.State.FILED).count()
        filed = 0
        for n, file in enumerate(reversed(pending)):
            if file.pk in keep:
                continue
            services.file_in(actor=archivist, file=file, location=_location(start + n))
            filed += 1
    total = ArchiveFile.objects.count()
    return [
        f"档案归档：补登记业务档案 {backfilled} 份，手工登记合同/图纸/其他 {len(manual) + len(overdue)} 份，"
        f"往年旧表回收档案 {len(old)} 份，本次归档编号 {filed} 份；档案共 {total} 份"
    ]
