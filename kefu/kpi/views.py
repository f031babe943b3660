"""The KPI dashboard and the lists behind its figures. Thin: parse filters (which hold a branch's staff
to their own unit), read figures from kefu.kpi.selectors or rows from kefu.kpi.drilldown, render.
Reads run inside reporting_reads(), which sends them to a streaming replica when one is configured."""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from kefu.core.db_routing import reporting_reads
from kefu.core.excel import xlsx_response
from kefu.core.params import page_number
from kefu.core.permissions import can
from kefu.core.responses import bad_request, error_text
from kefu.incidents import selectors as incident_selectors
from kefu.kpi import drilldown, exports, filters, rollup, selectors

PAGE_SIZE = 50


def _parse(request):
    """Filters, or the error message to show with a 400 (a typo in the address, never a 500)."""
    try:
        return filters.parse(request.GET, request.user), None
    except ValidationError as error:
        return None, error_text(error)


@require_GET
@reporting_reads()
def dashboard(request):
    chosen, error = _parse(request)
    if error:
        fallback = filters.parse({}, request.user)
        return bad_request(request, "kpi/dashboard.html", error, filters=fallback, choices={})
    figures = selectors.dashboard(chosen)
    return render(
        request,
        "kpi/dashboard.html",
        {
            "filters": chosen,
            "figures": figures,
            "choices": selectors.filter_choices(chosen),
            "freshness": rollup.freshness(),
            "incidents": _incidents(request.user),
        },
    )


def _incidents(user) -> dict | None:
    """The live incidents tile (issue 13 item 5): counted now, like the open orders."""
    if not can(user, "incidents.view_incident"):
        return None
    return incident_selectors.dashboard(user)


@require_GET
@reporting_reads()
def dashboard_xlsx(request):
    chosen, error = _parse(request)
    if error:
        return bad_request(request, "kpi/error.html", error)
    figures = selectors.dashboard(chosen)
    return xlsx_response(
        lambda out: exports.dashboard_workbook(chosen, figures, out),
        f"指标看板_{chosen.start}_{chosen.end}.xlsx",
    )


def _list_params(request, metric_code: str):
    chosen, error = _parse(request)
    if error:
        return None, None, error
    try:
        metric = drilldown.metric(metric_code)
        rows = drilldown.rows_for(metric_code, chosen, request.GET)
    except ValidationError as failure:
        return None, None, error_text(failure)
    return chosen, (metric, rows), None


@require_GET
@reporting_reads()
def drill(request, metric: str):
    chosen, found, error = _list_params(request, metric)
    if error:
        return bad_request(request, "kpi/error.html", error)
    definition, rows = found
    page = page_number(request.GET.get("page"))
    offset = (page - 1) * PAGE_SIZE
    # one extra row tells whether there is a next page without counting them all
    records = list(rows[offset : offset + PAGE_SIZE + 1])
    has_next = len(records) > PAGE_SIZE
    total = drilldown.known_total(metric, chosen, request.GET)
    if total is None and definition.kind != "contact":
        total = rows.count()
    extra = {k: v for k, v in request.GET.items() if k in ("agent", "row_unit", "business", "stage")}
    return render(
        request,
        "kpi/list.html",
        {
            "filters": chosen,
            "metric": definition,
            "records": records[:PAGE_SIZE],
            "kind": definition.kind,
            "total": total,
            "page": page,
            "has_next": has_next,
            "query": chosen.query(**extra),
            "export_limit": drilldown.export_limit(),
            "now": timezone.now(),
        },
    )


@require_GET
@reporting_reads()
def drill_xlsx(request, metric: str):
    chosen, found, error = _list_params(request, metric)
    if error:
        return bad_request(request, "kpi/error.html", error)
    definition, rows = found
    title = f"{definition.title} {chosen.start}至{chosen.end}"
    return xlsx_response(
        lambda out: exports.list_workbook(title, definition.kind, rows, drilldown.export_limit(), out),
        f"{definition.title}_{chosen.start}_{chosen.end}.xlsx",
    )
