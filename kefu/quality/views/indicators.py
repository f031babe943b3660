"""考核指标 pages (Q3): one tab per role (客服专员, 客服主管, 客服部经理), a month's people × hard figures
from the records and soft scores, sortable by any column, with a row form to score the soft indicators,
the Excel export and a printable sheet. Thin: kefu.quality.selectors_indicators reads (and decides who
sees what), kefu.quality.services.indicators writes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from kefu.accounts.models import User
from kefu.core import periods
from kefu.core.excel import export_workbook, set_widths, xlsx_response
from kefu.core.params import object_id, parse_month, whole_number
from kefu.core.permissions import require
from kefu.core.responses import error_text
from kefu.quality import selectors_indicators as selectors
from kefu.quality.indicators import AGENT, CATALOGUE, role_of
from kefu.quality.services.indicators import score_soft_indicator

PER_PAGE = 50


def _month(value) -> periods.Period:
    if not (value or "").strip():
        return periods.default_month()
    return periods.month(*parse_month(value))


def _params(source) -> dict:
    """month, role, team, sort from a query or a form; a bad month is a ValidationError (400)."""
    role = source.get("role") or ""
    if role not in CATALOGUE:
        role = ""
    return {
        "period": _month(source.get("month")),
        "role": role,
        "team_id": object_id(source.get("team")),
        "sort": (source.get("sort") or "name")[:40],
        "q": (source.get("q") or "").strip()[:50],
    }


def _table(user, params: dict):
    role = params["role"]
    if not role:
        readable = selectors.readable_roles(user) if user.has_perm(selectors.VIEW) else []
        if not readable:
            require(user, selectors.VIEW)
            raise PermissionDenied("您的角色不能查看考核指标")
        role = readable[0]
    return selectors.indicator_table(
        user,
        role=role,
        period=params["period"],
        team_id=params["team_id"],
        sort=params["sort"],
        q=params.get("q", ""),
    )


def _query(period, **values) -> str:
    values = {"month": f"{period.start:%Y-%m}"} | values
    return "&".join(f"{k}={v}" for k, v in values.items() if v not in ("", None))


def _table_query(table, **changes) -> str:
    values = {"role": table.role, "team": table.team_id or "", "q": table.q, "sort": table.sort} | changes
    return _query(table.period, **values)


def _context(request, table, **extra) -> dict:
    user = request.user
    tabs = [
        (entry.label, f"?{_table_query(table, role=key, team='', sort='name')}", key == table.role)
        for key, entry in CATALOGUE.items()
        if key in selectors.readable_roles(user)
    ]
    columns = [("name", "姓名")] + [(i.code, i.name) for i in table.entry.hard]
    columns += [(f"soft:{i.code}", i.name) for i in table.entry.soft] + [("soft_average", "软性平均")]
    headers = [
        {
            "label": label,
            "url": f"?{_table_query(table, sort=('-' + key) if table.sort == key else key)}",
            "current": table.sort.lstrip("-") == key,
            "descending": table.sort.startswith("-"),
            "soft": key.startswith("soft"),
        }
        for key, label in columns
    ]
    return {
        "table": table,
        "page": Paginator(table.rows, PER_PAGE).get_page(request.GET.get("page")),
        "tabs": tabs,
        "headers": headers,
        "query": _table_query(table),
        "month_text": f"{table.period.start:%Y-%m}",
        "can_score": any(r.may_score for r in table.rows),
        "export_path": reverse("quality:indicators_export"),
        "print_url": reverse("quality:indicators_print") + f"?{_table_query(table)}",
        **extra,
    }


def _safe_params(source) -> dict:
    """The parameters with a month that cannot be read replaced by the default (to show the page again)."""
    try:
        return _params(source)
    except ValidationError:
        return _params({**source.dict(), "month": ""})


def _bad(request, error: ValidationError):
    """The tab again, with what was wrong (400), for a month or a score that cannot be taken."""
    table = _table(request.user, _safe_params(request.POST if request.method == "POST" else request.GET))
    return render(
        request, "quality/indicators.html", _context(request, table, error=error_text(error)), status=400
    )


@require_GET
def indicators(request):
    require(request.user, selectors.VIEW)
    try:
        params = _params(request.GET)
    except ValidationError as error:
        return _bad(request, error)
    table = _table(request.user, params)
    return render(request, "quality/indicators.html", _context(request, table))


@require_GET
def indicators_print(request):
    require(request.user, selectors.VIEW)
    try:
        params = _params(request.GET)
    except ValidationError as error:
        return _bad(request, error)
    table = _table(request.user, params)
    return render(
        request,
        "quality/indicators_print.html",
        _context(request, table, printed_at=timezone.localtime(), printed_by=request.user),
    )


def export_rows(table) -> tuple[list[str], list[list]]:
    """The tab as a sheet: the person, each hard indicator's figures in their own columns, the soft scores."""
    role = table.role
    headers = ["工号", "姓名", "岗位", "班组"]
    if role == AGENT:
        headers += [
            "接待客户数",
            "当即解决数",
            "当即解决率%",
            "接听数",
            "及时接听数",
            "平均处理时长（秒）",
            "回访数",
            "满意（含基本满意）",
            "满意度%",
            "派发工单数",
            "窗口受理业务数",
            "排班班次",
            "签到班次",
            "迟到次数",
            "旷工次数",
            "质检次数",
            "质检平均分",
        ]
    elif role == selectors.SUPERVISOR:
        headers += [
            "团队接待数",
            "团队当即解决数",
            "团队当即解决率%",
            "疑难工单在办",
            "疑难工单办结",
            "疑难解答率%",
            "回访数",
            "满意（含基本满意）",
            "满意度%",
            "排班班次",
            "签到班次",
            "迟到次数",
            "旷工次数",
            "质检次数",
            "质检平均分",
            "考核表数",
            "平均考核分",
        ]
    else:
        headers += [
            "当月到期工单",
            "按时办结",
            "按时办结率%",
            "应回电",
            "按时回电",
            "按时回电率%",
            "窗口业务办结",
            "发布排班方案",
            "质检周小结提交",
            "主任已阅",
            "月度考核状态",
        ]
    headers += [i.name for i in table.entry.soft] + ["软性平均"]
    rows = []
    for row in table.rows:
        p = row.person
        line = [p.employee_no or "", str(p), p.role_label, p.team.name if p.team_id else ""]
        f = row.figures
        if role == AGENT:
            line += [
                f.contacts,
                f.solved,
                f.solved_rate,
                f.calls_answered,
                f.calls_in_time,
                f.handling_seconds,
                f.visits,
                f.visits_satisfied,
                f.satisfaction,
                f.work_orders,
                f.counter_processes,
                f.shifts_rostered,
                f.shifts_worked,
                f.late_count,
                f.absences,
                f.qa_checks,
                f.qa_average,
            ]
        elif role == selectors.SUPERVISOR:
            if f is None:
                line += [None] * 17
            else:
                t = f.people
                line += [
                    t.contacts,
                    t.solved,
                    t.solved_rate,
                    f.difficult,
                    f.difficult_solved,
                    f.difficult_rate,
                    t.visits,
                    t.visits_satisfied,
                    t.satisfaction,
                    t.shifts_rostered,
                    t.shifts_worked,
                    t.late_count,
                    t.absences,
                    t.qa_checks,
                    t.qa_average,
                    f.sheets,
                    f.sheet_average,
                ]
        else:
            line += [
                f.orders_due,
                f.orders_on_time,
                f.orders_rate,
                f.callbacks_due,
                f.callbacks_on_time,
                f.callbacks_rate,
                f.processes_completed,
                f.roster_plans,
                f.summaries_submitted,
                f.summaries_read,
                f.appraisal_status_label,
            ]
        line += [s.score if s else None for s in row.soft_scores] + [row.soft_average]
        rows.append(line)
    return headers, rows


