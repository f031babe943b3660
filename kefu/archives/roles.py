"""Default permissions this app gives each role (merged by kefu.accounts.roles).

The archivist (档案员) works the archive room's desk: receives and catalogues files, keeps the content
lists, registers loans and returns, proposes destructions with the appraisal group, runs the periodic
holdings check and keeps the key cabinet. The department head (客服部主任, the seed's 客服主任 and
客户服务部主管) approves reading and loans as the manager, registers them, reviews destructions and
re-checks what was destroyed; the center director (服务中心主任, the responsible leader) approves loans
and destructions. Staff who serve customers read the catalogue and ask to read or borrow for their work.
The engineering manager (工程部经理) consents to copies of public and equipment-room keys."""

from kefu.accounts.models import Role

CATALOGUE_READ = ["archives.view_archivefile", "archives.add_fileloan", "archives.view_fileloan"]
KEYS_READ = ["archives.view_key", "archives.view_keyloan", "archives.view_keycopyrequest"]
ARCHIVIST = (
    CATALOGUE_READ
    + KEYS_READ
    + [
        "archives.file_archivefile",
        "archives.change_archivefile",
        "archives.view_restricted_archivefile",
        "archives.export_archivefile",
        "archives.register_fileloan",
        "archives.view_destruction",
        "archives.propose_destruction",
        "archives.view_holdingsinspection",
        "archives.change_holdingsinspection",
        "archives.view_handover",
        "archives.add_key",
        "archives.change_key",
        "archives.lend_key",
        "archives.issue_key",
        "archives.add_keycopyrequest",
    ]
)
HEAD = (
    CATALOGUE_READ
    + KEYS_READ
    + [
        "archives.view_restricted_archivefile",
        "archives.export_archivefile",
        "archives.approve_fileloan",
        "archives.register_fileloan",
        "archives.view_destruction",
        "archives.review_destruction",
        "archives.view_holdingsinspection",
        "archives.view_handover",
        "archives.lend_key",
        "archives.add_keycopyrequest",
    ]
)
DIRECTOR = (
    CATALOGUE_READ
    + KEYS_READ
    + [
        "archives.view_restricted_archivefile",
        "archives.approve_fileloan",
        "archives.view_destruction",
        "archives.approve_destruction",
        "archives.view_holdingsinspection",
        "archives.view_handover",
    ]
)

DEFAULT_PERMISSIONS: dict[str, list[str]] = {
    Role.ARCHIVIST: ARCHIVIST,
    Role.DEPARTMENT_HEAD: HEAD,
    Role.CENTER_DIRECTOR: DIRECTOR,
    Role.COUNTER_CLERK: CATALOGUE_READ,
    Role.TEAM_LEADER: CATALOGUE_READ,
    Role.METER_STORE_KEEPER: CATALOGUE_READ,
    Role.FIELD_INSPECTOR: CATALOGUE_READ + ["archives.view_restricted_archivefile"],
    Role.ENGINEERING_MANAGER: KEYS_READ + ["archives.consent_keycopy", "archives.lend_key"],
}
