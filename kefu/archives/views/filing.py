"""The archive room's desk, the catalogue and a file's page (D1): files to file (overdue in red), loans
waiting/out/overdue and destructions from their subjects' selectors; the catalogue's search, paging and
Excel; a file's header, content list (add, remove with a reason), place, history, and its printed
卷内目录 and 案卷封面. Every file is fetched through `permissions.get_file_for` (404 for a restricted file
to those who may not see it), every list through `visible_files`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kefu.archives import selectors_filing as selectors
from kefu.archives.models import ArchiveFile, Category, FileItem
from kefu.archives.permissions import get_file_for
from kefu.archives.selectors_destruction import desk_destruction, destruction_of
from kefu.archives.selectors_loans import desk_loans
from kefu.archives.services import filing as services
from kefu.core.excel import export_workbook, local_minute, set_widths, xlsx_response
from kefu.core.params import object_id, page_number, parse_day
from kefu.core.permissions import can, require
from kefu.core.responses import bad_request
from kefu.customers.models import Customer

EXPORT_LIMIT = 20000
LOANS_BLOCK = "archives/loans_file_block.html"
YEARS_BACK = 30


def _keys_url() -> str | None:
    try:
        return reverse("archives:keys")
    except NoReverseMatch:
        return None


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _loan_line(loan) -> dict:
    due = f"，应还 {loan.due_on:%Y-%m-%d}" if loan.due_on else ""
    return {
        "text": f"{loan.file} · {loan.borrower}",
        "note": f"{loan.get_kind_display()}，{loan.get_state_display()}{due}",
        "url": _url("archives:loan", loan.pk),
        "late": bool(loan.due_on and loan.state == "out" and loan.due_on < timezone.localdate()),
    }


def _destruction_line(destruction) -> dict:
    return {
        "text": destruction.number,
        "note": f"{destruction.get_state_display()}：{destruction.reason}",
        "url": _url("archives:destruction", destruction.pk),
        "late": False,
    }


def _retention_line(file) -> dict:
    return {
        "text": f"{file.catalogue_number or ''} {file.title}",
        "note": f"保管至 {file.retention_until:%Y-%m-%d}" if file.retention_until else "",
        "url": _url("archives:file", file.pk),
        "late": False,
    }


# PERF (issue 17 bench, docs/PERFORMANCE.md "Archives"): a desk list counts at most this many; more
# shows as "1000+". The files past retention may be a great many in a million-file archive (the bench:
# 118,000; counting them took 170 ms of the desk's 100 ms), and selectors_destruction asks never to
# count them whole.
DESK_COUNT_MOST = 1000


def _bounded(queryset, rows: int = selectors.DESK_ROWS, most: int | None = None) -> tuple[list, int | str]:
    """The first rows and the count: the count only when the rows filled the slice (bounded lists);
    with `most`, a count beyond it is "<most>+" (PERF)."""
    shown = list(queryset[: rows + 1])
    if len(shown) <= rows:
        return shown, len(shown)
    if most is not None:
        count = queryset[: most + 1].count()
        return shown[:rows], f"{most}+" if count > most else count
    return shown[:rows], queryset.count()


def desk(request):
    """档案室工作台."""
    user = request.user
    if not can(user, "archives.view_archivefile"):
        if can(user, "archives.view_key") and (url := _keys_url()):
            return redirect(url)
        require(user, "archives.view_archivefile")
    files = selectors.desk_files(user)
    pending, pending_count = _bounded(files["pending"])
    overdue_count = files["overdue"].count() if pending and pending[0].filing_due_on < files["today"] else 0
    loans = desk_loans(user)
    destruction = desk_destruction(user)
    blocks = []
    for title, queryset, line, empty in (
        ("待审批、待登记的借阅", loans["waiting"], _loan_line, "没有待办的借阅申请"),
        ("借出中", loans["out"], _loan_line, "没有借出的档案"),
        ("逾期未还", loans["overdue"], _loan_line, "没有逾期未还的档案"),
        ("销毁清册（办理中）", destruction["proposals"], _destruction_line, "没有办理中的销毁"),
        ("已过保管期限", destruction["past_retention"], _retention_line, "没有超过保管期限的档案"),
    ):
        rows, count = _bounded(queryset, most=DESK_COUNT_MOST)
        blocks.append({"title": title, "rows": [line(row) for row in rows], "count": count, "empty": empty})
    return render(
        request,
        "archives/desk.html",
        {
            "pending": pending,
            "pending_count": pending_count,
            "overdue_count": overdue_count,
            "today": files["today"],
            "blocks": blocks,
            "catalogue_url": reverse("archives:catalogue"),
            "inspection": destruction.get("inspection"),
            "can_file": services.may_file(user),
            "keys_url": _keys_url() if can(user, "archives.view_key") else None,
        },
    )


# ---------------------------------------------------------------- the catalogue


def _filters(request) -> selectors.CatalogueFilters:
    """The catalogue's query string, checked (400 in Chinese for a bad year)."""
    year_text = request.GET.get("year", "").strip()
    year = None
    if year_text:
        if not (year_text.isascii() and year_text.isdigit() and len(year_text) == 4):
            raise ValidationError({"year": f"年度“{year_text[:10]}”格式不对，应为四位年份，例如 2026"})
        year = int(year_text)
        this_year = timezone.localdate().year
        if not this_year - 100 <= year <= this_year + 1:
            raise ValidationError({"year": f"年度应在{this_year - 100}至{this_year + 1}之间"})
    category = request.GET.get("category", "")
    if category and category not in Category.values:
        raise ValidationError({"category": f"档案类别“{category[:20]}”不存在"})
    state = request.GET.get("state", "")
    if state and state not in ArchiveFile.State.values:
        raise ValidationError({"state": f"档案状态“{state[:20]}”不存在"})
    sort = request.GET.get("sort", "new")
    if sort not in selectors.SORTS:
        sort = "new"
    return selectors.CatalogueFilters(
        q=request.GET.get("q", "").strip()[:50], category=category, state=state, year=year, sort=sort
    )


