"""Roster pages (S1, S4): the month grid the department head edits cell by cell, its Excel export and
printed sheet, and 我的排班 for the person on the roster.

The grid is one table; each row's selects belong to that row's form (the HTML `form` attribute), so
without JavaScript the row's 保存 button saves the cells changed in it, and with htmx each select saves
itself when changed and comes back as the refreshed cell. Every change goes through
kefu.workforce.services.rosters, so a refusal carries the checker's Chinese reasons."""

import re
from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_GET, require_POST
from openpyxl.styles import Font, PatternFill

from kefu.accounts.models import Team, User
from kefu.core.calendar import is_working_day
from kefu.core.excel import export_workbook, set_widths, styled_cells, xlsx_response
from kefu.core.params import object_id, parse_month
from kefu.core.permissions import can, require
from kefu.core.responses import bad_request, error_text
from kefu.workforce import selectors_rosters as selectors
from kefu.workforce import services
from kefu.workforce.models import RosterEntry, Shift
from kefu.workforce.services.rosters import can_be_rostered

ERROR_PAGE = "workforce/roster_month.html"
CELL = re.compile(r"^c-([0-9]{1,18})-([0-9]{4}-[0-9]{2}-[0-9]{2})$")
REST_REASON = "排班表改为休息"


def _chosen(request) -> tuple[int, int, Team | None]:
    """The month (?month=2026-12, default this month) and team (?team=RX1, default all) asked for."""
    text = (request.GET.get("month") or request.POST.get("month") or "").strip()
    if text:
        year, month = parse_month(text)
    else:
        today = timezone.localdate()
        year, month = today.year, today.month
    code = (request.GET.get("team") or request.POST.get("team") or "").strip()
    team = None
    if code:
        team = Team.objects.filter(code=code).first()
        if team is None:
            raise ValidationError({"team": f"班组编码不存在：{code}"})
    return year, month, team


def _grid_url(year: int, month: int, team: Team | None) -> str:
    url = f"{reverse('workforce:roster')}?month={year}-{month:02d}"
    return url + (f"&team={team.code}" if team else "")


@require_GET
def roster(request):
    require(request.user, "workforce.view_rosterentry")
    try:
        year, month, team = _chosen(request)
    except ValidationError as error:
        return bad_request(request, ERROR_PAGE, error, back=reverse("workforce:roster"))
    grid = selectors.month_grid(request.user, year, month, team=team)
    cover = selectors.coverage_for(grid.first_day, len(grid.days))
    short = cover.short_by_day()
    shifts = _shifts_for(c.entries for r in grid.rows for c in r.cells)
    can_edit = can(request.user, "workforce.change_rosterentry")
    _prepare_cells(grid.rows, shifts, editable=can_edit)
    return render(
        request,
        "workforce/roster_month.html",
        {
            "grid": grid,
            "shifts": shifts,
            "short_days": [short.get(d.day, 0) for d in grid.days],
            "teams": Team.objects.filter(active=True).order_by("code"),
            "can_edit": can_edit,
            "coverage": cover,
            "spells": selectors.short_spells(cover),
        },
    )


def _shifts_for(entry_lists) -> list[Shift]:
    """The choices of a cell: the active shifts, and any inactive one a shown cell is still on (else
    its select would read 休 and saving the row would take the shift off)."""
    shifts = {s.pk: s for s in Shift.objects.filter(active=True)}
    for entries in entry_lists:
        for entry in entries:
            if entry.status == RosterEntry.Status.SCHEDULED and entry.shift_id not in shifts:
                shifts[entry.shift_id] = entry.shift
    return sorted(shifts.values(), key=lambda s: (s.order, s.starts_at, s.code))


def _prepare_cells(rows, shifts: list[Shift], *, editable: bool) -> None:
    """What each cell of the grid shows, worked out here once rather than by the template 1,500 times
    (a month of 50 people): its class, its select's name, label and options (the options differ only
    by which shift is chosen, so there are as many variants as shifts, plus 休)."""
    variants = {}
    for chosen in [""] + [s.code for s in shifts]:
        options = [format_html('<option value=""{}>休</option>', " selected" if not chosen else "")]
        options += [
            format_html(
                '<option value="{}"{}>{}</option>', s.code, " selected" if s.code == chosen else "", s.name
            )
            for s in shifts
        ]
        variants[chosen] = format_html_join("", "{}", ((option,) for option in options))
    for row in rows:
        person = row.person
        for cell in row.cells:
            column = cell.column
            cell.css = "cell holiday" if column.holiday else "cell weekend" if column.weekend else "cell"
            if editable:
                scheduled = cell.scheduled
                cell.name = f"c-{person.pk}-{cell.day:%Y-%m-%d}"
                cell.form = f"r{person.pk}"
                cell.label = f"{person} {cell.day.month}月{cell.day.day}日"
                cell.options = variants[scheduled.shift.code if scheduled else ""]


