"""Handover pages (H13): the list with who is on duty, writing, confirming, correcting, printing."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kefu.accounts.models import Team
from kefu.core.forms import add_service_errors
from kefu.core.params import object_id, parse_day
from kefu.core.permissions import can, require
from kefu.core.responses import error_text
from kefu.workforce import selectors, services
from kefu.workforce.forms import CorrectionForm, HandoverForm
from kefu.workforce.permissions import can_correct, can_receive, get_handover_for
from kefu.workforce.selectors_rosters import current_entry
from kefu.workforce.services.handovers import TEXT_FIELDS

PER_PAGE = 30


def handovers(request):
    require(request.user, "workforce.view_handover")
    team_id = object_id(request.GET.get("team"))
    try:
        day = parse_day(request.GET["date"]) if request.GET.get("date") else None
    except ValueError:
        day = None
        messages.warning(request, "日期格式应为 YYYY-MM-DD，已显示全部日期")
    page = Paginator(selectors.handovers(team=team_id, day=day), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "workforce/handovers.html",
        {
            "page": page,
            "on_duty": selectors.on_duty_now(),
            "teams": Team.objects.filter(active=True),
            "team_id": team_id,
            "day": day,
            "can_add": can(request.user, "workforce.add_handover"),
        },
    )


def handover_create(request):
    require(request.user, "workforce.view_handover", "workforce.add_handover")
    form = HandoverForm(request.POST or None, initial=_initial(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            handover = services.record_handover(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "交接班记录已保存，待接班人确认后方可离岗")
            return redirect("workforce:handover_detail", pk=handover.pk)
    return render(request, "workforce/form.html", {"form": form, "title": "填写交接班记录"})


def _initial(user) -> dict:
    """The user's own team and the start of their shift on now: their rostered shift, else the team's
    hours (yesterday's start, for a night shift)."""
    team = user.team if user.team_id and user.team.active else None
    if team is None:
        return {}
    initial = {"team": team}
    entry = current_entry(user)
    if entry is not None:
        initial["shift_started_at"] = timezone.localtime(entry.starts_at)
    elif team.shift_start is not None:
        initial["shift_started_at"] = timezone.localtime(
            selectors.shift_start_before(team.shift_start, timezone.now())
        )
    return initial


def handover_detail(request, pk: int):
    handover = get_handover_for(request.user, pk)
    return render(
        request,
        "workforce/handover_detail.html",
        {
            "handover": handover,
            "can_receive": can_receive(request.user, handover),
            "can_correct": can_correct(request.user, handover),
            "history": selectors.history_for(handover),
        },
    )


@require_POST
def handover_receive(request, pk: int):
    handover = get_handover_for(request.user, pk, receive=True)
    try:
        services.receive_handover(
            actor=request.user, handover=handover, note=request.POST.get("note", "").strip()
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "已确认接班")
    return redirect("workforce:handover_detail", pk=handover.pk)


def handover_edit(request, pk: int):
    handover = get_handover_for(request.user, pk, correct=True)
    initial = {f: getattr(handover, f) for f in TEXT_FIELDS}
    form = CorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        note = data.pop("note")
        try:
            services.correct_handover(actor=request.user, handover=handover, data=data, note=note)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "已更正，更正前的内容保留在记录中")
            return redirect("workforce:handover_detail", pk=handover.pk)
    return render(
        request, "workforce/form.html", {"form": form, "title": f"更正：{handover}", "handover": handover}
    )


def handover_print(request, pk: int):
    handover = get_handover_for(request.user, pk)
    return render(
        request, "workforce/handover_print.html", {"handover": handover, "printed_at": timezone.localtime()}
    )
