"""Attendance pages: an agent's sign-in page (签到/签退), the team leader's day (roll call, sign-ins,
lateness, absences from post, corrections) and the discipline cases with their handling and export.
Thin: fetch through kefu.workforce.permissions_attendance, read through selectors_attendance, write
through kefu.workforce.services.attendance."""

from datetime import date, datetime, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from kefu.accounts.models import Role, User
from kefu.core.excel import export_workbook, local_minute, set_widths, xlsx_response
from kefu.core.params import object_id, parse_day, parse_month
from kefu.core.permissions import can, require
from kefu.core.policies import policy
from kefu.core.responses import bad_request, error_text
from kefu.workforce import selectors_attendance as selectors
from kefu.workforce.forms_attendance import AbsenceForm, CloseCaseForm, CorrectionForm, ReturnForm
from kefu.workforce.models import DisciplineCase
from kefu.workforce.permissions_attendance import can_close, get_absence_for, get_case_for, get_entry_for
from kefu.workforce.services import attendance as services

PER_PAGE = 30
EXPORT_LIMIT = 20_000


def _local_time(value: datetime) -> str:
    return f"{timezone.localtime(value):%H:%M}"


# ---- my sign-in page


@require_GET
def sign_in_page(request):
    user = request.user
    require(user, "workforce.view_attendance", "workforce.add_attendance")
    now = timezone.now()
    today = timezone.localdate()
    entry = selectors.current_or_next_entry(user, now)
    attendance = getattr(entry, "attendance", None) if entry else None
    to_sign_out = selectors.entry_to_sign_out(user, now)
    opens = policy("workforce.sign_in_opens_minutes")
    sign_in_open = bool(
        entry
        and not (attendance and attendance.signed_in_at)
        and (entry.starts_at - timedelta(minutes=opens)) <= now
    )
    return render(
        request,
        "workforce/attendance_me.html",
        {
            "now": now,
            "entry": entry,
            "attendance": attendance,
            "to_sign_out": to_sign_out,
            "sign_in_open": sign_in_open,
            "opens": opens,
            "month": today,
            "entries": selectors.month_entries(user, today.year, today.month),
            "cases": selectors.discipline_visible_to(user).filter(person=user)[:50],
            "late_limit": policy("workforce.late_case_minutes"),
        },
    )


def _attendance_message(attendance, verb: str) -> str:
    moment = attendance.signed_in_at if verb == "签到" else attendance.signed_out_at
    text = f"{verb}成功：{timezone.localtime(moment):%Y-%m-%d %H:%M}"
    if verb == "签到" and attendance.minutes_late:
        text += f"，迟到{attendance.minutes_late}分钟"
        limit = policy("workforce.late_case_minutes")
        if attendance.minutes_late >= limit:
            text += f"（{limit}分钟及以上按违纪处理，已通知班长）"
    return text


@require_POST
def sign_in(request):
    try:
        attendance = services.sign_in(actor=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _attendance_message(attendance, "签到"))
    return redirect("workforce:sign_in_page")


@require_POST
def sign_out(request):
    try:
        attendance = services.sign_out(actor=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _attendance_message(attendance, "签退"))
    return redirect("workforce:sign_in_page")


# ---- the team leader's day


def _require_attendance_page(user) -> None:
    require(user, "workforce.view_attendance")
    if not (can(user, "workforce.correct_attendance") or can(user, "workforce.view_disciplinecase")):
        raise PermissionDenied("您的角色没有此项权限")


def _back(request, fallback_day: date | None = None):
    """Back to the attendance page of the day and team the form came from."""
    query = {}
    for key in ("day", "team"):
        value = request.POST.get(key, "").strip()
        if value:
            query[key] = value
    if "day" not in query and fallback_day:
        query["day"] = f"{fallback_day:%Y-%m-%d}"
    url = reverse("workforce:attendance")
    return redirect(url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""))


