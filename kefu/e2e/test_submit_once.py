"""Issue 11 item 13 in a real browser: the workspace's 登记 button is disabled while its request is in
flight, so a second press sends nothing, and the call is recorded once."""

import re

import pytest
from playwright.sync_api import expect

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import UserFactory
from kefu.hotline.models import Contact

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SUBMIT = "#contact-form button[type=submit]"


def test_the_register_button_is_disabled_while_the_contact_is_being_sent(
    live_server, shipped_categories, log_in, page
):
    # given an agent with the form filled in for a consultation
    UserFactory(username="agent11", name="话务员小张", role=Role.AGENT)
    log_in("agent11")
    page.goto(f"{live_server.url}/hotline/")
    page.fill("#id_matter", "请问阶梯水价第一档是多少")
    page.select_option("#id_category", label="咨询")
    page.check("input[name=disposition][value=answered]")
    page.fill("#id_result", "第一档2.90元/吨")
    # and the server slow to answer: the POST is held until the test lets it go
    held = []
    page.route(
        re.compile(r".*/hotline/$"),
        lambda route: held.append(route) if route.request.method == "POST" else route.continue_(),
    )
    # and, in the page, a probe that reports the button once the press has been handled and presses
    # again (Playwright cannot query a page whose navigation is pending, but the page can still log)
    notes = []
    page.on("console", lambda message: notes.append(message.text))
    page.evaluate(
        """() => {
            const form = document.getElementById("contact-form");
            const button = form.querySelector("button[type=submit]");
            form.addEventListener("submit", () => setTimeout(() => {
                console.log("disabled=" + button.disabled);
                button.click();
                form.requestSubmit();  // as Enter in a field would
                console.log("pressed again");
            }), { once: true });
        }"""
    )
    # when the agent presses 登记
    page.locator(SUBMIT).click(no_wait_after=True)
    page.wait_for_timeout(500)
    # then while the request is in flight the button is disabled, and a second press sends nothing
    assert notes[:2] == ["disabled=true", "pressed again"]
    assert len(held) == 1
    # when the server answers
    held[0].continue_()
    # then one contact, and the next call's form is ready
    expect(page.locator("body")).to_contain_text("已登记 RX")
    expect(page.locator(SUBMIT)).to_be_enabled()
    assert Contact.objects.count() == 1
