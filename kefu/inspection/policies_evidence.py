"""Rules of the field subject (I2): evidence files, the rectification notice's deadline. Keys are
"inspection.<name>"; where seed 000 ch.7 is silent the value is ours (本地默认, docs/INSPECTION.md)."""

from kefu.core.policies import INT, Rule
from kefu.inspection.sources import CH7

RULES: dict[str, Rule] = {
    "inspection.evidence_upload_max_mb": Rule(
        15,
        "证据：每个照片或扫描件的大小上限",
        "本地默认；手机照片一般2–8 MB，多页扫描件稍大（供水手册第七章第三条（七）摄像取证未规定大小）",
        kind=INT,
        minimum=1,
        maximum=100,
        unit="MB",
    ),
    "inspection.rectify_default_days": Rule(
        7,
        "整改通知书：默认整改期限（开具之日起的日历天数）",
        f"本地默认；{CH7}第二条只要求书面限期整改，未规定期限",
        kind=INT,
        minimum=1,
        maximum=365,
        unit="天",
    ),
    "inspection.rectify_max_days": Rule(
        30,
        "整改通知书：整改期限最长天数（开具之日起的日历天数）",
        f"本地默认；{CH7}第二条只要求书面限期整改，未规定期限",
        kind=INT,
        minimum=1,
        maximum=365,
        unit="天",
    ),
}
