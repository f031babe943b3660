"""考核指标 by role (Q3, seed 002 "客服管理制度·如何制定客服管理制度"): "每一类人的考核都应分为硬性指标考核和
软性指标考核" — the hard indicators of 客服专员, 客服主管 and 客服部经理, each read from the center's own
records (kefu.quality.selectors_indicators computes them, one grouped query per source), and the soft
indicators, scored 0–100 by hand each month (kefu.quality.services.indicators).

The catalogue is data: a code (what the page, the API and SoftIndicatorScore.indicator carry), the
Chinese name, how it is computed and the clause it comes from. The seed's hard items the system holds
no record of (领导对其工作的满意度, 能否完成上级交给的任务, 对公司改进帮助程度…) are scored by hand
with the soft ones and say so; 培训需求 (自己认为为更好胜任该职所需要进行哪方面的培训) is a text, not a
figure, and is left to the QA weekly summary's training plan (002 质检员职责5).

Roles: `agent` is 客服专员 (话务员 and 窗口营业员), `supervisor` 客服主管 (the team leaders, 班长, with
their team's figures, and the training specialist, who has no team), `manager` 客服部经理 (客服部主任
and 中心主任, with the department's figures)."""

from dataclasses import dataclass

from kefu.accounts.models import Role

SEED = "客服管理制度·如何制定客服管理制度"
AGENT_HARD = f"{SEED}：客服专员的硬性指标"
AGENT_SOFT = f"{SEED}：客服专员的软性指标"
SUPERVISOR_HARD = f"{SEED}：客服主管的硬性指标"
SUPERVISOR_SOFT = f"{SEED}：客服主管的软性指标"
MANAGER_HARD = f"{SEED}：客服部经理的硬性指标"
MANAGER_SOFT = f"{SEED}：客服部经理的软性指标"
DUTIES = "客服管理制度·客服部业务代表职责"

AGENT, SUPERVISOR, MANAGER = "agent", "supervisor", "manager"


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    how: str  # how the figure is computed, or who scores it
    clause: str  # the seed's words it comes from
    unit: str = ""  # 次, %, 秒, 分


@dataclass(frozen=True)
class RoleIndicators:
    key: str
    label: str
    roles: tuple[str, ...]  # the accounts' roles shown on this tab
    scored_by: str  # who scores the soft indicators (the rule kefu.quality.selectors_indicators applies)
    hard: tuple[Indicator, ...]
    soft: tuple[Indicator, ...]

    def soft_codes(self) -> list[str]:
        return [i.code for i in self.soft]

    def soft_indicator(self, code: str) -> Indicator | None:
        return next((i for i in self.soft if i.code == code), None)


HAND = "评分人按月手工评分（0–100）"

