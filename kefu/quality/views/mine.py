"""我的质检与考核: a member of staff's own QA checks (scored ones; a proposed check is not told) with
the appeal window, and their appraisal sheets. Any appraised person; nobody else's rows."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone

from kefu.quality import selectors_checks as selectors
from kefu.quality.models import QaCheck
from kefu.quality.selectors_mine import is_appraised
from kefu.quality.services.checks import appeal_rule_text

PER_PAGE = 20


def _sheet_url(pk: int) -> str:
    try:
        return reverse("quality:sheet", args=[pk])
    except NoReverseMatch:
        return f"/quality/sheets/{pk}/"


def mine(request):
    if not getattr(request.user, "is_authenticated", False) or not is_appraised(request.user):
        raise PermissionDenied("只有参加月度考核的员工有“我的质检与考核”页面")
    today = timezone.localdate()
    page = Paginator(selectors.my_checks(request.user), PER_PAGE).get_page(request.GET.get("page"))
    sheets = [(sheet, _sheet_url(sheet.pk)) for sheet in selectors.my_sheets(request.user)[:24]]
    open_to_appeal = (
        selectors.my_checks(request.user).filter(status=QaCheck.Status.SCORED, appeal_due__gte=today).count()
    )
    return render(
        request,
        "quality/mine.html",
        {
            "page": page,
            "sheets": sheets,
            "today": today,
            "open_to_appeal": open_to_appeal,
            "appeal_rule": appeal_rule_text(),
        },
    )


urlpatterns = [path("mine/", mine, name="mine")]
