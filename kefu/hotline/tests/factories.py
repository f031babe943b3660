"""Hotline rows made the way the app makes them: a contact is recorded through `open_contact`, so its
day number, work order, routing, callback, events and search text are what an agent's call writes.
Nothing here creates a Contact or a WorkOrder with `.objects.create`: a work order is walked to its state
through the work-order services."""

from datetime import datetime, timedelta

import factory
import time_machine

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import UserFactory
from kefu.customers.tests.factories import CustomerFactory
from kefu.hotline.models import Category, Contact, WorkOrder

S = WorkOrder.State


class ContactFactory(factory.Factory):
    """A contact recorded by `actor` (a new agent unless given). `code` picks the shipped category;
    `at` records it at that moment (time-machine) and `waited` says how many minutes earlier the call
    came in, so a transfer made at `at` took that long. Any other keyword is `open_contact`'s:
    ContactFactory(actor=world.agent, customer=world.customer, code="complaint", at=when, waited=5), or
    ContactFactory(answered=True, matter="咨询水价") for a consultation answered on the spot."""

    class Meta:
        model = Contact

    class Params:
        code = "repair"
        waited = 0
        # A consultation answered at once: no work order, no phone or address needed.
        answered = factory.Trait(code="consult", disposition=Contact.Disposition.ANSWERED)

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


class WorkOrderFactory(factory.Factory):
    """A repair transferred by `owner` for `customer` and walked through the work-order services to
    `state`: accepted and replied by a member of the branch's staff, called back and closed by the
    owner. WorkOrderFactory(owner=agent, customer=customer, state=WorkOrder.State.CLOSED)."""

    class Meta:
        model = WorkOrder

    owner = factory.SubFactory(UserFactory, role=Role.AGENT)
    customer = factory.SubFactory(CustomerFactory)
    matter = "水压低，请派人查看"
    received_at = None
    state = WorkOrder.State.TRANSFERRED

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise TypeError("WorkOrderFactory only creates: a work order exists once a contact has opened it")

    @classmethod
    def _create(cls, model_class, *, owner, customer, matter, received_at, state) -> WorkOrder:
        from kefu.hotline.services import follow_up, work_orders

        contact = ContactFactory(actor=owner, customer=customer, matter=matter, received_at=received_at)
        order = contact.work_order
        steps = [S.TRANSFERRED, S.ACCEPTED, S.REPLIED, S.CALLED_BACK, S.CLOSED]
        if state not in steps:
            raise ValueError(f"WorkOrderFactory walks only the main path {steps}, not to {state}")
        reached = steps[: steps.index(state) + 1]
        if S.ACCEPTED in reached:
            staff = UserFactory(role=Role.UNIT_STAFF, unit=order.unit)
            order = work_orders.accept(actor=staff, work_order=order)
        if S.REPLIED in reached:
            order = work_orders.reply(actor=staff, work_order=order, result="已处理完毕")
        if S.CALLED_BACK in reached:
            callback = order.callbacks.get(done_at__isnull=True)
            follow_up.record_callback(
                actor=owner, callback=callback, reached=True, feedback="客户确认", satisfied=True
            )
            order.refresh_from_db()
        if S.CLOSED in reached:
            order = work_orders.close(actor=owner, work_order=order)
        return order
