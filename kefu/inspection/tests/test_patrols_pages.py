"""Patrol plan and patrol pages (I4): the plan grid with planned/done and totals, Excel and print; drafting,
the area's bulk edit, spreading a yearly count and the director's approval by permission; the patrol list
(filters, paging), the record form and its Chinese refusals, one patrol and 立案 from it. Only inspection
staff and leaders open them."""

import io
import re
from datetime import date

import pytest
import time_machine
from openpyxl import load_workbook

from kefu.inspection.models import Case, Patrol, PatrolPlan, PatrolPlanLine
from kefu.inspection.tests.factories_patrols import at, make_plan, patrol, patrol_world, patrols

pytestmark = pytest.mark.django_db
PLAN = "/inspection/patrols/plan/"
LIST = "/inspection/patrols/"
TODAY = date(2026, 4, 15)


@pytest.fixture
def pw(world):
    return patrol_world(world)


@pytest.fixture
def plan(pw):
    plan = make_plan(pw, 2026, {(pw.east, "hydrant"): [4] * 12, (pw.west, "market"): [1, 0, 0] * 4})
    patrols(pw, pw.east, "hydrant", date(2026, 3, 2), 3)
    patrol(pw, pw.west, "market", date(2026, 1, 20))
    return plan


@pytest.fixture
def today():
    with time_machine.travel(at(TODAY), tick=False):
        yield TODAY


@pytest.mark.parametrize(
    "url",
    [PLAN, PLAN + "export.xlsx", PLAN + "print/", LIST, LIST + "export.xlsx", LIST + "new/"],
)
def test_only_inspection_staff_and_leaders_open_the_pages(pw, client_for, url, make_user, archivist):
    for person in (pw.world.agent, pw.world.leader, archivist, pw.world.east_staff):
        assert client_for(person).get(url).status_code == 403, person
    for person in (pw.inspectors[0], pw.director, pw.head):
        if url.endswith("new/") and person != pw.inspectors[0]:
            assert client_for(person).get(url).status_code == 403  # only inspectors record
            continue
        assert client_for(person).get(url).status_code == 200, person


def test_the_plan_page_shows_the_grid_with_planned_done_and_totals(pw, plan, client_for, today):
    html = client_for(pw.inspectors[2]).get(PLAN + "?year=2026&month=3").content.decode()
    assert "巡查年度计划（2026年）" in html and "已批准" in html
    assert "城东片区" in html and "公共消火栓" in html and "农贸市场" in html
    assert 'class="num cell-behind">3/4<' in html  # March, past and short
    assert 'class="num cell-done">1/1<' in html  # January's market
    assert "<b>3/48</b>" in html  # the east hydrants' year
    assert "<b>4/52</b>" in html  # the year's total
    assert '<progress max="100" value="6">' in html
    # the month's progress table
    assert "3月各片区进度" in html and "75%" in html


def test_the_plan_page_without_a_plan_offers_the_inspector_to_draft_it(pw, client_for, today):
    html = client_for(pw.inspectors[0]).get(PLAN + "?year=2026").content.decode()
    assert "2026年还没有巡查年度计划" in html and "按默认次数编制2026年计划" in html
    response = client_for(pw.inspectors[0]).post(PLAN + "draft/", {"year": "2026"})
    assert response.status_code == 302
    assert PatrolPlan.objects.get(year=2026).lines.count() == 2 * 7 * 12
    # the director is not offered the drafting
    assert "按默认次数编制" not in client_for(pw.director).get(PLAN + "?year=2027").content.decode()


def test_a_bad_year_is_answered_in_chinese_with_400(pw, client_for, today):
    response = client_for(pw.inspectors[0]).get(PLAN + "?year=abc")
    assert response.status_code == 400
    assert "年度「abc」应为2000至2100之间的年份" in response.content.decode()
    response = client_for(pw.inspectors[0]).get(PLAN + "?year=2026&month=13")
    assert response.status_code == 400 and "月份「13」应在1至12之间" in response.content.decode()


