"""Forecast and staffing pages (S5): the calculator with its curve (agents → service level), and the
half-hourly forecast of the coming weeks with the agents each half hour needs."""

import math
from datetime import timedelta

from django.shortcuts import render

from kefu.core.excel import export_workbook, set_widths, xlsx_response
from kefu.core.params import parse_day
from kefu.core.permissions import require
from kefu.workforce import selectors_forecast, staffing
from kefu.workforce.forms_staffing import StaffingForm

PERMISSION = "workforce.view_rosterplan"
FORECAST_DAYS = 28
CHART_W, CHART_H, PAD = 640, 240, 40


def staffing_page(request):
    require(request.user, PERMISSION)
    form = StaffingForm(request.GET or None)
    context = {"form": form}
    if request.GET and form.is_valid():
        context.update(_calculate(form.cleaned_data))
    status = 400 if request.GET and not form.is_valid() else 200
    return render(request, "workforce/staffing_calculator.html", context, status=status)


def _calculate(data: dict) -> dict:
    target = data["service_level"] / 100
    shrinkage = (data.get("shrinkage") or 0) / 100
    common = {
        "calls": data["calls"],
        "interval_s": data["interval_s"],
        "aht_s": data["aht_s"],
        "target": target,
        "answer_within_s": data["answer_within_s"],
        "shrinkage": shrinkage,
    }
    erlang_c = staffing.staffing(**common)
    erlang_a = abandon = None
    if data["model"] == "erlang_a":
        erlang_a, abandon = staffing.staffing_a(**common, patience_s=data["patience_s"])
    result = erlang_a or erlang_c
    load = erlang_c.traffic_erlangs
    low = max(1, math.floor(load * (0.8 if erlang_a else 1)))
    high = max(erlang_c.agents + 4, low + 6)
    if high - low > 60:  # a big center: the curve around the answer
        low = max(low, result.agents - 30)
        high = low + 60
    points = []
    for n in range(low, high + 1):
        c_level = staffing.service_level(load, n, data["aht_s"], data["answer_within_s"])
        a_level = None
        if erlang_a:
            a_level = staffing.erlang_a(load, n, data["aht_s"], data["answer_within_s"], data["patience_s"])
            a_level = a_level.service_level
        points.append((n, c_level, a_level))
    return {
        "result": result,
        "erlang_c": erlang_c,
        "abandon": abandon,
        "target_percent": data["service_level"],
        "curve": _chart(points, target),
        "points": [{"agents": n, "c": c, "a": a, "chosen": n == result.agents} for n, c, a in points],
    }


def _chart(points, target: float) -> dict:
    """Coordinates of an inline SVG line chart, computed here so the template only draws."""
    first, last = points[0][0], points[-1][0]
    span = max(last - first, 1)

    def x(n):
        return PAD + (CHART_W - 2 * PAD) * (n - first) / span

    def y(level):
        return CHART_H - PAD + (2 * PAD - CHART_H) * level

    def line(index):
        return " ".join(f"{x(p[0]):.1f},{y(p[index]):.1f}" for p in points if p[index] is not None)

    step = max(1, span // 10)
    return {
        "width": CHART_W,
        "height": CHART_H,
        "left": PAD,
        "right": CHART_W - PAD,
        "top": PAD,
        "bottom": CHART_H - PAD,
        "c_line": line(1),
        "a_line": line(2) if points[0][2] is not None else "",
        "target_y": f"{y(target):.1f}",
        "x_ticks": [{"x": f"{x(n):.1f}", "label": n} for n in range(first, last + 1, step)],
        "y_ticks": [{"y": f"{y(v / 100):.1f}", "label": f"{v}%"} for v in (0, 20, 40, 60, 80, 100)],
    }


def forecast_page(request):
    require(request.user, PERMISSION)
    first = selectors_forecast.default_first_day()
    coming = selectors_forecast.coming_days(first, FORECAST_DAYS)
    chosen = coming.days[0]
    error = ""
    if request.GET.get("day"):
        try:
            wanted = parse_day(request.GET["day"])
        except ValueError:
            wanted = None
            error = "日期格式应为 YYYY-MM-DD，已显示第一天"
        chosen = next((d for d in coming.days if d.day == wanted), chosen)
        if wanted is not None and chosen.day != wanted:
            error = f"只能查看 {first:%Y-%m-%d} 起 {FORECAST_DAYS} 天内的预测，已显示第一天"
    peak = max((h.calls for h in chosen.half_hours), default=0) or 1
    return render(
        request,
        "workforce/staffing_forecast.html",
        {
            "coming": coming,
            "chosen": chosen,
            "bars": [{"h": h, "width": round(100 * h.calls / peak, 1)} for h in chosen.half_hours],
            "backtest": selectors_forecast.held_out_weeks(),
            "error": error,
            "last_day": first + timedelta(days=FORECAST_DAYS - 1),
        },
    )


def forecast_export(request):
    require(request.user, PERMISSION)
    first = selectors_forecast.default_first_day()
    coming = selectors_forecast.coming_days(first, FORECAST_DAYS)

    def write(output):
        book = export_workbook()
        days = book.create_sheet("每日")
        set_widths(days, [12, 22, 12, 14, 14])
        days.append(["日期", "日类型", "预测来电量", "高峰所需座席", "座席小时数"])
        for d in coming.days:
            days.append([f"{d.day:%Y-%m-%d}", d.kind_label, d.calls, d.peak_agents, d.agent_hours])
        halves = book.create_sheet("分时段")
        set_widths(halves, [12, 22, 10, 12, 12])
        halves.append(["日期", "日类型", "时段", "预测来电量", "所需座席"])
        for d in coming.days:
            for h in d.half_hours:
                halves.append([f"{d.day:%Y-%m-%d}", d.kind_label, h.start, h.calls, h.agents])
        book.save(output)

    return xlsx_response(write, f"话务预测_{first:%Y%m%d}.xlsx")
