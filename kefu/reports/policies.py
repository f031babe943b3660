"""The reports app's rules: defaults from the seeds, each editable on the 业务规则 page."""

from kefu.core.policies import INT, LIST, TIME, PolicyDefault

RULES: dict[str, PolicyDefault] = {
    # Report documents (kefu.reports.schedule): when the worker makes each one.
    "reports.daily_time": PolicyDefault(
        "00:30",
        "工作量日报生成时间（次日此时生成前一天的日报）",
        "班长责任制4：每天统计当天工作量日报交客服部主任",
        kind=TIME,
    ),
    "reports.weekly_weekday": PolicyDefault(
        1,
        "周报生成日（1=周一……7=周日），生成上一周的周报",
        "客服部主任职责6：每周汇总督办、反馈、回访情况上报",
        kind=INT,
        minimum=1,
        maximum=7,
    ),
    "reports.weekly_time": PolicyDefault("08:00", "周报生成时间", kind=TIME),
    "reports.monthly_day": PolicyDefault(
        1,
        "月报生成日（每月几日生成上月的月报）",
        "电话接听制度3.4：每月来电记录及汇总表交部门负责人；班长责任制3：服务质量分析报告22日前交客服部主任",
        kind=INT,
        minimum=1,
        maximum=28,
    ),
    "reports.monthly_time": PolicyDefault("01:00", "月报生成时间", kind=TIME),
    "reports.complaint_categories": PolicyDefault(
        "misconduct,service_complaint",
        "服务质量分析统计的投诉类别编码（逗号分隔，第一个为员工违规违纪投诉）",
        "热线服务规范：违规违纪投诉转纪委监察室，服务质量投诉转责任单位",
        kind=LIST,
    ),
}