def test_the_area_is_edited_in_bulk(pw, plan, client_for, today):
    client = client_for(pw.inspectors[1])
    page = client.get(f"{PLAN}{plan.pk}/edit/?area={pw.east.pk}").content.decode()
    assert "调整巡查计划：2026年 城东片区" in page and 'name="p_hydrant_3" value="4"' in page
    data = {"area": pw.east.pk} | {f"p_hydrant_{m}": "5" for m in range(1, 13)} | {"p_hotel_6": "2"}
    assert client.post(f"{PLAN}{plan.pk}/edit/", data).status_code == 302
    lines = PatrolPlanLine.objects.filter(plan=plan, area=pw.east)
    assert set(lines.filter(target_type="hydrant").values_list("planned", flat=True)) == {5}
    assert lines.get(target_type="hotel", month=6).planned == 2
    plan.refresh_from_db()
    assert plan.state == PatrolPlan.State.DRAFT  # changed after approval: to approve again
    # a count that is no number is refused on the page
    response = client.post(f"{PLAN}{plan.pk}/edit/", {"area": pw.east.pk, "p_hydrant_1": "两次"})
    assert (
        response.status_code == 400 and "公共消火栓1月的计划次数「两次」不是整数" in response.content.decode()
    )


def test_a_yearly_count_is_split_from_the_plan_page(pw, plan, client_for, today):
    client = client_for(pw.inspectors[0])
    data = {"area": pw.west.pk, "target_type": "construction", "yearly": "26"}
    assert client.post(f"{PLAN}{plan.pk}/split/", data).status_code == 302
    months = dict(
        PatrolPlanLine.objects.filter(plan=plan, area=pw.west, target_type="construction").values_list(
            "month", "planned"
        )
    )
    assert months[1] == 3 and months[2] == 3 and months[3] == 2 and sum(months.values()) == 26
    response = client.post(f"{PLAN}{plan.pk}/split/", data | {"yearly": "-1"})
    assert response.status_code == 400 and "请填写全年次数" in response.content.decode()
    # the director may not change the plan
    assert client_for(pw.director).post(f"{PLAN}{plan.pk}/split/", data).status_code == 403


def test_the_director_approves_and_the_drafter_is_not_offered_it(pw, client_for, today):
    plan = make_plan(pw, 2026, {(pw.east, "hydrant"): [2] * 12}, approve=False)
    assert "批准2026年巡查计划" in client_for(pw.director).get(PLAN).content.decode()
    assert "批准2026年巡查计划" not in client_for(pw.drafter).get(PLAN).content.decode()
    assert client_for(pw.drafter).post(f"{PLAN}{plan.pk}/approve/").status_code == 403
    assert client_for(pw.director).post(f"{PLAN}{plan.pk}/approve/").status_code == 302
    plan.refresh_from_db()
    assert plan.state == PatrolPlan.State.APPROVED


def test_the_plan_exports_to_excel_and_prints(pw, plan, client_for, today):
    response = client_for(pw.head).get(PLAN + "export.xlsx?year=2026")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][:4] == ["片区", "巡查对象", "项目", "1月"]
    assert ["城东片区", "公共消火栓", "完成", 0, 0, 3] == rows[2][:6]
    assert rows[-1][0] == "合计" and rows[-1][15] == "4/52"
    printed = client_for(pw.head).get(PLAN + "print/?year=2026").content.decode()
    assert "供水稽查巡查年度计划（2026年）" in printed and "中心主任批准" in printed


def test_the_patrol_list_filters_and_pages(pw, plan, client_for, today, django_assert_max_num_queries):
    patrol(pw, pw.west, "estate", date(2026, 4, 2), places="阳光花园小区", findings="2栋地下室私接水管")
    client = client_for(pw.director)
    with django_assert_max_num_queries(12):
        html = client.get(LIST).content.decode()
    assert len(re.findall(r'href="/inspection/patrols/\d+/"', html)) == 5
    html = client.get(LIST + "?q=私接").content.decode()
    assert "阳光花园小区" in html and "解放路沿线" not in html
    html = client.get(LIST + f"?area={pw.east.pk}&target_type=hydrant&month=2026-03").content.decode()
    assert html.count("解放路沿线") == 3
    response = client.get(LIST + "?month=2026-13")
    assert response.status_code == 400 and "月份「2026-13」不存在" in response.content.decode()
    exported = client.get(LIST + "export.xlsx?target_type=estate")
    sheet = load_workbook(io.BytesIO(b"".join(exported.streaming_content))).active
    assert [c.value for c in list(sheet.iter_rows())[1]][:3] == ["2026-04-02", "城西片区", "物业小区"]


