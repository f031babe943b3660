"""The store keeper's pages (M2, M3 stocktake, seed 000 ch.4 §2–§3): the desk (表库 home: stock by
caliber, today's issues and old-meter returns, what is overdue), the stock list and each stock meter's
life, goods-in with its printable receipt, the month-end count sheet, and the monthly stock report."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST
from openpyxl.styles import Font, PatternFill

from kefu.core.excel import export_workbook, local_minute, set_widths, styled_cells, xlsx_response
from kefu.core.forms import add_service_errors
from kefu.core.params import object_id, parse_month
from kefu.core.permissions import can, require
from kefu.core.responses import error_text
from kefu.meters import selectors_store as selectors
from kefu.meters.forms_store import GoodsInForm, counts_from
from kefu.meters.models import GoodsReceipt, StockMeter, Stocktake
from kefu.meters.permissions import fetch
from kefu.meters.services import store as services

PER_PAGE = 50
EXPORT_LIMIT = 200_000
READ = "meters.view_stockmeter"
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EEF2F7")


def desk(request):
    require(request.user, READ)
    summary = selectors.desk_summary(timezone.localdate())
    return render(
        request,
        "meters/store/desk.html",
        {
            "summary": summary,
            "can_receive": can(request.user, "meters.add_goodsreceipt"),
            "can_plan": can(request.user, "meters.view_purchaseplan"),
        },
    )


# ---- stock


def _stock_filters(request) -> dict:
    state = request.GET.get("state", "")
    sort = request.GET.get("sort", "")
    caliber = object_id(request.GET.get("caliber"))
    return {
        "q": (request.GET.get("q") or "").strip()[:30],
        "caliber": caliber if caliber and caliber <= 600 else None,
        "state": state if state in StockMeter.State.values else "",
        "sort": sort if sort in selectors.SORTS else "caliber",
    }


def stock_list(request):
    require(request.user, READ)
    filters = _stock_filters(request)
    page = Paginator(selectors.stock(**filters), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "meters/store/stock_list.html",
        {
            "page": page,
            "filters": filters,
            "states": StockMeter.State.choices,
            "calibers": sorted(selectors.in_stock_by_caliber() | {c: 0 for c in selectors.minimum_stock()}),
            "sorts": [
                ("caliber", "口径↑"),
                ("-caliber", "口径↓"),
                ("number", "表号↑"),
                ("-number", "表号↓"),
                ("-received", "入库日期（新→旧）"),
                ("received", "入库日期（旧→新）"),
            ],
        },
    )


STOCK_HEADERS = [
    "表号",
    "口径",
    "型号",
    "生产厂家",
    "批次",
    "检定合格证号",
    "检定日期",
    "状态",
    "入库单",
    "入库日期",
    "验收签字",
    "验收时间",
]


def stock_export(request):
    require(request.user, READ)
    rows = selectors.stock(**_stock_filters(request))

    def write(output):
        book = export_workbook()
        sheet = book.create_sheet("库存水表")
        set_widths(sheet, [16, 8, 14, 18, 12, 16, 12, 10, 16, 12, 10, 17])
        sheet.append(styled_cells(sheet, STOCK_HEADERS, font=BOLD, fill=HEADER_FILL))
        for meter in rows[:EXPORT_LIMIT].iterator(chunk_size=2000):
            sheet.append(
                [
                    meter.number,
                    f"DN{meter.caliber_dn}",
                    meter.model,
                    meter.maker,
                    meter.batch,
                    meter.certificate_no,
                    f"{meter.certificate_date:%Y-%m-%d}",
                    meter.get_state_display(),
                    meter.receipt.number,
                    f"{meter.receipt.received_on:%Y-%m-%d}",
                    str(meter.checked_by),
                    local_minute(meter.checked_at),
                ]
            )
        book.save(output)

    return xlsx_response(write, f"库存水表_{timezone.localdate():%Y%m%d}.xlsx")


def stock_meter(request, pk: int):
    meter = fetch(
        StockMeter,
        request.user,
        pk,
        permission=READ,
        label="库存水表",
        related=("receipt", "checked_by", "archive_meter"),
    )
    records = selectors.related_records(meter)
    return render(
        request,
        "meters/store/stock_meter.html",
        {
            "meter": meter,
            "issue": next((r for r in records if r._meta.model_name == "meterissue"), None),
            "replacement": next((r for r in records if r._meta.model_name == "replacement"), None),
            "acceptance": next((r for r in records if r._meta.model_name == "acceptance"), None),
            "history": selectors.history(records),
        },
    )


# ---- goods-in


def goods_in(request):
    require(request.user, READ, "meters.add_goodsreceipt")
    form = GoodsInForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                receipt = services.receive_goods(
                    actor=request.user,
                    meters=data["meters"],
                    supplier=data["supplier"],
                    received_on=data.get("received_on"),
                    purchase_plan=data.get("purchase_plan"),
                    note=data.get("note", ""),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                text = f"已验收入库 {receipt.meters.count()} 只，入库单 {receipt.number}"
                if receipt.refused:
                    text += f"；拒收 {len(receipt.refused)} 只（见入库单）"
                messages.success(request, text)
                return redirect("meters:receipt", pk=receipt.pk)
        return render(request, "meters/store/goods_in.html", {"form": form}, status=400)
    return render(request, "meters/store/goods_in.html", {"form": form})


def receipts(request):
    require(request.user, "meters.view_goodsreceipt")
    page = Paginator(selectors.receipts().order_by("-received_on", "-id"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "meters/store/receipts.html",
        {"page": page, "can_receive": can(request.user, "meters.add_goodsreceipt")},
    )


def _receipt(request, pk):
    return fetch(
        GoodsReceipt,
        request.user,
        pk,
        permission="meters.view_goodsreceipt",
        label="入库单",
        related=("received_by", "purchase_plan"),
    )


def receipt(request, pk: int):
    found = _receipt(request, pk)
    return render(
        request,
        "meters/store/receipt.html",
        {"receipt": found, "meters": found.meters.select_related("checked_by").order_by("number")},
    )


def receipt_print(request, pk: int):
    found = _receipt(request, pk)
    return render(
        request,
        "meters/store/receipt_print.html",
        {
            "receipt": found,
            "meters": found.meters.select_related("checked_by").order_by("number"),
            "printed_at": timezone.localtime(),
        },
    )


# ---- stocktake


def stocktakes(request):
    require(request.user, "meters.view_stocktake")
    today = timezone.localdate()
    page = Paginator(Stocktake.objects.select_related("counted_by"), 24).get_page(request.GET.get("page"))
    current = Stocktake.objects.filter(month=today.replace(day=1)).first()
    return render(
        request,
        "meters/store/stocktakes.html",
        {
            "page": page,
            "today": today,
            "stocktake_day": services.last_working_day_of_month(today.year, today.month),
            "current": current,
            "refusal": services.stocktake_refusal(today),
            "can_open": can(request.user, "meters.add_stocktake") and current is None,
        },
    )


@require_POST
def stocktake_open(request):
    require(request.user, "meters.view_stocktake", "meters.add_stocktake")
    try:
        stocktake = services.open_stocktake(actor=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("meters:stocktakes")
    messages.success(request, f"已开始{stocktake}，请逐口径登记实盘数")
    return redirect("meters:stocktake", pk=stocktake.pk)


def _stocktake(request, pk):
    return fetch(
        Stocktake,
        request.user,
        pk,
        permission="meters.view_stocktake",
        label="盘存表",
        related=("counted_by",),
    )


def stocktake(request, pk: int):
    found = _stocktake(request, pk)
    return _stocktake_page(request, found)


def _stocktake_page(request, found, *, error: str = "", status: int = 200, typed=None):
    lines = list(found.lines.all())
    for line in lines:
        typed_line = (typed or {}).get(line.caliber_dn)
        line.typed_count = typed_line["counted_count"] if typed_line else line.counted_count
        line.typed_reason = typed_line["reason"] if typed_line else line.reason
    return render(
        request,
        "meters/store/stocktake.html",
        {
            "stocktake": found,
            "lines": lines,
            "error": error,
            "can_count": found.state == Stocktake.State.COUNTING
            and can(request.user, "meters.change_stocktake"),
            "history": selectors.history([found]),
        },
        status=status,
    )


@require_POST
def stocktake_count(request, pk: int):
    found = _stocktake(request, pk)
    require(request.user, "meters.change_stocktake")
    counts = counts_from(request.POST)
    try:
        services.record_counts(actor=request.user, stocktake=found, counts=counts)
        if request.POST.get("close") == "1":
            services.close_stocktake(actor=request.user, stocktake=found)
    except ValidationError as error:
        found.refresh_from_db()
        typed = {c["caliber_dn"]: c for c in counts}
        return _stocktake_page(request, found, error=error_text(error), status=400, typed=typed)
    messages.success(request, "盘存已完成" if request.POST.get("close") == "1" else "已保存实盘数")
    return redirect("meters:stocktake", pk=found.pk)


STOCKTAKE_HEADERS = ["口径", "账面数", "实盘数", "差异", "差异原因"]


def stocktake_print(request, pk: int):
    found = _stocktake(request, pk)
    return render(
        request,
        "meters/store/stocktake_print.html",
        {"stocktake": found, "lines": list(found.lines.all()), "printed_at": timezone.localtime()},
    )


def stocktake_export(request, pk: int):
    found = _stocktake(request, pk)
    lines = list(found.lines.all())

    def write(output):
        book = export_workbook()
        sheet = book.create_sheet("盘存表")
        set_widths(sheet, [10, 10, 10, 10, 40])
        sheet.append([f"{found}（盘存日期{found.taken_on:%Y-%m-%d}，{found.get_state_display()}）"])
        sheet.append(styled_cells(sheet, STOCKTAKE_HEADERS, font=BOLD, fill=HEADER_FILL))
        for line in lines:
            sheet.append(
                [f"DN{line.caliber_dn}", line.book_count, line.counted_count, line.difference, line.reason]
            )
        book.save(output)

    return xlsx_response(write, f"盘存表_{found.month:%Y%m}.xlsx")


# ---- monthly stock report


def _report_month(request) -> tuple[int, int, str]:
    today = timezone.localdate()
    text = request.GET.get("month") or f"{today:%Y-%m}"
    try:
        year, month = parse_month(text)
    except ValidationError as error:
        return today.year, today.month, error_text(error)
    return year, month, ""


def stock_report(request):
    require(request.user, READ)
    year, month, problem = _report_month(request)
    context = {
        "year": year,
        "month": month,
        "lines": selectors.stock_report(year, month),
        "month_text": f"{year:04d}-{month:02d}",
    }
    if problem:
        context["error"] = problem
        return render(request, "meters/store/stock_report.html", context, status=400)
    template = (
        "meters/store/stock_report_print.html"
        if request.GET.get("print") == "1"
        else "meters/store/stock_report.html"
    )
    return render(request, template, {**context, "printed_at": timezone.localtime()})


REPORT_HEADERS = ["口径", "月初结存", "本月入库", "本月领出", "月末结存"]


def stock_report_export(request):
    require(request.user, READ)
    year, month, problem = _report_month(request)
    if problem:
        return render(request, "meters/store/stock_report.html", {"error": problem, "lines": []}, status=400)
    lines = selectors.stock_report(year, month)

    def write(output):
        book = export_workbook()
        sheet = book.create_sheet("水表库存月报")
        set_widths(sheet, [10, 12, 12, 12, 12])
        sheet.append([f"{year}年{month}月水表入库、领出与结存"])
        sheet.append(styled_cells(sheet, REPORT_HEADERS, font=BOLD, fill=HEADER_FILL))
        for line in lines:
            sheet.append([f"DN{line.caliber_dn}", line.opening, line.received, line.issued, line.closing])
        sheet.append(
            [
                "合计",
                *(
                    sum(getattr(line, name) for line in lines)
                    for name in ("opening", "received", "issued", "closing")
                ),
            ]
        )
        book.save(output)

    return xlsx_response(write, f"水表库存月报_{year:04d}{month:02d}.xlsx")


urlpatterns = [
    path("", desk, name="desk"),
    path("stock/", stock_list, name="stock"),
    path("stock/export/", stock_export, name="stock_export"),
    path("stock/<int:pk>/", stock_meter, name="stock_meter"),
    path("goods-in/", goods_in, name="goods_in"),
    path("receipts/", receipts, name="receipts"),
    path("receipts/<int:pk>/", receipt, name="receipt"),
    path("receipts/<int:pk>/print/", receipt_print, name="receipt_print"),
    path("stocktakes/", stocktakes, name="stocktakes"),
    path("stocktakes/open/", stocktake_open, name="stocktake_open"),
    path("stocktakes/<int:pk>/", stocktake, name="stocktake"),
    path("stocktakes/<int:pk>/count/", stocktake_count, name="stocktake_count"),
    path("stocktakes/<int:pk>/print/", stocktake_print, name="stocktake_print"),
    path("stocktakes/<int:pk>/export/", stocktake_export, name="stocktake_export"),
    path("stock-report/", stock_report, name="stock_report"),
    path("stock-report/export/", stock_report_export, name="stock_report_export"),
]
