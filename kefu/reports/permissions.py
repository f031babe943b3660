"""Who may read the reports: one check for pages, workbooks, the API and nothing else to drift."""

from kefu.core.permissions import require

# The register and its summaries name callers and phone numbers: the department head's hand-in
# (seed 000 ch.5 §3.4) and the director's oversight, not every agent's business.
REPORTS_PERMISSION = "hotline.export_register"


def require_reports(user) -> None:
    require(user, REPORTS_PERMISSION)
