"""Quality inspection and the monthly appraisal in Chromium, end to end (issue 16 Q1–Q2, seed 002
客服部质检员的职责 3–4 and 客服管理制度·考核): a QA inspector scores an agent's call of last month on the card
below the pass mark, the agent sees it on 我的质检与考核 and appeals, the QA lead amends the scores (still
below the pass mark), and the training specialist's month close shows the failed check as the QA
deduction line on the agent's sheet, with its evidence link, the computation, grade and pay change; the
team leader reviews, the department head approves and locks, and the sheet keeps the same figures.

The world is built through the services and factories; every step after it is a person in the browser.
The test runs on the next working day after today at 09:00 Shanghai time (time_machine, ticking: the
live server is a thread of this process and shares the travelled clock). The day is in the future,
never a fixed past date: the session cookie's expiry is written from the travelled clock and Chromium
judges it by the real one. The appraised month is the one before it, so its last working day (from
which the specialist may open it) has passed."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from kefu.accounts.models import Role
from kefu.accounts.tests.factories import TeamFactory, UserFactory
from kefu.core.calendar import is_working_day
from kefu.hotline.tests.factories import ContactFactory
from kefu.quality import defaults
from kefu.quality.models import AppraisalSheet, QaCheck
from kefu.quality.services import checks as check_services
from kefu.quality.services.scorecards import active_scorecard, card_items

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHANGHAI = ZoneInfo("Asia/Shanghai")
SHOTS = Path("/tmp/kefu16/shots")
HIRED = date(2020, 3, 2)

# The shipped card 服务质量综合考评表: weights 20/25/15/20/20, each item out of 10, pass mark 80.
# The inspector: 服务用语 2, 语气语调 4, 归纳能力 8 → (4 + 25 + 6 + 16 + 20) = 71.0, 不合格.
FIRST_SCORES = {"phrases": 2, "attitude": 10, "tone": 4, "summarising": 8, "handling": 10}
FIRST_SCORE = "71.0"
# The lead's amendment: 服务用语 3, 语气语调 5, 归纳能力 9 → (6 + 25 + 7.5 + 18 + 20) = 76.5, still 不合格.
AMENDED_SCORES = {"phrases": 3, "attitude": 10, "tone": 5, "summarising": 9, "handling": 10}
AMENDED_SCORE = "76.5"


def next_working_day() -> date:
    day = datetime.now(SHANGHAI).date()
    while True:
        day += timedelta(days=1)
        if is_working_day(day).working:
            return day


def first_working_day(first: date) -> date:
    day = first
    while not is_working_day(day).working:
        day += timedelta(days=1)
    return day


def previous_month(day: date) -> date:
    return date(day.year - 1, 12, 1) if day.month == 1 else date(day.year, day.month - 1, 1)


def staff(username: str, name: str, role: str, employee_no: str, **extra):
    """A member of staff hired long ago (not in the first two months, so the pay change applies)."""
    return UserFactory(
        username=username, name=name, role=role, employee_no=employee_no, hired_on=HIRED, **extra
    )


def shot(page, name: str) -> None:
    if SHOTS.parent.exists():
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"e2e_{name}.png"), full_page=True)


def fill_card(page, scores: dict[str, int]) -> None:
    """Type the item scores (by item code) into the card's inputs, score_<item pk>."""
    for item in card_items(active_scorecard()):
        page.fill(f"#score_{item.pk}", str(scores[item.code]))


