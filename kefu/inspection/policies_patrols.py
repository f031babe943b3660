"""Rules of the patrol plans and patrols (I4; seed 000 ch.7 第四条(一), 第五条(四)). Keys are
"<app>.<name>"; explained in docs/INSPECTION.md "Patrol plans and attendance (I4)". Two inspectors or more
on a patrol (第三条(三)) is the cases' rule `inspection.min_inspectors`, one rule for every task."""

from kefu.core.policies import INT, TEXT, Rule
from kefu.inspection.sources import CH7

DEFAULT_COUNTS = "hydrant:2,construction:2,public_body:1,estate:1,factory:1,hotel:1,market:1"

RULES: dict[str, Rule] = {
    "inspection.patrol_attendance_target": Rule(
        100,
        "巡查：稽查员月出勤率目标（低于此值标红）",
        f"{CH7}第五条(四)：出勤率应达100%",
        kind=INT,
        minimum=1,
        maximum=100,
        unit="%",
    ),
    "inspection.patrol_behind_percent": Rule(
        100,
        "巡查：月末完成次数低于计划的此百分比即为进度落后，提醒稽查员和中心主任",
        "本地默认；依据供水手册第七章供水稽查管理制度第四条(一)：按照领导要求及年度计划分区分片排查",
        kind=INT,
        minimum=1,
        maximum=100,
        unit="%",
    ),
    "inspection.patrol_check_days_before_end": Rule(
        0,
        "巡查：在月末前几天检查本月进度并提醒（0为当月最后一天）",
        "本地默认；依据供水手册第七章供水稽查管理制度第四条(一)：年度计划",
        kind=INT,
        minimum=0,
        maximum=20,
        unit="天",
    ),
    "inspection.patrol_default_counts": Rule(
        DEFAULT_COUNTS,
        "巡查：新编年度计划时各类巡查对象每片区每月的默认次数（对象:次数，逗号分隔）",
        "本地默认；巡查对象依据供水手册第七章供水稽查管理制度第四条(一)",
        kind=TEXT,
        check="kefu.inspection.services.patrols.check_default_counts",
    ),
}
