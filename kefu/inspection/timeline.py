"""Inspection's part of the customer timeline (kefu.core.timeline): cases about the customer, only for
those who may read case files (第三条(十一), `permissions.visible_cases`, the same rule as the list); to
anyone else the kind does not exist. One bounded query."""

from django.urls import reverse

from kefu.core.timeline import TimelineEntry, TimelineKind, timeline_source


def _may_read_cases(user) -> bool:
    return user.has_perm("inspection.view_case")


CASE = TimelineKind("inspection_case", "稽查", 70, _may_read_cases)


@timeline_source(CASE)
def customer_timeline(customer, user, *, kinds: set[str], limit: int) -> list[TimelineEntry]:
    if CASE.code not in kinds or not CASE.visible_to(user):
        return []
    from kefu.inspection.permissions import visible_cases

    cases = visible_cases(user).filter(customer=customer).order_by("-opened_at", "-id")[:limit]
    return [
        CASE.entry(
            at=case.opened_at,
            summary=f"{case.number} {case.get_kind_display()}：{case.summary}（{case.get_state_display()}）",
            url=reverse("inspection:case", args=[case.pk]),
        )
        for case in cases
    ]
