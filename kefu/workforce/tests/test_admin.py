"""Shift definitions are data an administrator keeps in the admin; the roster's records are read there."""

import pytest

from kefu.workforce.models import Shift

pytestmark = pytest.mark.django_db


def test_an_administrator_adds_a_shift_and_reads_the_records(client_for, make_user):
    client = client_for(make_user("administrator", username="root", is_staff=True, is_superuser=True))
    assert "白班" in client.get("/admin/workforce/shift/").content.decode()
    response = client.post(
        "/admin/workforce/shift/add/",
        {
            "code": "M",
            "name": "常日班",
            "kind": "office",
            "starts_at": "08:30",
            "ends_at": "17:00",
            "order": 4,
        },
    )
    assert response.status_code == 302
    assert Shift.objects.get(code="M").hours == 8.5
    for model in ("rosterentry", "leaverequest", "shiftswap", "disciplinecase", "rosterplan"):
        assert client.get(f"/admin/workforce/{model}/").status_code == 200
