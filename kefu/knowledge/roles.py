"""Default permissions this app gives each role (merged by kefu.accounts.roles).

Everyone in the center reads the knowledge base and the outages (callers ask anyone); team leaders
and the department head write them, as they answer for what agents tell callers."""

from kefu.accounts.models import Role

READ = ["knowledge.view_article", "knowledge.view_plannedoutage"]
WRITE = READ + [
    "knowledge.add_article",
    "knowledge.change_article",
    "knowledge.add_plannedoutage",
    "knowledge.change_plannedoutage",
]

DEFAULT_PERMISSIONS: dict[str, list[str]] = {
    Role.AGENT: READ,
    Role.TEAM_LEADER: WRITE,
    Role.QA_INSPECTOR: READ,
    Role.COUNTER_CLERK: READ,
    Role.DEPARTMENT_HEAD: WRITE,
    Role.CENTER_DIRECTOR: READ,
    Role.UNIT_STAFF: READ,
}
