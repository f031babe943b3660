"""Destruction (D3), the periodic holdings check (ch.8 §3–§5) and the archivist's hand-over (ch.8 §6).

Seed 000 ch.8 §7 and 003 住户档案管理规定 6 give the two people present at a destruction; the size of the
appraisal group, the period of the holdings check and its checklist are ours (本地默认), explained in
docs/ARCHIVES.md ("Destruction (D3)", "Holdings check and hand-over")."""

from kefu.archives.sources import CH8, HOUSEHOLD_ARCHIVES
from kefu.core.policies import CHOICE, INT, LIST, Rule

MONTHLY, QUARTERLY = "monthly", "quarterly"
CHECKLIST_DEFAULT = (
    "防盗,防火,防光,防有害生物,防潮,防尘,防高温,防污染,"
    "消防设施完好有效,温湿度计正常,空调设备正常,档案完整（账物相符）"
)

RULES: dict[str, Rule] = {
    "archives.destruction_min_appraisers": Rule(
        2,
        "档案销毁：鉴定小组至少人数（提出人计入）",
        f"本地默认；{CH8}7：销毁失去保存价值的档案须由鉴定小组提出意见，登记造册",
        kind=INT,
        minimum=2,
        maximum=15,
        unit="人",
    ),
    "archives.destruction_min_witnesses": Rule(
        2,
        "档案销毁：销毁时至少在场并在销毁清册上签字的人数",
        f"{CH8}7：由两人以上共同在指定地点销毁，并在销毁清册上签字；{HOUSEHOLD_ARCHIVES}6：销毁档案时，应有两人以上在场",
        kind=INT,
        minimum=2,
        maximum=10,
        unit="人",
    ),
    "archives.destruction_max_files": Rule(
        2000,
        "档案销毁：一份销毁清册最多列入的案卷数",
        f"本地默认；{CH8}7：登记造册（清册须能逐件复核、打印签字）",
        kind=INT,
        minimum=1,
        maximum=20000,
        unit="卷",
    ),
    "archives.holdings_check_period": Rule(
        QUARTERLY,
        "库房定期检查：检查周期",
        f"本地默认；{CH8}5：定期组织人员对档案保管的状况进行全面检查",
        kind=CHOICE,
        choices=((MONTHLY, "每月"), (QUARTERLY, "每季度")),
    ),
    "archives.holdings_check_days": Rule(
        15,
        "库房定期检查：每个周期开始后应在此天数内完成检查",
        f"本地默认；{CH8}5：定期组织人员对档案保管的状况进行全面检查，发现问题要及时向领导汇报",
        kind=INT,
        minimum=1,
        maximum=90,
        unit="天",
    ),
    "archives.holdings_checklist": Rule(
        CHECKLIST_DEFAULT,
        "库房定期检查：检查项目（逗号分隔，每项逐一填写正常或发现问题）",
        f"{CH8}3：做到“八防”，即防盗、防火、防光、防有害生物、防潮、防尘、防高温、防污染；"
        f"4：档案库房应设有消防设施、温湿度计、空调设备，并随时保持设施的正常；5：保护档案的完整与安全",
        kind=LIST,
        help="每项不超过40个字；修改只影响此后开始的检查，已开始的检查保留当时的项目。",
    ),
}
