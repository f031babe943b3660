"""The cases demo: a case at every stage through the services, idempotent, skipped without its users."""

import pytest

from kefu.accounts.models import Role
from kefu.customers.tests.factories import CustomerFactory
from kefu.inspection import demo_cases
from kefu.inspection.models import Case

pytestmark = pytest.mark.django_db


def test_the_demo_stages_a_case_at_every_step_and_runs_twice(make_user, client_for):
    for name in ("inspector1", "inspector2"):
        make_user(Role.FIELD_INSPECTOR, username=name, name=name)
    make_user(Role.CENTER_DIRECTOR, username="director", name="中心主任")
    make_user(Role.ARCHIVIST, username="archivist", name="档案员")
    for _ in range(3):
        CustomerFactory()
    lines = demo_cases.seed({})
    states = set(Case.objects.values_list("state", flat=True))
    assert {Case.State.AWAITING_APPROVAL, Case.State.AWAITING_FILING, Case.State.INVESTIGATING} <= states
    assert Case.objects.filter(unregistered=True).exists()
    # no penalty is asked for without site photos on the file
    for asked in Case.objects.filter(approvals__isnull=False).distinct():
        assert asked.evidence.filter(kind="photo").count() >= 2, asked.number
    assert any("待中心主任审批" in line for line in lines)
    count = Case.objects.count()
    demo_cases.seed({})
    assert Case.objects.count() == count
    # every stage's page, its prints and the queue draw for the director
    from django.urls import reverse

    from kefu.accounts.models import User

    client = client_for(User.objects.get(username="director"))
    for case in Case.objects.all():
        page = client.get(reverse("inspection:case", args=[case.pk]))
        assert page.status_code == 200 and case.number in page.content.decode()
        for approval in case.approvals.all():
            assert (
                client.get(reverse("inspection:approval_form_print", args=[approval.pk])).status_code == 200
            )
    assert client.get(reverse("inspection:approvals")).status_code == 200
    assert (
        client.get(reverse("inspection:cases"), {"state": "active", "kind": "water_theft"}).status_code == 200
    )


def test_the_demo_skips_without_its_users(db):
    assert any("跳过" in line for line in demo_cases.seed({}))
