"""Weekly summaries' reads (Q1): who sees which summary, the one fetch-and-check pair shared by the
pages and the API, and the week's figures drawn from the inspector's own checks that pre-fill the form.

Inspectors see their own summaries; those who see every check (the QA lead, the specialist, the heads)
see all of them. A summary in draft is its author's alone."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, F, FloatField, Q
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone

from kefu.core.params import object_id
from kefu.core.permissions import require
from kefu.quality.models import CheckScore, QaAppeal, QaCheck, WeeklySummary
from kefu.quality.services.sampling import LIVE, SCORED_STATES

READ = "quality.view_weeklysummary"
ALL = "quality.view_all_qachecks"
# An item scored below this share of its full marks counts as "scored low" in the week's figures.
LOW_SHARE = Decimal("0.6")


def visible_summaries(user):
    require(user, READ)
    rows = WeeklySummary.objects.select_related("author", "read_by")
    if user.has_perm(ALL):
        return rows.filter(Q(author=user) | ~Q(status=WeeklySummary.Status.DRAFT))
    return rows.filter(author=user)


def summary_for(user, pk) -> WeeklySummary:
    """The summary `pk` if the user may read it; 404 otherwise."""
    pk = object_id(pk)
    summary = visible_summaries(user).filter(pk=pk).first() if pk else None
    if summary is None:
        raise Http404("周小结不存在")
    return summary


def summary_for_author(user, pk) -> WeeklySummary:
    """The user's own summary, to edit or submit."""
    require(user, "quality.add_weeklysummary")
    summary = summary_for(user, pk)
    if summary.author_id != user.pk:
        raise PermissionDenied("只能修改或提交本人编写的周小结")
    return summary


def summaries(user, *, query: str = "", status: str = "", order: str = "-week_start"):
    rows = visible_summaries(user)
    query = (query or "").strip()
    if query:
        rows = rows.filter(
            Q(author__name__contains=query)
            | Q(common_problems__contains=query)
            | Q(training_plan__contains=query)
        )
    if status in WeeklySummary.Status.values:
        rows = rows.filter(status=status)
    orders = {
        "-week_start": ("-week_start", "-id"),
        "week_start": ("week_start", "id"),
        "author": ("author__name", "-week_start"),
    }
    return rows.order_by(*orders.get(order, orders["-week_start"]))


@dataclass
class ItemFigure:
    name: str
    average: float  # % of full marks
    low: int  # times scored below LOW_SHARE of full marks


@dataclass
class WeekFigures:
    week_start: date
    scored: int = 0
    average: Decimal | None = None
    failed: int = 0
    critical: int = 0
    appeals: int = 0
    appeals_open: int = 0
    items: list[ItemFigure] = field(default_factory=list)
    failed_checks: list[QaCheck] = field(default_factory=list)

    @property
    def week_end(self) -> date:
        return self.week_start + timedelta(days=6)

    @property
    def most_low(self) -> list[ItemFigure]:
        return sorted((i for i in self.items if i.low), key=lambda i: (-i.low, i.average))[:3]


def week_bounds(week_start: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(week_start, time.min))
    return start, start + timedelta(days=7)


def week_figures(*, week_start: date, inspector) -> WeekFigures:
    """The week's figures from the checks `inspector` scored in it (scored, under appeal or final)."""
    start, end = week_bounds(week_start)
    checks = QaCheck.objects.filter(
        LIVE, inspector=inspector, status__in=SCORED_STATES, scored_at__gte=start, scored_at__lt=end
    )
    totals = checks.aggregate(
        scored=Count("pk"),
        average=Avg("score"),
        failed=Count("pk", filter=Q(passed=False)),
        critical=Count("pk", filter=Q(critical_failed=True)),
    )
    figures = WeekFigures(
        week_start=week_start,
        scored=totals["scored"],
        average=Decimal(totals["average"]).quantize(Decimal("0.1"))
        if totals["average"] is not None
        else None,
        failed=totals["failed"],
        critical=totals["critical"],
    )
    appeals = QaAppeal.objects.filter(
        check_record__inspector=inspector, created_at__gte=start, created_at__lt=end
    )
    counted = appeals.aggregate(total=Count("pk"), open=Count("pk", filter=Q(status=QaAppeal.Status.OPEN)))
    figures.appeals, figures.appeals_open = counted["total"], counted["open"]
    low = Q(score__lt=Cast(F("item__max_score"), FloatField()) * float(LOW_SHARE))
    for row in (
        CheckScore.objects.filter(check_record__in=checks.values("pk"))
        .values("item__name", "item__position")
        .annotate(
            ratio=Avg(Cast(F("score"), FloatField()) * 100 / F("item__max_score")),
            low=Count("pk", filter=low),
        )
        .order_by("item__position", "item__name")
    ):
        figures.items.append(
            ItemFigure(name=row["item__name"], average=round(row["ratio"], 1), low=row["low"])
        )
    figures.failed_checks = list(
        checks.filter(Q(passed=False) | Q(critical_failed=True))
        .select_related("agent", "contact")
        .order_by("scored_at")
    )
    return figures