CATALOGUE: dict[str, RoleIndicators] = {
    AGENT: RoleIndicators(
        key=AGENT,
        label="客服专员（话务员、窗口营业员）",
        roles=(Role.AGENT, Role.COUNTER_CLERK),
        scored_by="本班组班长评分；没有班长的班组（如营业窗口班）及培训专员、客服部主任亦可评分",
        hard=(
            Indicator(
                "contacts",
                "接待客户数量",
                "当月本人受理的来电来访登记数（受理时间在当月，值班坐席为本人，各渠道合计）",
                f"{AGENT_HARD}：接待客户数量",
                "次",
            ),
            Indicator(
                "solved",
                "解决问题数量",
                "其中处理方式为“已当即答复”的登记数（首次接待即解决）；解决率 = 解决数 ÷ 接待数",
                f"{AGENT_HARD}：解决问题数量",
                "次",
            ),
            Indicator(
                "calls_answered",
                "回答疑问数量（接听电话）",
                "当月本人接听的通话数（接听时间在当月）；及时接听 = 其中铃响三声内接听的",
                f"{AGENT_HARD}：回答疑问数量",
                "次",
            ),
            Indicator(
                "handling_seconds",
                "接待客户所花费时间",
                "当月本人接听并已挂机的通话，接听至挂机的平均秒数",
                f"{AGENT_HARD}：接待客户所花费时间",
                "秒",
            ),
            Indicator(
                "satisfaction",
                "客户满意度",
                "当月回访的、由本人受理的工单：（满意 + 基本满意）÷ 回访数",
                f"{AGENT_HARD}：客户满意度",
                "%",
            ),
            Indicator(
                "work_orders",
                "派发工单数",
                "当月本人受理的登记中生成工单的数量",
                f"{AGENT_HARD}：接待客户数量；{DUTIES}1：履行首问负责制",
                "件",
            ),
            Indicator(
                "counter_processes",
                "窗口受理业务数",
                "当月本人在窗口受理（发起）的业务办理数",
                f"{AGENT_HARD}：接待客户数量",
                "件",
            ),
            Indicator(
                "attendance",
                "出勤情况",
                "排班出勤：签到班次 ÷ 排班班次，迟到次数，旷工次数（考勤记录，考勤更正撤销的不计）",
                f"{AGENT_HARD}：出勤情况",
                "班",
            ),
            Indicator(
                "qa_average",
                "质检平均分",
                "当月本人已评分、已定稿的质检记录（不含校准）的平均得分",
                f"{AGENT_HARD}：领导对其工作的满意度；客服管理制度·客服部质检员的职责3–4",
                "分",
            ),
        ),
        soft=(
            Indicator("attitude", "工作态度", HAND, f"{AGENT_SOFT}：工作态度"),
            Indicator("service", "服务意识（对待客户是否热情）", HAND, f"{AGENT_SOFT}：对待客户是否热情"),
            Indicator("adaptability", "应变能力", HAND, f"{AGENT_SOFT}：遇到问题的应变能力"),
            Indicator(
                "customer_relations",
                "协调客户与公司关系",
                HAND,
                f"{AGENT_SOFT}：是否能够调节好客户与公司的关系",
            ),
            Indicator("time_management", "合理安排工作时间", HAND, f"{AGENT_SOFT}：能否合理安排工作时间"),
            Indicator("teamwork", "团队协作", HAND, f"{DUTIES}8：遵守有关的规章制度，关心集体"),
            Indicator(
                "learning",
                "学习能力",
                HAND,
                f"{DUTIES}7：努力学习，不断总结服务工作的实际经验，提高自身的业务素质与业务技能",
            ),
            Indicator(
                "leader_satisfaction",
                "领导对其工作的满意度",
                f"{HAND}（种子列为硬性指标，系统无此记录，由评分人评定）",
                f"{AGENT_HARD}：领导对其工作的满意度",
            ),
        ),
    ),
    SUPERVISOR: RoleIndicators(
        key=SUPERVISOR,
        label="客服主管（班长、培训专员）",
        roles=(Role.TEAM_LEADER, Role.TRAINING_SPECIALIST),
        scored_by="客服部主任评分",
        hard=(
            Indicator(
                "team_contacts",
                "团队接待客户数量",
                "当月本班组全体人员（按人员现所在班组，含班长本人）受理的来电来访登记数",
                f"{SUPERVISOR_HARD}：团队接待客户数量",
                "次",
            ),
            Indicator(
                "team_solved",
                "团队当即解决率",
                "本班组“已当即答复”的登记数 ÷ 团队接待数",
                f"{SUPERVISOR_HARD}：团队接待客户数量",
                "%",
            ),
            Indicator(
                "difficult",
                "解答疑难杂症的比例",
                "本班组受理的疑难工单（曾上报领导或有领导督办、批示的）：当月办结数 ÷ 当月在办数"
                "（当月之前已办结的不计）",
                f"{SUPERVISOR_HARD}：解答疑难杂症的比例；客服部班长责任制1：处理在工作中的疑难问题",
                "%",
            ),
            Indicator(
                "team_satisfaction",
                "客户满意度",
                "当月回访的、由本班组人员受理的工单：（满意 + 基本满意）÷ 回访数",
                f"{SUPERVISOR_HARD}：客户的满意度",
                "%",
            ),
            Indicator(
                "team_attendance",
                "出勤情况",
                "本班组全体人员：签到班次 ÷ 排班班次，迟到次数，旷工次数",
                f"{SUPERVISOR_HARD}：出勤情况",
                "班",
            ),
            Indicator(
                "staff_results",
                "手下员工的表现",
                "本班组人员当月质检平均分；当月考核已锁定时，本班组考核表的平均考核分",
                f"{SUPERVISOR_HARD}：手下员工的表现、团队综合绩效情况",
                "分",
            ),
        ),
        soft=(
            Indicator("attitude", "工作态度", HAND, f"{SUPERVISOR_SOFT}：工作态度"),
            Indicator(
                "staff_relations", "协调员工关系", HAND, f"{SUPERVISOR_SOFT}：是否调节好手下员工之间的关系"
            ),
            Indicator("task_allocation", "任务分配", HAND, f"{SUPERVISOR_SOFT}：能否合理分配任务给员工"),
            Indicator("adaptability", "应变能力", HAND, f"{SUPERVISOR_SOFT}：应变能力"),
            Indicator("bridge", "上下沟通桥梁", HAND, f"{SUPERVISOR_SOFT}：是否做好员工与领导之间的桥梁"),
            Indicator(
                "staff_management",
                "对手下员工的管理情况",
                f"{HAND}（种子列为硬性指标，系统无此记录，由客服部主任评定）",
                f"{SUPERVISOR_HARD}：对手下员工的管理情况",
            ),
            Indicator(
                "assigned_tasks",
                "完成上级交给的任务",
                f"{HAND}（种子列为硬性指标，系统无此记录，由客服部主任评定）",
                f"{SUPERVISOR_HARD}：能否完成上级交给的任务",
            ),
        ),
    ),
    MANAGER: RoleIndicators(
        key=MANAGER,
        label="客服部经理（客服部主任、中心主任）",
        roles=(Role.DEPARTMENT_HEAD, Role.CENTER_DIRECTOR),
        scored_by="中心主任评分客服部主任",
        hard=(
            Indicator(
                "orders_on_time",
                "部门完成任务情况（工单按时办结）",
                "当月到期的工单（以最后承诺答复时间、无承诺时以办理时限为准）中按时办结的 ÷ 当月到期数",
                f"{MANAGER_HARD}：部门完成任务情况",
                "%",
            ),
            Indicator(
                "callbacks_on_time",
                "按时回电",
                "当月应回电（转办后首次回电）中在应回访时间前完成的 ÷ 应回电数（与热线报表同一口径）",
                f"{MANAGER_HARD}：部门完成任务情况；客服部主任工作职责6：汇总统计受理督办、反馈、回访情况",
                "%",
            ),
            Indicator(
                "processes_completed",
                "窗口业务办结",
                "当月办结的窗口业务办理数",
                f"{MANAGER_HARD}：部门完成任务情况",
                "件",
            ),
            Indicator(
                "plans",
                "计划制定与实施",
                "当月发布的排班方案数；当月各周质检小结（含培训计划）已提交数与主任已阅数；当月考核是否已锁定",
                f"{MANAGER_HARD}：是否制定详细计划、计划的实施情况",
                "份",
            ),
        ),
        soft=(
            Indicator("attitude", "工作态度", HAND, f"{MANAGER_SOFT}：工作态度"),
            Indicator(
                "supervisor_guidance",
                "对主管思想、业务管理情况",
                HAND,
                f"{MANAGER_SOFT}：对主管思想、业务管理情况",
            ),
            Indicator("democracy", "部门内民主化程度", HAND, f"{MANAGER_SOFT}：部门内民主化程度"),
            Indicator("suggestions", "采用职工好的建议", HAND, f"{MANAGER_SOFT}：是否采用职工好的建议"),
            Indicator("adaptability", "应变能力", HAND, f"{MANAGER_SOFT}：应变能力"),
            Indicator(
                "task_execution",
                "理解并安排执行上级任务",
                f"{HAND}（种子列为硬性指标，系统无此记录，由中心主任评定）",
                f"{MANAGER_HARD}：对上级分配的任务能否完全理解并安排执行",
            ),
            Indicator(
                "problem_summary",
                "客户问题的汇总总结",
                f"{HAND}（种子列为硬性指标，由中心主任评定）",
                f"{MANAGER_HARD}：对客户的问题是否进行汇总总结",
            ),
            Indicator(
                "innovation",
                "创新改进（对公司改进帮助程度）",
                f"{HAND}（种子列为硬性指标，由中心主任评定）",
                f"{MANAGER_HARD}：对公司改进帮助程度",
            ),
        ),
    ),
}

ROLE_KEYS = tuple(CATALOGUE)


def role_of(person) -> str | None:
    """The tab a member of staff's indicators are on, or None (no indicators for this role)."""
    return next((key for key, entry in CATALOGUE.items() if person.role in entry.roles), None)