def _catalogue_context(request, filters) -> dict:
    this_year = timezone.localdate().year
    return {
        "filters": filters,
        "categories": Category.choices,
        "states": ArchiveFile.State.choices,
        "sorts": [(code, label) for code, (label, _fields) in selectors.SORTS.items()],
        "years": list(range(this_year, this_year - YEARS_BACK, -1)),
        "can_export": can(request.user, "archives.export_archivefile"),
        "can_file": services.may_file(request.user),
        "today": timezone.localdate(),
    }


def catalogue(request):
    """档案目录: search by number, customer or title; filters; sorting; a page and 下一页."""
    require(request.user, "archives.view_archivefile")
    try:
        filters = _filters(request)
    except ValidationError as error:
        context = _catalogue_context(request, selectors.CatalogueFilters())
        return bad_request(request, "archives/filing_catalogue.html", error, page=None, **context)
    page = selectors.search(request.user, filters, page=page_number(request.GET.get("page")))
    return render(
        request, "archives/filing_catalogue.html", {"page": page, **_catalogue_context(request, filters)}
    )


EXPORT_HEADERS = [
    "档号",
    "案卷题名",
    "档案类别",
    "状态",
    "客户编号",
    "客户",
    "业务编号",
    "移交部门/单位",
    "办结日期",
    "归档期限",
    "归档时间",
    "存放位置",
    "卷内文件数",
    "保管期限",
    "保管截止",
    "保密",
]


def catalogue_export(request):
    require(request.user, "archives.view_archivefile", "archives.export_archivefile")
    try:
        filters = _filters(request)
    except ValidationError as error:
        context = _catalogue_context(request, selectors.CatalogueFilters())
        return bad_request(request, "archives/filing_catalogue.html", error, page=None, **context)
    rows = selectors.export_rows(request.user, filters, limit=EXPORT_LIMIT)

    def write(output):
        book = export_workbook()
        sheet = book.create_sheet("档案目录")
        set_widths(sheet, [18, 40, 14, 8, 14, 20, 18, 16, 12, 12, 17, 12, 8, 8, 12, 6])
        sheet.append(EXPORT_HEADERS)
        for f in rows.iterator(chunk_size=2000):
            sheet.append(
                [
                    f.catalogue_number or "",
                    f.title,
                    f.get_category_display(),
                    f.get_state_display(),
                    f.customer.number if f.customer_id else "",
                    f.customer.name if f.customer_id else "",
                    f.source_number,
                    str(f.unit or f.department or ""),
                    f.finished_on,
                    f.filing_due_on,
                    local_minute(f.filed_at),
                    f.location,
                    f.item_count,
                    (f"{f.retention_years}年" if f.retention_years else "永久") if f.filed_at else "",
                    f.retention_until,
                    "是" if f.confidential else "",
                ]
            )
        book.save(output)

    return xlsx_response(write, f"档案目录-{timezone.localdate():%Y%m%d}.xlsx")


# ---------------------------------------------------------------- manual registration


def _register_context(request, data=None) -> dict:
    return {
        "categories": [(c, Category(c).label) for c in services.MANUAL_CATEGORIES],
        "data": data or {},
        "today": timezone.localdate(),
    }


