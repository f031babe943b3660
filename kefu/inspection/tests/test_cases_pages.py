"""The case pages (I1, I3): the list with its filters and export, a new case, the case page's steps,
the leader's approval queue and the printed forms with each evidence file's SHA-256."""

import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from kefu.inspection.models import Case, Evidence, PenaltyApproval
from kefu.inspection.tests.factories_cases import lead_of, make_case, make_director, make_inspector, submitted

pytestmark = pytest.mark.django_db


def test_the_list_shows_my_cases_and_searches_by_number(client_for):
    case = make_case(address="西湖区文三路88号")
    other = make_case(address="拱墅区湖墅南路1号")
    client = client_for(lead_of(case))
    page = client.get(reverse("inspection:cases"), {"mine": "1"}).content.decode()
    assert case.number in page and other.number not in page
    page = client.get(reverse("inspection:cases"), {"q": "湖墅"}).content.decode()
    assert other.number in page and case.number not in page
    export = client.get(reverse("inspection:cases_export"))
    assert export.status_code == 200 and "spreadsheet" in export["Content-Type"]


def test_an_inspector_opens_a_case_from_the_form(client_for):
    me, partner = make_inspector(), make_inspector()
    client = client_for(me)
    assert "偷盗水" in client.get(reverse("inspection:case_new")).content.decode()
    answer = client.post(
        reverse("inspection:case_new"),
        {
            "kind": "hydrant",
            "address": "滨江区长河路消火栓",
            "summary": "擅自启用消火栓洗车",
            "inspectors": [me.pk, partner.pk],
        },
    )
    case = Case.objects.get()
    assert answer.status_code == 302 and case.inspectors.count() == 2
    refused = client.post(
        reverse("inspection:case_new"), {"kind": "noise", "address": "某处", "summary": "噪音"}
    )
    assert refused.status_code == 400
    assert "超出稽查范围（供水手册第七章第三条（二））" in refused.content.decode()


def test_starting_with_one_inspector_is_refused_on_the_page(client_for):
    alone = make_inspector()
    case = make_case(inspectors=[alone])
    answer = client_for(alone).post(reverse("inspection:case_start", args=[case.pk]))
    assert answer.status_code == 400
    assert "稽查人员必须2人以上" in answer.content.decode()


def test_the_case_page_shows_the_inspectors_and_their_ids(client_for):
    case = make_case()
    page = client_for(lead_of(case)).get(reverse("inspection:case", args=[case.pk])).content.decode()
    assert "已出示证件" in page and "主办" in page and "办理经过" in page
    assert reverse("inspection:field", args=[case.pk]) in page  # the field subject's phone page


def test_the_leader_approves_from_the_queue_with_an_opinion(client_for):
    approval = submitted()
    director = make_director()
    client = client_for(director)
    queue = client.get(reverse("inspection:approvals")).content.decode()
    assert approval.case.number in queue and "2000.00元" in queue
    client.post(
        reverse("inspection:approval_decide", args=[approval.pk]), {"decision": "approve", "opinion": "同意"}
    )
    approval.refresh_from_db()
    assert approval.state == PenaltyApproval.State.APPROVED
    assert "没有待审批的违章处理" in client.get(reverse("inspection:approvals")).content.decode()


def test_an_inspector_cannot_open_the_approval_queue(client_for):
    approval = submitted()
    assert client_for(approval.submitted_by).get(reverse("inspection:approvals")).status_code == 403


def test_amounts_before_approval_are_refused_on_the_page(client_for):
    approval = submitted()
    answer = client_for(approval.submitted_by).post(
        reverse("inspection:case_amounts", args=[approval.case.pk]), {"penalty": "100", "recovery": "0"}
    )
    assert answer.status_code == 400
    assert "须经客户服务中心领导批准后再进行处理（第三条（九））" in answer.content.decode()


def test_the_printed_forms_list_each_evidence_files_sha256_and_upload_time(client_for):
    approval = submitted()
    case = approval.case
    digest = hashlib.sha256(b"photo").hexdigest()
    Evidence.objects.create(
        case=case,
        kind=Evidence.Kind.PHOTO,
        name="现场1.jpg",
        size=5,
        sha256=digest,
        uploaded_at=timezone.now(),
        uploaded_by=lead_of(case),
        taken_at=timezone.now(),
        place=case.address,
    )
    client = client_for(lead_of(case))
    for name in ("inspection:approval_registration_print", "inspection:approval_form_print"):
        page = client.get(reverse(name, args=[approval.pk])).content.decode()
        assert digest in page and "上传时间" in page and case.number in page


def test_the_home_page_lines_show_my_cases_and_the_leaders_approvals():
    from kefu.inspection.selectors_cases import home_lines

    approval = submitted()
    director = make_director()
    assert ("待审批的违章处理", 1, reverse("inspection:approvals")) in home_lines(director)
    mine = make_case()
    labels = {label: count for label, count, _ in home_lines(lead_of(mine))}
    assert labels.get("我的待办稽查案件") == 1
    assert "待审批的违章处理" not in {label for label, _, _ in home_lines(approval.submitted_by)}
