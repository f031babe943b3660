"""Reading and borrowing pages (D2): the register (《文件借阅登记表》: filters, search, sorting, paging,
Excel, a printable register), 我的借阅, a request from the file's page, one loan with its buttons by
permission (approve, refuse, register the loan or the reading with the borrower's signature, return,
withdraw) and its printable 《文件借阅登记表》. Thin: selectors_loans reads, services.loans writes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from kefu.archives import selectors_loans as selectors
from kefu.archives.forms_loans import DecisionForm, LendForm, LoanRequestForm
from kefu.archives.models import FileLoan
from kefu.archives.permissions import get_file_for
from kefu.archives.services import loans as services
from kefu.core.excel import export_workbook, local_minute, set_widths, xlsx_response
from kefu.core.forms import add_service_errors
from kefu.core.params import object_id, page_number
from kefu.core.permissions import can, require
from kefu.core.policies import policy
from kefu.core.responses import bad_request, error_text

PER_PAGE = 30
EXPORT_LIMIT = 20000
PRINT_LIMIT = 500
SORT_CHOICES = [("new", "最新申请在前"), ("old", "最早申请在前"), ("due", "应还日期"), ("file", "档号")]


def _flag(request, name: str) -> bool:
    return request.GET.get(name) in ("1", "on", "true")


def _filters(request, *, mine: bool = False) -> dict:
    sort = request.GET.get("sort", "new")
    return {
        "q": request.GET.get("q", "").strip()[:50],
        "state": request.GET.get("state", "")
        if request.GET.get("state", "") in FileLoan.State.values
        else "",
        "overdue": _flag(request, "overdue"),
        "borrower_id": object_id(request.GET.get("borrower")),
        "mine": mine,
        "sort": sort if sort in dict(SORT_CHOICES) else "new",
    }


def _list(request, *, mine: bool):
    require(request.user, "archives.view_fileloan")
    filters = _filters(request, mine=mine)
    rows = selectors.loans(request.user, **filters)
    page = Paginator(rows, PER_PAGE).get_page(page_number(request.GET.get("page")))
    return render(
        request,
        "archives/loans_list.html",
        {
            "page": page,
            "filters": filters,
            "states": FileLoan.State.choices,
            "sorts": SORT_CHOICES,
            "mine": mine,
            "sees_all": selectors.sees_all(request.user),
            "today": timezone.localdate(),
            "query": request.GET.urlencode(),
        },
    )


def loans_list(request):
    return _list(request, mine=False)


def my_loans(request):
    return _list(request, mine=True)


HEADERS = [
    "借阅单号",
    "档号",
    "案卷题名",
    "方式",
    "借阅人",
    "借阅事由",
    "因工作需要",
    "申请时间",
    "状态",
    "审批人",
    "审批意见",
    "登记人",
    "借阅人签字时间",
    "应还日期",
    "归还时间",
    "收回人",
    "逾期",
]


def _row(loan: FileLoan, today) -> list:
    late = loan.state in selectors.AWAY and loan.due_on is not None and loan.due_on < today
    return [
        loan.pk,
        loan.file.catalogue_number or "",
        loan.file.title,
        loan.get_kind_display(),
        str(loan.borrower),
        loan.purpose,
        "是" if loan.for_work else "否",
        local_minute(loan.requested_at),
        loan.get_state_display(),
        str(loan.decided_by or ""),
        loan.decision_note,
        str(loan.registered_by or ""),
        local_minute(loan.borrower_signed_at),
        loan.due_on,
        local_minute(loan.returned_at),
        str(loan.received_by or ""),
        "是" if late else "",
    ]


def loans_export(request):
    require(request.user, "archives.view_fileloan")
    rows = selectors.loans(request.user, **_filters(request, mine=_flag(request, "mine")))[:EXPORT_LIMIT]
    today = timezone.localdate()

    def write(output):
        book = export_workbook()
        sheet = book.create_sheet("文件借阅登记表")
        set_widths(sheet, [8, 16, 30, 6, 10, 30, 8, 17, 12, 10, 20, 10, 17, 12, 17, 10, 6])
        sheet.append(HEADERS)
        for loan in rows.iterator(chunk_size=2000):
            sheet.append(_row(loan, today))
        book.save(output)

    return xlsx_response(write, f"文件借阅登记表-{today:%Y%m%d}.xlsx")


def loans_register_print(request):
    """The register as the archive room keeps it on paper (the filters of the list, at most 500 lines)."""
    require(request.user, "archives.view_fileloan")
    filters = _filters(request, mine=_flag(request, "mine"))
    rows = list(selectors.loans(request.user, **filters)[: PRINT_LIMIT + 1])
    return render(
        request,
        "archives/loans_register_print.html",
        {
            "rows": rows[:PRINT_LIMIT],
            "cut": len(rows) > PRINT_LIMIT,
            "limit": PRINT_LIMIT,
            "printed_at": timezone.localtime(),
            "today": timezone.localdate(),
        },
    )


def _actions(user, loan: FileLoan) -> dict:
    own = loan.borrower_id == user.pk
    approver = can(user, "archives.approve_fileloan") and not own
    registrar = can(user, "archives.register_fileloan")
    state = loan.state
    return {
        "approve": approver and state == FileLoan.State.REQUESTED,
        "lend": registrar
        and not own
        and state == FileLoan.State.APPROVED
        and loan.kind == FileLoan.Kind.LOAN,
        "read": registrar and state == FileLoan.State.APPROVED and loan.kind == FileLoan.Kind.READ,
        "return": registrar and state in selectors.AWAY,
        "cancel": (own or registrar) and state in (FileLoan.State.REQUESTED, FileLoan.State.APPROVED),
    }


def _detail_context(request, loan: FileLoan, **extra) -> dict:
    return {
        "loan": loan,
        "actions": _actions(request.user, loan),
        "history": selectors.history(loan),
        "today": timezone.localdate(),
        "lend_form": extra.pop("lend_form", None) or LendForm(),
        "loan_days": policy("archives.loan_days"),
        "confidential_refusal": services.confidential_refusal(loan.file) if loan.file.confidential else "",
        **extra,
    }


def loan_detail(request, pk: int):
    loan = selectors.get_loan_for(request.user, pk)
    return render(request, "archives/loans_detail.html", _detail_context(request, loan))


def loan_print(request, pk: int):
    loan = selectors.get_loan_for(request.user, pk)
    return render(request, "archives/loans_print.html", {"loan": loan, "printed_at": timezone.localtime()})


def loan_request(request, pk: int):
    """Ask to read or borrow the file (from the file's page)."""
    require(request.user, "archives.add_fileloan")
    file = get_file_for(request.user, pk)
    form = LoanRequestForm(request.POST or None, initial={"kind": FileLoan.Kind.READ, "for_work": True})
    context = {
        "file": file,
        "form": form,
        "away": selectors.file_away(file),
        "confidential_refusal": services.confidential_refusal(file) if file.confidential else "",
    }
    if request.method == "POST":
        if not form.is_valid():
            return bad_request(request, "archives/loans_request.html", form, **context)
        data = form.cleaned_data
        try:
            loan = services.request(
                actor=request.user,
                file=file,
                kind=data["kind"],
                purpose=data["purpose"],
                for_work=data["for_work"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return bad_request(request, "archives/loans_request.html", error, **context)
        if loan.state == FileLoan.State.REQUESTED:
            messages.success(request, f"已提交借阅申请#{loan.pk}，待服务中心经理审批")
        else:
            messages.success(request, f"已提交查阅申请#{loan.pk}，请到档案室登记查阅")
        return redirect("archives:loan", pk=loan.pk)
    return render(request, "archives/loans_request.html", context)


def _act(request, pk: int, perform, done: str, *, form_class=None):
    loan = selectors.get_loan_for(request.user, pk)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        return bad_request(
            request, "archives/loans_detail.html", form, **_detail_context(request, loan, lend_form=form)
        )
    try:
        perform(loan, form.cleaned_data if form is not None else {})
    except ValidationError as error:
        if isinstance(form, LendForm):
            add_service_errors(form, error)
        return bad_request(
            request,
            "archives/loans_detail.html",
            error,
            **_detail_context(request, loan, **({"lend_form": form} if isinstance(form, LendForm) else {})),
        )
    except PermissionDenied as error:
        messages.error(request, error_text(error))
        return redirect("archives:loan", pk=loan.pk)
    messages.success(request, done)
    return redirect("archives:loan", pk=loan.pk)


@require_POST
def loan_approve(request, pk: int):
    require(request.user, "archives.approve_fileloan")
    return _act(
        request,
        pk,
        lambda loan, data: services.approve(actor=request.user, loan=loan, note=data.get("note", "")),
        "已批准",
        form_class=DecisionForm,
    )


@require_POST
def loan_refuse(request, pk: int):
    require(request.user, "archives.approve_fileloan")
    return _act(
        request,
        pk,
        lambda loan, data: services.refuse(actor=request.user, loan=loan, note=data.get("note", "")),
        "已作出不予批准的决定",
        form_class=DecisionForm,
    )


@require_POST
def loan_lend(request, pk: int):
    require(request.user, "archives.register_fileloan")
    return _act(
        request,
        pk,
        lambda loan, data: services.lend(
            actor=request.user, loan=loan, signed=data["signed"], due_on=data.get("due_on")
        ),
        "已登记借出",
        form_class=LendForm,
    )


@require_POST
def loan_read(request, pk: int):
    require(request.user, "archives.register_fileloan")
    return _act(
        request,
        pk,
        lambda loan, data: services.start_reading(actor=request.user, loan=loan, signed=data["signed"]),
        "已登记查阅",
        form_class=LendForm,
    )


@require_POST
def loan_return(request, pk: int):
    require(request.user, "archives.register_fileloan")
    return _act(
        request, pk, lambda loan, data: services.return_file(actor=request.user, loan=loan), "已登记归还"
    )


@require_POST
def loan_cancel(request, pk: int):
    require(request.user, "archives.view_fileloan")
    return _act(
        request,
        pk,
        lambda loan, data: services.cancel(actor=request.user, loan=loan, reason=data.get("note", "")),
        "已撤回申请",
        form_class=DecisionForm,
    )


urlpatterns = [
    path("loans/", loans_list, name="loans"),
    path("loans/mine/", my_loans, name="my_loans"),
    path("loans/export/", loans_export, name="loans_export"),
    path("loans/print/", loans_register_print, name="loans_print"),
    path("loans/<int:pk>/", loan_detail, name="loan"),
    path("loans/<int:pk>/print/", loan_print, name="loan_print"),
    path("loans/<int:pk>/approve/", loan_approve, name="loan_approve"),
    path("loans/<int:pk>/refuse/", loan_refuse, name="loan_refuse"),
    path("loans/<int:pk>/lend/", loan_lend, name="loan_lend"),
    path("loans/<int:pk>/read/", loan_read, name="loan_read"),
    path("loans/<int:pk>/return/", loan_return, name="loan_return"),
    path("loans/<int:pk>/cancel/", loan_cancel, name="loan_cancel"),
    path("files/<int:pk>/loans/new/", loan_request, name="loan_request"),
]
