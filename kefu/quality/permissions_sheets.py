"""Who sees which appraisal sheet, one rule for the pages and the API (Q2, Q4).

Everyone sees their own sheets. A team leader sees the sheets of their team (the team snapshot on the
sheet) and the training specialists' (whom they score, 002: 培训专员的考核由主管评分). Holders of
quality.view_appraisalsheet who are the training specialist, the department head or the center
director see every sheet."""

from django.db.models import Q, QuerySet
from django.http import Http404

from kefu.accounts.models import Role
from kefu.core.params import object_id
from kefu.core.permissions import can
from kefu.quality.models import AppraisalSheet

SEES_ALL = (Role.TRAINING_SPECIALIST, Role.DEPARTMENT_HEAD, Role.CENTER_DIRECTOR)
RELATED = ("appraisal_month", "person", "team", "adjusted_by")


def sees_all_sheets(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and (user.is_superuser or (user.role in SEES_ALL and can(user, "quality.view_appraisalsheet")))
    )


def sheets_visible_to(user) -> QuerySet[AppraisalSheet]:
    rows = AppraisalSheet.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return rows.none()
    if sees_all_sheets(user):
        return rows
    mine = Q(person_id=user.pk)
    if user.role == Role.TEAM_LEADER and can(user, "quality.view_appraisalsheet"):
        team = Q(team_id=user.team_id) if user.team_id else Q(pk__in=[])
        return rows.filter(mine | team | Q(person__role=Role.TRAINING_SPECIALIST))
    return rows.filter(mine)


def get_sheet_for(user, pk, *, write: bool = False) -> AppraisalSheet:
    """The sheet `pk` if the user may see it (404 otherwise, as if it did not exist). With `write`, the
    services decide who may change what (kefu.quality.services.sheets); here only that it is not the
    user's own sheet seen as a reviewer would."""
    number = object_id(pk)
    if number is None:
        raise Http404("考核表不存在")
    sheet = sheets_visible_to(user).select_related(*RELATED).filter(pk=number).first()
    if sheet is None:
        raise Http404("考核表不存在")
    return sheet
