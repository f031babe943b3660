"""Default permissions this app gives each role (merged by kefu.accounts.roles).

Everyone who answers or follows up calls reads the incidents (agents read the agreed answer to callers
and link their contacts; units see their incidents with the contacts behind them). The leaders
(班长, 客服部主任, 中心主任) declare, confirm or dismiss, change the agreed answer and close."""

from kefu.accounts.models import Role

READ = ["incidents.view_incident"]
LEAD = READ + ["incidents.declare_incident", "incidents.add_incident", "incidents.change_incident"]

DEFAULT_PERMISSIONS: dict[str, list[str]] = {
    Role.AGENT: READ,
    Role.QA_INSPECTOR: READ,
    Role.UNIT_STAFF: READ,
    Role.TEAM_LEADER: LEAD,
    Role.DEPARTMENT_HEAD: LEAD,
    Role.CENTER_DIRECTOR: LEAD,
}

# Who is told when the system finds a suspected incident (they confirm or dismiss it).
LEADER_ROLES = (Role.TEAM_LEADER, Role.DEPARTMENT_HEAD, Role.CENTER_DIRECTOR)
