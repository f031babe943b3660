"""Default permissions this app gives each role (merged by kefu.accounts.roles).

Agents and team leaders write and receive handovers; only a team leader corrects someone else's.
The department head and the center director read them."""

from kefu.accounts.models import Role

READ = ["workforce.view_handover"]
WRITE = READ + ["workforce.add_handover", "workforce.change_handover"]

DEFAULT_PERMISSIONS: dict[str, list[str]] = {
    Role.AGENT: WRITE,
    Role.TEAM_LEADER: WRITE + ["workforce.correct_handover"],
    Role.DEPARTMENT_HEAD: READ,
    Role.CENTER_DIRECTOR: READ,
}
