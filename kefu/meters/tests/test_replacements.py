"""Urgent and issued replacements (M5, M6; ch.4 §4.2–§4.3): every rule with its Chinese refusal, the
archive updated in the fitting's transaction, branch visibility, the overdue alerts."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from kefu.core.alerts import Alert
from kefu.core.services import set_policy
from kefu.customers.models import Meter
from kefu.meters.models import Replacement, StockMeter, TrackingTask
from kefu.meters.services import replacements as services
from kefu.meters.tests import factories_replacements as f

pytestmark = pytest.mark.django_db
THURSDAY = "2026-02-12 10:00 +0800"


@time_machine.travel(THURSDAY)
def test_an_urgent_report_is_verified_within_three_working_days_and_opens_a_verification_task(meters_world):
    r = f.urgent(meters_world)
    assert r.state == Replacement.State.REPORTED
    assert r.verify_due == date(2026, 2, 24)  # Sat 02-14 worked, 02-15–02-23 Spring Festival
    assert r.plan_reading == Decimal("1234")
    task = TrackingTask.objects.get(replacement=r)
    assert task.kind == TrackingTask.Kind.VERIFICATION and task.due_on == r.verify_due


@time_machine.travel(THURSDAY)
def test_a_second_report_for_a_meter_with_an_open_replacement_is_refused(meters_world):
    first = f.urgent(meters_world)
    with pytest.raises(ValidationError) as refused:
        f.urgent(meters_world)
    assert f"已有未完成的换表单{first.number}" in str(refused.value)


@time_machine.travel(THURSDAY)
def test_a_branch_reports_only_its_own_meters(meters_world):
    with pytest.raises(PermissionDenied, match="只能办理本分公司"):
        f.urgent(meters_world, meters_world.other_meter)


@time_machine.travel(THURSDAY)
def test_the_center_notice_sets_the_replacement_due_five_working_days_later(meters_world):
    r = f.to_issue(meters_world)
    assert r.state == Replacement.State.TO_ISSUE
    assert r.replace_due == date(2026, 2, 26)
    assert TrackingTask.objects.get(replacement=r).state == TrackingTask.State.DONE


@time_machine.travel(THURSDAY)
def test_rejecting_needs_a_reason(meters_world):
    r = f.urgent(meters_world)
    with pytest.raises(ValidationError, match="请填写核查不属实的原因"):
        services.reject(actor=meters_world.head, replacement=r, reason=" ")
    r = services.reject(actor=meters_world.head, replacement=r, reason="表正常走字")
    assert r.state == Replacement.State.REJECTED


@time_machine.travel(THURSDAY)
def test_the_branch_reports_why_it_cannot_finish_in_time(meters_world):
    r = f.to_issue(meters_world)
    r = services.report_delay(actor=meters_world.fitter, replacement=r, reason="用户不在家")
    assert r.delay_reason == "用户不在家"


@time_machine.travel(THURSDAY)
def test_fitting_retires_the_old_meter_and_starts_the_new_one_in_the_archive(meters_world):
    r = f.issued(meters_world)
    done = services.fit(
        actor=meters_world.fitter, replacement=r, **f.fit_kwargs(r, old_reading=Decimal("1236.5"))
    )
    old = Meter.objects.get(pk=meters_world.meter.pk)
    assert old.status == Meter.Status.REMOVED and old.last_reading == Decimal("1236.5")
    new = done.new_meter
    assert new.number == r.new_meter_number and new.service_point_id == old.service_point_id
    assert new.install_date == date(2026, 2, 12) and new.status == Meter.Status.IN_USE
    stock = StockMeter.objects.get(number=new.number)
    assert stock.state == StockMeter.State.FITTED and stock.archive_meter == new
    assert done.state == Replacement.State.FITTED and done.customer_signed_name == "王大爷"
    usage = TrackingTask.objects.get(replacement=r, kind=TrackingTask.Kind.USAGE)
    assert usage.due_on > date(2026, 2, 12)


@time_machine.travel(THURSDAY)
def test_fitting_another_meter_than_the_one_issued_is_refused_naming_both(meters_world):
    r = f.issued(meters_world)
    with pytest.raises(ValidationError) as refused:
        services.fit(actor=meters_world.fitter, replacement=r, **f.fit_kwargs(r, new_meter_number="OTHER1"))
    text = str(refused.value)
    assert "OTHER1" in text and r.new_meter_number in text and "严禁甲表换乙表" in text
    assert Meter.objects.get(pk=meters_world.meter.pk).status == Meter.Status.IN_USE


@time_machine.travel(THURSDAY)
def test_a_reading_far_from_the_forms_stops_the_work_and_names_the_rule(meters_world):
    r = f.issued(meters_world)
    with pytest.raises(ValidationError) as refused:
        services.fit(actor=meters_world.fitter, replacement=r, **f.fit_kwargs(r, old_reading=Decimal("1300")))
    assert "超过规则「换表读数允许差」10m³" in str(refused.value)
    set_policy(actor=meters_world.head, key="meters.reading_tolerance_m3", value="100")
    services.fit(actor=meters_world.fitter, replacement=r, **f.fit_kwargs(r, old_reading=Decimal("1300")))


@time_machine.travel(THURSDAY)
def test_a_large_meters_broken_seal_stops_the_work_until_resumed(meters_world):
    meter = meters_world.meter_in(caliber_dn=50, last_reading=10)
    r = f.issued(meters_world, meter)
    with pytest.raises(ValidationError, match="铅封断裂"):
        services.fit(actor=meters_world.fitter, replacement=r, **f.fit_kwargs(r, old_seal_state="broken"))
    r = services.stop(actor=meters_world.fitter, replacement=r, reason="DN50铅封断裂")
    assert r.state == Replacement.State.STOPPED
    with pytest.raises(ValidationError, match="只有「已领表待换」的换表单才能登记换表"):
        services.fit(actor=meters_world.fitter, replacement=r, **f.fit_kwargs(r))
    with pytest.raises(ValidationError, match="请填写问题处理情况"):
        services.resume(actor=meters_world.fitter, replacement=r, note="")
    r = services.resume(actor=meters_world.fitter, replacement=r, note="稽查确认无窃水，同意更换")
    done = services.fit(actor=meters_world.fitter, replacement=r, **f.fit_kwargs(r, old_seal_state="broken"))
    assert done.state == Replacement.State.FITTED


@time_machine.travel(THURSDAY)
def test_a_small_meters_broken_seal_does_not_stop_the_work(meters_world):
    r = f.issued(meters_world)
    services.fit(actor=meters_world.fitter, replacement=r, **f.fit_kwargs(r, old_seal_state="broken"))


@time_machine.travel(THURSDAY)
def test_the_customer_checks_the_new_seal_and_signs(meters_world):
    r = f.issued(meters_world)
    with pytest.raises(ValidationError, match="新表铅封须经用户共同核对完好"):
        services.fit(actor=meters_world.fitter, replacement=r, **f.fit_kwargs(r, new_seal_intact=False))
    with pytest.raises(ValidationError, match="请填写用户签收人姓名"):
        services.fit(actor=meters_world.fitter, replacement=r, **f.fit_kwargs(r, customer_signed_name=""))
    with pytest.raises(ValidationError, match="请用户在屏幕上签名"):
        services.fit(actor=meters_world.fitter, replacement=r, **f.fit_kwargs(r, customer_signature=""))
    with pytest.raises(ValidationError, match="PNG图像"):
        services.fit(
            actor=meters_world.fitter, replacement=r, **f.fit_kwargs(r, customer_signature="javascript:x")
        )
    set_policy(actor=meters_world.head, key="meters.require_customer_signature", value=False)
    done = services.fit(actor=meters_world.fitter, replacement=r, **f.fit_kwargs(r, customer_signature=""))
    assert done.customer_signature == "" and done.customer_signed_name == "王大爷"


@time_machine.travel(THURSDAY)
def test_another_branchs_fitter_cannot_fit(meters_world):
    r = f.issued(meters_world)
    with pytest.raises(PermissionDenied):
        services.fit(actor=meters_world.other_fitter, replacement=r, **f.fit_kwargs(r))


@time_machine.travel(THURSDAY)
def test_a_same_caliber_substitution_moves_the_new_meter_and_amends_the_form(meters_world):
    age = f.issued(meters_world, kind=Replacement.Kind.AGE)
    target = f.to_issue(meters_world, meters_world.meter_in(last_reading=5))
    old_number = target.number
    with pytest.raises(ValidationError, match="请填写分公司负责人签字"):
        services.substitute(
            actor=meters_world.fitter,
            source=age,
            target=target,
            oral_report="电话报告",
            branch_head="",
            center_head="主任老李",
        )
    done = services.substitute(
        actor=meters_world.fitter,
        source=age,
        target=target,
        oral_report="10:00电话报告主任",
        branch_head="分公司经理老王",
        center_head="主任老李",
    )
    age.refresh_from_db()
    assert done.state == Replacement.State.ISSUED and done.new_meter_number
    assert done.number != old_number and done.issue.application_card == done.number
    assert "分公司经理老王" in done.substitution_note and "主任老李" in done.substitution_note
    assert age.state == Replacement.State.TO_ISSUE and age.issue_id is None


@time_machine.travel(THURSDAY)
def test_a_substitution_of_another_caliber_is_refused(meters_world):
    age = f.issued(meters_world, kind=Replacement.Kind.AGE)
    target = f.to_issue(meters_world, meters_world.meter_in(caliber_dn=50))
    with pytest.raises(ValidationError, match="只能替代同口径的急换表"):
        services.substitute(
            actor=meters_world.fitter,
            source=age,
            target=target,
            oral_report="报告",
            branch_head="甲",
            center_head="乙",
        )


def test_overdue_reports_and_replacements_are_alerted_once(meters_world):
    with time_machine.travel(THURSDAY):
        late_report = f.urgent(meters_world)
        late_fit = f.to_issue(meters_world, meters_world.meter_in())
    with time_machine.travel("2026-03-05 09:00 +0800") as traveller:
        from django.utils import timezone

        lines = services.overdue(timezone.now())
        assert any(late_report.number in line for line in lines)
        assert any(late_fit.number in line for line in lines)
        assert services.overdue(timezone.now()) == []
        traveller.shift(0)
    assert Alert.objects.filter(kind=services.VERIFY_OVERDUE, recipient=meters_world.head).count() == 1
    assert Alert.objects.filter(kind=services.REPLACE_OVERDUE, recipient=meters_world.fitter).count() == 1
    assert not Alert.objects.filter(
        kind=services.REPLACE_OVERDUE, recipient=meters_world.other_fitter
    ).exists()


# ---- pages and API


@time_machine.travel(THURSDAY)
def test_another_branchs_staff_get_404_on_a_replacement(meters_world, client_for):
    r = f.urgent(meters_world)
    client = client_for(meters_world.other_fitter)
    assert client.get(f"/meters/replacements/{r.pk}/").status_code == 404
    assert client.get(f"/api/meters/replacements/{r.pk}").status_code == 404


@time_machine.travel(THURSDAY)
def test_the_list_page_reads_in_a_fixed_number_of_queries(
    meters_world, client_for, django_assert_max_num_queries
):
    for _ in range(5):
        f.urgent(meters_world, meters_world.meter_in())
    client = client_for(meters_world.head)
    with django_assert_max_num_queries(12):
        response = client.get("/meters/replacements/?tab=all")
    assert response.status_code == 200
    assert response.content.decode().count("/meters/replacements/") >= 5


@time_machine.travel(THURSDAY)
def test_pages_of_a_replacement_render(meters_world, client_for):
    r = f.issued(meters_world)
    client = client_for(meters_world.fitter)
    for url in [
        "/meters/replacements/",
        f"/meters/replacements/{r.pk}/",
        f"/meters/replacements/{r.pk}/fit/",
        f"/meters/replacements/{r.pk}/form/",
        f"/meters/replacements/{r.pk}/notice/",
        "/meters/replacements/urgent/",
        "/meters/replacements/report/",
        "/meters/replacements/export/",
        "/meters/replacements/report/export/",
        f"/meters/meter/{meters_world.meter.pk}/",
    ]:
        assert client.get(url).status_code == 200, url
    assert client.get(f"/meters/meter/{meters_world.other_meter.pk}/").status_code == 404


@time_machine.travel(THURSDAY)
def test_the_fit_page_refuses_a_far_reading_and_offers_to_stop(meters_world, client_for):
    r = f.issued(meters_world)
    client = client_for(meters_world.fitter)
    data = f.fit_kwargs(r, old_reading="2000", new_seal_intact="on", new_reading="0")
    response = client.post(f"/meters/replacements/{r.pk}/fit/", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "停止更换" in body and "stop-form" in body
    response = client.post(f"/meters/replacements/{r.pk}/stop/", {"reason": "读数不符"})
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.state == Replacement.State.STOPPED


@time_machine.travel(THURSDAY)
def test_the_api_reports_verifies_and_fits(meters_world, client_for):
    branch = client_for(meters_world.fitter)
    response = branch.post(
        "/api/meters/replacements/urgent",
        {"meter": meters_world.meter.pk, "fault": "stopped", "fault_note": "停走"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    rid = response.json()["id"]
    again = branch.post(
        "/api/meters/replacements/urgent",
        {"meter": meters_world.meter.pk, "fault": "stopped"},
        content_type="application/json",
    )
    assert again.status_code == 400 and "已有未完成的换表单" in again.content.decode()
    head = client_for(meters_world.head)
    response = head.post(
        f"/api/meters/replacements/{rid}/verify", {"note": "属实"}, content_type="application/json"
    )
    assert response.json()["state"] == "to_issue"
    other = client_for(meters_world.other_fitter)
    assert (
        other.post(
            "/api/meters/replacements/urgent",
            {"meter": meters_world.meter.pk, "fault": "stopped"},
            content_type="application/json",
        ).status_code
        == 404
    )
