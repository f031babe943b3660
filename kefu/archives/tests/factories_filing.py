"""Files made the way the business makes them: through `services.filing.register_file` (and `file_in`
for a filed one), so their deadline, content list and events are what the services write."""

import itertools
from datetime import date

from django.utils import timezone

from kefu.archives.models import ArchiveFile, Category
from kefu.archives.services import filing as services

_numbers = itertools.count(1)


def pending_file(
    *,
    actor=None,
    category: str = Category.PROCESS,
    title: str = "",
    finished_on: date | None = None,
    customer=None,
    department=None,
    unit=None,
    items=("用水申请表", "身份证复印件"),
    restricted_to: str = "",
    subject: str | None = None,
) -> ArchiveFile:
    n = next(_numbers)
    return services.register_file(
        actor=actor,
        category=category,
        title=title or f"新装用水·测试客户{n}",
        subject=f"tests.business:{n}" if subject is None else subject,
        finished_on=finished_on or timezone.localdate(),
        customer=customer,
        department=department,
        unit=unit,
        source_number=f"YW{n:08d}",
        items=items,
        restricted_to=restricted_to,
    )


def filed_file(archivist, *, location: str = "A01-1-001", **kwargs) -> ArchiveFile:
    file = pending_file(actor=archivist, **kwargs)
    return services.file_in(actor=archivist, file=file, location=location)
