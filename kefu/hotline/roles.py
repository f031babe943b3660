"""Default hotline permissions per role (merged by kefu.accounts.roles)."""

from kefu.accounts.models import Role

READ = ["hotline.view_contact", "hotline.view_workorder"]
TAKE_CALLS = READ + [
    "hotline.add_contact",
    "hotline.change_contact",
    "hotline.add_callback",
    "hotline.add_returnvisit",
    "hotline.add_interimreply",
]
# Leaders write 督办意见 and 批示 on orders (H17); the units sign for them with handle_workorder.
SUPERVISE = ["hotline.supervise_workorder"]
LEAD = TAKE_CALLS + ["hotline.manage_workorder", "hotline.view_escalated"] + SUPERVISE
CATEGORY_ADMIN = ["hotline.view_category", "hotline.add_category", "hotline.change_category"]

DEFAULT_PERMISSIONS: dict[str, list[str]] = {
    Role.AGENT: TAKE_CALLS,
    Role.TEAM_LEADER: LEAD,
    Role.QA_INSPECTOR: READ,
    Role.COUNTER_CLERK: READ + ["hotline.add_contact"],
    Role.DEPARTMENT_HEAD: LEAD + ["hotline.export_register", "hotline.view_category"],
    Role.CENTER_DIRECTOR: READ
    + ["hotline.manage_workorder", "hotline.view_escalated", "hotline.export_register"]
    + SUPERVISE,
    Role.UNIT_STAFF: READ + ["hotline.handle_workorder", "hotline.add_interimreply"],
    Role.ADMINISTRATOR: READ + CATEGORY_ADMIN,
}
