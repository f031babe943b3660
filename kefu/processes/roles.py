"""Default permissions per role for counter business (merged by kefu.accounts.roles)."""

from kefu.accounts.models import Role

READ = ["processes.view_process", "processes.view_processdefinition"]
WORK = READ + ["processes.add_process", "processes.change_process", "processes.add_processdocument"]

DEFAULT_PERMISSIONS: dict[str, list[str]] = {
    Role.COUNTER_CLERK: WORK,
    Role.AGENT: READ,
    Role.TEAM_LEADER: READ,
    Role.DEPARTMENT_HEAD: WORK + ["processes.approve_process"],
    # The center's head signs a unit's or cluster's application (seed 000 ch.10 §1.5).
    Role.CENTER_DIRECTOR: READ + ["processes.approve_process", "processes.sign_application"],
    # A unit's staff (the design office, a branch) work the stages their unit holds, and see nothing else.
    Role.UNIT_STAFF: ["processes.handle_stage", "processes.add_processdocument"],
    Role.ADMINISTRATOR: READ
    + [
        "processes.change_processdefinition",
        "processes.view_stagedefinition",
        "processes.change_stagedefinition",
    ],
}
