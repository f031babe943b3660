"""Inspection tasks (ch.4 §4.2.2–§4.2.3): a verification task with each urgent report, a usage-tracking
task after an urgent fitting, the signal for the inspection app after commit, completion with a note."""

from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from kefu.meters import signals
from kefu.meters.models import TrackingTask
from kefu.meters.services import replacements as services
from kefu.meters.services import tracking
from kefu.meters.tests import factories_replacements as f

pytestmark = pytest.mark.django_db
THURSDAY = "2026-02-12 10:00 +0800"


@time_machine.travel(THURSDAY)
def test_the_inspection_app_hears_of_each_task_after_commit(meters_world, django_capture_on_commit_callbacks):
    heard = []

    def listen(sender, task, **kwargs):
        heard.append(task.kind)

    signals.inspection_task_created.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            f.urgent(meters_world)
    finally:
        signals.inspection_task_created.disconnect(listen)
    assert heard == [TrackingTask.Kind.VERIFICATION]


@time_machine.travel(THURSDAY)
def test_an_urgent_fitting_opens_usage_tracking_and_the_inspector_completes_it(meters_world):
    r = f.issued(meters_world)
    services.fit(actor=meters_world.fitter, replacement=r, **f.fit_kwargs(r, old_reading=Decimal("1234")))
    task = TrackingTask.objects.get(replacement=r, kind=TrackingTask.Kind.USAGE)
    with pytest.raises(ValidationError, match="请填写稽查结果"):
        tracking.complete_task(actor=meters_world.inspector, task=task, note="")
    task = tracking.complete_task(actor=meters_world.inspector, task=task, note="用水正常")
    assert task.state == TrackingTask.State.DONE and task.done_by == meters_world.inspector
    with pytest.raises(ValidationError, match="不能重复办结"):
        tracking.complete_task(actor=meters_world.inspector, task=task, note="再次")


@time_machine.travel(THURSDAY)
def test_an_age_fitting_opens_no_usage_tracking(meters_world):
    from kefu.meters.models import Replacement

    r = f.issued(meters_world, kind=Replacement.Kind.AGE)
    services.fit(actor=meters_world.fitter, replacement=r, **f.fit_kwargs(r))
    assert not TrackingTask.objects.filter(replacement=r).exists()


@time_machine.travel(THURSDAY)
def test_the_tracking_page_and_api_list_and_complete_tasks(meters_world, client_for):
    r = f.urgent(meters_world)
    task = TrackingTask.objects.get(replacement=r)
    client = client_for(meters_world.inspector)
    assert r.number in client.get("/meters/replacements/tracking/").content.decode()
    body = client.get("/api/meters/tracking-tasks").json()
    assert [t["id"] for t in body] == [task.pk]
    response = client.post(
        f"/api/meters/tracking-tasks/{task.pk}/complete",
        {"note": "现场核实停走"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["state"] == "done"
    assert client_for(meters_world.fitter).get("/meters/replacements/tracking/").status_code == 403
