"""Hotline test fixtures. The utility itself (units, areas, shifts, staff, customers) is the root
`world` fixture (kefu/testing/world.py); contacts are made with `world.record` or the ContactFactory."""

import pytest

from kefu.hotline.models import Category


@pytest.fixture
def workspace_form(db):
    """The workspace form's fields as the page draws them for a new call, filled in for a repair to be
    transferred; keyword arguments change fields (customer=…, matter="", idempotency_key=…)."""

    def form(**changes) -> dict:
        data = {
            "channel": "phone",
            "customer": "",
            "caller_name": "",
            "phone": "",
            "address": "",
            "service_area": "",
            "matter": "家里突然没水了，邻居也没水",
            "category": Category.objects.get(code="repair").pk,
            "priority": "normal",
            "disposition": "transferred",
            "result": "",
            "unit": "",
            "suggested_category": "",
            "suggestion_confidence": "",
            "call_id": "",
        }
        return data | changes

    return form
