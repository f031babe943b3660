"""The Content-Security-Policy in Chromium (issue 11 item 15). Every browser test fails on a console
message about a refused resource (kefu/e2e/conftest.py: the workspace, the dashboard's charts, the
archive and the counter are checked by their own tests); this one proves the browser enforces the
policy on kefu's pages and opens the pages no other browser test visits."""

import pytest
from playwright.sync_api import expect

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_browser_refuses_a_script_injected_into_a_page(live_server, log_in, page, csp_violations):
    # given an agent on the home page
    UserFactory(username="agent11", name="话务员小张", role=Role.AGENT)
    log_in("agent11")
    # when a script gets into the page the way stored text would (an inline <script>)
    ran = page.evaluate(
        """() => {
            const script = document.createElement('script');
            script.textContent = 'window.injected = true';
            document.body.appendChild(script);
            return window.injected === true;
        }"""
    )
    # then it does not run, and Chromium says the policy refused it
    assert ran is False
    page.wait_for_timeout(200)
    assert any("script-src 'self'" in message for message in csp_violations.messages)
    csp_violations.messages.clear()  # the refusal was the point here


def test_the_pages_without_their_own_browser_test_load_without_a_refusal(live_server, log_in, page):
    # given an administrator
    UserFactory(username="admin1", name="管理员", role=Role.ADMINISTRATOR, is_staff=True)
    log_in("admin1")
    # when the staff list, the lockout page and the API docs (Swagger UI, bundled) are opened
    for path in ("/org/staff/", "/org/lockouts/", "/calendar/"):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("main h1")).to_be_visible()
    page.goto(f"{live_server.url}/api/docs")
    # then each draws, Swagger UI included (the page fixture fails the test on any refusal)
    # (the schema has grown past 850 operations: Swagger UI takes a few seconds to draw on a busy machine)
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("kefu", timeout=30_000)
