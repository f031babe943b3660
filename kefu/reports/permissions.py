"""Who may read the reports: one check for pages, workbooks, the API and nothing else to drift."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from kefu.accounts.models import Role
from kefu.core.permissions import require
from kefu.reports.documents import KINDS, ReportKind, get_kind
from kefu.reports.models import GeneratedReport

# The register and its summaries name callers and phone numbers: the department head's hand-in
# (seed 000 ch.5 §3.4) and the director's oversight, not every agent's business.
REPORTS_PERMISSION = "hotline.export_register"


def require_reports(user) -> None:
    """The center's live reports: the pages, their workbooks and the report API.

    They count and list the whole center (the monthly register names every caller of the month, the
    discipline office's complaints among them) and cannot be narrowed to a unit, so a unit's staff are
    refused them even when an administrator has given them the report right, as may_read refuses them
    the document kinds that are not unit-scoped. A center expects a branch to read its own work, not
    the center's: its contacts in the contact register (narrowed by visible_to, with its own Excel) and
    its figures in the unit-scoped documents. Narrowing the register alone would leave the summary
    beside it counting every unit's cases and disagreeing with the register it sums up."""
    require(user, REPORTS_PERMISSION)
    if is_unit_staff(user):
        raise PermissionDenied(
            "全中心报表只供客服中心查阅：本单位的来电登记请在“来电来访登记”中查询、导出，"
            "本单位的报表请在“报表文档”中查阅"
        )


# ---------------------------------------------------------------------------------------------------
# Generated report documents. Each kind says who may read it (kefu.reports.documents.KINDS); asking for
# one to be generated needs the same right. A responsible unit's staff may be given a report right by an
# administrator: they then read (and ask for) only the kinds that can be narrowed to a unit, and only
# their own unit's copies. 403 when the role lacks the right, 404 for a document outside the user's unit.


def is_unit_staff(user) -> bool:
    return getattr(user, "role", "") == Role.UNIT_STAFF


def may_read(user, kind: ReportKind) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not any(all(user.has_perm(p) for p in perms) for perms in kind.read):
        return False
    if is_unit_staff(user):
        return kind.unit_scoped and user.unit_id is not None
    return True


def readable_kinds(user) -> list[ReportKind]:
    return [kind for kind in KINDS.values() if may_read(user, kind)]


def require_documents(user) -> list[ReportKind]:
    """The kinds this user may read; PermissionDenied when there is none (the list page, the API)."""
    require(user)
    kinds = readable_kinds(user)
    if not kinds:
        raise PermissionDenied("您的角色没有查阅报表的权限")
    return kinds


def require_kind(user, code: str) -> ReportKind:
    """The kind, for a user who may read it and ask for it (KeyError for an unknown code)."""
    kind = get_kind(code)
    if not may_read(user, kind):
        raise PermissionDenied(f"您的角色不能查阅或生成「{kind.label}」")
    return kind


def visible_reports(user):
    """Generated reports of the kinds the user may read; a unit's staff see their unit's copies only."""
    codes = [kind.code for kind in readable_kinds(user)]
    reports = GeneratedReport.objects.filter(kind__in=codes)
    if is_unit_staff(user):
        reports = reports.filter(unit_id=user.unit_id)
    return reports


def get_generated_for(user, generated_id: int) -> GeneratedReport:
    require_documents(user)
    report = GeneratedReport.objects.select_related("generated_by", "unit").filter(pk=generated_id).first()
    if report is None or report.kind not in KINDS:
        raise Http404("没有这份报表")
    if not may_read(user, KINDS[report.kind]):
        raise PermissionDenied(f"您的角色不能查阅「{KINDS[report.kind].label}」")
    if is_unit_staff(user) and report.unit_id != user.unit_id:
        raise Http404("没有这份报表")
    return report
