"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium) against a live server.

Playwright's own browser download does not work on these machines, so the system Chromium is used.
Playwright's sync API runs an event loop in this thread, which makes Django think it is in async
context; the tests themselves are synchronous, so that guard is switched off for them.
"""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("KEFU_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


# The session's one running browser. Browser tests outside kefu/e2e (kefu/inspection/tests) import the
# fixture into their module, so pytest sets it up a second time when both run in one session; Playwright's
# sync API cannot start twice in a thread ("using Playwright Sync API inside the asyncio loop"), so the
# second set-up is given the browser already running.
_RUNNING: list = []


@pytest.fixture(scope="session")
def browser():
    if _RUNNING:
        yield _RUNNING[-1]
        return
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `make test`, which installs Debian's chromium package"
        )
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        _RUNNING.append(browser)
        try:
            yield browser
        finally:
            _RUNNING.remove(browser)
            browser.close()


@pytest.fixture
def page(browser, csp_violations):
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    page.on("console", csp_violations.note)
    yield page
    context.close()
    csp_violations.assert_none()


class CspViolations:
    """What Chromium reported as refused by the Content-Security-Policy (issue 11 item 15): an inline
    script, an on*= handler, a style or a request to another origin that a page needed. Every browser
    test fails on one, so each page the tests open is checked, not only those named here."""

    def __init__(self):
        self.messages = []

    def note(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.messages.append(f"{message.text} ({message.location.get('url', '')})")

    def assert_none(self) -> None:
        assert self.messages == [], "refused by the Content-Security-Policy:\n" + "\n".join(self.messages)


@pytest.fixture
def csp_violations():
    return CspViolations()


@pytest.fixture
def log_in(page, live_server):
    def log_in_as(username: str, password: str = "kefu-test-pass"):
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    return log_in_as
