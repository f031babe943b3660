"""The file page's block of reading and borrowing (D2): `{% include "archives/loans_file_block.html" %}`
on the file's page (which has `file` in its context) shows who has the file, the latest lines of its
register the viewer may see and the request button."""

from django import template

from kefu.archives import selectors_loans as selectors
from kefu.archives.services.loans import confidential_refusal
from kefu.core.permissions import can

register = template.Library()


@register.inclusion_tag("archives/loans_file_block_body.html", takes_context=True)
def file_loans(context, file):
    user = context["request"].user
    if not file or not can(user, "archives.view_fileloan"):
        return {"shown": False}
    return {
        "shown": True,
        "file": file,
        "away": selectors.file_away(file),
        "loans": selectors.file_loans(user, file),
        "can_request": can(user, "archives.add_fileloan") and file.state == "filed",
        "confidential_refusal": confidential_refusal(file) if file.confidential else "",
    }