def file_register(request):
    """手工登记 by the archivist: supply contracts, drawings, owners' and tenants' papers, others."""
    require(request.user, "archives.view_archivefile")
    services.require_filing(request.user)
    if request.method != "POST":
        return render(request, "archives/filing_register.html", _register_context(request))
    data = request.POST
    try:
        try:
            finished_on = parse_day(data.get("finished_on", ""))
        except ValueError:
            raise ValidationError({"finished_on": "形成日期格式不对，应为 YYYY-MM-DD"}) from None
        customer = None
        if number := data.get("customer", "").strip():
            customer = Customer.objects.filter(number=number.upper()).first()
            if customer is None:
                raise ValidationError({"customer": f"客户编号{number[:20]}不存在"})
        items = []
        for line in data.get("items", "").splitlines():
            title, _sep, pages = line.strip().rpartition("|") if "|" in line else (line.strip(), "", "1")
            if title.strip():
                items.append((title.strip(), pages.strip() or "1"))
        file = services.register_manual(
            actor=request.user,
            category=data.get("category", ""),
            title=data.get("title", ""),
            finished_on=finished_on,
            customer=customer,
            source_number=data.get("source_number", ""),
            items=items,
        )
    except ValidationError as error:
        return bad_request(
            request, "archives/filing_register.html", error, **_register_context(request, data)
        )
    messages.success(request, f"已登记待归档：{file.title}")
    return redirect("archives:file", pk=file.pk)


# ---------------------------------------------------------------- one file


def _loans_block() -> str:
    try:
        get_template(LOANS_BLOCK)
    except TemplateDoesNotExist:
        return ""
    return LOANS_BLOCK


def _file_context(request, file: ArchiveFile) -> dict:
    items = selectors.items_of(file)
    return {
        "file": file,
        "items": items,
        "active_items": [i for i in items if i.removed_at is None],
        "history": selectors.history_of(file),
        "today": timezone.localdate(),
        "can_file": services.may_file(request.user),
        "loans_block": _loans_block(),
        # A destroyed file's entry stays and names its destruction record (D3).
        "destruction": destruction_of(file),
    }


def file_detail(request, pk: int):
    file = get_file_for(request.user, pk)
    return render(request, "archives/filing_file.html", _file_context(request, file))


def _act(request, pk: int, action):
    """Run one write on the file from its page: the page again with the Chinese line (400) when refused."""
    file = get_file_for(request.user, pk)
    try:
        services.require_filing(request.user)
        done = action(file)
    except ValidationError as error:
        return bad_request(request, "archives/filing_file.html", error, **_file_context(request, file))
    except PermissionDenied:
        raise
    messages.success(request, done)
    return redirect("archives:file", pk=file.pk)


@require_POST
def file_in(request, pk: int):
    def action(file):
        checked = [object_id(v) for v in request.POST.getlist("items_checked")]
        file = services.file_in(
            actor=request.user,
            file=file,
            location=request.POST.get("location", ""),
            items_checked=[v for v in checked if v],
        )
        return f"已归档，档号 {file.catalogue_number}"

    return _act(request, pk, action)


@require_POST
def item_add(request, pk: int):
    def action(file):
        item = services.add_item(
            actor=request.user,
            file=file,
            title=request.POST.get("title", ""),
            pages=request.POST.get("pages", "1") or "1",
            original=request.POST.get("copy") != "1",
        )
        return f"已增加卷内文件：{item.position}.{item.title}"

    return _act(request, pk, action)


@require_POST
def item_remove(request, pk: int):
    def action(file):
        item = FileItem.objects.filter(file=file, pk=object_id(request.POST.get("item"))).first()
        if item is None:
            raise ValidationError({"item": "请选择要撤出的卷内文件"})
        services.remove_item(actor=request.user, item=item, reason=request.POST.get("reason", ""))
        return f"已撤出卷内文件：{item.position}.{item.title}"

    return _act(request, pk, action)


@require_POST
def file_move(request, pk: int):
    def action(file):
        file = services.move_file(actor=request.user, file=file, location=request.POST.get("location", ""))
        return f"存放位置已改为 {file.location}"

    return _act(request, pk, action)


def contents_print(request, pk: int):
    """卷内目录 (《档案资料清单》), printed."""
    file = get_file_for(request.user, pk)
    items = [i for i in selectors.items_of(file) if i.removed_at is None]
    return render(
        request,
        "archives/filing_contents_print.html",
        {"file": file, "items": items, "pages": sum(i.pages for i in items)},
    )


def cover_print(request, pk: int):
    """案卷封面, printed."""
    file = get_file_for(request.user, pk)
    return render(request, "archives/filing_cover_print.html", {"file": file})


urlpatterns = [
    path("", desk, name="desk"),
    path("catalogue/", catalogue, name="catalogue"),
    path("catalogue/export/", catalogue_export, name="catalogue_export"),
    path("files/new/", file_register, name="file_register"),
    path("files/<int:pk>/", file_detail, name="file"),
    path("files/<int:pk>/file-in/", file_in, name="file_in"),
    path("files/<int:pk>/items/add/", item_add, name="file_item_add"),
    path("files/<int:pk>/items/remove/", item_remove, name="file_item_remove"),
    path("files/<int:pk>/move/", file_move, name="file_move"),
    path("files/<int:pk>/contents/", contents_print, name="file_contents"),
    path("files/<int:pk>/cover/", cover_print, name="file_cover"),
]
