"""The field demo (I2) on cases ready for field work: photos with their SHA-256, a statement and a
defence, a stop notice signed, a rectification notice refused with a witness, one overdue for the
follow-up (alerted); idempotent, and skipped when there is no case to work on."""

import pytest

from kefu.core.models import Alert
from kefu.inspection import demo_field
from kefu.inspection.models import Evidence, Notice, Signature, Statement
from kefu.inspection.services.evidence import verify
from kefu.inspection.tests.factories_field import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_without_cases_the_demo_says_it_skipped():
    assert demo_field.seed({}) == ["稽查现场取证：没有可取证的演示案件（需二名稽查员已出示证件），跳过"]


def test_the_demo_works_three_cases_once():
    cases = [make_case(started=True) for _ in range(3)]
    lines = demo_field.seed({})
    assert len(lines) == 3 and all("证据" in line for line in lines), lines
    photos = Evidence.objects.filter(kind=Evidence.Kind.PHOTO)
    assert photos.count() == 6 and all(verify(p).ok and p.sha256 for p in photos)
    assert Statement.objects.filter(kind=Statement.Kind.DEFENCE, signature=Signature.REFUSED).exclude(
        witness=""
    )
    assert Notice.objects.filter(kind=Notice.Kind.STOP, signature=Signature.SIGNED).count() == 1
    refused = Notice.objects.get(kind=Notice.Kind.RECTIFY, signature=Signature.REFUSED)
    assert refused.witness and refused.witness_signed
    overdue = Notice.objects.get(case=cases[1], kind=Notice.Kind.RECTIFY)
    assert overdue.overdue_alerted and overdue.followed_up_at is None
    assert Alert.objects.filter(kind="inspection.notice_overdue").count() == 2
    # again: nothing more
    before = Evidence.objects.count()
    demo_field.seed({})
    assert Evidence.objects.count() == before


def test_the_demo_works_on_the_cases_demo(make_user):
    from kefu.accounts.models import Role
    from kefu.customers.tests.factories import CustomerFactory
    from kefu.inspection import demo_cases

    for name in ("inspector1", "inspector2"):
        make_user(Role.FIELD_INSPECTOR, username=name, name=name)
    make_user(Role.CENTER_DIRECTOR, username="director", name="中心主任")
    make_user(Role.ARCHIVIST, username="archivist", name="档案员")
    for _ in range(3):
        CustomerFactory()
    demo_cases.seed({})
    lines = demo_field.seed({})
    assert lines and all("未能演示" not in line for line in lines), lines
    assert Evidence.objects.filter(kind=Evidence.Kind.PHOTO).exists()
    assert Notice.objects.exists()
