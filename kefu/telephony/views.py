"""The screen pop (an htmx partial the agent workspace polls) and the answer-time statistics page."""

from django.http import HttpResponse
from django.shortcuts import render

from kefu.customers.models import ArchiveAccess
from kefu.telephony import selectors, services
from kefu.telephony.exports import answer_stats_workbook
from kefu.telephony.forms import SORTS, StatsFilterForm
from kefu.telephony.permissions import get_screen_pop_for, require_stats
from kefu.telephony.services import answer_limit_seconds


def pop(request):
    """The current user's call. Showing the caller's archive is a read (A3), logged once per call
    rather than on each two-second poll (services.record_screen_pop_read says why)."""
    pop = get_screen_pop_for(request.user)
    context = {"pop": pop}
    if pop is not None:
        services.record_screen_pop_read(
            user=request.user,
            call=pop.call,
            customers=[item.customer for item in pop.customers],
            channel=ArchiveAccess.Channel.PAGE,
            request=request,
        )
        context["fill_url"] = selectors.contact_form_url(pop.call)
        for item in pop.customers:
            item.fill_url = selectors.contact_form_url(pop.call, item.customer)
    # Opened on its own (a second screen), the partial comes in a page that polls it.
    template = "telephony/_screen_pop.html" if request.htmx else "telephony/pop_page.html"
    return render(request, template, context)


def stats(request):
    require_stats(request.user)
    form = StatsFilterForm(request.GET or None)
    start, end = form.period()
    rows = selectors.answer_stats(start, end)
    sort = request.GET.get("sort", "agent")
    if sort.lstrip("-") not in SORTS:
        sort = "agent"
    rows = _sorted(rows, sort)
    total = selectors.total_of(rows)
    limit = answer_limit_seconds()
    if request.GET.get("format") == "xlsx":
        content = answer_stats_workbook(rows, total, start=start, end=end, limit_seconds=limit)
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = (
            f"attachment; filename*=UTF-8''answer-stats-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
        )
        return response
    columns = [
        {
            "key": key,
            "label": label,
            "sort": f"-{key}" if sort == key else key,
            "current": sort.lstrip("-") == key,
        }
        for key, label in SORTS.items()
    ]
    return render(
        request,
        "telephony/stats.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "rows": rows,
            "total": total,
            "limit_seconds": limit,
            "columns": columns,
            "sort": sort,
            "descending": sort.startswith("-"),
        },
    )


def _sorted(rows: list[selectors.AnswerStats], sort: str) -> list[selectors.AnswerStats]:
    key = sort.lstrip("-")
    if key == "agent":
        return sorted(
            rows, key=lambda r: (r.agent.employee_no or "", r.agent.username), reverse=sort.startswith("-")
        )
    # Rows without a figure (no call judged yet) go last whichever way the column is sorted.
    present = [r for r in rows if getattr(r, key) is not None]
    missing = [r for r in rows if getattr(r, key) is None]
    return sorted(present, key=lambda r: getattr(r, key), reverse=sort.startswith("-")) + missing
