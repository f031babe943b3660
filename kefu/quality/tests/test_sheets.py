"""An appraisal sheet (Q2, Q4): drafted from the records once per record, refreshed, lines by hand within
their item's range, voided with a reason, the team leader's adjustment, the locked month, who may see and
change which sheet, and the sheet API."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import TeamFactory
from kefu.core.models import Event
from kefu.quality.models import AppraisalItem, AppraisalMonth
from kefu.quality.permissions_sheets import get_sheet_for, sheets_visible_to
from kefu.quality.services import sheets as services
from kefu.quality.tests import factories_sheets as f
from kefu.workforce.models import DisciplineCase


def item(code):
    return AppraisalItem.objects.get(code=code)


@pytest.fixture
def spec(db):
    f.catalogue()
    return f.specialist(username="spec", name="培训专员小孙")


@pytest.fixture
def team(db):
    return TeamFactory(code="RX1", name="热线一班")


@pytest.fixture
def person(team):
    return f.staff(team=team, name="话务员小张", username="zhang")


def test_drafting_snapshots_the_team_and_joining_date_and_adds_each_record_once(spec, person):
    # given an absence in November
    f.discipline_case(person, date(2026, 11, 5), DisciplineCase.Kind.ABSENT)
    # when the sheet is drafted twice
    sheet = f.drafted(person, actor=spec)
    sheet = f.drafted(person, actor=spec)
    # then one line, 80 − 20 = 60, grade E, the snapshot taken
    lines = list(sheet.lines.all())
    assert [(line.item.code, line.points, line.automatic) for line in lines] == [("absence", 20, True)]
    assert lines[0].evidence.startswith("workforce.disciplinecase:")
    assert (sheet.score, sheet.grade, sheet.team_id, sheet.joined_on) == (
        60,
        "E",
        person.team_id,
        date(2020, 3, 1),
    )
    assert sheet.computed_lines[0]["label"] == "基础分"


def test_the_joining_date_is_the_hired_on_or_else_the_account_date(spec, team):
    # given a person without a hiring date, whose account was made today
    person = f.staff(team=team, hired_on=None)
    joined = timezone.localdate(person.date_joined)
    # when drafted for this month
    sheet = f.drafted(person, month=joined.replace(day=1), actor=spec)
    # then
    assert sheet.joined_on == joined


def test_a_record_that_no_longer_qualifies_voids_its_line_and_manual_lines_stay(spec, person):
    # given an absence line and a hand-entered light line
    case = f.discipline_case(person, date(2026, 11, 5), DisciplineCase.Kind.ABSENT)
    sheet = f.drafted(person, actor=spec)
    services.add_line(sheet=sheet, actor=spec, item=item("no_mandarin"), note="班前会上使用方言")
    # when the absence is withdrawn by an attendance correction and the sheet drafted again
    case.status, case.outcome = DisciplineCase.Status.CLOSED, "考勤更正"
    case.save()
    sheet = f.drafted(person, actor=spec)
    # then the absence line is void, the manual one stays: 80 − 2
    live = [(line.item.code, line.void) for line in sheet.lines.order_by("id")]
    assert live == [("absence", True), ("no_mandarin", False)]
    assert sheet.score == 78


def test_a_line_struck_off_by_a_person_is_not_added_back_by_drafting(spec, person):
    f.discipline_case(person, date(2026, 11, 5), DisciplineCase.Kind.ABSENT)
    sheet = f.drafted(person, actor=spec)
    services.void_line(line=sheet.lines.get(), actor=spec, reason="已补请假手续")
    sheet = f.drafted(person, actor=spec)
    assert sheet.lines.filter(void=False).count() == 0
    assert sheet.score == 80


def test_a_hand_line_must_lie_within_its_items_range_and_carry_a_note(spec, person):
    sheet = f.drafted(person, actor=spec)
    with pytest.raises(ValidationError) as error:
        services.add_line(sheet=sheet, actor=spec, item=item("idle_talk"), points=3, note="")
    assert {"points", "note"} <= set(error.value.message_dict)
    # and an item the records give is refused by hand
    with pytest.raises(ValidationError) as error:
        services.add_line(sheet=sheet, actor=spec, item=item("absence"), note="旷工")
    assert "item" in error.value.message_dict


def test_emergency_handling_late_by_minutes_picks_the_tier(spec, person):
    sheet = f.drafted(person, actor=spec)
    for minutes in (8, 25, 45):
        services.add_line(sheet=sheet, actor=spec, minutes=minutes, note="停水突发事件")
    got = sorted((line.item.code, line.points) for line in sheet.lines.all())
    assert got == [("emergency_late_10", 5), ("emergency_late_30", 10), ("emergency_late_over", 20)]
    sheet.refresh_from_db()
    assert sheet.score == 80 - 35


def test_voiding_needs_a_reason_and_voiding_twice_answers_the_same_line(spec, person):
    sheet = f.drafted(person, actor=spec)
    line = services.add_line(sheet=sheet, actor=spec, item=item("messy_desk"), note="桌面凌乱")
    with pytest.raises(ValidationError):
        services.void_line(line=line, actor=spec, reason=" ")
    services.void_line(line=line, actor=spec, reason="误录")
    again = services.void_line(line=line, actor=spec, reason="误录")
    assert again.void
    assert Event.objects.filter(verb="appraisal_sheet.line_voided").count() == 1


def test_the_adjustment_is_for_a_team_leaders_sheet_only(spec, person, team):
    # given a team leader's sheet and an agent's
    leader = f.staff(Role.TEAM_LEADER, team=team, username="lead")
    leader_sheet, agent_sheet = f.drafted(leader, actor=spec), f.drafted(person, actor=spec)
    # when the specialist adjusts
    leader_sheet = services.adjust(sheet=leader_sheet, actor=spec, adjustment=3, reason="带班认真")
    # then the leader's score moves, the agent's may not
    assert leader_sheet.score == 83
    with pytest.raises(ValidationError) as error:
        services.adjust(sheet=agent_sheet, actor=spec, adjustment=3, reason="表现好")
    assert "adjustment" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.adjust(sheet=leader_sheet, actor=spec, adjustment=6, reason="太多")
    with pytest.raises(ValidationError):
        services.adjust(sheet=leader_sheet, actor=spec, adjustment=2, reason="")
    with pytest.raises(PermissionDenied):
        services.adjust(sheet=leader_sheet, actor=person, adjustment=2, reason="好")


def test_a_locked_month_refuses_changes_except_through_an_appeal(spec, person):
    sheet = f.drafted(person, actor=spec)
    AppraisalMonth.objects.filter(pk=sheet.appraisal_month_id).update(status=AppraisalMonth.Status.LOCKED)
    sheet.refresh_from_db()
    with pytest.raises(ValidationError):
        services.add_line(sheet=sheet, actor=spec, item=item("messy_desk"), note="桌面凌乱")
    with pytest.raises(ValidationError):
        f.drafted(person, actor=spec)
    line = services.add_line(
        sheet=sheet, actor=spec, item=item("absence"), note="申诉更正", allow_locked=True
    )
    assert line.pk
    sheet.refresh_from_db()
    assert sheet.score == 60


def test_the_specialists_own_sheet_is_scored_by_a_reviewer(spec, team):
    # given the specialist's sheet
    sheet = f.drafted(spec, actor=spec)
    leader = f.staff(Role.TEAM_LEADER, team=team, username="lead2")
    # when the specialist adds to it, refused; a team leader may
    with pytest.raises(PermissionDenied):
        services.add_line(sheet=sheet, actor=spec, item=item("extra_task"), note="额外任务")
    services.add_line(sheet=sheet, actor=leader, item=item("extra_task"), note="组织培训")
    sheet.refresh_from_db()
    assert sheet.score == 85


def test_an_agent_may_not_add_lines(spec, person, team):
    other = f.staff(team=team, username="li")
    sheet = f.drafted(person, actor=spec)
    with pytest.raises(PermissionDenied):
        services.add_line(sheet=sheet, actor=other, item=item("messy_desk"), note="桌面凌乱")


def test_who_sees_which_sheet(spec, person, team):
    # given sheets of two teams
    other_team_person = f.staff(team=TeamFactory(), username="wang")
    leader = f.staff(Role.TEAM_LEADER, team=team, username="lead3")
    head = f.staff(Role.DEPARTMENT_HEAD, username="head3")
    mine, theirs = f.drafted(person, actor=spec), f.drafted(other_team_person, actor=spec)
    # then
    assert set(sheets_visible_to(person)) == {mine}
    assert set(sheets_visible_to(leader)) == {mine}
    assert set(sheets_visible_to(spec)) == {mine, theirs}
    assert set(sheets_visible_to(head)) == {mine, theirs}
    with pytest.raises(Http404):
        get_sheet_for(person, theirs.pk)


def test_the_api_shows_a_sheet_and_adds_voids_and_adjusts(spec, person, team, client_for):
    # given
    leader = f.staff(Role.TEAM_LEADER, team=team, username="lead4")
    sheet = f.drafted(leader, actor=spec)
    api = client_for(spec)
    # when
    added = api.post(
        f"/api/quality/sheets/{sheet.pk}/lines",
        data={"item": "messy_desk", "note": "桌面凌乱"},
        content_type="application/json",
    )
    bad = api.post(
        f"/api/quality/sheets/{sheet.pk}/lines",
        data={"item": "idle_talk", "points": 4, "note": "闲聊"},
        content_type="application/json",
    )
    voided = api.post(
        f"/api/quality/sheets/lines/{added.json()['id']}/void",
        data={"reason": "误录"},
        content_type="application/json",
    )
    adjusted = api.post(
        f"/api/quality/sheets/{sheet.pk}/adjust",
        data={"adjustment": -2, "reason": "交接班记录不全"},
        content_type="application/json",
    )
    shown = client_for(person).get(f"/api/quality/sheets/{sheet.pk}")
    # then
    assert added.status_code == 201
    assert bad.status_code == 400 and "points" in bad.json()["errors"]
    assert voided.status_code == 200 and voided.json()["void"]
    assert adjusted.status_code == 200 and adjusted.json()["score"] == 78
    assert shown.status_code == 404
    assert client_for(leader).get(f"/api/quality/sheets/{sheet.pk}").json()["score"] == 78


def test_the_sheet_page_shows_lines_with_evidence_and_every_step(spec, person, client_for):
    # given an absence and a hand line
    f.discipline_case(person, date(2026, 11, 5), DisciplineCase.Kind.ABSENT)
    sheet = f.drafted(person, actor=spec)
    # when the specialist opens the page and adds, then voids, a line
    client = client_for(spec)
    page = client.get(f"/quality/sheets/{sheet.pk}/").content.decode()
    added = client.post(
        f"/quality/sheets/{sheet.pk}/", {"action": "add", "item": item("messy_desk").pk, "note": "桌面凌乱"}
    )
    line = sheet.lines.get(item__code="messy_desk")
    refused = client.post(f"/quality/sheets/{sheet.pk}/", {"action": "void", "line": line.pk, "reason": ""})
    voided = client.post(
        f"/quality/sheets/{sheet.pk}/", {"action": "void", "line": line.pk, "reason": "误录"}
    )
    # then
    assert "旷工" in page and "违纪记录 #" in page and "基础分" in page
    assert "quality/sheet.js" in page and "sheet-preview" in page
    assert added.status_code == 302 and voided.status_code == 302
    assert refused.status_code == 400 and "作废原因" in refused.content.decode()
    sheet.refresh_from_db()
    assert sheet.score == 60


def test_the_person_reads_their_sheet_without_the_forms_and_others_get_404(spec, person, team, client_for):
    sheet = f.drafted(person, actor=spec)
    page = client_for(person).get(f"/quality/sheets/{sheet.pk}/")
    assert page.status_code == 200 and "add-line-form" not in page.content.decode()
    stranger = f.staff(team=TeamFactory(), username="stranger")
    assert client_for(stranger).get(f"/quality/sheets/{sheet.pk}/").status_code == 404
    assert client_for(person).post(f"/quality/sheets/{sheet.pk}/", {"action": "add"}).status_code == 403


def test_the_catalogue_page_edits_and_adds_items_within_the_kinds_range(spec, client_for):
    head = f.staff(Role.DEPARTMENT_HEAD, username="head9")
    client = client_for(head)
    assert "当月有效投诉率为零" in client.get("/quality/catalogue/").content.decode()
    idle = item("idle_talk")
    ok = client.post(
        "/quality/catalogue/",
        {
            "action": "change",
            "item": idle.pk,
            "name": idle.name,
            "min_points": 1,
            "max_points": 3,
            "active": "1",
        },
    )
    too_much = client.post(
        "/quality/catalogue/",
        {
            "action": "add",
            "code": "phone_games",
            "name": "玩手机",
            "kind": "light",
            "min_points": 2,
            "max_points": 8,
        },
    )
    assert ok.status_code == 302 and item("idle_talk").max_points == 3
    assert too_much.status_code == 400
    assert client_for(spec).post("/quality/catalogue/", {"action": "add"}).status_code == 403


def test_a_team_leaders_sheet_offers_the_adjustment_and_the_live_preview(spec, team, client_for):
    # given a team leader's sheet
    leader = f.staff(Role.TEAM_LEADER, team=team, username="lead5")
    sheet = f.drafted(leader, actor=spec)
    client = client_for(spec)
    # when the specialist adjusts it through the page, once wrongly
    refused = client.post(
        f"/quality/sheets/{sheet.pk}/", {"action": "adjust", "adjustment": "4", "reason": ""}
    )
    saved = client.post(
        f"/quality/sheets/{sheet.pk}/", {"action": "adjust", "adjustment": "-3", "reason": "交接不清"}
    )
    page = client.get(f"/quality/sheets/{sheet.pk}/").content.decode()
    # then
    assert refused.status_code == 400 and "理由" in refused.content.decode()
    assert saved.status_code == 302
    assert 'id="adjust-form"' in page and 'id="live-preview"' in page and "额外奖惩：交接不清" in page
    sheet.refresh_from_db()
    assert (sheet.score, sheet.adjusted_by) == (77, spec)
