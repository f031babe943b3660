"""Phone and ID numbers are masked for roles that do not need them, in pages, API and exports alike;
and the search boxes match them only where they are shown (issue 11 item 1)."""

from django.db.models import F, Q
from django.db.models.functions import Left, Length, Right
from django.db.models.lookups import Contains, Exact, GreaterThan

from kefu.core.validators import format_phone, mask_id_number, mask_phone
from kefu.customers.models import Customer

SENSITIVE_PERMISSION = "customers.view_sensitive_customer"

# What the masks of kefu.core.validators show, read backwards for searching (tests hold the two equal).
PHONE_TAIL = 4  # mask_phone shows the last four digits of every number
THREE_DIGIT_AREAS = ("010", "02")  # 010 Beijing, 02x the big cities; every other area code has four
SHORT_NUMBER = 7  # a number this short has no area code and shows its last four only
MOBILE_HEAD = 3
ID_LENGTH, ID_HEAD, ID_TAIL = 18, 6, 4  # a resident ID shows its region and its last four
OTHER_ID_SHOWN = 2  # any other ID number shows its first two and last two characters


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

    def facts(self, values: dict, kinds: dict[str, str]) -> dict:
        """A copy of `values` (a process's application facts) with each value whose kind is "phone"
        or "id_number" shown as this user may see it: facts are typed in at the counter, and a phone
        given there is the customer's as much as the archive's (issue 11 item 3)."""
        shown = dict(values)
        for name, value in values.items():
            if value and kinds.get(name) == "phone":
                shown[name] = self.phone(str(value))
            elif value and kinds.get(name) == "id_number":
                shown[name] = self.id_number(str(value))
        return shown

    # --- searching by number ------------------------------------------------------------------------
    #
    # A search that matches any piece of a number is an oracle: a user who sees 138****5678 asks for
    # 45678, then 345678, … and reads the masked digits off which searches find the customer. So for a
    # user who sees numbers masked, a query matches a number only inside the parts the mask shows, or
    # the complete number. Every search box (archive search, hotline lookup, API, the contact
    # register's full-text search) builds its number conditions here.

    def phone_filter(self, field: str, digits: str) -> Q:
        """Rows whose phone number (in `field`) this user may find by `digits`."""
        contains = Q(**{f"{field}__contains": digits})
        if self.full:
            return contains
        complete = Q(**{field: digits})
        if self.is_complete_phone(digits):
            return complete
        return complete | (contains & _phone_shown_part_holds(field, digits))

    def id_number_filter(self, prefix: str, *, field: str = "id_number", type_field: str = "id_type") -> Q:
        """Customers whose ID number (in `field`) starts with `prefix`, as far as this user may tell."""
        starts = Q(**{f"{field}__startswith": prefix})
        if self.full or len(prefix) <= OTHER_ID_SHOWN:
            return starts
        # Credit codes are shown whole, so any prefix of one is fair game.
        unmasked = Q(**{type_field: Customer.IdType.CREDIT_CODE}) | Q(**{field: prefix})
        if len(prefix) <= ID_HEAD:
            unmasked |= Q(Exact(Length(F(field)), ID_LENGTH))
        return starts & unmasked

    def is_complete_phone(self, digits: str) -> bool:
        """A query longer than any shown part of a phone can only be a complete number for this user."""
        return not self.full and len(digits) > PHONE_TAIL

    def is_complete_id_number(self, prefix: str) -> bool:
        return not self.full and len(prefix) > ID_HEAD

    def may_match_digits_as_prefix(self, digits: str) -> bool:
        """Whether a run of digits may match the start of an indexed word (a phone number among them):
        only within the first three digits of a mobile or the area code of a landline."""
        if self.full or len(digits) <= MOBILE_HEAD:
            return True
        return len(digits) == 4 and digits.startswith("0") and not digits.startswith(THREE_DIGIT_AREAS)


def _phone_shown_part_holds(field: str, digits: str) -> Q:
    """SQL for: `digits` lie inside the head or tail of the number that mask_phone shows."""
    column = F(field)
    three_digit_area = Q(**{f"{field}__startswith": THREE_DIGIT_AREAS[0]}) | Q(
        **{f"{field}__startswith": THREE_DIGIT_AREAS[1]}
    )
    landline = Q(**{f"{field}__startswith": "0"})
    mobile = ~landline & Q(GreaterThan(Length(column), SHORT_NUMBER))
    shown = Q(Contains(Right(column, PHONE_TAIL), digits))
    if len(digits) <= MOBILE_HEAD:
        shown |= (three_digit_area | mobile) & Q(Contains(Left(column, MOBILE_HEAD), digits))
    shown |= landline & ~three_digit_area & Q(Contains(Left(column, 4), digits))
    return shown


def shown_phone_parts(digits: str) -> tuple[str, str]:
    """The head and tail of a phone number that mask_phone shows, the same rule as the SQL above."""
    if digits.startswith("0"):
        head = 3 if digits.startswith(THREE_DIGIT_AREAS) else 4
    else:
        head = 0 if len(digits) <= SHORT_NUMBER else MOBILE_HEAD
    return digits[:head], digits[-PHONE_TAIL:]


def shown_id_parts(number: str) -> tuple[str, str]:
    """The head and tail of a person's ID number that mask_id_number shows."""
    if len(number) == ID_LENGTH:
        return number[:ID_HEAD], number[-ID_TAIL:]
    return number[:OTHER_ID_SHOWN], number[-OTHER_ID_SHOWN:]
