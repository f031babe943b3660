"""Old meters back in the store (M7, seed 000 ch.4 §5): one for one with reading and seal state; DN40+
labelled and kept a month by area, then released; deliberate damage opens a 赔表 case; late entry
flagged; overdue removals alerted once. Services first, then the pages and the API."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kefu.core.events import events_for
from kefu.core.models import Alert
from kefu.customers.models import Meter
from kefu.meters.events import ReplacementEvents, ReturnEvents
from kefu.meters.labels import qr_svg
from kefu.meters.models import CompensationCase, MeterWork, OldMeterReturn, Replacement, StockMeter
from kefu.meters.services import returns as services
from kefu.meters.tests.factories_returns import (
    clerk,
    fitted_replacement,
    give_back,
    removal_requested,
    stock_meter,
)

SH = ZoneInfo("Asia/Shanghai")


def refusal(excinfo, field: str) -> str:
    return excinfo.value.message_dict[field][0]


@pytest.fixture
def counter(make_user):
    return clerk(make_user)


# ---- the return itself ---------------------------------------------------------------------------


def test_a_fitted_replacements_old_meter_closes_it_and_its_stock_record(meters_world):
    replacement = fitted_replacement(meters_world)
    stock = stock_meter(
        meters_world.store_keeper, archive_meter=meters_world.meter, state=StockMeter.State.FITTED
    )
    old_return = give_back(meters_world, replacement=replacement, seal_state=Meter.SealState.MISSING)
    assert old_return.number.startswith(f"HS{timezone.localdate().year}")
    assert old_return.branch == meters_world.branch and old_return.received_by == meters_world.store_keeper
    assert old_return.reading == Decimal("1240.5") and old_return.seal_state == Meter.SealState.MISSING
    replacement.refresh_from_db()
    assert replacement.state == Replacement.State.CLOSED
    assert ReplacementEvents.CLOSED in [e.verb for e in events_for(replacement)]
    stock.refresh_from_db()
    assert stock.state == StockMeter.State.OLD_RETURNED
    assert [e.verb for e in events_for(old_return)] == [ReturnEvents.RETURNED]


def test_a_meter_returned_for_neither_a_replacement_nor_a_task_is_refused(meters_world):
    with pytest.raises(ValidationError) as refused:
        give_back(meters_world)
    assert "每只旧表须对应一张换表单或一张拆表任务单" in refusal(refused, "source")


def test_one_return_is_for_one_replacement_or_one_task_not_both(
    meters_world, counter, django_capture_on_commit_callbacks
):
    replacement = fitted_replacement(meters_world)
    _process, work = removal_requested(
        meters_world, counter, django_capture_on_commit_callbacks, meter=meters_world.other_meter
    )
    with pytest.raises(ValidationError) as refused:
        give_back(meters_world, replacement=replacement, work=work)
    assert "不能合并交回" in refusal(refused, "source")


def test_another_meter_cannot_stand_in_for_the_replacements_old_meter(meters_world):
    replacement = fitted_replacement(meters_world)
    stranger = meters_world.meter_in(meters_world.branch)
    with pytest.raises(ValidationError) as refused:
        give_back(meters_world, replacement=replacement, meter=stranger)
    message = refusal(refused, "meter")
    assert f"表号{stranger.number}不是换表单{replacement.number}换下的旧表" in message
    assert "不能以他表代还" in message


def test_a_replacement_not_yet_fitted_has_no_old_meter_to_return(meters_world):
    replacement = fitted_replacement(meters_world)
    Replacement.objects.filter(pk=replacement.pk).update(state=Replacement.State.ISSUED)
    with pytest.raises(ValidationError) as refused:
        give_back(meters_world, replacement=replacement)
    assert "当前为「已领表待换」，换表完成（已换表待交旧表）后才能交回旧表" in refusal(refused, "replacement")


def test_a_meter_is_returned_once(meters_world):
    replacement = fitted_replacement(meters_world)
    first = give_back(meters_world, replacement=replacement)
    with pytest.raises(ValidationError) as refused:
        give_back(meters_world, replacement=replacement)
    assert f"已于{first.returned_on:%Y-%m-%d}交回（回收单{first.number}），不能重复登记" in refusal(
        refused, "meter"
    )


@pytest.mark.parametrize(
    "changes, field, says",
    [
        ({"reading": None}, "reading", "请填写旧表行度"),
        ({"reading": "-1"}, "reading", "旧表行度应为不小于0的数字"),
        ({"seal_state": "cracked"}, "seal_state", "请选择铅封情况"),
        ({"damaged": True}, "damage_note", "请写明损坏情况"),
        ({"returned_on": date(2099, 1, 1)}, "returned_on", "交回日期不能晚于今天"),
    ],
)
def test_the_return_records_reading_seal_and_damage_or_says_what_is_missing(
    meters_world, changes, field, says
):
    replacement = fitted_replacement(meters_world)
    with pytest.raises(ValidationError) as refused:
        give_back(meters_world, replacement=replacement, **changes)
    assert says in refusal(refused, field)


def test_the_old_meter_is_returned_by_its_own_branchs_staff(meters_world):
    replacement = fitted_replacement(meters_world)
    with pytest.raises(ValidationError) as refused:
        give_back(meters_world, replacement=replacement, returned_by=meters_world.other_fitter)
    assert "不是城东供水分公司的人员" in refusal(refused, "returned_by")


def test_only_the_store_records_returns(meters_world):
    replacement = fitted_replacement(meters_world)
    with pytest.raises(PermissionDenied):
        give_back(meters_world, replacement=replacement, actor=meters_world.fitter)


@time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=SH), tick=False)
def test_a_large_meter_is_kept_a_month_by_area_and_a_small_one_is_not(meters_world):
    large = meters_world.meter_in(meters_world.branch, caliber_dn=50)
    replacement = fitted_replacement(meters_world, large, fitted_at=datetime(2026, 1, 30, 9, 0, tzinfo=SH))
    kept = give_back(meters_world, replacement=replacement, returned_on=date(2026, 1, 31))
    assert kept.keep_until == date(2026, 2, 28) and kept.disposition == OldMeterReturn.Disposition.KEPT
    small = give_back(meters_world, replacement=fitted_replacement(meters_world))
    assert small.keep_until is None and small.disposition == OldMeterReturn.Disposition.RELEASED


@time_machine.travel(datetime(2026, 2, 24, 10, 0, tzinfo=SH), tick=False)
def test_a_return_entered_after_two_working_days_is_recorded_and_flagged_late(meters_world):
    # returned Thu 2026-02-12: Fri 13 and Sat 14 (worked) are the two working days; entered Tue 24
    replacement = fitted_replacement(
        meters_world, fitted_at=datetime(2026, 2, 10, 9, 0, tzinfo=SH), replace_due=date(2026, 2, 11)
    )
    old_return = give_back(meters_world, replacement=replacement, returned_on=date(2026, 2, 12))
    assert old_return.late_entry
    changes = events_for(old_return).get().changes
    assert changes["late_entry"] == "录入超期（应于2026-02-14前录入）"
    assert changes["returned_late"] == "逾期交回（期限2026-02-11）"


@time_machine.travel(datetime(2026, 2, 14, 10, 0, tzinfo=SH), tick=False)
def test_a_return_entered_within_two_working_days_is_not_late(meters_world):
    replacement = fitted_replacement(meters_world, fitted_at=datetime(2026, 2, 10, 9, 0, tzinfo=SH))
    assert not give_back(meters_world, replacement=replacement, returned_on=date(2026, 2, 12)).late_entry


def test_a_return_day_before_the_fitting_is_refused(meters_world):
    replacement = fitted_replacement(meters_world)
    with pytest.raises(ValidationError) as refused:
        give_back(meters_world, replacement=replacement, returned_on=timezone.localdate() - timedelta(days=3))
    assert "交回日期不能早于拆表（换表）日期" in refusal(refused, "returned_on")


def test_signs_of_deliberate_damage_open_a_compensation_case_for_the_branch(meters_world):
    replacement = fitted_replacement(meters_world)
    stock = stock_meter(
        meters_world.store_keeper, archive_meter=meters_world.meter, state=StockMeter.State.FITTED
    )
    old_return = give_back(meters_world, replacement=replacement, damaged=True, damage_note="表玻璃被砸碎")
    case = CompensationCase.objects.get()
    assert (
        case.number.startswith("PB") and case.branch == meters_world.branch and case.old_return == old_return
    )
    assert old_return.disposition == OldMeterReturn.Disposition.COMPENSATION
    alert = Alert.objects.get(kind="meters.compensation_opened")
    assert alert.recipient == meters_world.fitter and "表玻璃被砸碎" in alert.message
    # the store settles it once
    services.settle_compensation(actor=meters_world.store_keeper, case=case, note="已按价赔偿")
    case.refresh_from_db()
    stock.refresh_from_db()
    assert case.state == CompensationCase.State.SETTLED and stock.state == StockMeter.State.COMPENSATED
    with pytest.raises(ValidationError) as refused:
        services.settle_compensation(actor=meters_world.store_keeper, case=case)
    assert "处理完毕" in refusal(refused, "state")


@time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=SH), tick=False)
def test_a_kept_meter_is_released_only_after_its_keeping_time(meters_world):
    large = meters_world.meter_in(meters_world.branch, caliber_dn=80)
    kept = give_back(meters_world, replacement=fitted_replacement(meters_world, large))
    assert kept.keep_until == date(2026, 4, 2)
    with pytest.raises(ValidationError) as refused:
        services.release_old_meter(actor=meters_world.store_keeper, old_return=kept)
    assert "须按区域保存至2026-04-02（大口径旧表保存1个月以便复核），未满不能放行" in refusal(
        refused, "keep_until"
    )
    with time_machine.travel(datetime(2026, 4, 2, 9, 0, tzinfo=SH), tick=False):
        released = services.release_old_meter(actor=meters_world.store_keeper, old_return=kept)
    assert released.disposition == OldMeterReturn.Disposition.RELEASED and released.released_at
    with pytest.raises(ValidationError) as refused:
        services.release_old_meter(actor=meters_world.store_keeper, old_return=released)
    assert "不在保存中" in refusal(refused, "disposition")


def test_only_large_meters_carry_a_label(meters_world):
    small = give_back(meters_world, replacement=fitted_replacement(meters_world))
    with pytest.raises(ValidationError) as refused:
        services.record_labels_printed(actor=meters_world.store_keeper, returns=[small])
    assert "口径小于DN40的旧表不须贴标签" in refusal(refused, "returns")


def test_the_qr_code_is_one_svg_path_of_the_return_number():
    svg = qr_svg("HB2026000001")
    assert svg.startswith('<svg class="qr"') and svg.count("<path") == 1 and "style" not in svg
    assert 'aria-label="HB2026000001"' in svg


# ---- the deadline scan -----------------------------------------------------------------------------


def test_an_overdue_removal_is_alerted_to_its_branch_once(
    meters_world, counter, django_capture_on_commit_callbacks
):
    with time_machine.travel(datetime(2026, 9, 29, 10, 0, tzinfo=SH), tick=False):
        _process, work = removal_requested(meters_world, counter, django_capture_on_commit_callbacks)
    assert services.overdue(datetime(2026, 10, 19, 8, 0, tzinfo=SH)) == []  # due today: not yet
    assert services.overdue(datetime(2026, 10, 20, 8, 0, tzinfo=SH)) == ["旧表逾期未交回：1 项"]
    assert services.overdue(datetime(2026, 10, 21, 8, 0, tzinfo=SH)) == []  # told once
    alert = Alert.objects.get(kind="meters.old_meter_overdue")
    assert alert.recipient == meters_world.fitter and "应于2026-10-19前交回表库" in alert.message
    work.refresh_from_db()
    assert work.overdue_alerted


@time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=SH), tick=False)
def test_a_kept_meter_past_its_keeping_time_is_a_line_for_the_store(meters_world):
    large = meters_world.meter_in(meters_world.branch, caliber_dn=50)
    give_back(meters_world, replacement=fitted_replacement(meters_world, large))
    assert services.overdue(datetime(2026, 4, 1, 8, 0, tzinfo=SH)) == []
    assert services.overdue(datetime(2026, 4, 2, 8, 0, tzinfo=SH)) == ["旧表保存期满待放行：1 只"]
    assert services.overdue(datetime(2026, 4, 3, 8, 0, tzinfo=SH)) == []
    assert Alert.objects.get(kind="meters.old_meter_release_due").recipient == meters_world.store_keeper


# ---- pages -------------------------------------------------------------------------------------------


@pytest.fixture
def returned(meters_world):
    """Three returns of the world's branch (one DN50 kept, one entered late) and one of the other."""
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=SH), tick=False):
        rows = [give_back(meters_world, replacement=fitted_replacement(meters_world))]
        large = meters_world.meter_in(meters_world.branch, caliber_dn=50)
        rows.append(give_back(meters_world, replacement=fitted_replacement(meters_world, large)))
    with time_machine.travel(datetime(2026, 3, 10, 10, 0, tzinfo=SH), tick=False):
        late = meters_world.meter_in(meters_world.branch)
        replacement = fitted_replacement(meters_world, late, fitted_at=datetime(2026, 3, 2, 9, 0, tzinfo=SH))
        rows.append(give_back(meters_world, replacement=replacement, returned_on=date(2026, 3, 2)))
        other = fitted_replacement(meters_world, meters_world.other_meter)
        rows.append(give_back(meters_world, replacement=other, returned_by=meters_world.other_fitter))
    return rows


