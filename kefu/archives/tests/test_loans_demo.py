"""The loans' demo: on the filing demo's files, every state a desk chases — out, overdue (alerted),
waiting for approval, waiting at the desk, returned, and a confidential file refused; idempotent;
skipped without filed files."""

import pytest
import time_machine

from kefu.accounts.demo import create_demo_organisation
from kefu.archives import demo_loans
from kefu.archives.models import ArchiveFile, FileLoan
from kefu.archives.tests.factories_loans import filed_file
from kefu.core.models import Alert

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-12-04 10:00 +0800")
def test_the_demo_shows_every_state_of_the_register():
    create_demo_organisation()
    assert demo_loans.seed({}) == ["档案借阅：已归档的档案不足，跳过借阅演示"]
    for _ in range(5):
        filed_file()
    # (no owner's file: the demo registers and files one through the filing services)
    lines = demo_loans.seed({})
    confidential = ArchiveFile.objects.get(source_number=demo_loans.OWNER_FILE)
    assert confidential.confidential and confidential.state == ArchiveFile.State.FILED
    assert len(lines) == 2
    states = sorted(FileLoan.objects.values_list("state", flat=True))
    assert states == sorted(["out", "out", "returned", "requested", "approved", "refused"])
    assert FileLoan.objects.get(state="refused").file == confidential
    assert not FileLoan.objects.filter(file=confidential, kind="loan").exists()
    assert Alert.objects.filter(kind="archives.loan_overdue", recipient__username="clerk2").exists()
    assert demo_loans.seed({}) == []
