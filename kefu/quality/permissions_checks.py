"""Who sees which QA check — one rule for the pages, the API and the export.

- `quality.view_all_qachecks` (inspectors, the training specialist, the department head) sees every
  check that counts for an agent;
- a team leader (班长) sees the checks of the agents in their team;
- everyone sees their own checks, and the checks they scored;
- a calibration check is seen while the calibration is open only by its own inspector and the QA lead
  (`quality.decide_qaappeal`), once it is closed by whoever sees all checks; never by the agent (it
  does not count for them)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from kefu.accounts.models import Role
from kefu.core.params import object_id
from kefu.quality.models import Calibration, QaCheck
from kefu.quality.selectors_mine import is_appraised


def may_use_checks(user) -> bool:
    """Whom the checks' pages and API answer at all: a QA reader, or a member of staff who is appraised."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.has_perm("quality.view_qacheck") or is_appraised(user))
    )


def require_checks(user) -> None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied("请先登录")
    if not may_use_checks(user):
        raise PermissionDenied("您的角色没有此项权限")


def visibility(user) -> Q:
    """The Q of the checks `user` may see."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    counting = Q(calibration__isnull=True)
    if user.has_perm("quality.view_all_qachecks"):
        mine = counting
    else:
        # A proposed check is not shown to its agent: which call will be listened to is not told.
        own = Q(agent=user) & ~Q(status__in=[QaCheck.Status.PROPOSED, QaCheck.Status.DROPPED])
        mine = counting & (own | Q(inspector=user))
        if user.role == Role.TEAM_LEADER and user.team_id and user.has_perm("quality.view_qacheck"):
            mine |= counting & Q(agent__team_id=user.team_id)
    calibration = Q(calibration__isnull=False) & Q(inspector=user)
    if user.has_perm("quality.decide_qaappeal"):
        calibration = Q(calibration__isnull=False)
    elif user.has_perm("quality.view_all_qachecks"):
        calibration |= Q(calibration__status=Calibration.Status.CLOSED)
    return mine | calibration


def visible_checks(queryset, user):
    return queryset.filter(visibility(user))


def get_check_for(user, pk, *, write: bool = False) -> QaCheck:
    """The check `pk` if `user` may see it (404 otherwise, as if it did not exist); with write=True the
    user must also be allowed to score it."""
    require_checks(user)
    pk = object_id(pk)
    if pk is None:
        raise Http404("质检记录不存在")
    check = (
        visible_checks(QaCheck.objects.all(), user)
        .select_related(
            "agent", "agent__team", "inspector", "scorecard", "calibration", "contact", "contact__category"
        )
        .filter(pk=pk)
        .first()
    )
    if check is None:
        raise Http404("质检记录不存在")
    if write:
        if not user.has_perm("quality.score_qacheck"):
            raise PermissionDenied("您的角色没有质检评分的权限")
        if check.calibration_id and check.inspector_id != user.pk:
            raise PermissionDenied("校准评分只能由本人填写")
    return check


def visible_calibrations(queryset, user):
    """Calibrations: every QA reader sees the list (to score them blind); the scores are filtered by
    visible_checks."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm("quality.view_calibration"):
        return queryset.none()
    return queryset


def get_calibration_for(user, pk) -> Calibration:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied("请先登录")
    if not user.has_perm("quality.view_calibration"):
        raise PermissionDenied("您的角色没有此项权限")
    pk = object_id(pk)
    calibration = (
        Calibration.objects.select_related("contact", "contact__category", "scorecard", "created_by")
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    if calibration is None:
        raise Http404("校准不存在")
    return calibration