def test_the_returns_list_loads_in_a_fixed_number_of_queries(
    meters_world, returned, client, django_assert_num_queries
):
    client.force_login(meters_world.store_keeper)
    client.get("/meters/returns/")  # warm the rules' cache
    # session, user, permissions ×2, count, branches for the filter, the alerts badge, the rows
    with django_assert_num_queries(8):
        response = client.get("/meters/returns/")
    page = response.content.decode()
    assert response.status_code == 200 and all(r.number in page for r in returned)


def test_the_list_filters_late_entries_kept_meters_and_searches(meters_world, returned, client):
    client.force_login(meters_world.store_keeper)
    late = client.get("/meters/returns/?late=1").content.decode()
    assert returned[2].number in late and returned[0].number not in late and "录入超期" in late
    kept = client.get("/meters/returns/?kept=1").content.decode()
    assert returned[1].number in kept and returned[0].number not in kept
    found = client.get(f"/meters/returns/?q={returned[0].meter.number}").content.decode()
    assert returned[0].number in found and returned[1].number not in found
    assert "没有符合条件的旧表回收记录" in client.get("/meters/returns/?q=NOSUCH").content.decode()


def test_a_branchs_staff_see_their_own_branchs_returns(meters_world, returned, client):
    client.force_login(meters_world.fitter)
    page = client.get("/meters/returns/").content.decode()
    assert returned[0].number in page and returned[3].number not in page
    assert client.get(f"/meters/returns/{returned[3].pk}/").status_code == 404


