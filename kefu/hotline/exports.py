"""Excel exports of the hotline lists (openpyxl, write-only so that 10,000 rows stay light)."""

from collections.abc import Callable, Iterator
from io import BytesIO

from kefu.core.excel import export_workbook, local_minute
from kefu.hotline import selectors
from kefu.hotline.models import Channel, Contact, WorkOrder

ORDER_HEADERS = [
    "工单编号",
    "受理编号",
    "受理时间",
    "类别",
    "紧急程度",
    "客户姓名",
    "联系电话",
    "地址",
    "事项",
    "状态",
    "责任单位",
    "首问责任人",
    "办理时限",
    "是否超期",
    "办理结果",
    "来电次数",
    "重新打开次数",
]
CALLBACK_HEADERS = ["工单编号", "第几次", "应回访时间", "客户姓名", "联系电话", "责任单位", "工单状态"]

REGISTER_HEADERS = [
    "序号",
    "来电时间",
    "渠道",
    "类别",
    "客户姓名",
    "联系电话",
    "地址",
    "事项",
    "转办时间",
    "转办单位",
    "处理结果",
    "值班坐席",
]


def orders_workbook(name: str, rows, masker) -> bytes:
    workbook = export_workbook()
    sheet = workbook.create_sheet(selectors.QUEUES[name])
    if name == "callbacks":
        sheet.append(CALLBACK_HEADERS)
        for cb in rows:
            order = cb.work_order
            sheet.append(
                [
                    order.number,
                    cb.attempt,
                    local_minute(cb.due_at),
                    order.contact.caller_name,
                    masker.phone(order.contact.phone),
                    order.unit.name if order.unit else "",
                    order.get_state_display(),
                ]
            )
    else:
        sheet.append(ORDER_HEADERS)
        for wo in rows:
            c = wo.contact
            sheet.append(
                [
                    wo.number,
                    c.number,
                    local_minute(c.received_at),
                    wo.category.name,
                    wo.get_priority_display(),
                    c.caller_name,
                    masker.phone(c.phone),
                    c.address,
                    c.matter,
                    wo.get_state_display(),
                    wo.unit.name if wo.unit else "",
                    wo.owner.name or wo.owner.username,
                    local_minute(wo.due_at),
                    "超期" if wo.is_overdue else "",
                    wo.reply,
                    wo.repeat_count + 1,
                    wo.reopen_count,
                ]
            )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


_REGISTER_FIELDS = (
    "number",
    "received_at",
    "channel",
    "category__name",
    "caller_name",
    "phone",
    "address",
    "matter",
    "transferred_at",
    "transferred_to__name",
    "result",
    "disposition",
    "work_order__reply",
    "work_order__state",
    "agent__name",
    "agent__username",
    "repeat_of__number",
)


def register_rows(contacts, *, phone: Callable[[str], str] = str, chunk_size: int = 2000) -> Iterator[list]:
    """The H2 register (seed 000 ch.5 §3.2) as plain rows, one per contact of `contacts` in its order.
    One joined query streamed in chunks; `phone` formats or masks the number for the reader."""
    channels, dispositions = dict(Channel.choices), dict(Contact.Disposition.choices)
    states = dict(WorkOrder.State.choices)
    rows = contacts.values_list(*_REGISTER_FIELDS).iterator(chunk_size=chunk_size)
    for (
        number,
        received_at,
        channel,
        category,
        caller_name,
        phone_number,
        address,
        matter,
        transferred_at,
        unit,
        result,
        disposition,
        reply,
        state,
        agent_name,
        agent_username,
        repeat_of,
    ) in rows:
        # 处理结果: what the agent answered, else what the unit replied, else where it stands; a repeat
        # call names the order it joined.
        outcome = result or reply or str(dispositions.get(disposition, disposition))
        if repeat_of and not result:
            outcome = f"{dispositions[Contact.Disposition.REPEAT]}{repeat_of}"
        if not (result or reply) and state in states:
            outcome = f"{outcome}（{states[state]}）"
        yield [
            number,
            local_minute(received_at),
            str(channels.get(channel, channel)),
            category,
            caller_name,
            phone(phone_number) if phone_number else "",
            address,
            matter,
            local_minute(transferred_at),
            unit or "",
            outcome,
            agent_name or agent_username,
        ]


def register_workbook(rows, masker) -> bytes:
    workbook = export_workbook()
    sheet = workbook.create_sheet("来电来访登记")
    sheet.append(REGISTER_HEADERS)
    for row in register_rows(rows, phone=masker.phone):
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
