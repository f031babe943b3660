"""This subject's part of the archives demo: the year's holdings checks (the earlier periods done, one
with a problem reported to the head, this period's check waiting on the desk); one destruction carried
out last year (the 2019 meter-return files the filing demo makes: destroyed, their entries kept) and one
proposal of the 2020 files reviewed and waiting for the director. Everything goes through the services;
the dates of last year's destruction and of the earlier checks are then set back to when they happened
(demo only). Idempotent; skips what it lacks (no archivist, no files past retention)."""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from kefu.accounts.models import Role, User
from kefu.archives.events import DestructionEvents, FileEvents
from kefu.archives.models import ArchiveFile, Destruction, HoldingsInspection
from kefu.archives.services import destruction as services
from kefu.core.models import Event

LAST_YEAR_REASON = "2019年旧表回收档案保管期（5年）已满，经鉴定小组逐卷核对，无继续保存价值"
PENDING_REASON = "2020年旧表回收档案保管期（5年）已满，经鉴定小组逐卷核对，无继续保存价值"
PLACE = "客服中心档案室碎纸间（白沙路119号三楼）"
PROBLEM = ("防潮", "梅雨季B柜底层湿度偏高（78%），已开除湿机，底层档案移至上层")


def _user(username: str, role: str) -> User | None:
    return (
        User.objects.filter(username=username, is_active=True).first()
        or User.objects.filter(role=role, is_active=True).order_by("pk").first()
    )


def _moment(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


def _backdate_events(target, moments: list[datetime]) -> None:
    """The target's events, oldest first, moved to the given moments (demo history that reads true)."""
    for event, moment in zip(
        Event.objects.filter(target_id=target.pk, verb__in=DESTRUCTION_VERBS).order_by("id"),
        moments,
        strict=False,
    ):
        Event.objects.filter(pk=event.pk).update(occurred_at=moment)


DESTRUCTION_VERBS = [
    DestructionEvents.PROPOSED,
    DestructionEvents.REVIEWED,
    DestructionEvents.APPROVED,
    DestructionEvents.CARRIED_OUT,
    DestructionEvents.RECHECKED,
    DestructionEvents.INSPECTION_OPENED,
    DestructionEvents.INSPECTION_DONE,
]


def _answers(inspection, problem: tuple[str, str] | None) -> dict:
    code, note = problem or ("", "")
    return {
        item["code"]: {"ok": item["code"] != code, "note": note if item["code"] == code else ""}
        for item in inspection.checklist
    }


def _checks(archivist, head, today: date) -> str:
    """The earlier periods of this year done (one problem noted); this period's done too once its due day
    has passed (a diligent archive room), else opened and left on the desk."""
    periods, day = [], date(today.year, 1, 1)
    current, current_start, _last = services.period_of(today)
    while True:
        code, start, last = services.period_of(day)
        if code == current:
            break
        periods.append((code, start))
        day = last + timedelta(days=1)
    if services.open_inspection(day=today)[0].due_on < today:
        periods.append((current, current_start))
    done = 0
    for n, (_code, start) in enumerate(periods):
        inspection, _ = services.open_inspection(day=start)
        if inspection.done_at:
            continue
        problem = PROBLEM if n == min(1, len(periods) - 1) else None  # the second check of the year
        services.record_inspection(
            actor=archivist,
            inspection=inspection,
            results=_answers(inspection, problem),
            reported_to=head if problem else None,
        )
        moment = _moment(min(inspection.due_on, today), 10)
        HoldingsInspection.objects.filter(pk=inspection.pk).update(
            done_at=moment, created_at=_moment(start, 8)
        )
        _backdate_events(inspection, [_moment(start, 8), moment])
        done += 1
    services.open_inspection(day=today)
    noted = f"（其中一次发现防潮问题，已报告{head}）" if len(periods) > 0 else ""
    pending = HoldingsInspection.objects.filter(period=current, done_at__isnull=True).exists()
    return f"库房定期检查：本年已完成 {done} 次{noted}" + ("，本期检查待做" if pending else "")


def _old_files(year: int, today: date) -> list[ArchiveFile]:
    return list(
        ArchiveFile.objects.filter(
            subject__startswith="demo.oldmeterreturn:",
            state=ArchiveFile.State.FILED,
            finished_on__year=year,
            retention_until__lt=today,
        ).order_by("finished_on", "pk")
    )


def _last_year(archivist, member, head, director, today: date) -> str:
    if Destruction.objects.filter(reason=LAST_YEAR_REASON).exists():
        return "档案销毁：去年的销毁清册已有"
    files = _old_files(2019, today)
    if not files:
        return "档案销毁：没有2019年的旧表回收档案，跳过去年的销毁"
    destruction = services.propose(
        actor=archivist, files=files, reason=LAST_YEAR_REASON, appraisal_group=[member]
    )
    services.review(actor=head, destruction=destruction, note="已逐卷核对清册与实物")
    services.approve(actor=director, destruction=destruction, note="同意销毁")
    services.carry_out(
        actor=archivist, destruction=destruction, place=PLACE, witnesses=[archivist, member, head]
    )
    services.recheck(actor=head, destruction=destruction, items=list(destruction.items.all()))
    # Set back to last November, step by step (the services stamp "now").
    first = date(today.year - 1, 11, 3)
    moments = [
        _moment(first + timedelta(days=d), h) for d, h in ((0, 9), (2, 10), (7, 15), (17, 9), (17, 11))
    ]
    Destruction.objects.filter(pk=destruction.pk).update(
        proposed_at=moments[0],
        reviewed_at=moments[1],
        approved_at=moments[2],
        destroyed_at=moments[3],
        rechecked_at=moments[4],
        created_at=moments[0],
    )
    ArchiveFile.objects.filter(pk__in=[f.pk for f in files]).update(destroyed_at=moments[3])
    _backdate_events(destruction, moments)
    Event.objects.filter(target_id__in=[f.pk for f in files], verb=FileEvents.DESTROYED).update(
        occurred_at=moments[3]
    )
    return f"档案销毁：去年销毁清册{destruction.number}（{len(files)}卷，目录条目保留）"


def _pending(archivist, member, head, today: date) -> str:
    if Destruction.objects.filter(reason=PENDING_REASON).exists():
        return "档案销毁：待批准的销毁清册已有"
    files = _old_files(2020, today)
    if not files:
        return "档案销毁：没有2020年的保管期满档案，跳过待批准的清册"
    destruction = services.propose(
        actor=archivist, files=files, reason=PENDING_REASON, appraisal_group=[member]
    )
    services.review(actor=head, destruction=destruction, note="清册与实物相符，拟同意")
    return f"档案销毁：销毁清册{destruction.number}（{len(files)}卷）已审核，待中心主任批准"


def seed(options) -> list[str]:
    archivist = _user("archivist", Role.ARCHIVIST)
    head = _user("head", Role.DEPARTMENT_HEAD)
    director = _user("director", Role.CENTER_DIRECTOR)
    member = _user("clerk1", Role.COUNTER_CLERK)
    if not (archivist and head and director and member):
        return ["档案销毁与库房检查：缺少档案员、客服部主任、中心主任或营业员，跳过"]
    today = timezone.localdate()
    with transaction.atomic():
        lines = [_checks(archivist, head, today)]
        lines.append(_last_year(archivist, member, head, director, today))
        lines.append(_pending(archivist, member, head, today))
    return lines