def test_the_returns_export_is_a_workbook(meters_world, returned, client):
    client.force_login(meters_world.store_keeper)
    response = client.get("/meters/returns/export/?late=1")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")


def test_the_store_keeper_records_a_return_on_the_form(meters_world, client):
    replacement = fitted_replacement(meters_world)
    client.force_login(meters_world.store_keeper)
    form = client.get(f"/meters/returns/new/?replacement={replacement.pk}").content.decode()
    assert replacement.number in form
    data = {
        "source": f"r:{replacement.pk}",
        "returned_by": meters_world.fitter.pk,
        "returned_on": timezone.localdate().isoformat(),
        "reading": "1250.0",
        "seal_state": "intact",
    }
    response = client.post("/meters/returns/new/", data)
    old_return = OldMeterReturn.objects.get()
    assert response.status_code == 302 and response.url == f"/meters/returns/{old_return.pk}/"
    detail = client.get(response.url).content.decode()
    assert "旧表交回" in detail and replacement.number in detail


def test_a_refused_return_on_the_form_is_a_400_with_the_reason(meters_world, client):
    replacement = fitted_replacement(meters_world)
    stranger = meters_world.meter_in(meters_world.branch)
    client.force_login(meters_world.store_keeper)
    data = {
        "source": f"r:{replacement.pk}",
        "meter_number": stranger.number,
        "returned_by": meters_world.fitter.pk,
        "returned_on": timezone.localdate().isoformat(),
        "reading": "1250.0",
        "seal_state": "intact",
    }
    response = client.post("/meters/returns/new/", data)
    assert response.status_code == 400 and "不能以他表代还" in response.content.decode()
    assert not OldMeterReturn.objects.exists()


