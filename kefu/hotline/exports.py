"""Excel exports of the hotline lists (openpyxl, write-only so that 10,000 rows stay light)."""

from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook

from kefu.hotline import selectors

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


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def orders_workbook(name: str, rows, masker) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(selectors.QUEUES[name])
    if name == "callbacks":
        sheet.append(CALLBACK_HEADERS)
        for cb in rows:
            order = cb.work_order
            sheet.append(
                [
                    order.number,
                    cb.attempt,
                    _local(cb.due_at),
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
                    _local(c.received_at),
                    wo.category.name,
                    wo.get_priority_display(),
                    c.caller_name,
                    masker.phone(c.phone),
                    c.address,
                    c.matter,
                    wo.get_state_display(),
                    wo.unit.name if wo.unit else "",
                    wo.owner.name or wo.owner.username,
                    _local(wo.due_at),
                    "超期" if wo.is_overdue else "",
                    wo.reply,
                ]
            )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def register_workbook(rows, masker) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("来电来访登记")
    sheet.append(REGISTER_HEADERS)
    for c in rows:
        order = getattr(c, "work_order", None)
        result = c.result or (order.reply if order else "")
        sheet.append(
            [
                c.number,
                _local(c.received_at),
                c.get_channel_display(),
                c.category.name,
                c.caller_name,
                masker.phone(c.phone),
                c.address,
                c.matter,
                _local(c.transferred_at),
                c.transferred_to.name if c.transferred_to else "",
                result,
                c.agent.name or c.agent.username,
            ]
        )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
