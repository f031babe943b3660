"""Factories of reading and borrowing (D2): filed files made directly (the filing subject's services are
built beside these), loans through the services."""

import itertools
from datetime import date

from django.utils import timezone

from kefu.archives.models import ArchiveFile, Category, FileLoan
from kefu.archives.services import loans as services

_numbers = itertools.count(1)


def filed_file(**fields) -> ArchiveFile:
    """A filed file with a catalogue number (YW-2026-000001…)."""
    n = next(_numbers)
    category = fields.pop("category", Category.PROCESS)
    values = {
        "category": category,
        "catalogue_number": f"YW-2026-{n:06d}",
        "title": f"新装用水业务档案第{n}号",
        "state": ArchiveFile.State.FILED,
        "finished_on": date(2026, 3, 2),
        "filing_due_on": date(2026, 3, 16),
        "filed_at": timezone.now(),
        "retention_years": 10,
    }
    values.update(fields)
    return ArchiveFile.objects.create(**values)


def owner_file(**fields) -> ArchiveFile:
    """An owner's personal papers (003 住户档案): confidential."""
    n = next(_numbers)
    return filed_file(
        category=Category.OWNER,
        catalogue_number=f"YZ-2026-{n:06d}",
        title=f"3栋-2单元-05层-050{n % 10}业主档案",
        confidential=True,
        **fields,
    )


def requested(borrower, file, *, kind=FileLoan.Kind.LOAN, purpose="核对用水地址变更资料", for_work=True):
    return services.request(actor=borrower, file=file, kind=kind, purpose=purpose, for_work=for_work)


def approved(borrower, approver, file, **kwargs) -> FileLoan:
    loan = requested(borrower, file, **kwargs)
    return services.approve(actor=approver, loan=loan, note="同意")


def lent(borrower, approver, registrar, file, *, due_on=None) -> FileLoan:
    loan = approved(borrower, approver, file)
    return services.lend(actor=registrar, loan=loan, signed=True, due_on=due_on)


class LoanPeople:
    """The people of the loans' tests: a clerk who borrows, another staff member, the 客服部主任 (approves
    and registers), the 中心主任 (approves), the 档案员 (registers), an inspector (sees restricted files)."""

    def __init__(self, make_user):
        from kefu.accounts.models import Role

        self.clerk = make_user(Role.COUNTER_CLERK, username="loan_clerk", name="营业员小王")
        self.leader = make_user(Role.TEAM_LEADER, username="loan_leader", name="班长小赵")
        self.head = make_user(Role.DEPARTMENT_HEAD, username="loan_head", name="主任老李")
        self.director = make_user(Role.CENTER_DIRECTOR, username="loan_director", name="中心主任老陈")
        self.archivist = make_user(Role.ARCHIVIST, username="loan_archivist", name="档案员小周")
        self.inspector = make_user(Role.FIELD_INSPECTOR, username="loan_inspector", name="稽查员老孙")
