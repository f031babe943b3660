"""Hotline rows made the way the app makes them: a contact is recorded through `open_contact`, so its
day number, work order, routing, callback, events and search text are what an agent's call writes.
Nothing here creates a Contact or a WorkOrder with `.objects.create`."""

from datetime import datetime, timedelta

import factory
import time_machine

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import UserFactory
from kefu.hotline.models import Category, Contact, WorkOrder


class ContactFactory(factory.Factory):
    """A contact recorded by `actor` (a new agent unless given). `code` picks the shipped category;
    `at` records it at that moment (time-machine) and `waited` says how many minutes earlier the call
    came in, so a transfer made at `at` took that long. Any other keyword is `open_contact`'s:
    ContactFactory(actor=world.agent, customer=world.customer, code="complaint", at=when, waited=5)."""

    class Meta:
        model = Contact

    class Params:
        code = "repair"
        waited = 0

    actor = factory.SubFactory(UserFactory, role=Role.AGENT)
    matter = "小区停水，请尽快处理"
    category = factory.LazyAttribute(lambda o: Category.objects.get(code=o.code))
    disposition = Contact.Disposition.TRANSFERRED
    result = factory.LazyAttribute(
        lambda o: "已告知客户" if o.disposition == Contact.Disposition.ANSWERED else ""
    )
    at = None
    received_at = factory.LazyAttribute(lambda o: o.at - timedelta(minutes=o.waited) if o.at else None)

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise TypeError("ContactFactory only creates: a contact exists once open_contact has recorded it")

    @classmethod
    def _create(cls, model_class, *, at: datetime | None = None, **fields) -> Contact:
        from kefu.hotline.services.contacts import open_contact

        if at is None:
            return open_contact(**fields)
        with time_machine.travel(at, tick=False):
            return open_contact(**fields)


def work_order_for(contact: Contact) -> WorkOrder:
    """The work order a transfer or follow-up opened (fresh from the database)."""
    return WorkOrder.objects.get(contact=contact)