@require_GET
def attendance(request):
    user = request.user
    _require_attendance_page(user)
    teams = selectors.teams_for(user)
    context = {
        "teams": teams,
        "can_manage": can(user, "workforce.correct_attendance"),
        "late_limit": policy("workforce.late_case_minutes"),
        "roll_call_minutes": policy("workforce.roll_call_minutes"),
        "away_limit": policy("workforce.away_case_minutes"),
    }
    today = timezone.localdate()
    try:
        day = parse_day(request.GET["day"]) if request.GET.get("day") else today
    except ValueError:
        return bad_request(
            request, "workforce/attendance_day.html", "日期格式应为 YYYY-MM-DD", day=today, rows=[], **context
        )
    team_id = object_id(request.GET.get("team"))
    if request.GET.get("team") and team_id is None:
        return bad_request(
            request, "workforce/attendance_day.html", "班组不存在", day=day, rows=[], **context
        )
    if team_id is None and not selectors.sees_all(user):
        team_id = user.team_id
    team = teams.filter(pk=team_id).first() if team_id else None
    if team_id and team is None:
        return bad_request(
            request,
            "workforce/attendance_day.html",
            "班组不存在或不在您的管理范围",
            day=day,
            rows=[],
            **context,
        )
    rows = selectors.day_rows(user, day=day, team=team)
    return render(
        request,
        "workforce/attendance_day.html",
        {
            **context,
            "day": day,
            "team": team,
            "rows": rows,
            "roll_call_rows": [r for r in rows if r.roll_call_open and r.entry.person_id != user.pk],
            "now": timezone.now(),
        },
    )


@require_POST
def roll_call(request):
    require(request.user, "workforce.correct_attendance")
    ids = [object_id(value) for value in request.POST.getlist("present")]
    if any(pk is None for pk in ids):
        messages.error(request, "勾选的排班编号有误")
        return _back(request)
    try:
        called = services.call_roll(actor=request.user, entry_ids=ids)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"点名已记录：到场{len(called)}人")
    return _back(request)


def _submit(request, form, day, write, done: str):
    """The team leader's forms on the day page: a bad form or a refused write is said as a message and
    the page comes back either way (the day keeps its place)."""
    if not form.is_valid():
        messages.error(request, error_text(form))
        return _back(request, day)
    try:
        write(form.cleaned_data)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, done)
    return _back(request, day)


@require_POST
def attendance_correct(request, pk: int):
    entry = get_entry_for(request.user, pk, manage=True)
    return _submit(
        request,
        CorrectionForm(request.POST),
        entry.day,
        lambda data: services.correct_attendance(actor=request.user, entry=entry, **data),
        f"已更正{entry.person}的考勤，更正前的时间保留在记录中",
    )


@require_POST
def absence_create(request, pk: int):
    entry = get_entry_for(request.user, pk, manage=True)
    return _submit(
        request,
        AbsenceForm(request.POST),
        entry.day,
        lambda data: services.record_absence(
            actor=request.user,
            entry=entry,
            left_at=data["left_at"],
            returned_at=data["returned_at"],
            permitted_by=request.user if data["permitted"] else None,
            reason=data["reason"],
        ),
        f"已登记{entry.person}离岗",
    )


@require_POST
def absence_return(request, pk: int):
    absence = get_absence_for(request.user, pk, manage=True)
    return _submit(
        request,
        ReturnForm(request.POST),
        absence.entry.day,
        lambda data: services.record_return(
            actor=request.user, absence=absence, returned_at=data["returned_at"]
        ),
        f"已登记{absence.entry.person}返岗",
    )


# ---- discipline cases


