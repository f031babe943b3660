"""The archive's part of the customer timeline (kefu.core.timeline, A2): the customer's files, filed or
waiting, for viewers who may read the catalogue; restricted files only for those who may see them
(`permissions.visible_files`, the same rule as the list). One bounded query."""

from django.urls import reverse

from kefu.archives.permissions import visible_files
from kefu.core.timeline import TimelineEntry, TimelineKind, timeline_source


def _may_see_catalogue(user) -> bool:
    return user.has_perm("archives.view_archivefile")


ARCHIVE_FILE = TimelineKind("archive_file", "档案", 60, _may_see_catalogue)


@timeline_source(ARCHIVE_FILE)
def customer_timeline(customer, user, *, kinds: set[str], limit: int) -> list[TimelineEntry]:
    if ARCHIVE_FILE.code not in kinds or not ARCHIVE_FILE.visible_to(user):
        return []
    files = visible_files(user).filter(customer=customer).order_by("-id")[:limit]
    return [
        ARCHIVE_FILE.entry(
            at=file.filed_at or file.created_at,
            summary=f"{file.catalogue_number or '待归档'} {file.title}（{file.get_state_display()}）",
            url=reverse("archives:file", args=[file.pk]),
        )
        for file in files
    ]
