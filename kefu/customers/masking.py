"""Phone and ID numbers are masked for roles that do not need them, in pages, API and exports alike."""

from kefu.core.validators import format_phone, mask_id_number, mask_phone
from kefu.customers.models import Customer

SENSITIVE_PERMISSION = "customers.view_sensitive_customer"


class Masker:
    def __init__(self, user):
        self.full = user.has_perm(SENSITIVE_PERMISSION)

    def phone(self, digits: str) -> str:
        return format_phone(digits) if self.full else mask_phone(digits)

    def id_number(self, number: str, id_type: str = Customer.IdType.RESIDENT_ID) -> str:
        # A unit's credit code is public (it is on the licence on the wall); a person's ID is not.
        if self.full or id_type == Customer.IdType.CREDIT_CODE:
            return number
        return mask_id_number(number)

    def apply(self, customer: Customer) -> Customer:
        """Set `phone_shown` and `id_number_shown` on a customer (and its prefetched contact persons)."""
        customer.phone_shown = self.phone(customer.phone)
        customer.id_number_shown = self.id_number(customer.id_number, customer.id_type)
        for person in getattr(customer, "_prefetched_objects_cache", {}).get("contact_persons", []):
            person.phone_shown = self.phone(person.phone)
            person.id_number_shown = self.id_number(person.id_number)
        return customer
