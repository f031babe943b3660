from datetime import timedelta

import factory
from django.utils import timezone

from kefu.accounts.tests.factories import TeamFactory, UserFactory
from kefu.workforce.models import Handover


class HandoverFactory(factory.django.DjangoModelFactory):
    """A pending handover: an eight-hour shift handed over just now."""

    class Meta:
        model = Handover

    team = factory.SubFactory(TeamFactory)
    handed_over_by = factory.SubFactory(UserFactory)
    handed_over_at = factory.LazyFunction(timezone.now)
    shift_started_at = factory.LazyAttribute(lambda o: o.handed_over_at - timedelta(hours=8))
    equipment_state = "正常"
