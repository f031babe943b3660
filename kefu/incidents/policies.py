"""The incidents app's rules: defaults where the seeds are silent (本地默认), each editable on 业务规则."""

from kefu.core.policies import INT, LIST, LOCAL_DEFAULT, MINUTES, Rule

SOURCE = "供水手册第一章1.10：对重大水厂安全事故和突发事件应建立相应的客户服务应急预案；" + LOCAL_DEFAULT

RULES: dict[str, Rule] = {
    "incidents.auto_contacts": Rule(
        5,
        "突发事件：同一片区在时间窗内收到多少件报修类来电即由系统发布疑似突发事件",
        SOURCE,
        kind=INT,
        minimum=2,
        maximum=500,
        unit="件",
    ),
    "incidents.auto_window_minutes": Rule(
        60,
        "突发事件：统计同一片区报修类来电的时间窗",
        SOURCE,
        kind=MINUTES,
        minimum=5,
        maximum=24 * 60,
    ),
    "incidents.auto_categories": Rule(
        "repair",
        "突发事件：计入自动发现的来电类别编码（逗号分隔，报修：漏水、停水、水压低）",
        "供水手册第五章2：报漏、停水、水压低类按区域转到相应的供水分公司；" + LOCAL_DEFAULT,
        kind=LIST,
    ),
}
