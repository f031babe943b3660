"""Fetch a roster entry only if the user may read it, or change it: one pair for pages and API."""

from django.http import Http404

from kefu.core.params import object_id
from kefu.core.permissions import require
from kefu.workforce.models import RosterEntry
from kefu.workforce.selectors_rosters import visible_to


def get_roster_entry_for(user, pk) -> RosterEntry:
    require(user, "workforce.view_rosterentry")
    pk = object_id(pk)
    entry = (
        visible_to(user).select_related("person", "person__team", "shift").filter(pk=pk).first()
        if pk is not None
        else None
    )
    if entry is None:
        raise Http404("排班不存在")
    return entry


def get_roster_entry_to_change(user, pk) -> RosterEntry:
    """The department head draws up the roster (workforce.change_rosterentry)."""
    require(user, "workforce.view_rosterentry", "workforce.change_rosterentry")
    return get_roster_entry_for(user, pk)