@require_GET
def indicators_export(request):
    require(request.user, selectors.VIEW)
    try:
        params = _params(request.GET)
    except ValidationError as error:
        return _bad(request, error)
    table = _table(request.user, params)
    headers, rows = export_rows(table)

    def write(output):
        book = export_workbook()
        sheet = book.create_sheet(f"{table.period.start:%Y-%m}考核指标")
        set_widths(sheet, [10, 10, 12, 12] + [12] * (len(headers) - 4))
        sheet.append(headers)
        for line in rows:
            sheet.append(line)
        book.save(output)

    return xlsx_response(write, f"考核指标-{table.role}-{table.period.start:%Y%m}.xlsx")


@require_POST
def indicator_score(request):
    """The row form: every soft indicator given a score is scored (all or none), then back to the tab."""
    require(request.user, selectors.VIEW, selectors.SCORE)
    person = User.objects.filter(pk=object_id(request.POST.get("person")) or 0).select_related("team").first()
    back = reverse("quality:indicators")
    try:
        params = _params(request.POST)
        if person is None:
            raise ValidationError({"person": "被评人不存在"})
        role = role_of(person)
        if role is None:
            raise ValidationError({"person": f"{person}所在岗位没有软性指标"})
        params["role"] = role
        back += "?" + _query(params["period"], role=role, team=params["team_id"] or "", sort=params["sort"])
        scores = {}
        for indicator in CATALOGUE[role].soft:
            text = (request.POST.get(f"score_{indicator.code}") or "").strip()
            if not text:
                continue
            number = whole_number(text)
            if number is None or number > 100:
                raise ValidationError({"score": f"「{indicator.name}」得分「{text[:10]}」应为0–100的整数"})
            scores[indicator.code] = number
        if not scores:
            raise ValidationError({"score": "请至少填写一项软性指标得分（0–100）"})
        with transaction.atomic():
            results = [
                score_soft_indicator(
                    actor=request.user,
                    person=person,
                    month=params["period"].start,
                    indicator=code,
                    score=value,
                    note=request.POST.get("note", "")[:300],
                )
                for code, value in scores.items()
            ]
    except ValidationError as error:
        return _bad(request, error)
    changed = sum(1 for r in results if r.changed)
    if changed:
        messages.success(request, f"已为{person}评分：{changed}项软性指标（{params['period'].label}）")
    else:
        messages.info(request, f"{person}的评分与已有评分相同，未作改动")
    return redirect(back)


urlpatterns = [
    path("indicators/", indicators, name="indicators"),
    path("indicators/export/", indicators_export, name="indicators_export"),
    path("indicators/print/", indicators_print, name="indicators_print"),
    path("indicators/score/", indicator_score, name="indicator_score"),
]
