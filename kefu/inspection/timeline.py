"""Inspection's part of the customer timeline (kefu.core.timeline): cases about the customer, only for
those who may read case files (第三条(十一)); to anyone else the kind does not exist. Filled in by the
cases subject."""

from kefu.core.timeline import TimelineEntry, TimelineKind, timeline_source


def _may_read_cases(user) -> bool:
    return user.has_perm("inspection.view_case")


CASE = TimelineKind("inspection_case", "稽查", 70, _may_read_cases)


@timeline_source(CASE)
def customer_timeline(customer, user, *, kinds: set[str], limit: int) -> list[TimelineEntry]:
    return []