def test_a_branchs_staff_cannot_open_the_return_form(meters_world, client):
    client.force_login(meters_world.fitter)
    assert client.get("/meters/returns/new/").status_code == 403


@time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=SH), tick=False)
def test_labels_print_several_to_a_page_with_customer_point_and_qr(meters_world, client):
    first = meters_world.meter_in(meters_world.branch, caliber_dn=50)
    second = meters_world.meter_in(meters_world.branch, caliber_dn=100)
    returns = [
        give_back(meters_world, replacement=fitted_replacement(meters_world, m)) for m in (first, second)
    ]
    client.force_login(meters_world.store_keeper)
    response = client.post("/meters/returns/labels/", {"ids": [r.pk for r in returns]})
    page = response.content.decode()
    assert response.status_code == 200 and page.count('<section class="meter-label">') == 2
    point = first.service_point
    assert (
        point.customer.name in page and point.connection_point_no in page and point.service_area.name in page
    )
    assert "DN100" in page and "保存至：2026-04-02" in page and page.count('<svg class="qr"') == 2
    assert all(r.label_printed_at for r in OldMeterReturn.objects.all())


def test_the_works_list_loads_in_a_fixed_number_of_queries(
    meters_world, counter, django_capture_on_commit_callbacks, client, django_assert_num_queries
):
    for meter in (meters_world.meter, meters_world.meter_in(meters_world.branch)):
        removal_requested(meters_world, counter, django_capture_on_commit_callbacks, meter=meter)
    client.force_login(meters_world.store_keeper)
    client.get("/meters/returns/works/")
    with django_assert_num_queries(8):
        page = client.get("/meters/returns/works/").content.decode()
    assert page.count("登记旧表回收") >= 2 and "拆表任务单" in page


