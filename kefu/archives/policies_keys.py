"""The key cabinet's rules (D4; 物业客服规章制度·钥匙管理规定). The seed says how keys are sorted,
labelled, lent and copied but gives no number: the loan hours and the label's pattern are ours, marked
本地默认 and explained in docs/ARCHIVES.md ("Keys (D4)")."""

from kefu.archives.sources import KEYS
from kefu.core.policies import BOOL, HOURS, TEXT, Rule

RULES: dict[str, Rule] = {
    "archives.key_loan_hours": Rule(
        4,
        "钥匙借用：未另定归还时间时，借出后应还的小时数（超时即为逾期，提醒借用人和钥匙保管人）",
        f"本地默认；依据{KEYS}2(1)②：借出时必须严格办理登记手续（半个工作日内办完的维修、查看为常见）",
        kind=HOURS,
        minimum=1,
        maximum=72,
    ),
    "archives.key_loan_max_hours": Rule(
        24,
        "钥匙借用：登记时可定的最长借用时间（超过的须归还后重新登记）",
        f"本地默认；依据{KEYS}2(1)①：非工作需要任何人不得以私人名义借出",
        kind=HOURS,
        minimum=1,
        maximum=720,
    ),
    "archives.owner_key_loan_for_work": Rule(
        True,
        "业主钥匙：可凭工作单号借出（如经业主同意的入户维修）；选否则业主钥匙一律不借出",
        f"本地默认；依据{KEYS}2(1)①：非工作需要任何人不得以私人名义借出",
        kind=BOOL,
    ),
    "archives.key_label_format": Rule(
        "{building}栋-{entrance}单元-{floor}层-{room}",
        "钥匙标签格式（住户与公共门窗钥匙）：{building}栋号、{entrance}单元、{floor}楼层（两位）、{room}房号或门窗名称",
        f"{KEYS}2(2)②：在标签纸上写明栋号-单元、楼层房号或设施设备房名称",
        kind=TEXT,
        check="kefu.archives.services.keys.check_label_format",
        help="例如“3栋-2单元-05层-0502”；设施设备房钥匙的标签为设施设备房名称（有栋号时前加栋号）",
    ),
}
