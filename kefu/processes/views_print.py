"""Printed forms of counter business (P1, P4–P6): print-styled HTML and PDF with Chinese text.

Both pages are prints: each logs a `form_printed` event on the process (so reprints are counted) and,
since a form shows the customer's archive, an archive read (A3) with the channel 打印."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kefu.customers.models import ArchiveAccess
from kefu.customers.services import record_archive_access
from kefu.processes import printing
from kefu.processes.models import Process
from kefu.processes.pdf import render_pdf
from kefu.processes.permissions import get_process_for


def _print(
    request: HttpRequest, pk: int, form_code: str
) -> tuple[Process, printing.PrintedForm, printing.FormContent]:
    process = get_process_for(request.user, pk)
    form = printing.form_for(process, form_code)
    content = printing.content_for(user=request.user, process=process, form=form)
    content.copy_note = printing.record_print(actor=request.user, process=process, form=form)
    record_archive_access(
        user=request.user, customers=[process.customer], channel=ArchiveAccess.Channel.PRINT, request=request
    )
    return process, form, content


def print_form(request: HttpRequest, pk: int, form_code: str) -> HttpResponse:
    process, form, content = _print(request, pk, form_code)
    return render(request, form.template, {"process": process, "form": form, "content": content})


def print_pdf(request: HttpRequest, pk: int, form_code: str) -> HttpResponse:
    process, form, content = _print(request, pk, form_code)
    response = HttpResponse(render_pdf(content), content_type="application/pdf")
    # ASCII only: the process number (YW…) and the form code.
    stem = process.number or f"process-{process.pk}"
    response["Content-Disposition"] = f'inline; filename="{stem}-{form.code}.pdf"'
    return response
