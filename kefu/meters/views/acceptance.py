"""The acceptance pages (M8, ch.4 §6): the list (pending, overdue, failed, passed; search, branch,
paging) and each acceptance with its joint record form and history."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone

from kefu.core.forms import add_service_errors
from kefu.core.params import object_id
from kefu.core.permissions import can, require
from kefu.core.responses import bad_request
from kefu.meters import selectors_returns as selectors
from kefu.meters.forms_returns import AcceptanceForm
from kefu.meters.models import Acceptance
from kefu.meters.permissions import fetch
from kefu.meters.services import acceptance as services
from kefu.meters.views.returns import PER_PAGE, _branches, _flag, tabs


def acceptances_list(request):
    require(request.user, "meters.view_acceptance")
    filters = {
        "q": request.GET.get("q", "").strip()[:50],
        "state": request.GET.get("state", ""),
        "overdue": _flag(request, "overdue"),
        "branch_id": object_id(request.GET.get("branch")),
    }
    page = Paginator(selectors.acceptances(request.user, **filters), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "meters/acceptance/list.html",
        {
            "tabs": tabs(request.user, "acceptance"),
            "page": page,
            "filters": filters,
            "states": Acceptance.State.choices,
            "branches": _branches(request.user),
            "today": timezone.localdate(),
        },
    )


def acceptance_detail(request, pk: int):
    acceptance = fetch(
        Acceptance,
        request.user,
        pk,
        permission="meters.view_acceptance",
        label="水表验收",
        related=selectors.ACCEPTANCE_RELATED,
    )
    may_record = can(request.user, "meters.change_acceptance") and acceptance.state != Acceptance.State.PASSED
    form = AcceptanceForm(request.POST or None)
    context = {
        "tabs": tabs(request.user, "acceptance"),
        "a": acceptance,
        "form": form if may_record else None,
        "outstanding": services.old_meter_outstanding(acceptance),
        "history": selectors.history(acceptance),
        "today": timezone.localdate(),
    }
    if request.method == "POST":
        require(request.user, "meters.change_acceptance")
        if not may_record:
            return bad_request(
                request, "meters/acceptance/detail.html", "该验收已验收合格，不能再次登记", **context
            )
        if not form.is_valid():
            return bad_request(request, "meters/acceptance/detail.html", form, **context)
        data = form.cleaned_data
        try:
            services.record_acceptance(
                actor=request.user,
                acceptance=acceptance,
                passed=data["result"] == "passed",
                branch_signer=data["branch_signer"],
                note=data["note"],
                accepted_on=data["accepted_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return bad_request(request, "meters/acceptance/detail.html", error, **context)
        messages.success(request, "已登记验收结果")
        return redirect("meters:acceptance_detail", pk=acceptance.pk)
    return render(request, "meters/acceptance/detail.html", context)


urlpatterns = [
    path("acceptance/", acceptances_list, name="acceptances"),
    path("acceptance/<int:pk>/", acceptance_detail, name="acceptance_detail"),
]
