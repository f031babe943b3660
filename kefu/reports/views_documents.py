"""Generated report documents: the list (what was made, when, by whom, how; downloads; "generate now"),
the printable page of one document, and its Excel and PDF. Thin: the permission helpers fetch, the
services write, the stored content is rendered as it was made."""

from io import BytesIO

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from kefu.core import periods
from kefu.core.excel import XLSX
from kefu.reports import services
from kefu.reports.forms import GenerateForm
from kefu.reports.models import ReportFile
from kefu.reports.permissions import get_generated_for, require_documents, visible_reports
from kefu.reports.rendering import tables_from_content

PER_PAGE = 20
CONTENT_TYPES = {
    ReportFile.Format.XLSX: XLSX,
    ReportFile.Format.PDF: "application/pdf",
}


@require_http_methods(["GET", "POST"])
def documents(request):
    kinds = require_documents(request.user)
    if request.method == "POST":
        form = GenerateForm(request.POST, kinds=kinds)
        if form.is_valid():
            return _generate(request, form.cleaned_data["kind_object"], form.cleaned_data["period_object"])
        return _list(request, kinds, form, status=400)
    return _list(request, kinds, GenerateForm(kinds=kinds))


def _generate(request, kind, period):
    report = services.request_report(actor=request.user, kind=kind.code, period=period)
    if kind.inline:
        # Small enough to make while the reader waits; the claim keeps the worker from making it too.
        report = services.run_queued(report, actor=request.user) or report
    if report.is_ready:
        messages.success(request, f"已生成「{report.title}」")
    elif report.state == report.State.FAILED:
        messages.error(request, f"「{report.title}」生成失败：{report.error}")
    else:
        messages.info(request, f"已提交「{report.title}」，后台生成后即可在下表下载")
    return redirect(f"{reverse('reports:documents')}?{urlencode({'kind': kind.code})}")


def _list(request, kinds, form, *, status: int = 200):
    codes = {kind.code: kind for kind in kinds}
    kind = request.GET.get("kind", "")
    month = request.GET.get("month", "").strip()
    errors = []
    reports = visible_reports(request.user).select_related("generated_by", "unit")
    if kind:
        if kind in codes:
            reports = reports.filter(kind=kind)
        else:
            errors.append("没有这种报表，或您无权查阅")
    if month:
        try:
            period = periods.parse_month(month)
            reports = reports.filter(period_start__gte=period.start, period_start__lt=period.end)
        except ValidationError as error:
            errors += error.messages
    page = Paginator(reports.order_by("-created_at", "-id"), PER_PAGE).get_page(request.GET.get("page"))
    for report in page:
        report.kind_label = codes[report.kind].label
    return render(
        request,
        "reports/documents/list.html",
        {
            "page": page,
            "kinds": kinds,
            "form": form,
            "kind_value": kind,
            "month_value": month,
            "error": "；".join(errors),
        },
        status=400 if errors else status,
    )


@require_GET
def document(request, generated_id: int):
    report = get_generated_for(request.user, generated_id)
    return render(
        request,
        "reports/documents/detail.html",
        {
            "report": report,
            "tables": tables_from_content(report.content),
            "content": report.content,
        },
    )


def _download(request, generated_id: int, file_format: str) -> FileResponse:
    report = get_generated_for(request.user, generated_id)
    stored = ReportFile.objects.filter(report=report, format=file_format).first() if report.is_ready else None
    if stored is None:
        raise Http404("这份报表还没有生成文件")
    return FileResponse(
        BytesIO(bytes(stored.content)),
        # Excel is saved; the PDF opens in the browser, ready to print.
        as_attachment=file_format == ReportFile.Format.XLSX,
        filename=stored.filename,
        content_type=CONTENT_TYPES[file_format],
    )


@require_GET
def document_xlsx(request, generated_id: int):
    return _download(request, generated_id, ReportFile.Format.XLSX)


@require_GET
def document_pdf(request, generated_id: int):
    return _download(request, generated_id, ReportFile.Format.PDF)
