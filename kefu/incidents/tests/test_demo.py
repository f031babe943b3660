"""The demo shows incidents on `make run`: one open now with about a dozen callers linked, one closed
last month whose callers were answered and called back."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from kefu.hotline.models import Callback, WorkOrder
from kefu.incidents.models import Incident

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_open_incident_with_its_callers_and_one_closed_last_month(capsys):
    # when
    call_command("seed_demo", customers=30, contacts=1, processes=False)
    # then
    live = Incident.objects.get(state=Incident.State.OPEN)
    assert live.links.count() == 12 and live.planned_outage is not None
    assert all(link.contact.received_at < timezone.now() for link in live.links.all())
    closed = Incident.objects.get(state=Incident.State.CLOSED)
    this_month = timezone.localdate().replace(day=1)
    assert timezone.localtime(closed.closed_at).date() < this_month
    assert closed.links.filter(answered_at__isnull=False).count() == closed.links.count() == 9
    orders = WorkOrder.objects.filter(incident_link__incident=closed)
    assert orders.count() == 3 and set(orders.values_list("state", flat=True)) == {WorkOrder.State.CLOSED}
    assert not Callback.objects.filter(work_order__in=orders, done_at__isnull=True).exists()
    assert any(line.startswith("突发事件：进行中") for line in capsys.readouterr().out.splitlines())
    # and a second run adds nothing
    call_command("seed_demo", customers=30, contacts=1, processes=False, verbosity=0)
    assert Incident.objects.count() == 2
