"""The key cabinet's demo: one estate through the services, engineer1, loans out (one overdue), a copy
waiting; a second run adds nothing."""

import pytest

from kefu.accounts.models import Role, User
from kefu.archives import demo_keys
from kefu.archives.models import Key, KeyCopyRequest, KeyLoan
from kefu.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_the_demo_fills_one_estate_and_a_second_run_adds_nothing(make_user):
    make_user(Role.ARCHIVIST, username="archivist", name="档案员")
    make_user(Role.COUNTER_CLERK, username="clerk1", name="营业员")
    make_user(Role.DEPARTMENT_HEAD, username="head", name="主任")
    CustomerFactory.create_batch(3)

    lines = demo_keys.seed({})

    assert lines[0].startswith("钥匙柜演示：锦绣花园登记钥匙400条")
    # 3 buildings × 2 entrances × 6 floors × 2 flats × 5 kinds, 36 floors' public doors, 4 equipment rooms
    assert Key.objects.filter(kind=Key.Kind.OWNER).count() == 360
    assert Key.objects.filter(state=Key.State.ISSUED).count() == 15
    engineer = User.objects.get(username="engineer1")
    assert engineer.role == Role.ENGINEERING_MANAGER and engineer.check_password("Kefu@2026")
    assert KeyLoan.objects.filter(returned_at__isnull=True).count() == 2
    assert KeyLoan.objects.filter(returned_at__isnull=True, overdue_alerted=True).count() == 1
    assert KeyCopyRequest.objects.filter(state=KeyCopyRequest.State.REQUESTED).count() == 1
    assert Key.objects.get(label="1栋-1单元-01层-公共门窗").copies == 3
    assert demo_keys.seed({}) == []


def test_the_demo_skips_without_the_archivist(db):
    assert demo_keys.seed({}) == []
    assert not Key.objects.exists()
