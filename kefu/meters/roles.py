"""Default permissions this app gives each role (merged by kefu.accounts.roles).

The store keeper (表库管理员) runs the store: goods-in, stock, stocktakes, purchase plans, issues,
old-meter returns, the store's tasks from counter business, acceptances with the branch. A branch's
staff (责任单位人员 of a 供水分公司) see their own branch only (permissions.branch_scope): they file
urgent reports, draw up the monthly replacement plan, book bulk collections and record the fitting.
The center head (客服部主任, 中心主任) approves purchase and replacement plans and verifies urgent
reports; the inspection team (稽查员) verifies too and follows the replaced meters' usage."""

from kefu.accounts.models import Role

READ_ALL = [
    "meters.view_stockmeter",
    "meters.view_goodsreceipt",
    "meters.view_stocktake",
    "meters.view_purchaseplan",
    "meters.view_meterissue",
    "meters.view_issueappointment",
    "meters.view_replacementplan",
    "meters.view_replacement",
    "meters.view_meterwork",
    "meters.view_oldmeterreturn",
    "meters.view_compensationcase",
    "meters.view_acceptance",
    "meters.view_trackingtask",
]
STORE = READ_ALL + [
    "meters.add_stockmeter",
    "meters.change_stockmeter",
    "meters.add_goodsreceipt",
    "meters.add_stocktake",
    "meters.change_stocktake",
    "meters.add_purchaseplan",
    "meters.change_purchaseplan",
    "meters.add_meterissue",
    "meters.change_issueappointment",
    "meters.change_meterwork",
    "meters.add_oldmeterreturn",
    "meters.change_oldmeterreturn",
    "meters.add_compensationcase",
    "meters.change_compensationcase",
    "meters.change_acceptance",
]
BRANCH = [
    "meters.view_replacementplan",
    "meters.add_replacementplan",
    "meters.change_replacementplan",
    "meters.view_replacement",
    "meters.add_replacement",
    "meters.change_replacement",
    "meters.fit_replacement",
    "meters.view_meterissue",
    "meters.view_issueappointment",
    "meters.add_issueappointment",
    "meters.view_meterwork",
    "meters.view_oldmeterreturn",
    "meters.view_compensationcase",
    "meters.view_acceptance",
]
CENTER_HEAD = READ_ALL + [
    "meters.approve_purchaseplan",
    "meters.record_investment_approval",
    "meters.approve_replacementplan",
    "meters.verify_replacement",
    "meters.change_acceptance",
]

DEFAULT_PERMISSIONS: dict[str, list[str]] = {
    Role.METER_STORE_KEEPER: STORE,
    Role.UNIT_STAFF: BRANCH,
    Role.DEPARTMENT_HEAD: CENTER_HEAD,
    Role.CENTER_DIRECTOR: CENTER_HEAD,
    Role.FIELD_INSPECTOR: [
        "meters.view_replacement",
        "meters.verify_replacement",
        "meters.view_trackingtask",
        "meters.change_trackingtask",
    ],
}
