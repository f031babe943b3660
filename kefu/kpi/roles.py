"""Who sees the KPI dashboard by default (merged by kefu.accounts.roles).

Management runs the center from it; a branch's staff see it too, restricted to their own unit's
figures (kefu.kpi.filters.scope_for)."""

from kefu.accounts.models import Role

DASHBOARD = ["kpi.view_dashboard"]

DEFAULT_PERMISSIONS: dict[str, list[str]] = {
    Role.TEAM_LEADER: DASHBOARD,
    Role.QA_INSPECTOR: DASHBOARD,
    Role.DEPARTMENT_HEAD: DASHBOARD,
    Role.CENTER_DIRECTOR: DASHBOARD,
    Role.UNIT_STAFF: DASHBOARD,
}
