"""Rules of the cases (I1, I3; seed 000 ch.7 第三条). Keys are "inspection.<name>"."""

from kefu.core.policies import BOOL, INT, WORKING_DAYS, Rule
from kefu.inspection.sources import CH7

RULES: dict[str, Rule] = {
    "inspection.min_inspectors": Rule(
        2,
        "稽查任务最少稽查员人数（每人须先出示稽查证件，一人不得开始调查取证）",
        f"{CH7}第三条（三）：稽查人员必须二人以上，执行职务时应首先出示稽查证件",
        kind=INT,
        minimum=2,
        maximum=10,
        unit="人",
    ),
    "inspection.case_working_days": Rule(
        10,
        "稽查案件办理期限（工作日，自立案起）：队内立案、巡查发现、上级转办的案件；"
        "热线举报按工单类别时限，表务任务按表务核查期限",
        "本地默认；依据供水手册第七章供水稽查管理制度第三条：稽查工作应及时查处",
        kind=WORKING_DAYS,
        minimum=1,
        maximum=60,
    ),
    "inspection.statement_before_approval": Rule(
        True,
        "报领导审批前须已记录当事人（黑户为实际用水人）的陈述或申辩",
        f"{CH7}第三条（六）：作出处理决定前，应当听取当事人的陈述和申辩",
        kind=BOOL,
    ),
    "inspection.overdue_alert_days": Rule(
        0,
        "案件超过办理期限多少个工作日后提醒本案稽查员（0为期满次日即提醒，每案只提醒一次）",
        "本地默认；依据供水手册第七章供水稽查管理制度第三条：稽查工作应及时查处",
        kind=WORKING_DAYS,
        minimum=0,
        maximum=30,
    ),
}
