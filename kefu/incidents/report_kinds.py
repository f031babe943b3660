"""The monthly incident register (突发事件月度登记), a report kind kefu.reports stores, prints and
exports to Excel and PDF like the others (registered in IncidentsConfig.ready())."""

from django.utils import timezone

from kefu.core.documents import MONTH, Document, ReportKind, Table
from kefu.core.periods import Period
from kefu.incidents import selectors


def _at(value) -> str:
    return f"{timezone.localtime(value):%m-%d %H:%M}" if value else "—"


def monthly_register(period: Period, unit=None) -> Document:
    rows = selectors.register(period)
    table_rows = []
    total_minutes = closed = linked = callbacks = 0
    for incident in rows:
        areas = "、".join(a.name for a in incident.service_areas.all())
        if incident.streets:
            areas = f"{areas} {incident.streets}".strip()
        minutes = incident.duration_minutes if incident.state == incident.State.CLOSED else None
        if minutes is not None:
            total_minutes += minutes
            closed += 1
        linked += incident.linked
        callbacks += incident.callbacks
        table_rows.append(
            [
                incident.number,
                incident.title,
                incident.get_kind_display(),
                areas or "—",
                _at(incident.started_at),
                _at(incident.expected_restoration_at),
                _at(incident.closed_at),
                incident.duration_display if minutes is not None else incident.get_state_display(),
                incident.linked,
                incident.callbacks,
                str(incident.responsible_unit or "—"),
                incident.get_state_display(),
            ]
        )
    average = f"{total_minutes // closed // 60}小时{total_minutes // closed % 60}分钟" if closed else "—"
    return Document(
        title=f"{period.label}突发事件登记",
        period=period,
        tables=[
            Table(
                title="突发事件登记",
                headers=[
                    "编号",
                    "名称",
                    "类型",
                    "影响范围",
                    "发生",
                    "预计恢复",
                    "实际恢复",
                    "历时",
                    "关联来电",
                    "要求回电",
                    "责任单位",
                    "状态",
                ],
                rows=table_rows,
                footer=[
                    "合计",
                    f"{len(rows)}起",
                    "",
                    "",
                    "",
                    "",
                    "",
                    f"平均{average}",
                    linked,
                    callbacks,
                    "",
                    "",
                ],
                note="" if rows else "本月没有突发事件",
            )
        ],
        notes=[
            "依据供水手册第一章1.10（突发事件客户服务应急预案）；历时为发生至恢复，未恢复的记其状态。",
            "疑似突发事件由系统按 incidents.auto_contacts / incidents.auto_window_minutes 发现，"
            "已排除的也列出。",
        ],
        figures=[("突发事件", len(rows)), ("关联来电", linked), ("要求回电", callbacks)],
    )


KINDS = [
    ReportKind(
        "incident_register",
        "突发事件月度登记",
        MONTH,
        monthly_register,
        read=(("incidents.view_incident", "hotline.export_register"),),
        source="供水手册第一章1.10（应急预案）",
    ),
]
