"""Rules of reading and borrowing (D2; 物业客服规章制度·住户档案管理规定 3 档案使用,
客服部档案管理（档案的借阅和剔除）A). Keys are "archives.<name>". Where the seeds are silent (how long
a loan lasts, when to remind) the choice is ours, marked 本地默认 and explained in docs/ARCHIVES.md
"Reading and borrowing (D2)"."""

from kefu.archives.sources import HOUSEHOLD_ARCHIVES
from kefu.core.policies import BOOL, WORKING_DAYS, Rule

RULES: dict[str, Rule] = {
    "archives.loan_days": Rule(
        7,
        "档案借出：借阅期限（自登记借出之日起的工作日数；登记时可定得更短，不可更长）",
        f"本地默认；{HOUSEHOLD_ARCHIVES}3(4)：档案借出须登记，应还日期由本中心规定",
        kind=WORKING_DAYS,
        minimum=1,
        maximum=60,
        help="按工作日计算：档案室节假日不开放，应还日期总落在工作日。",
    ),
    "archives.loan_remind_days": Rule(
        1,
        "档案借出：应还日期前提前提醒借阅人的工作日数（0为不提醒）",
        "本地默认；到期提醒，减少逾期",
        kind=WORKING_DAYS,
        minimum=0,
        maximum=10,
    ),
    "archives.read_not_for_work_needs_approval": Rule(
        True,
        "非工作需要查阅档案须经服务中心经理批准",
        f"{HOUSEHOLD_ARCHIVES}3(2)：非公司员工或非工作需要，未经服务中心经理批准不得查阅",
        kind=BOOL,
    ),
}
