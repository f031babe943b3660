"""The meters' lines on the home page's 我的待办 (the store keeper's desk in brief, ch.4 §1–§3): for
the store keeper, today's issues, replacements past their deadline without the old meter back, and the
month-end stocktake when today is the stocktake day; for the center head, purchase plans waiting for
their review and the urgent reports and monthly plans waiting for them; for a branch's staff, their
branch's replacements to fit or to finish. A few counts over indexed columns; only non-zero lines are
shown."""

from django.urls import reverse
from django.utils import timezone

from kefu.meters.dates import last_working_day_of_month
from kefu.meters.models import MeterIssue, PurchasePlan, Replacement, ReplacementPlan, Stocktake
from kefu.meters.permissions import visible
from kefu.meters.selectors_store import day_bounds


def panel(user) -> list[tuple[str, int, str]]:
    items: list[tuple[str, int, str]] = []
    if not getattr(user, "is_authenticated", False):
        return items
    today = timezone.localdate()
    if user.has_perm("meters.add_goodsreceipt"):  # the store keeper
        start, end = day_bounds(today)
        issued = MeterIssue.objects.filter(issued_at__gte=start, issued_at__lt=end).count()
        if issued:
            items.append(("今日领表", issued, reverse("meters:desk")))
        late = Replacement.objects.filter(
            state__in=[Replacement.State.ISSUED, Replacement.State.FITTED], replace_due__lt=today
        ).count()
        if late:
            items.append(("逾期未交回的旧表（换表）", late, "/meters/replacements/"))
        if (
            today == last_working_day_of_month(today.year, today.month)
            and not Stocktake.objects.filter(
                month=today.replace(day=1), state=Stocktake.State.CLOSED
            ).exists()
        ):
            items.append(("今日月末盘存", 1, reverse("meters:stocktakes")))
    if user.has_perm("meters.approve_purchaseplan"):
        waiting = PurchasePlan.objects.filter(state=PurchasePlan.State.SUBMITTED).count()
        if waiting:
            items.append(
                ("待审核的水表购置计划", waiting, reverse("meters:purchase_plans") + "?state=submitted")
            )
    if user.has_perm("meters.record_investment_approval"):
        waiting = PurchasePlan.objects.filter(state=PurchasePlan.State.CENTER_APPROVED).count()
        if waiting:
            items.append(
                (
                    "待登记投资管理部审批的购置计划",
                    waiting,
                    reverse("meters:purchase_plans") + "?state=center_approved",
                )
            )
    if user.has_perm("meters.verify_replacement"):
        waiting = Replacement.objects.filter(state=Replacement.State.REPORTED).count()
        if waiting:
            items.append(("待核查的急换报核单", waiting, "/meters/replacements/?tab=reported"))
    if user.has_perm("meters.approve_replacementplan"):
        waiting = ReplacementPlan.objects.filter(state=ReplacementPlan.State.SUBMITTED).count()
        if waiting:
            items.append(("待审批的换表月计划", waiting, "/meters/replacements/month-plans/"))
    if user.has_perm("meters.fit_replacement"):  # a branch's staff (换表员)
        mine = visible(Replacement.objects.all(), user)
        to_fit = mine.filter(state=Replacement.State.ISSUED).count()
        if to_fit:
            items.append(("已领表待换", to_fit, "/meters/replacements/?tab=issued"))
        to_return = mine.filter(state=Replacement.State.FITTED).count()
        if to_return:
            items.append(("已换表待交旧表", to_return, "/meters/replacements/?tab=fitted"))
    return items
