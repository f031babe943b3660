"""One way for a page to answer a bad request: the page again, with one Chinese line saying what was
wrong, and status 400 (the reader's typo is not a server error). Every page view uses these two, so
the join of the reasons and the status cannot drift from page to page."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

SEPARATOR = "；"
NO_PERMISSION = "您的角色没有此项权限"


def error_text(problem: Exception | forms.BaseForm | str) -> str:
    """Every reason as one line: a ValidationError's messages, a bound form's errors (each field's, in
    field order, then the form's own), or a refusal's text, joined with "；"."""
    if isinstance(problem, str):
        return problem
    if isinstance(problem, forms.BaseForm):
        return SEPARATOR.join(message for errors in problem.errors.values() for message in errors)
    if isinstance(problem, ValidationError):
        return SEPARATOR.join(problem.messages)
    # PermissionDenied and the like: their own text, or the plain refusal when they carry none.
    return str(problem) or NO_PERMISSION


def bad_request(
    request: HttpRequest,
    template: str,
    error: Exception | forms.BaseForm | str,
    **context,
) -> HttpResponse:
    """Render `template` with `error` (as error_text) in the context under "error", status 400."""
    return render(request, template, {**context, "error": error_text(error)}, status=400)
