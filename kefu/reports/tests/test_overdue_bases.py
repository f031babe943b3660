"""The two overdue figures say their bases (issue 13 item 8): the dashboard's 超期未办结 counts every
open order past its time now, whatever month it came in; the reports overview's counts only the orders
received in the period. Each tile says which, so 55 and 8 no longer look like a contradiction."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.kpi import rollup

pytestmark = pytest.mark.django_db


def test_the_dashboard_and_the_reports_overview_name_their_bases(client_for, world):
    # given an order received long ago and still open past its deadline
    world.record(timezone.now() - timedelta(days=60), waited=1)
    # and one received this month, so that the overview has a month to show
    world.record(timezone.now() - timedelta(minutes=5), waited=1)
    rollup.refresh(now=timezone.now())  # the overview reads the KPI rollups, as the worker keeps them
    client = client_for(world.head)

    dashboard = client.get("/kpi/").content.decode()
    overview = client.get("/reports/").content.decode()

    assert "当前未办结且已超期" in dashboard and "不论何时受理" in dashboard
    assert "本期受理中超期" in overview and "本期受理的工单中" in overview