# --- changing cells -------------------------------------------------------------------------------------


def _apply(*, actor: User, person: User, day: date, code: str, shifts: dict[str, Shift]) -> str | None:
    """Make one cell say `code` (a shift's code, or "" for 休). Returns what was done, None when the
    cell already said so; raises ValidationError with the service's reasons."""
    current = (
        RosterEntry.objects.filter(person=person, day=day, status=RosterEntry.Status.SCHEDULED)
        .select_related("shift")
        .order_by("starts_at")
        .first()
    )
    if current is not None and current.shift.code == code:
        return None  # unchanged (even a shift since made inactive stays as it was)
    shift = shifts.get(code) if code else None
    if code and shift is None:
        raise ValidationError({"shift": f"班次代码不存在或已停用：{code}"})
    if current is None and shift is None:
        return None
    if current is None:
        services.assign_shift(actor=actor, person=person, day=day, shift=shift)
        return f"{person} {day:%Y-%m-%d} 排{shift.name}"
    if shift is None:
        services.cancel_entry(actor=actor, entry=current, reason=REST_REASON)
        return f"{person} {day:%Y-%m-%d} 改为休息"
    services.replace_shift(actor=actor, entry=current, shift=shift)
    return f"{person} {day:%Y-%m-%d} {current.shift.name}改为{shift.name}"


def _cells(request) -> list[tuple[int, date, str]]:
    """The cells to save: the one select htmx sent (its name in HX-Trigger-Name), else every select
    of the row whose 保存 was pressed."""
    single = request.headers.get("HX-Trigger-Name", "")
    row = object_id(request.POST.get("row"))
    cells = []
    for name, value in request.POST.items():
        match = CELL.match(name)
        if not match or (single and name != single):
            continue
        person_id = object_id(match.group(1))
        if person_id is None or (not single and person_id != row):
            continue
        try:
            day = date.fromisoformat(match.group(2))
        except ValueError:
            continue
        cells.append((person_id, day, value.strip()))
    return cells


@require_POST
def roster_cell(request):
    require(request.user, "workforce.view_rosterentry", "workforce.change_rosterentry")
    try:
        year, month, team = _chosen(request)
    except ValidationError as error:
        return bad_request(request, ERROR_PAGE, error, back=reverse("workforce:roster"))
    cells = _cells(request)
    if not cells:
        return bad_request(request, ERROR_PAGE, "没有收到要保存的排班格", back=_grid_url(year, month, team))
    people = {p.pk: p for p in User.objects.filter(pk__in={c[0] for c in cells})}
    shifts = {s.code: s for s in Shift.objects.filter(active=True)}
    done, refused = [], []
    for person_id, day, code in sorted(cells, key=lambda c: c[1]):
        person = people.get(person_id)
        if person is None:
            refused.append("人员不存在")
            continue
        try:
            result = _apply(actor=request.user, person=person, day=day, code=code, shifts=shifts)
        except ValidationError as error:
            refused.append(f"{person} {day:%Y-%m-%d}：{error_text(error)}")
        else:
            if result:
                done.append(result)
    if request.headers.get("HX-Request") and len(cells) == 1:
        person_id, day, _code = cells[0]
        return _cell_response(request, people.get(person_id), day, refused, done)
    for line in done:
        messages.success(request, f"已保存：{line}")
    for line in refused:
        messages.error(request, f"未保存：{line}")
    if not done and not refused:
        messages.info(request, "排班没有变化")
    return redirect(_grid_url(year, month, team))


def _cell_response(request, person: User | None, day: date, refused: list[str], done: list[str]):
    if person is None:
        return HttpResponse("人员不存在", status=400)
    entries = list(
        RosterEntry.objects.filter(person=person, day=day, status__in=selectors.SHOWN)
        .select_related("shift")
        .order_by("starts_at")
    )
    row = selectors.GridRow(
        person, [selectors.GridCell(selectors.GridDay(day, is_working_day(day)), entries)]
    )
    _prepare_cells([row], _shifts_for([entries]), editable=True)
    return render(
        request,
        "workforce/roster_cell.html",
        {
            "row": row,
            "cell": row.cells[0],
            "cell_url": reverse("workforce:roster_cell"),
            "can_edit": True,
            "error": "；".join(refused),
            "saved": "；".join(done),
        },
    )


