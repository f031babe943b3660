"""Filing rules (D1): per category, how long a file is kept, how many working days the department has
to hand its papers in after the business is finished, and which categories are confidential (never lent
nor copied).

Seed 003 (住户档案管理规定 5(4)) sends the retention periods to a 《档案保存期限规定》 that the seeds do
not include, and ch.8 §2 asks for filing "按规定范围、时间" without giving the time: every number here is
therefore 本地默认, editable on the 业务规则 page, and explained in docs/ARCHIVES.md. A file keeps the
retention it was filed with (a later change of the rule moves no old file)."""

from kefu.archives.models import Category
from kefu.archives.sources import CH8, HOUSEHOLD_ARCHIVES
from kefu.core.policies import INT, LIST, WORKING_DAYS, Rule

RETENTION_HELP = (
    "保管期限（年），0 表示永久保存。种子资料所称《档案保存期限规定》未随附，此为本地默认值，"
    "请按本单位正式规定修改；修改只影响此后归档的案卷。"
)
FILING_HELP = "业务办结后，移交部门须在此期限内把纸质材料交档案室归档；逾期由档案室提醒移交部门。"

# (retention years, filing working days) — 本地默认 (see the module's docstring).
DEFAULTS = {
    Category.PROCESS: (30, 10),
    Category.SUPPLY_CONTRACT: (30, 10),
    Category.DRAWING: (0, 10),
    Category.METER_REPLACEMENT: (10, 10),
    Category.METER_RETURN: (5, 10),
    Category.INSPECTION: (30, 5),
    Category.OWNER: (0, 10),
    Category.TENANT: (10, 10),
    Category.OTHER: (10, 10),
}
CONFIDENTIAL_DEFAULT = "owner,tenant,inspection"


def retention_key(category: str) -> str:
    return f"archives.retention_years.{category}"


def filing_days_key(category: str) -> str:
    return f"archives.filing_days.{category}"


def check_categories(codes) -> None:
    from django.core.exceptions import ValidationError

    unknown = [code for code in codes if code not in Category.values]
    if unknown:
        raise ValidationError(f"未知的档案类别：{'、'.join(unknown)}（可选：{'、'.join(Category.values)}）")


RULES: dict[str, Rule] = {}
for _category, (_years, _days) in DEFAULTS.items():
    RULES[retention_key(_category)] = Rule(
        _years,
        f"档案保管期限：{_category.label}（年，0为永久）",
        f"本地默认；{HOUSEHOLD_ARCHIVES}5(4)：档案资料的保管期限见《档案保存期限规定》（未随附）",
        kind=INT,
        minimum=0,
        maximum=100,
        unit="年",
        help=RETENTION_HELP,
    )
    RULES[filing_days_key(_category)] = Rule(
        _days,
        f"归档期限：{_category.label}（业务办结后）",
        f"本地默认；{CH8}2：档案室负责督促各部门及有关人员按规定范围、时间及时归档",
        kind=WORKING_DAYS,
        minimum=1,
        maximum=120,
        help=FILING_HELP,
    )
RULES["archives.confidential_categories"] = Rule(
    CONFIDENTIAL_DEFAULT,
    "保密档案类别：不得借出、复印（档案类别编码，逗号分隔）",
    f"本地默认；{HOUSEHOLD_ARCHIVES}3(3)：涉及业主/租户个人及其他有保密要求的文件和资料，不可复印或借出",
    kind=LIST,
    check="kefu.archives.policies_filing.check_categories",
    help="编码：" + "、".join(f"{c.value}（{c.label}）" for c in Category) + "。稽查案卷为本地默认。",
)
