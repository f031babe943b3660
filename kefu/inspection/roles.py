"""Default permissions this app gives each role (merged by kefu.accounts.roles).

Inspectors (稽查员) open and work cases, record evidence, statements and notices, fill the violation
registration and ask for approval, draft the patrol plan and record patrols. The center director
(客户服务中心领导) approves penalties and the year's plan and reads the read log. The department head reads
cases as a leader. Nobody else reads a case file (第三条(十一)): no other role has `inspection.view_case`."""

from kefu.accounts.models import Role

READ = ["inspection.view_case", "inspection.view_patrolplan", "inspection.view_patrol"]
INSPECTOR = READ + [
    "inspection.add_case",
    "inspection.work_case",
    "inspection.add_patrolplan",
    "inspection.change_patrolplan",
    "inspection.add_patrol",
]
DIRECTOR = READ + [
    "inspection.approve_case",
    "inspection.view_case_reads",
    "inspection.approve_patrolplan",
]
HEAD = READ + ["inspection.view_case_reads"]

DEFAULT_PERMISSIONS: dict[str, list[str]] = {
    Role.FIELD_INSPECTOR: INSPECTOR,
    Role.CENTER_DIRECTOR: DIRECTOR,
    Role.DEPARTMENT_HEAD: HEAD,
}