class Filters:
    """The discipline list's filters from the query: person, kind, month (YYYY-MM), status."""

    def __init__(self, params):
        self.person_id = object_id(params.get("person"))
        self.kind = params.get("kind", "") if params.get("kind", "") in DisciplineCase.Kind.values else ""
        self.status = (
            params.get("status", "") if params.get("status", "") in DisciplineCase.Status.values else ""
        )
        self.month_text = (params.get("month") or "").strip()
        self.month = parse_month(self.month_text) if self.month_text else None  # ValidationError on a typo

    def apply(self, rows):
        if self.person_id:
            rows = rows.filter(person_id=self.person_id)
        if self.kind:
            rows = rows.filter(kind=self.kind)
        if self.status:
            rows = rows.filter(status=self.status)
        if self.month:
            year, month = self.month
            first = date(year, month, 1)
            following = date(year + (month == 12), month % 12 + 1, 1)
            rows = rows.filter(occurred_on__gte=first, occurred_on__lt=following)
        return rows


def _people_for(user):
    people = User.objects.filter(is_active=True, role__in=[Role.AGENT, Role.TEAM_LEADER, Role.COUNTER_CLERK])
    if selectors.sees_all(user):
        return people
    if selectors.leads_team(user):
        return people.filter(Q(team_id=user.team_id) | Q(pk=user.pk))
    return people.filter(pk=user.pk)


def _case_rows(request):
    require(request.user, "workforce.view_disciplinecase")
    filters = Filters(request.GET)
    return filters, filters.apply(selectors.discipline_visible_to(request.user))


@require_GET
def discipline(request):
    context = {
        "kinds": DisciplineCase.Kind.choices,
        "statuses": DisciplineCase.Status.choices,
    }
    try:
        filters, rows = _case_rows(request)
    except ValidationError as error:
        require(request.user, "workforce.view_disciplinecase")
        return bad_request(
            request,
            "workforce/attendance_discipline.html",
            error,
            page=None,
            filters=None,
            people=[],
            **context,
        )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    for case in page.object_list:
        case.closable = can_close(request.user, case)
    return render(
        request,
        "workforce/attendance_discipline.html",
        {**context, "page": page, "filters": filters, "people": _people_for(request.user)},
    )


@require_GET
def discipline_export(request):
    try:
        filters, rows = _case_rows(request)
    except ValidationError as error:
        require(request.user, "workforce.view_disciplinecase")
        return bad_request(
            request,
            "workforce/attendance_discipline.html",
            error,
            page=None,
            filters=None,
            people=[],
            kinds=DisciplineCase.Kind.choices,
            statuses=DisciplineCase.Status.choices,
        )

    def write(output):
        book = export_workbook()
        sheet = book.create_sheet("违纪记录")
        set_widths(sheet, [12, 12, 12, 24, 10, 8, 50, 10, 30, 12, 18])
        sheet.append(
            [
                "日期",
                "当事人",
                "类别",
                "班次",
                "换班登记",
                "分钟",
                "情况",
                "状态",
                "处理意见",
                "处理人",
                "登记时间",
            ]
        )
        for case in rows[:EXPORT_LIMIT]:
            entry = case.entry
            shift = ""
            if entry is not None:
                shift = f"{entry.shift.name} {_local_time(entry.starts_at)}–{_local_time(entry.ends_at)}"
            sheet.append(
                [
                    f"{case.occurred_on:%Y-%m-%d}",
                    str(case.person),
                    case.get_kind_display(),
                    shift,
                    case.swap.number if case.swap_id else "",
                    case.minutes,
                    case.reason,
                    case.get_status_display(),
                    case.outcome,
                    str(case.closed_by or ""),
                    local_minute(case.created_at),
                ]
            )
        book.save(output)

    stamp = filters.month_text or f"{timezone.localdate():%Y-%m-%d}"
    return xlsx_response(write, f"违纪记录_{stamp}.xlsx")


@require_POST
def discipline_close(request, pk: int):
    case = get_case_for(request.user, pk, close=True)
    form = CloseCaseForm(request.POST)
    form.is_valid()
    try:
        services.close_case(actor=request.user, case=case, outcome=form.cleaned_data.get("outcome", ""))
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"已处理：{case}")
    return redirect("workforce:discipline")