def test_the_compensations_list_and_settling_on_the_page(meters_world, client, django_assert_num_queries):
    give_back(
        meters_world, replacement=fitted_replacement(meters_world), damaged=True, damage_note="表芯被拆"
    )
    case = CompensationCase.objects.get()
    client.force_login(meters_world.store_keeper)
    client.get("/meters/returns/compensations/")
    with django_assert_num_queries(7):
        page = client.get("/meters/returns/compensations/").content.decode()
    assert case.number in page and "表芯被拆" in page
    response = client.post(f"/meters/returns/compensations/{case.pk}/settle/", {"note": "已赔"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CompensationCase.State.SETTLED


@time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=SH), tick=False)
def test_releasing_from_the_list_says_why_a_meter_is_still_kept(meters_world, client):
    large = meters_world.meter_in(meters_world.branch, caliber_dn=50)
    kept = give_back(meters_world, replacement=fitted_replacement(meters_world, large))
    client.force_login(meters_world.store_keeper)
    response = client.post("/meters/returns/release/", {"ids": [kept.pk]}, follow=True)
    assert "未满不能放行" in response.content.decode()


# ---- API ---------------------------------------------------------------------------------------------


def test_the_api_records_lists_and_reads_a_return(meters_world, client):
    replacement = fitted_replacement(meters_world)
    client.force_login(meters_world.store_keeper)
    body = {
        "replacement": replacement.pk,
        "returned_by": meters_world.fitter.username,
        "reading": "1240.5",
        "seal_state": "broken",
    }
    response = client.post("/api/meters/returns", body, content_type="application/json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["replacement"] == replacement.number and created["seal_state_label"] == "铅封破损"
    listing = client.get("/api/meters/returns").json()
    assert [item["number"] for item in listing["items"]] == [created["number"]] and not listing["has_next"]
    assert (
        client.get(f"/api/meters/returns/{created['id']}").json()["meter_number"] == meters_world.meter.number
    )
    again = client.post("/api/meters/returns", body, content_type="application/json")
    assert again.status_code == 400 and "不能重复登记" in again.content.decode()


def test_the_api_refuses_a_return_without_a_replacement_or_task(meters_world, client):
    client.force_login(meters_world.store_keeper)
    body = {"returned_by": meters_world.fitter.username, "reading": "1", "seal_state": "intact"}
    response = client.post("/api/meters/returns", body, content_type="application/json")
    assert response.status_code == 400 and "一表一还" in response.content.decode()


@time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=SH), tick=False)
def test_the_api_gives_the_label_and_releases_after_keeping(meters_world, client):
    large = meters_world.meter_in(meters_world.branch, caliber_dn=50)
    kept = give_back(meters_world, replacement=fitted_replacement(meters_world, large))
    client.force_login(meters_world.store_keeper)
    label = client.get(f"/api/meters/returns/{kept.pk}/label").json()
    assert label["number"] == kept.number and label["qr_svg"].startswith("<svg")
    assert label["connection_point_no"] == large.service_point.connection_point_no
    refused = client.post(f"/api/meters/returns/{kept.pk}/release")
    assert refused.status_code == 400 and "未满不能放行" in refused.content.decode()
    with time_machine.travel(datetime(2026, 4, 2, 10, 0, tzinfo=SH), tick=False):
        client.force_login(meters_world.store_keeper)  # a month later: a new session
        assert client.post(f"/api/meters/returns/{kept.pk}/release").json()["disposition"] == "released"


