"""The filing demo: contracts, drawings, two overdue files and old meter-return files past retention;
a second run adds nothing."""

import pytest
from django.utils import timezone

from kefu.accounts.models import Role
from kefu.archives import demo_filing
from kefu.archives.models import ArchiveFile, Category
from kefu.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_the_demo_files_and_leaves_two_overdue_and_is_idempotent(make_user):
    make_user(Role.ARCHIVIST, username="archivist")
    CustomerFactory()
    demo_filing.seed({})
    today = timezone.localdate()
    files = ArchiveFile.objects
    assert files.filter(category=Category.SUPPLY_CONTRACT).count() == 3
    assert files.filter(category=Category.DRAWING).count() == 2
    assert files.filter(state=ArchiveFile.State.PENDING, filing_due_on__lt=today).count() == 2
    old = files.filter(category=Category.METER_RETURN, finished_on__year__lte=2020)
    assert old.count() == 6 and all(f.retention_until < today for f in old)
    assert all(f.catalogue_number and f.location for f in files.filter(state=ArchiveFile.State.FILED))
    count = files.count()
    demo_filing.seed({})
    assert files.count() == count


def test_the_demo_skips_without_an_archivist():
    assert demo_filing.seed({}) == ["档案归档：没有档案员，跳过"]
