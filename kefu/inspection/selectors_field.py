"""Reads of the field subject (I2): what the phone page shows of a case, the notices register and the
home page's lines. Every list goes through `visible_cases` (kefu/inspection/permissions.py), the helper
the case page uses, so a notice of a case someone may not read is in none of their lists."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from kefu.inspection.models import Notice
from kefu.inspection.permissions import visible_cases
from kefu.inspection.services.notices import overdue

NOTICE_STATES = {
    "": "全部",
    "due": "待复查",
    "rectifying": "整改期内",
    "unsigned": "未登记签收",
    "refused": "当事人拒签",
}
NOTICE_SORTS = {
    "issued": ("-issued_at", "-id"),
    "deadline": ("deadline", "id"),
    "number": ("number",),
}


def notice_status(notice: Notice, today=None) -> tuple[str, str]:
    """The notice's state as the page shows it: (label, badge colour)."""
    today = today or timezone.localdate()
    if notice.kind != Notice.Kind.RECTIFY:
        return ("已开具", "")
    if notice.followed_up_at:
        return ("已整改", "green") if notice.rectified else ("复查未整改", "red")
    if notice.deadline and notice.deadline < today:
        return ("待复查", "red")
    return ("整改期内", "amber")


def notices(user, *, q: str = "", state: str = "", sort: str = "issued"):
    today = timezone.localdate()
    rows = Notice.objects.filter(case__in=visible_cases(user)).select_related("case", "issued_by")
    if q:
        rows = rows.filter(
            Q(number__icontains=q) | Q(case__number__icontains=q) | Q(case__address__icontains=q)
        )
    if state == "due":
        rows = overdue(rows, today)
    elif state == "rectifying":
        rows = rows.filter(kind=Notice.Kind.RECTIFY, followed_up_at__isnull=True, deadline__gte=today)
    elif state == "unsigned":
        rows = rows.filter(signature="")
    elif state == "refused":
        rows = rows.filter(signature="refused")
    return rows.order_by(*NOTICE_SORTS.get(sort, NOTICE_SORTS["issued"]))


def home_lines(user) -> list[tuple[str, int, str]]:
    """An inspector's rectification notices waiting for the follow-up visit, and those not yet signed."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm("inspection.work_case"):
        return []
    today = timezone.localdate()
    mine = Notice.objects.filter(case__inspectors__inspector=user, case__inspectors__removed_at__isnull=True)
    due = overdue(mine, today).count()
    unsigned = mine.filter(signature="").exclude(case__state__in=("closed",)).count()
    url = reverse("inspection:notices")
    lines = [
        ("整改通知书待复查", due, f"{url}?state=due"),
        ("通知书未登记签收", unsigned, f"{url}?state=unsigned"),
    ]
    return [line for line in lines if line[1]]
