"""Factories of destruction, the holdings check and the hand-over. Files are created filed directly (the
filing subject's own services build them in real use); every step after that goes through the services
(kefu.archives.services.destruction, kefu.archives.holdings)."""

import itertools
from datetime import timedelta

from django.utils import timezone

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import UserFactory
from kefu.archives.models import ArchiveFile, Category, Key
from kefu.archives.services import destruction as services

_numbers = itertools.count(1)
FILED = ArchiveFile.State.FILED


def filed_file(
    *, retention_until=None, retention_years=5, category=Category.METER_RETURN, **fields
) -> ArchiveFile:
    """A filed file (catalogued and numbered). Past retention by default: a year ago."""
    n = next(_numbers)
    today = timezone.localdate()
    if retention_until is None and retention_years:
        retention_until = today - timedelta(days=365)
    finished = (retention_until or today) - timedelta(days=365 * max(retention_years, 1))
    values = {
        "category": category,
        "catalogue_number": f"JB-2019-{n:05d}",
        "title": f"旧表回收档案（第{n}号）",
        "state": FILED,
        "finished_on": finished,
        "filing_due_on": finished + timedelta(days=14),
        "filed_at": timezone.now() - timedelta(days=365 * 6),
        "retention_years": retention_years,
        "retention_until": retention_until,
        "location": f"A柜-{n % 6 + 1}层-{n:03d}盒",
    }
    values.update(fields)
    return ArchiveFile.objects.create(**values)


def expired_files(count: int, **fields) -> list[ArchiveFile]:
    return [filed_file(**fields) for _ in range(count)]


def permanent_file(**fields) -> ArchiveFile:
    return filed_file(retention_years=0, retention_until=None, category=Category.DRAWING, **fields)


def current_file(**fields) -> ArchiveFile:
    """Filed, still within its retention (ends in a year)."""
    return filed_file(retention_until=timezone.localdate() + timedelta(days=365), **fields)


def key(*, custodian=None, label=None) -> Key:
    n = next(_numbers)
    return Key.objects.create(
        kind=Key.Kind.PUBLIC,
        estate="金桂园",
        building="3",
        floor=f"{n:02d}",
        label=label or f"3栋-公共-{n:02d}层",
        custodian=custodian,
    )


def member(username: str = "", name: str = "营业员小周", role=Role.COUNTER_CLERK):
    """A second member of the appraisal group (any member of staff)."""
    return UserFactory(role=role, username=username or f"member{next(_numbers)}", name=name)


def proposed(*, archivist, files, group=None, reason="保管期满，经鉴定无继续保存价值"):
    return services.propose(
        actor=archivist,
        files=files,
        reason=reason,
        appraisal_group=group if group is not None else [member()],
    )


def approved(*, archivist, head, director, files, group=None):
    destruction = proposed(archivist=archivist, files=files, group=group)
    services.review(actor=head, destruction=destruction, note="经核对属实")
    return services.approve(actor=director, destruction=destruction, note="同意销毁")


def destroyed(*, archivist, head, director, files, witnesses=None, place="档案室碎纸间"):
    destruction = approved(archivist=archivist, head=head, director=director, files=files)
    return services.carry_out(
        actor=archivist,
        destruction=destruction,
        place=place,
        witnesses=witnesses if witnesses is not None else [archivist, head],
    )
