"""Fetch a swap only if the user may see it, decide it or withdraw it: one pair of helpers shared by the
pages and the API (the visibility rule is kefu.workforce.selectors_swaps.visible_to)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from kefu.core.params import object_id
from kefu.core.permissions import require
from kefu.workforce.models import ShiftSwap
from kefu.workforce.selectors_swaps import visible_to


def get_swap_for(user, pk) -> ShiftSwap:
    require(user, "workforce.view_shiftswap")
    pk = object_id(pk)
    swap = visible_to(user).filter(pk=pk).first() if pk is not None else None
    if swap is None:
        raise Http404("换班登记不存在")
    return swap


def get_swap_to_decide(user, pk) -> ShiftSwap:
    """A swap this user is listed to approve and has not yet approved."""
    require(user, "workforce.view_shiftswap", "workforce.approve_shiftswap")
    swap = get_swap_for(user, pk)
    if not can_decide(user, swap):
        raise PermissionDenied("您不是本次换班待批准的批准人（换班制度二：换班必须经双方班长同意）")
    return swap


def get_swap_to_withdraw(user, pk) -> ShiftSwap:
    require(user, "workforce.view_shiftswap", "workforce.add_shiftswap")
    swap = get_swap_for(user, pk)
    if swap.requester_id != user.pk:
        raise PermissionDenied("只有换班申请人本人可以撤回")
    return swap


def can_decide(user, swap: ShiftSwap) -> bool:
    return (
        swap.status == ShiftSwap.Status.REQUESTED
        and user.has_perm("workforce.approve_shiftswap")
        and user.pk in swap.approvers
        and user.pk not in swap.approved_by
    )


def can_withdraw(user, swap: ShiftSwap) -> bool:
    return swap.status == ShiftSwap.Status.REQUESTED and swap.requester_id == user.pk
