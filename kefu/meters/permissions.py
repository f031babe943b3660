"""Who sees which meter records, and the fetch-and-check helpers shared by pages and API.

A branch's staff see their own branch's replacements, plans, issues, returns, tasks and acceptances
(the branch of the record, which is the customer's area's branch); every other role with the view
permission sees all. One rule, `branch_scope`, the same as the archive's (kefu.customers.models)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from kefu.core.params import object_id
from kefu.core.permissions import require
from kefu.customers.models import NO_BRANCH, branch_scope


def visible(queryset, user):
    """The rows of a branch-owned meters model this user may see."""
    branch_id = branch_scope(user)
    if branch_id is None:
        return queryset
    if branch_id == NO_BRANCH:
        return queryset.none()
    return queryset.filter(branch_id=branch_id)


def fetch(model, user, pk, *, permission: str, label: str, related=()):
    """The record `pk` of `model` if the user holds `permission` and may see its branch; 404 otherwise
    (a record of another branch is not found, as if it did not exist)."""
    require(user, permission)
    pk = object_id(pk)
    if pk is None:
        raise Http404(f"{label}不存在")
    queryset = model.objects.select_related(*related) if related else model.objects.all()
    if hasattr(model, "branch_id") or any(f.name == "branch" for f in model._meta.fields):
        queryset = visible(queryset, user)
    record = queryset.filter(pk=pk).first()
    if record is None:
        raise Http404(f"{label}不存在")
    return record


def require_branch(user, branch) -> None:
    """A branch's staff act for their own branch only."""
    branch_id = branch_scope(user)
    if branch_id is not None and branch_id != getattr(branch, "pk", branch):
        raise PermissionDenied("只能办理本分公司的水表业务")
