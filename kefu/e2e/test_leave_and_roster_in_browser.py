"""Leave and the roster in Chromium (issue 14 S1, S2): an agent asks for a day of personal leave, her
team leader and then the department head approve it level by level, the month grid shows her shift as
请假 and the hour count short, and the head fills the gap by putting a colleague on the shift; the
colleague's own roster then shows it."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import TeamFactory, UserFactory
from kefu.workforce.models import LeaveRequest, RosterEntry
from kefu.workforce.services import assign_shift
from kefu.workforce.shifts import ensure_default_shifts

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_leave_approved_level_by_level_leaves_a_gap_that_the_head_fills(live_server, log_in, page):
    # given a team with its leader, two agents and the head; both agents on the day shift in three days
    team = TeamFactory(code="RX9", name="热线九班")
    UserFactory(username="leader9", name="班长老周", role=Role.TEAM_LEADER, team=team)
    asking = UserFactory(username="agent91", name="请假的小王", role=Role.AGENT, team=team)
    colleague = UserFactory(username="agent92", name="顶班的小陈", role=Role.AGENT, team=team)
    head = UserFactory(username="head9", name="主任老李", role=Role.DEPARTMENT_HEAD)
    day = timezone.localdate() + timedelta(days=3)
    # (a browser test's transactional database is flushed, taking the shifts migration 0003 ships)
    day_shift = ensure_default_shifts()["D"]
    entry = assign_shift(actor=head, person=asking, day=day, shift=day_shift)
    starts_at, ends_at = (timezone.localtime(moment) for moment in (entry.starts_at, entry.ends_at))

    # when the agent asks for the day off
    log_in("agent91")
    page.goto(f"{live_server.url}/duty/leave/new/")
    page.select_option("#id_kind", label="事假")
    page.fill("#id_starts_at", f"{starts_at:%Y-%m-%dT%H:%M}")
    page.fill("#id_ends_at", f"{ends_at:%Y-%m-%dT%H:%M}")
    page.fill("#id_reason", "孩子学校开家长会")
    page.click("#leave-form button[type=submit]")
    # then it waits for the team leader
    expect(page.locator("#leave-status")).to_have_text("审批中")
    expect(page.locator("body")).to_contain_text("班长")
    page.context.clear_cookies()

    # when the team leader finds it among those awaiting her and approves
    log_in("leader9")
    page.goto(f"{live_server.url}/duty/leave/?tab=awaiting")
    page.locator("#leave-requests tr", has_text="请假的小王").get_by_role("link").first.click()
    page.click("button[name=approve][value='1']")
    expect(page.locator("#leave-status")).to_have_text("审批中")
    page.context.clear_cookies()

    # and the department head approves at the last level (one day: no need of the center director)
    log_in("head9")
    page.goto(f"{live_server.url}/duty/leave/?tab=awaiting")
    page.locator("#leave-requests tr", has_text="请假的小王").get_by_role("link").first.click()
    page.click("button[name=approve][value='1']")
    expect(page.locator("#leave-status")).to_have_text("已批准")
    assert RosterEntry.objects.get(pk=entry.pk).status == RosterEntry.Status.LEAVE
    assert LeaveRequest.objects.get().levels == ["team_leader", "department_head"]

    # then the month grid shows the shift on leave
    page.goto(f"{live_server.url}/duty/roster/?month={day:%Y-%m}&team=RX9")
    expect(page.locator("#roster")).to_contain_text("请假")

    # when the head puts the colleague on that day's day shift
    cell = page.get_by_label(f"顶班的小陈 {day.month}月{day.day}日")
    cell.select_option(label="白班")
    # then the cell saves itself and the colleague is on the roster
    expect(page.locator("#roster td.saved")).to_have_count(1)
    assert RosterEntry.objects.filter(
        person=colleague, day=day, shift=day_shift, status=RosterEntry.Status.SCHEDULED
    ).exists()
    page.context.clear_cookies()

    # and the colleague sees it on her own roster
    log_in("agent92")
    page.goto(f"{live_server.url}/duty/me/")
    expect(page.locator("body")).to_contain_text(f"{day:%Y-%m-%d}")
    expect(page.locator("body")).to_contain_text("白班")