def test_a_failed_check_appealed_and_amended_is_the_qa_line_on_the_agent_sheet(
    live_server, log_in, page, shipped_categories
):
    day = next_working_day()
    month = previous_month(day)
    with time_machine.travel(datetime.combine(day, time(9, 0), tzinfo=SHANGHAI), tick=True):
        # given the shipped scorecard and catalogue (a transactional test flushes the migration's rows)
        defaults.ensure_defaults()
        # and a team's agent hired long ago, the team leader, a QA inspector, the QA lead (an
        # inspector given quality.decide_qaappeal), the training specialist and the department head
        team = TeamFactory(name="热线一班")
        agent = staff("qagent", "话务员小张", Role.AGENT, "A001", team=team)
        staff("qleader", "班长老王", Role.TEAM_LEADER, "L001", team=team)
        staff("qa2", "质检员小林", Role.QA_INSPECTOR, "Q002")
        lead = staff("qa1", "质检组长老陈", Role.QA_INSPECTOR, "Q001")
        lead.user_permissions.add(
            Permission.objects.get(content_type__app_label="quality", codename="decide_qaappeal")
        )
        staff("trainer", "培训专员小周", Role.TRAINING_SPECIALIST, "T001")
        staff("qhead", "主任老李", Role.DEPARTMENT_HEAD, "H001")
        # and a consultation the agent answered on the appraised month's first working day, proposed
        # for a check by the month's sampling
        contact = ContactFactory(
            actor=agent,
            answered=True,
            at=datetime.combine(first_working_day(month), time(10, 0), tzinfo=SHANGHAI),
        )
        check = check_services.open_check(
            actor=None, contact=contact, source=QaCheck.Source.SAMPLED, sample_reason="随机"
        )
        assert check.month == month

        # when the inspector opens the QA desk, the check, and scores it on the card below the pass mark
        log_in("qa2")
        page.goto(f"{live_server.url}/quality/checks/")
        row = page.locator("#checks tr", has_text=check.number)
        expect(row).to_contain_text("话务员小张")
        expect(row).to_contain_text("待质检")
        row.get_by_role("link", name=check.number).click()
        expect(page.locator("h1")).to_contain_text(check.number)
        page.get_by_role("link", name="评分", exact=True).click()
        fill_card(page, FIRST_SCORES)
        page.fill("#comment", "开头未使用规范问候语，语气生硬，未复述客户诉求")
        page.fill("#coaching_note", "练习三声服务，答复前复述客户诉求")
        page.fill("#marks", "00:05 未使用问候语\n01:40 语气生硬")
        page.get_by_role("button", name="保存评分").click()
        # then the check is scored, failed, and open to appeal
        expect(page.locator(".messages")).to_contain_text(f"质检{check.number}已评分：{FIRST_SCORE}分")
        expect(page.locator("#check-score")).to_contain_text(FIRST_SCORE)
        expect(page.locator("#check-score")).to_contain_text("不合格")
        expect(page.locator("#check-remarks")).to_contain_text("00:05")
        shot(page, "1_scored")
        page.context.clear_cookies()

        # when the agent opens 我的质检与考核, sees the check and its score, and appeals
        log_in("qagent")
        page.goto(f"{live_server.url}/quality/mine/")
        expect(page.locator("h1")).to_have_text("我的质检与考核")
        mine = page.locator("#my-checks tr", has_text=check.number)
        expect(mine).to_contain_text(FIRST_SCORE)
        expect(mine).to_contain_text("不合格")
        expect(mine).to_contain_text("已评分")
        mine.get_by_role("link", name="申诉").click()
        expect(page.locator("#check-facts")).to_contain_text(FIRST_SCORE)
        page.fill("#reason", "客户来电时情绪激动，我已复述诉求（见录音02:10），请复核归纳能力与服务用语")
        shot(page, "2_appeal_form")
        page.get_by_role("button", name="提出申诉").click()
        # then the check is under appeal
        expect(page.locator(".messages")).to_contain_text(f"已对质检{check.number}提出申诉")
        expect(page.locator("h1 .badge")).to_have_text("申诉中")
        expect(page.locator("#check-appeals")).to_contain_text("待处理")
        page.context.clear_cookies()

        # when the QA lead finds the appeal on the QA desk and amends the scores
        log_in("qa1")
        page.goto(f"{live_server.url}/quality/checks/")
        appeal_row = page.locator("#open-appeals tr", has_text=check.number)
        expect(appeal_row).to_contain_text("话务员小张")
        appeal_row.get_by_role("link", name=check.number).click()
        page.get_by_role("link", name="处理申诉").click()
        expect(page.locator("#decide-recused")).to_have_count(0)
        page.get_by_label("改评").check()
        fill_card(page, AMENDED_SCORES)
        page.fill("#note", "录音02:10确有复述，归纳、用语、语调各加1分；开头问候语仍缺失，维持不合格")
        shot(page, "3_decide_form")
        page.get_by_role("button", name="提交处理结果").click()
        # then the check is final with the amended score, still failed, the first score kept in its history
        expect(page.locator(".messages")).to_contain_text(f"质检{check.number}的申诉已处理，质检已定稿")
        expect(page.locator("h1 .badge")).to_have_text("已定稿")
        expect(page.locator("#check-score")).to_contain_text(AMENDED_SCORE)
        expect(page.locator("#check-score")).to_contain_text("不合格")
        appeals = page.locator("#check-appeals")
        expect(appeals).to_contain_text("改评")
        expect(appeals).to_contain_text(FIRST_SCORE)
        expect(appeals).to_contain_text(AMENDED_SCORE)
        expect(page.locator("#check-history")).to_contain_text("质检组长老陈")
        shot(page, "4_amended")
        page.context.clear_cookies()
        check.refresh_from_db()
        assert check.status == QaCheck.Status.FINAL
        assert (check.score, check.passed) == (Decimal(AMENDED_SCORE), False)

        # when the training specialist opens last month's appraisal and drafts every sheet from the records
        log_in("trainer")
        page.goto(f"{live_server.url}/quality/months/")
        expect(page.locator("#open-month")).to_have_value(f"{month:%Y-%m}")
        page.get_by_role("button", name="开始编制").click()
        expect(page.locator("h1")).to_contain_text(f"{month.year}年{month.month}月")
        page.get_by_role("button", name="从记录取数生成全部考核表").click()
        expect(page.locator(".messages")).to_contain_text("已从记录取数生成全部考核表")
        # (80 base + 5 当月有效投诉率为零, she took a contact and has no valid complaint, − 2 the failed
        # check, rule quality.qa_fail_points = 83: grade B (80–90), pay (83 − 80) × 10 = +30 yuan)
        sheet_row = page.locator("#month-sheets tr", has_text="话务员小张")
        expect(sheet_row).to_contain_text("83")
        sheet_row.get_by_role("link", name="话务员小张").click()
        # then the agent's sheet shows the QA line with its evidence, the computation, the grade and pay
        sheet = AppraisalSheet.objects.get(person=agent, appraisal_month__month=month)
        expect(page).to_have_url(f"{live_server.url}/quality/sheets/{sheet.pk}/")
        light = page.locator("#lines-light")
        qa_line = light.locator("tr", has_text="主管随机抽查（质检）不合格")
        expect(qa_line).to_have_count(1)
        expect(qa_line).to_contain_text("−2")
        expect(qa_line).to_contain_text(f"质检 {check.number}：得分{AMENDED_SCORE}，不合格")
        expect(qa_line.get_by_role("link")).to_have_attribute("href", f"/quality/checks/{check.pk}/")
        bonus = page.locator("#lines-bonus tr", has_text="当月有效投诉率为零")
        expect(bonus).to_contain_text("+5")
        expect(page.locator("#sheet-score")).to_have_text("83")
        expect(page.locator("#sheet-grade")).to_have_text("B")
        expect(page.locator("#sheet-pay")).to_have_text("+30元")
        expect(page.locator("#computation-body")).to_contain_text("83")
        shot(page, "5_sheet_drafted")
        # and the evidence link leads to the amended check
        qa_line.get_by_role("link").click()
        expect(page.locator("h1")).to_contain_text(check.number)
        expect(page.locator("#check-score")).to_contain_text(AMENDED_SCORE)
        # when the specialist submits the month to the supervisor
        page.goto(f"{live_server.url}/quality/sheets/{sheet.pk}/")
        page.get_by_role("link", name=f"返回{month.year}年").click()
        page.get_by_role("button", name="编制完成，报主管审核").click()
        expect(page.locator("#month-stage")).to_have_text("待主管审核")
        month_url = page.url
        page.context.clear_cookies()

        # and the team leader reviews it
        log_in("qleader")
        page.goto(month_url)
        page.fill("#review-note", "已核对质检扣分")
        page.get_by_role("button", name="审核通过").click()
        expect(page.locator("#month-stage")).to_contain_text("主管已审核")
        page.context.clear_cookies()

        # and the department head approves and locks it
        log_in("qhead")
        page.goto(month_url)
        page.get_by_role("button", name="批准并锁定").click()
        expect(page.locator("#month-stage")).to_contain_text("锁定")
        page.locator("#month-sheets tr", has_text="话务员小张").get_by_role("link", name="话务员小张").click()
        # then the locked sheet keeps the QA line and the same score, grade and pay change
        expect(page.locator("#month-status")).to_contain_text("锁定")
        expect(page.locator("#lines-light tr", has_text="主管随机抽查（质检）不合格")).to_contain_text("−2")
        expect(page.locator("#sheet-score")).to_have_text("83")
        expect(page.locator("#sheet-grade")).to_have_text("B")
        expect(page.locator("#sheet-pay")).to_have_text("+30元")
        shot(page, "sheet")
        sheet.refresh_from_db()
        assert (sheet.score, sheet.grade, sheet.pay_delta) == (83, "B", 30)
