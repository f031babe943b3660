"""Default collection permissions per role (merged by kefu.accounts.roles)."""

from kefu.accounts.models import Role

VIEW = ["collection.view_payment", "collection.view_vatinvoicerequest", "collection.view_cashbanking"]
CLERK = VIEW + [
    "collection.add_payment",
    "collection.add_vatinvoicerequest",
    "collection.add_cashbanking",
]
# Leaders void payments (restoring the arrears), issue VAT invoices and read the monthly report; taking
# money is the clerk's job, so they are not given add_payment by default.
LEAD = VIEW + ["collection.void_payment", "collection.issue_vatinvoice", "collection.view_collection_report"]

DEFAULT_PERMISSIONS: dict[str, list[str]] = {
    Role.COUNTER_CLERK: CLERK,
    Role.DEPARTMENT_HEAD: LEAD,
    Role.CENTER_DIRECTOR: LEAD,
    Role.ADMINISTRATOR: VIEW,
}
