"""Default telephony permissions per role (merged by kefu.accounts.roles).

The PBX/CTI integration posts call events with a token of its own account: give that account the
permission `telephony.add_callevent` (通话事件 · 可以添加) in the admin, or the 系统管理员 role, which has
it by default. Agents need nothing here: the screen pop asks for `hotline.add_contact`.
"""

from kefu.accounts.models import Role

STATS = ["telephony.view_call"]

DEFAULT_PERMISSIONS: dict[str, list[str]] = {
    Role.TEAM_LEADER: STATS,
    Role.QA_INSPECTOR: STATS,
    Role.DEPARTMENT_HEAD: STATS,
    Role.CENTER_DIRECTOR: STATS,
    Role.ADMINISTRATOR: STATS + ["telephony.add_callevent", "telephony.view_callevent"],
}
