"""Fetch a roster plan only if the user may see it, publish it or discard it: one set of helpers shared
by the pages and the API (the visibility rule is kefu.workforce.selectors_plans.visible_to)."""

from django.http import Http404

from kefu.core.params import object_id
from kefu.core.permissions import can, require
from kefu.workforce.models import RosterPlan
from kefu.workforce.selectors_plans import visible_to


def get_plan_for(user, pk) -> RosterPlan:
    require(user, "workforce.view_rosterplan")
    pk = object_id(pk)
    plan = visible_to(user).filter(pk=pk).first() if pk is not None else None
    if plan is None:
        raise Http404("排班方案不存在")
    return plan


def get_plan_to_publish(user, pk) -> RosterPlan:
    require(user, "workforce.view_rosterplan", "workforce.publish_rosterplan")
    return get_plan_for(user, pk)


def get_plan_to_discard(user, pk) -> RosterPlan:
    require(user, "workforce.view_rosterplan", "workforce.add_rosterplan")
    return get_plan_for(user, pk)


def can_publish(user, plan: RosterPlan) -> bool:
    return plan.status == RosterPlan.Status.DRAFT and can(user, "workforce.publish_rosterplan")


def can_discard(user, plan: RosterPlan) -> bool:
    return plan.status == RosterPlan.Status.DRAFT and can(user, "workforce.add_rosterplan")
