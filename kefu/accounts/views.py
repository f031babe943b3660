"""Organisation and staff administration (S1)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kefu.accounts import services
from kefu.accounts.forms import HandOverForm, ServiceAreaForm, StaffForm, UnitForm
from kefu.accounts.lockout import account_limit, address_limit, cool_off_minutes, current_lockouts
from kefu.accounts.models import Role, ServiceArea, Unit, User
from kefu.core.permissions import require


def staff_list(request):
    require(request.user, "accounts.view_user")
    query = request.GET.get("q", "").replace("\x00", "").strip()  # PostgreSQL refuses NUL in a query
    role = request.GET.get("role", "")
    staff = User.objects.select_related("department", "team", "unit")
    if query:
        staff = staff.filter(
            Q(name__contains=query) | Q(username__icontains=query) | Q(employee_no__startswith=query)
        )
    if role in Role.values:
        staff = staff.filter(role=role)
    page = Paginator(staff.order_by("employee_no", "username"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/staff_list.html",
        {
            "page": page,
            "query": query,
            "role": role,
            "roles": Role.choices,
            "can_edit": request.user.has_perm("accounts.change_user"),
            "can_hand_over": request.user.has_perm("accounts.hand_over_user"),
        },
    )


def staff_create(request):
    require(request.user, "accounts.add_user")
    form = StaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("is_active")
        user = services.create_staff(actor=request.user, **data)
        messages.success(request, f"已添加员工：{user}")
        return redirect("accounts:staff_list")
    return render(request, "accounts/form.html", {"form": form, "title": "添加员工"})


def staff_edit(request, pk: int):
    require(request.user, "accounts.change_user")
    member = get_object_or_404(User, pk=pk)
    form = StaffForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("username")
        password = data.pop("password")
        try:
            services.update_staff(actor=request.user, user=member, **data)
        except ValidationError as error:
            # 停用 refused while they still hold work (A3): the form again, with the way out
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
            member.refresh_from_db()
            return render(request, "accounts/form.html", _edit_context(request, form, member), status=400)
        if password:
            services.set_staff_password(actor=request.user, user=member, password=password)
        messages.success(request, f"已更新员工：{member}")
        return redirect("accounts:staff_list")
    return render(request, "accounts/form.html", _edit_context(request, form, member))


def _edit_context(request, form, member) -> dict:
    return {
        "form": form,
        "title": f"修改员工：{member}",
        "member": member,
        "holdings": services.holdings_of(member),
        "can_hand_over": request.user.has_perm("accounts.hand_over_user"),
    }


def staff_hand_over(request, pk: int):
    """A3, H7: what a departing or absent member of staff holds, and the move of all of it to a named
    colleague (the department head or the administrator); then they may be deactivated."""
    require(request.user, "accounts.hand_over_user")
    member = get_object_or_404(User, pk=pk)
    form = HandOverForm(request.POST or None, member=member)
    if request.method == "POST":
        if form.is_valid():
            try:
                moved = services.hand_over_holdings(
                    actor=request.user,
                    from_user=member,
                    to_user=form.cleaned_data["to_user"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                messages.success(
                    request,
                    f"已把{member}的在办事项（共{sum(moved.values())}件）移交给{form.cleaned_data['to_user']}",
                )
                return redirect("accounts:staff_hand_over", pk=member.pk)
        return render(
            request, "accounts/hand_over.html", _hand_over_context(request, form, member), status=400
        )
    return render(request, "accounts/hand_over.html", _hand_over_context(request, form, member))


def _hand_over_context(request, form, member) -> dict:
    return {
        "form": form,
        "member": member,
        "holdings": services.holdings_of(member),
        "can_edit": request.user.has_perm("accounts.change_user"),
    }


def unit_list(request):
    require(request.user, "accounts.view_unit")
    form = None
    if request.user.has_perm("accounts.add_unit"):
        form = UnitForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            unit = services.save_unit(actor=request.user, unit=form.save(commit=False))
            messages.success(request, f"已添加单位：{unit}")
            return redirect("accounts:unit_list")
    elif request.method == "POST":
        require(request.user, "accounts.add_unit")
    units = Unit.objects.prefetch_related("service_areas")
    return render(request, "accounts/units.html", {"units": units, "form": form})


def area_list(request):
    require(request.user, "accounts.view_servicearea")
    form = None
    if request.user.has_perm("accounts.add_servicearea"):
        form = ServiceAreaForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            area = services.save_service_area(actor=request.user, area=form.save(commit=False))
            messages.success(request, f"已添加片区：{area}")
            return redirect("accounts:area_list")
    elif request.method == "POST":
        require(request.user, "accounts.add_servicearea")
    areas = ServiceArea.objects.select_related("branch")
    return render(request, "accounts/areas.html", {"areas": areas, "form": form})


def login_lockouts(request):
    require(request.user, "axes.view_accessattempt")
    return render(
        request,
        "accounts/lockouts.html",
        {
            "lockouts": current_lockouts(),
            "address_limit": address_limit(),
            "account_limit": account_limit(),
            "cool_off_minutes": cool_off_minutes(),
            "can_unlock": request.user.has_perm("axes.delete_accessattempt"),
        },
    )


@require_POST
def unlock_login(request):
    require(request.user, "axes.delete_accessattempt")
    username = request.POST.get("username", "").strip()
    ip_address = request.POST.get("ip_address", "").strip() or None
    try:
        failures = services.unlock_login(actor=request.user, username=username, ip_address=ip_address)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        where = f"在 {ip_address} 的" if ip_address else ""
        messages.success(request, f"已解除 {username} {where}登录锁定（此前失败 {failures} 次）")
    return redirect("accounts:login_lockouts")
