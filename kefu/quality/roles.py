"""Default permissions this app gives each role (merged by kefu.accounts.roles).

QA inspectors (质检员) score checks, add contacts to check, run calibrations and write the weekly
summary; the QA lead is an inspector given `quality.decide_qaappeal` (the demo's qa1), and the
department head decides appeals too. The training specialist (培训专员, 002 考核标准 2、4) drafts the
month's sheets, enters the exam scores, the lines the records do not hold and complaint findings, and
gives team leaders their ±5. Team leaders (the agents' supervisors, 主管) review the month and score
the specialist; the department head approves and locks it and decides appeals on sheets; the center
director reads everything and receives the termination flags. Every member of staff sees their own
checks and sheet (no permission needed: the selectors let a person read their own)."""

from kefu.accounts.models import Role

READ_QA = [
    "quality.view_qacheck",
    "quality.view_scorecard",
    "quality.view_weeklysummary",
    "quality.view_calibration",
]
READ_APPRAISAL = [
    "quality.view_appraisalmonth",
    "quality.view_appraisalsheet",
    "quality.view_appraisalitem",
    "quality.view_examscore",
    "quality.view_complaintfinding",
    "quality.view_softindicatorscore",
]
INSPECTOR = READ_QA + [
    "quality.view_all_qachecks",
    "quality.add_qacheck",
    "quality.score_qacheck",
    "quality.add_calibration",
    "quality.add_weeklysummary",
    "quality.change_weeklysummary",
    "quality.add_complaintfinding",
]
SPECIALIST = (
    READ_QA
    + READ_APPRAISAL
    + [
        "quality.view_all_qachecks",
        "quality.draft_appraisalmonth",
        "quality.add_appraisalline",
        "quality.change_appraisalline",
        "quality.adjust_appraisalsheet",
        "quality.add_examscore",
        "quality.add_complaintfinding",
        "quality.add_softindicatorscore",
        "quality.export_appraisalmonth",
    ]
)
LEADER = (
    READ_QA
    + READ_APPRAISAL
    + [
        "quality.review_appraisalmonth",
        "quality.add_softindicatorscore",
    ]
)
HEAD = (
    READ_QA
    + READ_APPRAISAL
    + [
        "quality.view_all_qachecks",
        "quality.decide_qaappeal",
        "quality.change_scorecard",
        "quality.add_scorecard",
        "quality.change_weeklysummary",
        "quality.approve_appraisalmonth",
        "quality.decide_sheetappeal",
        "quality.export_appraisalmonth",
        "quality.add_softindicatorscore",
        "quality.change_appraisalitem",
        "quality.add_appraisalitem",
    ]
)

DEFAULT_PERMISSIONS: dict[str, list[str]] = {
    Role.QA_INSPECTOR: INSPECTOR,
    Role.TRAINING_SPECIALIST: SPECIALIST,
    Role.TEAM_LEADER: LEADER,
    Role.DEPARTMENT_HEAD: HEAD,
    Role.CENTER_DIRECTOR: HEAD,
}
