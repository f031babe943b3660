"""Who may read a case (第三条(十一)): inspection staff and leaders only — holders of
`inspection.view_case`. To anyone else a case does not exist: 403 on its page and API, absent from every
list, search, export and the customer timeline. Every read of a case file is logged (`CaseRead`).
Filled in by the cases subject; these are the contracts the other subjects use."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from kefu.inspection.models import Case, CaseRead


def visible_cases(user):
    """CONTRACT: the cases `user` may see in any list, search, export or API answer."""
    if not user.has_perm("inspection.view_case"):
        return Case.objects.none()
    return Case.objects.all()


def get_case_for(user, pk, *, what: str = "案卷页面", write: bool = False) -> Case:
    """CONTRACT: the case for its page, print or API, with the read logged as `what`. 403 without the
    right (and `inspection.work_case` when `write`), 404 when there is no such case."""
    if not user.has_perm("inspection.view_case"):
        raise PermissionDenied("稽查案卷仅限稽查人员和中心领导查阅")
    if write and not user.has_perm("inspection.work_case"):
        raise PermissionDenied("只有稽查员可以办理稽查案件")
    try:
        case = visible_cases(user).select_related("customer", "area").get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404("案件不存在") from None
    CaseRead.objects.create(case=case, reader=user, what=what[:60])
    return case