def test_an_inspector_records_a_patrol_on_the_form(pw, client_for, today):
    client = client_for(pw.inspectors[0])
    form = client.get(LIST + "new/").content.decode()
    assert 'name="viewport"' in form and "稽查人员（二人以上）" in form and 'max="2026-04-15"' in form
    data = {
        "patrolled_on": "2026-04-15",
        "area": pw.east.pk,
        "target_type": "construction",
        "inspectors": [pw.inspectors[0].pk, pw.inspectors[2].pk],
        "places": "钱江新城某工地",
        "findings": "工地临时用水已装表",
    }
    response = client.post(LIST + "new/", data)
    done = Patrol.objects.get()
    assert response.status_code == 302 and response.url == f"/inspection/patrols/{done.pk}/"
    assert set(done.inspectors.all()) == {pw.inspectors[0], pw.inspectors[2]}
    # alone, or tomorrow, refused with the reason
    response = client.post(LIST + "new/", data | {"inspectors": [pw.inspectors[0].pk]})
    assert response.status_code == 400 and "巡查须有2名以上稽查人员" in response.content.decode()
    response = client.post(LIST + "new/", data | {"patrolled_on": "2026-04-16"})
    assert response.status_code == 400 and "只能登记已完成的巡查" in response.content.decode()
    response = client.post(LIST + "new/", data | {"patrolled_on": "昨天"})
    assert response.status_code == 400 and "巡查日期「昨天」不是有效日期" in response.content.decode()
    assert Patrol.objects.count() == 1


def test_a_patrol_finding_becomes_a_case(pw, client_for, today):
    found = patrol(
        pw, pw.east, "hydrant", date(2026, 4, 10), places="庆春路12号消火栓", findings="消火栓被私接取水"
    )
    client = client_for(pw.inspectors[0])
    page = client.get(f"{LIST}{found.pk}/").content.decode()
    assert "消火栓被私接取水" in page and "发现违章：立案" in page
    response = client.post(
        f"{LIST}{found.pk}/open-case/",
        {"kind": "hydrant", "address": "庆春路12号", "summary": "擅自启用消火栓取水"},
    )
    case = Case.objects.get(patrol=found)
    assert response.status_code == 302
    assert case.source == Case.Source.PATROL and case.area == pw.east
    assert set(case.inspectors.values_list("inspector", flat=True)) == {p.pk for p in pw.inspectors[:2]}
    assert case.number in client.get(f"{LIST}{found.pk}/").content.decode()
    # a kind outside the patrol's is refused
    response = client.post(f"{LIST}{found.pk}/open-case/", {"kind": "reading_quality", "summary": "x"})
    assert response.status_code == 400 and "请选择案件类型" in response.content.decode()
    # the head reads the patrol but opens no case
    assert "发现违章：立案" not in client_for(pw.head).get(f"{LIST}{found.pk}/").content.decode()
    assert client_for(pw.head).post(f"{LIST}{found.pk}/open-case/", {"kind": "hydrant"}).status_code == 403


def test_the_home_page_lists_the_months_patrols_to_do_and_the_plan_to_approve(pw, plan, client_for, today):
    from kefu.inspection.selectors_patrols import home_lines

    # April: 4 hydrant patrols planned in the east and the quarter's market patrol in the west, none done
    assert home_lines(pw.inspectors[0]) == [("本月待完成的巡查（次）", 5, PLAN)]
    assert home_lines(pw.director) == []
    with time_machine.travel(at(TODAY), tick=False):
        from kefu.inspection.services import patrols as services

        services.set_line(
            actor=pw.inspectors[1], plan=plan, area=pw.east, target_type="hotel", month=4, planned=1
        )
    assert home_lines(pw.director) == [("待批准的巡查年度计划", 1, PLAN)]
    assert home_lines(pw.world.agent) == []
