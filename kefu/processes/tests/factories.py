"""Counter businesses made the way the counter makes them: a process is started through the process
service, so its number, first stage, deadline and events are what a clerk's start writes."""

import factory

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import UserFactory
from kefu.customers.tests.factories import CustomerFactory
from kefu.processes.models import Process


class ProcessFactory(factory.Factory):
    """A business started by `actor` (a new counter clerk unless given) for `customer` (a new one unless
    given): ProcessFactory(definition_code="meter_check", facts={"area_pressure_mpa": "0.3"})."""

    class Meta:
        model = Process

    actor = factory.SubFactory(UserFactory, role=Role.COUNTER_CLERK)
    definition_code = "new_connection"
    customer = factory.SubFactory(CustomerFactory)
    facts = factory.Dict({})

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise TypeError("ProcessFactory only creates: a process exists once the counter has started it")

    @classmethod
    def _create(cls, model_class, **fields) -> Process:
        from kefu.processes.services import start_process

        return start_process(**fields)
