"""The reports app's rules: defaults from the seeds, each editable on the 业务规则 page."""

from kefu.core.policies import INT, LIST, LOCAL_DEFAULT, TIME, Rule

RULES: dict[str, Rule] = {
    # Report documents (kefu.reports.schedule): when the worker makes each one.
    "reports.daily_time": Rule(
        "00:30",
        "工作量日报生成时间（次日此时生成前一天的日报）",
        "客服管理制度·客服部班长责任制第4条：每天日班值班长负责统计当天工作情况",
        kind=TIME,
    ),
    "reports.weekly_weekday": Rule(
        1,
        "周报生成日（1=周一……7=周日），生成上一周的周报",
        "客服管理制度·客服部主任工作职责第6条：负责汇总统计每周受理督办、反馈、回访情况，并将结果及时上报",
        kind=INT,
        minimum=1,
        maximum=7,
    ),
    "reports.weekly_time": Rule("08:00", "周报生成时间", LOCAL_DEFAULT, kind=TIME),
    "reports.monthly_day": Rule(
        1,
        "月报生成日（每月几日生成上月的月报）",
        "供水手册第五章3.4：每月来电记录及电话汇总表交部门负责人；"
        "客服管理制度·客服部班长责任制第3条：服务质量分析报告22日前交客服部主任",
        kind=INT,
        minimum=1,
        maximum=28,
        unit="日",
    ),
    "reports.monthly_time": Rule("01:00", "月报生成时间", LOCAL_DEFAULT, kind=TIME),
    "reports.complaint_categories": Rule(
        "misconduct,service_complaint",
        "服务质量分析统计的投诉类别编码（逗号分隔，第一个为员工违规违纪投诉）",
        "供水手册第五章2.5：投诉服务质量的电话转各相关责任单位查办，投诉违规的电话转公司纪委监察室查办",
        kind=LIST,
    ),
}
