"""The KPI dashboard in Chromium (R1, R2): ECharts draws every chart from the vendored file (no
network), and clicking a bar opens the list behind it."""

import pytest
from playwright.sync_api import expect

from kefu.accounts.models import Role, Unit
from kefu.accounts.tests.factories import ServiceAreaFactory, UnitFactory, UserFactory
from kefu.core.services import set_policy
from kefu.customers.tests.factories import CustomerFactory
from kefu.hotline.models import Category
from kefu.hotline.services.contacts import open_contact
from kefu.kpi import rollup

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def month_of_calls(db, shipped_categories):
    west = UnitFactory(code="FGS02", name="城西供水分公司", kind=Unit.Kind.BRANCH)
    east = UnitFactory(code="FGS01", name="城东供水分公司", kind=Unit.Kind.BRANCH)
    areas = {
        west: ServiceAreaFactory(code="CX", name="城西片区", branch=west),
        east: ServiceAreaFactory(code="CD", name="城东片区", branch=east),
    }
    agent = UserFactory(username="agent11", name="话务员小张", role=Role.AGENT)
    UserFactory(username="head", name="客服部主任", role=Role.DEPARTMENT_HEAD)
    repair = Category.objects.get(code="repair")
    for unit, count in ((west, 3), (east, 1)):
        customer = CustomerFactory(address="文三路100号", service_area=areas[unit])
        for _ in range(count):
            open_contact(
                actor=agent,
                matter="家里停水了",
                category=repair,
                disposition="transferred",
                customer=customer,
            )
    rollup.refresh()
    return {"west": west, "east": east}


def test_the_dashboard_draws_its_charts_and_a_bar_opens_its_list(live_server, month_of_calls, log_in, page):
    # the administrator shortened the callback rule to 12 hours: the chart's legend says so (issue 12)
    set_policy(actor=None, key="hotline.callback_hours", value=12)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in("head")
    page.goto(f"{live_server.url}/kpi/")

    # every chart container got an ECharts canvas
    expect(page.locator("#chart-unit canvas")).to_have_count(1)
    drawn = page.evaluate("document.body.dataset.kpiCharts")
    assert int(drawn) == page.locator("[data-chart]").count() >= 8
    assert errors == []
    expect(page.locator(".kpi-tile").first).to_contain_text("4")
    legend = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('chart-unit')).getOption().legend[0].data"
    )
    assert legend == ["工单", "按期办结率", "12小时回电率"]

    # click the west branch's bar (the biggest) in the per-unit chart, where ECharts says it is
    page.locator("#chart-unit").scroll_into_view_if_needed()
    point = page.evaluate(
        """() => {
            const chart = echarts.getInstanceByDom(document.getElementById('chart-unit'));
            const units = chart.getOption().xAxis[0].data;
            const index = units.indexOf('城西供水分公司');
            const [x, y] = chart.convertToPixel({seriesIndex: 0}, [index, 1]);
            const box = document.getElementById('chart-unit').getBoundingClientRect();
            return {x: box.left + x, y: box.top + y};
        }"""
    )
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url(f"**/kpi/list/contacts/?*unit={month_of_calls['west'].pk}*")
    expect(page.locator("#kpi-list tbody tr")).to_have_count(3)
    expect(page.locator("#kpi-total")).to_have_text("3")
    expect(page.locator("#kpi-list")).not_to_contain_text("城东片区")
