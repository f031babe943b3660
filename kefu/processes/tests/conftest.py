"""Staff of the units that hold stages of the one-stop new connection (the 设计室 and the 预算室 the
migrations ship), and the center's head who signs a unit's application."""

import pytest

from kefu.accounts.models import Role, Unit


@pytest.fixture
def offices(make_user):
    """{"design": 设计室 staff, "budget": 预算室 staff}."""
    return {
        "design": make_user(Role.UNIT_STAFF, username="design1", unit=Unit.objects.get(code="design_office")),
        "budget": make_user(Role.UNIT_STAFF, username="budget1", unit=Unit.objects.get(code="budget_office")),
    }


@pytest.fixture
def director(make_user):
    return make_user(Role.CENTER_DIRECTOR, username="director", name="中心主任老陈")
