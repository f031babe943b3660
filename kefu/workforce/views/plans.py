"""Roster plan pages (S5): the list with the form that generates a plan, the review page (solver status,
gap, coverage by day, the proposal as a grid, fairness, the checker's result), publish and discard."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kefu.core.forms import add_service_errors
from kefu.core.permissions import can, require
from kefu.core.responses import error_text
from kefu.workforce.forms_plans import PlanForm
from kefu.workforce.permissions_plans import (
    can_discard,
    can_publish,
    get_plan_for,
    get_plan_to_discard,
    get_plan_to_publish,
)
from kefu.workforce.selectors_plans import review, visible_to
from kefu.workforce.services import plans as services

PER_PAGE = 20


def _list(request, form: PlanForm, *, status: int = 200):
    page = Paginator(visible_to(request.user), PER_PAGE).get_page(request.GET.get("page"))
    for plan in page.object_list:
        plan.status_text = services.status_label(plan)
    return render(
        request,
        "workforce/plan_list.html",
        {"page": page, "form": form, "can_add": can(request.user, "workforce.add_rosterplan")},
        status=status,
    )


def plans(request):
    require(request.user, "workforce.view_rosterplan")
    return _list(request, PlanForm())


@require_POST
def plan_create(request):
    require(request.user, "workforce.view_rosterplan", "workforce.add_rosterplan")
    form = PlanForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.generate_plan(
                actor=request.user,
                first_day=data["first_day"],
                days=7 * data["weeks"],
                team=data["team"],
                time_limit_s=data["time_limit_s"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"已生成排班方案：{services.status_label(plan)}，请审核后发布")
            return redirect("workforce:plan_detail", pk=plan.pk)
    return _list(request, form, status=400)


def plan_detail(request, pk: int):
    plan = get_plan_for(request.user, pk)
    summary = plan.summary or {}
    return render(
        request,
        "workforce/plan_detail.html",
        {
            "plan": plan,
            "status_text": services.status_label(plan),
            "gap_text": "—" if plan.gap is None else f"{plan.gap * 100:.1f}%",
            "summary": summary,
            "review": review(plan),
            "can_publish": can_publish(request.user, plan),
            "can_discard": can_discard(request.user, plan),
        },
    )


@require_POST
def plan_publish(request, pk: int):
    plan = get_plan_to_publish(request.user, pk)
    try:
        services.publish_plan(actor=request.user, plan=plan)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "排班方案已发布，已排入个人排班")
    return redirect("workforce:plan_detail", pk=plan.pk)


@require_POST
def plan_discard(request, pk: int):
    plan = get_plan_to_discard(request.user, pk)
    try:
        services.discard_plan(actor=request.user, plan=plan, note=request.POST.get("note", "").strip()[:200])
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "排班方案已放弃")
    return redirect("workforce:plan_detail", pk=plan.pk)
