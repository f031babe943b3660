"""The workforce's part of each person's home page (`platform.home_panels`): leave and swaps waiting for
this person's decision, open discipline cases for those who handle them, plans waiting to be published.
Shown only when there are some, like the other apps' panels."""

from django.urls import reverse

from kefu.workforce import selectors_attendance, selectors_leave, selectors_swaps
from kefu.workforce.models import DisciplineCase, RosterPlan


def panel(user) -> list[tuple[str, int, str]]:
    items = []
    if user.has_perm("workforce.approve_leaverequest"):
        waiting = selectors_leave.awaiting(user).count()
        if waiting:
            items.append(("待我审批的请假", waiting, reverse("workforce:leave_list") + "?tab=awaiting"))
    if user.has_perm("workforce.approve_shiftswap"):
        waiting = selectors_swaps.awaiting(user).count()
        if waiting:
            items.append(("待我批准的换班", waiting, reverse("workforce:swaps") + "?tab=awaiting"))
    if user.has_perm("workforce.change_disciplinecase"):
        open_cases = (
            selectors_attendance.discipline_visible_to(user).filter(status=DisciplineCase.Status.OPEN).count()
        )
        if open_cases:
            items.append(("待处理的违纪", open_cases, reverse("workforce:discipline") + "?status=open"))
    if user.has_perm("workforce.publish_rosterplan"):
        drafts = RosterPlan.objects.filter(status=RosterPlan.Status.DRAFT).count()
        if drafts:
            items.append(("待审核的排班方案", drafts, reverse("workforce:plans")))
    return items
