"""Fetch a handover only if the user may see (or act on) it: one helper for pages and API."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from kefu.core.params import object_id
from kefu.core.permissions import require
from kefu.workforce.models import Handover


def get_handover_for(user, pk, *, receive: bool = False, correct: bool = False) -> Handover:
    require(user, "workforce.view_handover")
    if receive or correct:
        require(user, "workforce.change_handover")
    pk = object_id(pk)  # the shared id rule: int() would read "+12" or "١٢"
    if pk is None:
        raise Http404("交接班记录不存在")
    handover = Handover.objects.select_related("team", "handed_over_by", "received_by").filter(pk=pk).first()
    if handover is None:
        raise Http404("交接班记录不存在")
    # An agent corrects their own handover; a team leader may correct anyone's.
    if correct and handover.handed_over_by_id != user.pk and not user.has_perm("workforce.correct_handover"):
        raise PermissionDenied("只能更正自己交班的记录，或请班长更正")
    return handover


def can_correct(user, handover: Handover) -> bool:
    return user.has_perm("workforce.change_handover") and (
        handover.handed_over_by_id == user.pk or user.has_perm("workforce.correct_handover")
    )


def can_receive(user, handover: Handover) -> bool:
    return (
        handover.pending
        and user.has_perm("workforce.change_handover")
        and handover.handed_over_by_id != user.pk
        and handover.received_by_id in (None, user.pk)
    )