# --- export and print -----------------------------------------------------------------------------------

HEAD_FONT = Font(bold=True)
REST_FILL = PatternFill("solid", fgColor="FEE4E2")
SHORT_FONT = Font(color="B42318")


def _cell_text(cell: selectors.GridCell) -> str:
    parts = []
    for mark in cell.marks:
        suffix = "" if mark["status"] == RosterEntry.Status.SCHEDULED else f"({mark['status_label']})"
        parts.append(mark["label"] + suffix)
    return "/".join(parts)


def _grid_or_error(request):
    require(request.user, "workforce.view_rosterentry")
    year, month, team = _chosen(request)
    grid = selectors.month_grid(request.user, year, month, team=team)
    return grid, selectors.coverage_for(grid.first_day, len(grid.days))


@require_GET
def roster_export(request):
    try:
        grid, cover = _grid_or_error(request)
    except ValidationError as error:
        return bad_request(request, ERROR_PAGE, error, back=reverse("workforce:roster"))

    def write(output):
        book = export_workbook()
        sheet = book.create_sheet("排班表")
        set_widths(sheet, [12, 10, 10] + [6] * len(grid.days) + [8, 8])
        title = f"{grid.label}排班表" + (f"（{grid.team.name}）" if grid.team else "")
        sheet.append(styled_cells(sheet, [title], font=HEAD_FONT))
        header = (
            ["班组", "工号", "姓名"] + [f"{d.day.day}日({d.weekday})" for d in grid.days] + ["班次数", "工时"]
        )
        sheet.append(styled_cells(sheet, header, font=HEAD_FONT))
        marks = ["", "", "节假日/周末"] + [(d.info.reason if d.rest or d.makeup else "") for d in grid.days]
        sheet.append(marks)
        for row in grid.rows:
            person = row.person
            sheet.append(
                [person.team.name if person.team else "", person.employee_no or "", str(person)]
                + [_cell_text(c) for c in row.cells]
                + [row.shifts, round(row.hours, 1)]
            )
        flags = book.create_sheet("覆盖不足")
        set_widths(flags, [28, 10, 10])
        flags.append(styled_cells(flags, ["时段", "在岗人数", "最低人数"], font=HEAD_FONT))
        for spell in selectors.short_spells(cover):
            flags.append(styled_cells(flags, [spell.text, spell.count, cover.min_staff], font=SHORT_FONT))
        book.save(output)

    team = f"_{grid.team.code}" if grid.team else ""
    return xlsx_response(write, f"排班表_{grid.code}{team}.xlsx")


@require_GET
def roster_print(request):
    try:
        grid, cover = _grid_or_error(request)
    except ValidationError as error:
        return bad_request(request, ERROR_PAGE, error, back=reverse("workforce:roster"))
    return render(
        request,
        "workforce/roster_print.html",
        {
            "grid": grid,
            "spells": selectors.short_spells(cover),
            "coverage": cover,
            "printed_at": timezone.localtime(),
            "back": _grid_url(grid.year, grid.month, grid.team),
        },
    )


# --- my roster ------------------------------------------------------------------------------------------


@require_GET
def my_roster(request):
    require(request.user, "workforce.view_rosterentry")
    today = timezone.localdate()
    first = today.replace(day=1)
    after_next = (first + timedelta(days=62)).replace(day=1)
    entries = list(selectors.shifts_of(request.user, request.user, first, after_next - timedelta(days=1)))
    months = []
    for start in (first, (first + timedelta(days=31)).replace(day=1)):
        rows = [e for e in entries if (e.day.year, e.day.month) == (start.year, start.month)]
        hours = sum(
            (e.ends_at - e.starts_at).total_seconds() / 3600
            for e in rows
            if e.status == RosterEntry.Status.SCHEDULED
        )
        months.append(
            {
                "label": f"{start.year}年{start.month}月",
                "code": f"{start:%Y-%m}",
                "entries": rows,
                "hours": hours,
            }
        )
    return render(
        request,
        "workforce/roster_me.html",
        {"months": months, "today": today, "rostered": can_be_rostered(request.user)},
    )
