"""Default permissions this app gives each role (merged by kefu.accounts.roles).

The reports are gated by hotline.export_register (导出来电登记与月度汇总), which kefu.hotline.roles
gives the department head and the center director. The team leader writes the day's workload report
and the month's service-quality analysis (seed 002 班长责任制3–4), so that role may read those two
generated documents (reports.view_team_report) without the register's callers and phone numbers."""

from kefu.accounts.models import Role

DEFAULT_PERMISSIONS: dict[str, list[str]] = {
    Role.TEAM_LEADER: ["reports.view_team_report"],
}
