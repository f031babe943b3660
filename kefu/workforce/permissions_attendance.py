"""Fetch a shift, an absence from post or a discipline case only if the user may see it (or act on
it): one helper per object for the attendance pages and the API."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from kefu.core.params import object_id
from kefu.core.permissions import require
from kefu.workforce.models import DisciplineCase, PostAbsence, RosterEntry
from kefu.workforce.selectors_attendance import (
    absences_visible_to,
    discipline_visible_to,
    entries_visible_to,
)


def get_entry_for(user, pk, *, manage: bool = False) -> RosterEntry:
    """A rostered shift the user may see; `manage` (roll call, corrections, absences) needs
    workforce.correct_attendance and the shift of someone else in the user's charge."""
    require(user, "workforce.view_attendance")
    if manage:
        require(user, "workforce.correct_attendance")
    pk = object_id(pk)
    entry = entries_visible_to(user).select_related("person", "shift").filter(pk=pk).first() if pk else None
    if entry is None:
        raise Http404("排班不存在")
    if manage and entry.person_id == user.pk:
        raise PermissionDenied("不能更正或登记本人的考勤，请由其他班长或客服部主任办理")
    return entry


def get_absence_for(user, pk, *, manage: bool = False) -> PostAbsence:
    require(user, "workforce.view_attendance")
    if manage:
        require(user, "workforce.correct_attendance")
    pk = object_id(pk)
    absence = absences_visible_to(user).filter(pk=pk).first() if pk else None
    if absence is None:
        raise Http404("离岗登记不存在")
    if manage and absence.entry.person_id == user.pk:
        raise PermissionDenied("不能登记本人的离岗，请由其他班长或客服部主任办理")
    return absence


def get_case_for(user, pk, *, close: bool = False) -> DisciplineCase:
    if close:
        require(user, "workforce.view_disciplinecase", "workforce.change_disciplinecase")
    pk = object_id(pk)
    case = discipline_visible_to(user).filter(pk=pk).first() if pk else None
    if case is None:
        raise Http404("违纪记录不存在")
    if close and case.person_id == user.pk:
        raise PermissionDenied("不能处理本人的违纪记录")
    return case


def can_close(user, case: DisciplineCase) -> bool:
    return (
        case.status == DisciplineCase.Status.OPEN
        and user.has_perm("workforce.change_disciplinecase")
        and case.person_id != user.pk
    )
