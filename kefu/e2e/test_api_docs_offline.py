"""The API docs (/api/docs) work on a network that reaches no other host: Swagger UI's files are
ninja's own, served from kefu's static files, and nothing on the page asks another host for anything
(Swagger UI's default would fetch a badge from its online validator whenever the server is not
called localhost). The browser reaches kefu under an ordinary host name, as on the intranet, and
every request to another host is refused and remembered."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import UserFactory
from kefu.e2e.conftest import ARGS, CHROMIUM

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

INTRANET_NAME = "kefu.intranet.test"


@pytest.fixture
def intranet_page(browser, live_server, settings, csp_violations):
    """A browser that reaches the live server as http://kefu.intranet.test:<port>, with every request
    to another host refused (the offline network) and noted in `.elsewhere`. A browser of its own
    (launched by the session's Playwright), since the host name mapping is a launch option."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, INTRANET_NAME]
    port = urlsplit(live_server.url).port
    intranet = browser.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[*ARGS, f"--host-resolver-rules=MAP {INTRANET_NAME} 127.0.0.1"],
    )
    page = intranet.new_page(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page.set_default_timeout(15000)
    page.on("console", csp_violations.note)
    page.base = f"http://{INTRANET_NAME}:{port}"
    page.elsewhere = []

    def only_kefu(route):
        if urlsplit(route.request.url).hostname in (INTRANET_NAME, None):
            route.continue_()
        else:
            page.elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_kefu)
    yield page
    intranet.close()
    csp_violations.assert_none()


def test_the_api_docs_show_the_operations_with_no_other_host_reachable(intranet_page):
    # given an administrator logged in on the intranet name, with no other host reachable
    page = intranet_page
    UserFactory(username="admin1", name="管理员", role=Role.ADMINISTRATOR, is_staff=True)
    page.goto(f"{page.base}/login/")
    page.fill("#id_username", "admin1")
    page.fill("#id_password", "kefu-test-pass")
    page.click("button[type=submit]")
    page.wait_for_url(f"{page.base}/")
    # when the API docs are opened
    scripts = []
    page.on(
        "response",
        lambda response: scripts.append(response) if response.request.resource_type == "script" else None,
    )
    page.goto(f"{page.base}/api/docs")
    # then Swagger UI draws the title and the operations, from kefu's own static files
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("kefu 客服中心 API")
    expect(page.locator(".opblock-summary-path", has_text="/api/customers").first).to_be_visible()
    page.wait_for_timeout(500)  # time for anything drawn late (the validator badge) to ask for it
    assert scripts and all(r.status == 200 and "/static/" in r.url for r in scripts)
    # and nothing was asked of another host
    assert page.elsewhere == []
