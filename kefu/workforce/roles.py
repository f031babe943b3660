"""Default permissions this app gives each role (merged by kefu.accounts.roles).

Handovers: agents and team leaders write and receive them; only a team leader corrects someone else's.
Rosters: everyone on the roster sees it; the department head draws it up, generates and publishes plans.
Leave and swaps: agents and team leaders ask; team leaders, the department head and the center director
approve at their level (kefu.workforce.services.leave decides which level is whose). Attendance: each
signs in for their own shift; team leaders call the roll, correct with a reason and record absences.
Discipline cases: read by leaders and by quality inspection (issue 16)."""

from kefu.accounts.models import Role

READ = ["workforce.view_handover"]
WRITE = READ + ["workforce.add_handover", "workforce.change_handover"]
ROSTERED = [
    "workforce.view_rosterentry",
    "workforce.view_shift",
    "workforce.view_leaverequest",
    "workforce.add_leaverequest",
    "workforce.view_shiftswap",
    "workforce.add_shiftswap",
    "workforce.view_attendance",
    "workforce.add_attendance",
]
LEADING = [
    "workforce.approve_leaverequest",
    "workforce.approve_shiftswap",
    "workforce.correct_attendance",
    "workforce.view_disciplinecase",
    "workforce.change_disciplinecase",
    "workforce.view_rosterplan",
]
# The department head and the center director are not on the roster: they read it, they do not ask.
READ_ROSTER = [p for p in ROSTERED if ".view_" in p]
PLANNING = [
    "workforce.change_rosterentry",
    "workforce.add_rosterentry",
    "workforce.add_rosterplan",
    "workforce.publish_rosterplan",
]

DEFAULT_PERMISSIONS: dict[str, list[str]] = {
    Role.AGENT: WRITE + ROSTERED,
    Role.TEAM_LEADER: WRITE + ["workforce.correct_handover"] + ROSTERED + LEADING,
    Role.DEPARTMENT_HEAD: READ + READ_ROSTER + LEADING + PLANNING,
    Role.CENTER_DIRECTOR: READ
    + ["workforce.view_rosterentry", "workforce.view_shift", "workforce.view_leaverequest"]
    + ["workforce.view_shiftswap", "workforce.view_attendance", "workforce.approve_leaverequest"]
    + ["workforce.view_disciplinecase", "workforce.view_rosterplan"],
    Role.QA_INSPECTOR: [
        "workforce.view_disciplinecase",
        "workforce.view_attendance",
        "workforce.view_rosterentry",
    ],
}