def test_the_api_lists_meter_works_and_settles_compensations(
    meters_world, counter, django_capture_on_commit_callbacks, client
):
    process, work = removal_requested(meters_world, counter, django_capture_on_commit_callbacks)
    give_back(meters_world, work=work, damaged=True, damage_note="人为砸坏")
    client.force_login(meters_world.store_keeper)
    works = client.get("/api/meters/meter-works").json()["items"]
    assert works[0]["process_number"] == process.number and works[0]["state"] == MeterWork.State.DONE
    assert works[0]["old_return"] == OldMeterReturn.objects.get().number
    case = client.get("/api/meters/compensations?state=open").json()["items"][0]
    settled = client.post(
        f"/api/meters/compensations/{case['id']}/settle", {"note": "已赔"}, content_type="application/json"
    )
    assert settled.json()["state"] == "settled"
    client.force_login(meters_world.fitter)
    assert (
        client.post(
            f"/api/meters/compensations/{case['id']}/settle", {}, content_type="application/json"
        ).status_code
        == 403
    )


@pytest.mark.parametrize(
    "url",
    ["/api/meters/returns/99999999999999999999", "/api/meters/returns/0/label", "/meters/returns/999999999/"],
)
def test_an_id_that_names_no_return_is_not_found(meters_world, client, url):
    client.force_login(meters_world.store_keeper)
    assert client.get(url).status_code == 404


def test_a_page_number_out_of_bounds_is_a_chinese_400(meters_world, client):
    client.force_login(meters_world.store_keeper)
    response = client.get("/api/meters/returns?page=0")
    assert response.status_code in (400, 422) and "不能小于1" in response.content.decode()
