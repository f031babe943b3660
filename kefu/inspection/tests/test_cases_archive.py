"""Before closing, the papers are catalogued, numbered and filed (第三条(十)): the case goes to the
archive room as a restricted file with its content list, and closes only once the file is filed — by
hand or by the job."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kefu.accounts.models import Role
from kefu.archives.models import ArchiveFile
from kefu.inspection.models import Case
from kefu.inspection.services import cases as services
from kefu.inspection.tests.factories_cases import lead_of, make_case, make_director, submitted

pytestmark = pytest.mark.django_db


def approved_case():
    approval = submitted()
    services.decide(actor=make_director(), approval=approval, approve=True, opinion="同意")
    case = approval.case
    services.record_amounts(actor=lead_of(case), case=case, penalty="2000", recovery="3500.50")
    case.refresh_from_db()
    return case


def test_an_approved_case_goes_to_the_archive_as_a_restricted_file_with_its_papers():
    case = approved_case()
    file = services.send_to_archive(actor=lead_of(case), case=case)
    case.refresh_from_db()
    assert case.state == Case.State.AWAITING_FILING and case.archive_file == file
    assert file.restricted_to == "inspection.view_case"
    assert file.subject == f"inspection.case:{case.pk}" and file.source_number == case.number
    titles = list(file.items.values_list("title", flat=True))
    assert any("违章登记表" in t for t in titles) and any("违章审批表" in t for t in titles)


def test_a_case_does_not_close_before_its_file_is_filed_then_the_job_closes_it(make_user):
    case = approved_case()
    file = services.send_to_archive(actor=lead_of(case), case=case)
    with pytest.raises(ValidationError) as refused:
        services.close(actor=lead_of(case), case=case)
    assert "结案前应将案卷材料整理编目、编号并归档（供水手册第七章第三条（十））" in str(refused.value)
    assert not any("已结案" in line for line in services.run_due(timezone.now()))
    from kefu.archives.services.filing import file_in

    file_in(actor=make_user(Role.ARCHIVIST, username="arch9", name="档案员九"), file=file, location="A-1-1")
    file.refresh_from_db()
    assert file.state == ArchiveFile.State.FILED and file.catalogue_number
    lines = services.run_due(timezone.now())
    assert any("已结案" in line for line in lines)
    case.refresh_from_db()
    assert case.state == Case.State.CLOSED and case.closed_at


def test_a_case_with_no_violation_closes_after_its_conclusion_and_filing(make_user):
    case = make_case(started=True)
    services.conclude(
        actor=lead_of(case), case=case, finding=Case.Finding.NO_VIOLATION, conclusion="未发现违章"
    )
    file = services.send_to_archive(actor=lead_of(case), case=case)
    from kefu.archives.services.filing import file_in

    file_in(actor=make_user(Role.ARCHIVIST, username="arch8", name="档案员八"), file=file, location="A-1-2")
    case = services.close(actor=lead_of(case), case=case)
    assert case.state == Case.State.CLOSED
