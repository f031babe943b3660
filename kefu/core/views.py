"""Home page and the working-day calendar administration (W2)."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.http import require_POST

from kefu.core import services
from kefu.core.calendar import WorkingCalendar, package_years
from kefu.core.forms import CalendarDayForm, CalendarYearForm
from kefu.core.models import CalendarDay, CalendarYear
from kefu.core.permissions import require
from kefu.core.registry import platform


def home(request):
    """Each person's own open items first (the panels the apps register: my orders, my callbacks due,
    my unit's queue, approvals waiting), then the modules they may open."""
    today = timezone.localdate()
    items = [
        {"label": label, "count": count, "url": url}
        for panel in platform.home_panels
        for label, count, url in panel(request.user)
    ]
    return render(
        request,
        "home.html",
        {"today": today, "today_info": WorkingCalendar().day(today), "my_items": items, "cap": 99},
    )


@login_not_required
def favicon(request):
    """Browsers ask for /favicon.ico before reading the page's <link rel="icon">, also on the login page."""
    return redirect(static("kefu/favicon.svg"), permanent=True)


def calendar_year(request):
    require(request.user, "core.view_calendarday")
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, 2000), 2100)
    calendar = WorkingCalendar()
    days = calendar.year(year)
    months = []
    for month in range(1, 13):
        in_month = [d for d in days if d.date.month == month]
        lead = [None] * in_month[0].date.weekday()
        cells = lead + in_month
        months.append({"month": month, "weeks": [cells[i : i + 7] for i in range(0, len(cells), 7)]})
    overrides = CalendarDay.objects.filter(date__year=year).order_by("date")
    first, last = package_years()
    return render(
        request,
        "core/calendar.html",
        {
            "year": year,
            "months": months,
            "overrides": overrides,
            "known": calendar.year_is_known(year),
            "package_first": first,
            "package_last": last,
            "year_row": CalendarYear.objects.filter(year=year).first(),
            "rest_days": sum(1 for d in days if not d.working),
            "work_days": sum(1 for d in days if d.working),
            "day_form": CalendarDayForm(initial={"date": date(year, 1, 1)}),
            "can_edit": request.user.has_perm("core.change_calendarday"),
        },
    )


@require_POST
def calendar_day_set(request):
    require(request.user, "core.add_calendarday", "core.change_calendarday")
    form = CalendarDayForm(request.POST)
    if form.is_valid():
        try:
            row = services.set_calendar_day(
                actor=request.user,
                day=form.cleaned_data["date"],
                kind=form.cleaned_data["kind"],
                name=form.cleaned_data["name"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, f"已保存：{row}")
            return redirect(f"/calendar/?year={row.date.year}")
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
    else:
        for field, errors in form.errors.items():
            messages.error(
                request, f"{form.fields[field].label if field in form.fields else ''}：{'；'.join(errors)}"
            )
    year = request.POST.get("date", "")[:4]
    return redirect(f"/calendar/?year={year}" if year.isdigit() else "core:calendar")


@require_POST
def calendar_day_withdraw(request, pk: int):
    require(request.user, "core.change_calendarday")
    row = get_object_or_404(CalendarDay, pk=pk)
    services.withdraw_calendar_day(actor=request.user, row=row, reason=request.POST.get("reason", ""))
    messages.success(request, f"已撤销：{row}")
    return redirect(f"/calendar/?year={row.date.year}")


@require_POST
def calendar_year_mark(request):
    require(request.user, "core.change_calendaryear")
    form = CalendarYearForm(request.POST)
    if not form.is_valid():
        messages.error(request, "年份应在2000至2100之间")
        return redirect("core:calendar")
    row = services.mark_year(
        actor=request.user,
        year=form.cleaned_data["year"],
        complete=form.cleaned_data["complete"],
        source=form.cleaned_data["source"],
    )
    messages.success(request, f"{row.year}年已{'标记为已录入全年安排' if row.complete else '取消已录入标记'}")
    return redirect(f"/calendar/?year={row.year}")
