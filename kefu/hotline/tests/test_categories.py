"""H3/H4 as data: an administrator edits a category's rule in the admin; impossible rules are refused."""

import pytest

from kefu.core.events import events_for
from kefu.hotline.models import Category


@pytest.fixture
def administrator(administrator):
    # The back office is for staff accounts; administrators are made staff when their account is created.
    administrator.is_staff = True
    administrator.save(update_fields=["is_staff"])
    return administrator


def test_an_administrator_changes_a_deadline_and_the_change_is_an_event(client_for, administrator):
    # given
    repair = Category.objects.get(code="repair")
    url = f"/admin/hotline/category/{repair.pk}/change/"
    page = client_for(administrator).get(url)
    assert page.status_code == 200
    data = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None}
    data.update({"deadline_amount": 12, "escalate_priorities": '["urgent"]'})
    for flag in ("may_answer", "may_transfer", "may_follow_up", "active"):
        if not data.get(flag):
            data.pop(flag, None)
    # when
    response = client_for(administrator).post(url, data)
    # then
    assert response.status_code == 302, response.content.decode()[:2000]
    repair.refresh_from_db()
    assert repair.deadline_amount == 12
    assert events_for(repair).get().changes["deadline_amount"] == [24, 12]


def test_a_transferable_category_without_a_destination_is_refused(client_for, administrator):
    response = client_for(administrator).post(
        "/admin/hotline/category/add/",
        {
            "code": "noise",
            "name": "噪音投诉",
            "route": "none",
            "default_disposition": "transfer",
            "may_transfer": "on",
            "deadline_amount": 3,
            "deadline_unit": "working_days",
            "escalate_priorities": "[]",
            "sort_order": 200,
            "active": "on",
        },
    )
    assert response.status_code == 200
    assert "可转办的类别须设置转办去向" in response.content.decode()
    assert not Category.objects.filter(code="noise").exists()


def test_categories_cannot_be_deleted(client_for, administrator):
    repair = Category.objects.get(code="repair")
    assert client_for(administrator).post(f"/admin/hotline/category/{repair.pk}/delete/").status_code == 403
