"""Excel export of archive lists (openpyxl write-only), masked by the same Masker as the pages."""

from io import BytesIO

from kefu.core.excel import export_workbook

HEADERS = [
    "客户编号",
    "客户类型",
    "客户名称",
    "证件号码",
    "联系电话",
    "地址",
    "服务片区",
    "户数",
    "低保户",
    "状态",
    "建档日期",
]


def customers_workbook(customers, masker) -> bytes:
    workbook = export_workbook()
    sheet = workbook.create_sheet("客户档案")
    sheet.append(HEADERS)
    for c in customers:
        sheet.append(
            [
                c.number,
                c.get_kind_display(),
                c.name,
                masker.id_number(c.id_number, c.id_type),
                masker.phone(c.phone),
                c.address,
                c.service_area.name,
                c.household_count,
                "是" if c.low_income else "否",
                c.get_status_display(),
                c.opened_on.isoformat(),
            ]
        )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
