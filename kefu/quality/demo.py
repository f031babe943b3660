"""The quality demo (issue 16): last month checked and closed, this month under way.

Last month: the sampling's checks scored by the inspectors a day or two after each contact, two appeals
(one upheld, one amended by the QA lead qa1), a calibration scored blind by three inspectors, weekly
summaries read by the department head, the skills exam, two complaint findings, soft indicators, and
the appraisal drafted by the training specialist from those records, reviewed by a team leader and
approved and locked by the head, with every grade present and one termination flag for the director;
one agent appeals her sheet. This month: the sampling's checks, a few scored, one appeal waiting for the
lead. Everything goes through the services at the time it would have happened (kefu.hotline.demo.at).
Idempotent: nothing is added when checks exist. A small demo (the test suite's) gets the shipped
scorecard and catalogue only: the full month takes longer than the rest of such a demo."""

import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kefu.accounts.models import Role, User
from kefu.core.registry import Seeder
from kefu.hotline.demo import at
from kefu.hotline.models import Contact, WorkOrder
from kefu.quality.defaults import ensure_defaults
from kefu.quality.models import AppraisalItem, AppraisalSheet, QaAppeal, QaCheck, WeeklySummary
from kefu.quality.selectors_mine import APPRAISED_ROLES
from kefu.quality.services import (
    appeals,
    calibration,
    checks,
    complaints,
    exams,
    indicators,
    months,
    sampling,
    sheet_appeals,
    sheets,
    summaries,
)
from kefu.quality.services.scorecards import active_scorecard, card_items

SMALL_DEMO_CUSTOMERS = 1000
# Target scores that put every grade on last month's sheets (A, B, C, D, E and one below 60, flagged).
GRADE_TARGETS = [96, 88, 76, 67, 62, 55]
EXTRA_TASKS = [
    "完成上级交办的来电数据核对",
    "停水期间加班整理受影响用户名单",
    "协助编写冬季防冻答复口径",
    "带教新员工两周",
]
MISSED_MEETINGS = ["未请假缺席周班务会", "未请假缺席月度业务代表会议"]


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def _month_first(day: date) -> date:
    return day.replace(day=1)


def _previous_month(first: date) -> date:
    return (first - timedelta(days=1)).replace(day=1)


def seed_hired_on(today: date, rng: random.Random) -> None:
    """Joining dates for the demo staff: most have been here for years; agent44 joined early last month,
    so her pay does not move with the appraisal yet (002 四、4: from the third month)."""
    for person in User.objects.filter(hired_on__isnull=True, role__in=list(APPRAISED_ROLES)):
        if person.username == "agent44":
            hired = _previous_month(_month_first(today)).replace(day=8)
        else:
            hired = today - timedelta(days=rng.randint(400, 2600))
        User.objects.filter(pk=person.pk).update(hired_on=hired)


def _scores_for(card, rng: random.Random, *, quality: float, remark: str = "") -> list[dict]:
    """Item scores on the card as the scoring form sends them: mostly 7–10, lower for a weaker call."""
    scores = []
    for item in card_items(card):
        low = max(0, round(item.max_score * (quality - 0.25)))
        score = min(item.max_score, rng.randint(low, item.max_score))
        scores.append({"item": item.pk, "score": score, "remark": remark})
    return scores


def _score_month_checks(month_checks, inspectors, rng, now, *, proposed_at, leave_open: int = 0) -> int:
    """Score the proposed checks a day or two after the contact, never before the sampling proposed
    them (the inspectors listen back through the batch), leaving the newest `leave_open`."""
    scored = 0
    pending = sorted(month_checks, key=lambda c: c.contact.received_at)
    if leave_open:
        pending = pending[:-leave_open] if len(pending) > leave_open else []
    for n, check in enumerate(pending):
        when = check.contact.received_at + timedelta(days=rng.randint(1, 2), hours=rng.randint(1, 5))
        when = max(when, proposed_at + timedelta(minutes=3 * (n + 1)))
        if when >= now - timedelta(minutes=5):
            continue
        quality = 0.55 if n % 9 == 4 else 0.95
        scores = _scores_for(check.scorecard, rng, quality=quality)
        inspector = inspectors[n % len(inspectors)]
        comment = "服务用语规范，需求归纳准确" if quality > 0.9 else "语气生硬，未复述客户诉求，需加强应变"
        try:
            with at(when):
                checks.score_check(
                    actor=inspector,
                    check=check,
                    scores=scores,
                    comment=comment,
                    coaching_note="" if quality > 0.9 else "下周跟听两次，重点练习复述确认",
                    marks="00:35 开头语规范\n02:10 未复述客户地址" if quality <= 0.9 else "",
                )
            scored += 1
        except (ValidationError, PermissionDenied):
            continue
    return scored


def seed_checks(
    month: date, *, lead: User, inspectors: list[User], now, rng, leave_open: int = 0
) -> list[str]:
    """The month's sampling (last month's late in the month, this month's now), and the checks scored."""
    this_month = month == _month_first(timezone.localdate(now))
    proposed_at = now - timedelta(hours=3) if this_month else _local(month + timedelta(days=27), 9)
    with at(proposed_at):
        sampling.propose_month(month=month, actor=lead)
    month_checks = list(
        QaCheck.objects.filter(month=month, calibration__isnull=True, status=QaCheck.Status.PROPOSED)
        .select_related("contact", "scorecard")
        .order_by("contact__received_at")
    )
    scored = _score_month_checks(
        month_checks, inspectors, rng, now, proposed_at=proposed_at, leave_open=leave_open
    )
    return [f"质检：{month:%Y年%m月}抽样 {len(month_checks)} 条，已评分 {scored} 条"]


def seed_appeals(month: date, *, lead: User, now, upheld_and_amended: bool) -> list[str]:
    """Appeals of the month's weakest scored checks: last month one upheld and one amended by the lead,
    this month one waiting for the lead."""
    candidates = list(
        QaCheck.objects.filter(month=month, calibration__isnull=True, status=QaCheck.Status.SCORED)
        .exclude(inspector=lead)
        .select_related("scorecard", "agent")
        .order_by("score", "pk")[:2]
    )
    lines = []
    for n, check in enumerate(candidates if upheld_and_amended else candidates[:1]):
        # The next day, or a few minutes ago for a check scored in the last hours.
        filed_at = min(check.scored_at + timedelta(hours=20), now - timedelta(minutes=3))
        if filed_at <= check.scored_at:
            continue
        with at(filed_at):
            appeal = appeals.file_appeal(
                actor=check.agent,
                check=check,
                reason="该来电客户情绪激动，我已按流程安抚并请示班长，请复核服务态度一项",
            )
        if not upheld_and_amended:
            lines.append(f"质检申诉：{check.number} 待质检组长处理")
            continue
        decided_at = filed_at + timedelta(hours=22)
        if n == 0:
            scores = [
                {"item": s.item_id, "score": min(s.item.max_score, s.score + 3), "remark": "复听后改评"}
                for s in check.scores.select_related("item")
            ]
            with at(decided_at):
                appeals.decide_appeal(
                    actor=lead,
                    appeal=appeal,
                    decision="amend",
                    note="复听录音，安抚到位，改评",
                    scores=scores,
                )
        else:
            with at(decided_at):
                appeals.decide_appeal(
                    actor=lead,
                    appeal=appeal,
                    decision="uphold",
                    note="复听录音，未复述客户诉求属实，维持原评",
                )
        lines.append(f"质检申诉：{check.number} {QaAppeal.objects.get(pk=appeal.pk).get_status_display()}")
    return lines


def seed_calibration(month: date, *, lead: User, inspectors: list[User], rng) -> list[str]:
    contact = (
        Contact.objects.filter(received_on__gte=month, received_on__lt=month + timedelta(days=20))
        .exclude(agent=None)
        .filter(category__code="service_complaint")
        .order_by("received_at")
        .first()
    ) or Contact.objects.filter(received_on__gte=month).exclude(agent=None).order_by("received_at").first()
    if contact is None:
        return []
    opened = contact.received_at + timedelta(days=2)
    with at(opened):
        record = calibration.open_calibration(
            actor=lead, contact=contact, title=f"{contact.number} 投诉来电校准"
        )
    card = active_scorecard()
    for n, inspector in enumerate([lead, *inspectors]):
        scores = _scores_for(card, rng, quality=0.85 - 0.15 * n)
        with at(opened + timedelta(hours=2 + n)):
            calibration.score_calibration(
                actor=inspector,
                calibration=record,
                scores=scores,
                comment="校准评分",
            )
    with at(opened + timedelta(days=1)):
        calibration.close_calibration(actor=lead, calibration=record)
    return [f"质检校准：{record.title}，{1 + len(inspectors)} 名质检员背靠背评分"]


def seed_summaries(*, author: User, head: User, today: date, now) -> list[str]:
    """The last three weeks' summaries, submitted each Friday; the head has read all but the newest."""
    monday = today - timedelta(days=today.weekday())
    lines = []
    for weeks_back in (3, 2, 1):
        week_start = monday - timedelta(weeks=weeks_back)
        if WeeklySummary.objects.filter(week_start=week_start, author=author).exists():
            continue
        friday = _local(week_start + timedelta(days=4), 16, 30)
        with at(friday):
            summary = summaries.write_summary(
                actor=author,
                week_start=week_start,
                common_problems="部分话务员未复述客户诉求即结束通话；夜班开头语不规范；投诉来电安抚不足",
                analysis="本周抽检以投诉和长通话为主，服务态度项得分最低，集中在夜班",
                training_plan="周二点名时全员讲评复述确认话术；夜班话务员由班长跟听两次",
                training_scope=WeeklySummary.Scope.ALL,
            )
            summaries.submit_summary(actor=author, summary=summary)
        if weeks_back > 1:
            with at(friday + timedelta(days=3)):
                summaries.mark_read(actor=head, summary=summary, comment="同意培训计划，周例会通报")
        lines.append(f"质检周小结：{week_start:%m月%d日}周")
    return [f"质检周小结：{len(lines)} 份（最近一份待主任阅示）"] if lines else []


def seed_records(month: date, *, trainer: User, lead: User, people: list[User], rng, now) -> list[str]:
    """The month's exam scores and complaint findings, entered early the next month."""
    entered = _local(month + timedelta(days=33), 10)
    entered = min(entered, now - timedelta(hours=1))
    agents = [p for p in people if p.role == Role.AGENT]
    with at(entered):
        for n, person in enumerate(people):
            score = 100 if n == 0 else (55 if person == agents[-2] else rng.randint(72, 98))
            exams.record_score(actor=trainer, month=month, person=person, score=score)
    found = 0
    orders = list(
        WorkOrder.objects.filter(
            category__code="service_complaint",
            created_at__gte=_local(month, 0),
            created_at__lt=_local(month + timedelta(days=31), 0),
        ).order_by("created_at")[:2]
    )
    for n, order in enumerate(orders):
        person = agents[n * 3 % len(agents)] if n else agents[-1]
        with at(entered):
            complaints.record_finding(
                actor=lead,
                work_order=order,
                person=person,
                valid=n == 0,
                quarrel=n == 0,
                note="复听录音，与客户发生争执，投诉属实" if n == 0 else "复听录音，服务规范，投诉不成立",
            )
        found += 1
    return [f"考核记录：{month:%Y年%m月}考试成绩 {len(people)} 人，投诉认定 {found} 件"]


def _bring_to(sheet: AppraisalSheet, target: int, *, trainer: User, items: dict[str, AppraisalItem]) -> None:
    """Manual lines that move a sheet near `target` (the demo wants every grade on the month), each a
    different thing a center would record."""
    for step in range(12):
        sheet.refresh_from_db()
        gap = target - sheet.score
        if -2 <= gap <= 2:
            return
        if gap > 0:
            code = "extra_task" if gap >= 5 else "suggestion_adopted"
            note = (
                EXTRA_TASKS[step % len(EXTRA_TASKS)]
                if code == "extra_task"
                else "提出的夜班交接改进建议试行有效"
            )
        else:
            code = "missed_meeting" if gap <= -10 else "slack_execution"
            note = MISSED_MEETINGS[step % 2] if code == "missed_meeting" else "未及时回复工单催办"
        item = items[code]
        points = (
            item.max_points if code != "slack_execution" else max(item.min_points, min(item.max_points, -gap))
        )
        sheets.add_line(sheet=sheet, actor=trainer, item=item, points=points, note=note)


def seed_appraisal(month: date, *, trainer: User, reviewer: User, head: User, now) -> list[str]:
    """Open, draft, shape to every grade, adjust a team leader, submit, review, approve and lock; one
    appeal against a sheet."""
    drafted_at = min(_local(month + timedelta(days=33), 14), now - timedelta(minutes=50))
    with at(drafted_at):
        appraisal_month = months.open_month(month=month, actor=trainer)
        months.draft_all(appraisal_month=appraisal_month, actor=trainer)
        items = {item.code: item for item in AppraisalItem.objects.filter(active=True)}
        agents = list(
            AppraisalSheet.objects.filter(appraisal_month=appraisal_month, person__role=Role.AGENT)
            .select_related("person")
            .order_by("person__username")
        )
        chosen = [s for s in agents if s.person.username != "agent44"][: len(GRADE_TARGETS)]
        for sheet, target in zip(chosen, GRADE_TARGETS, strict=False):
            _bring_to(sheet, target, trainer=trainer, items=items)
        leader = (
            AppraisalSheet.objects.filter(appraisal_month=appraisal_month, person__role=Role.TEAM_LEADER)
            .order_by("person__username")
            .first()
        )
        if leader is not None:
            sheets.adjust(
                sheet=leader, actor=trainer, adjustment=3, reason="本月组织夜班培训两次，班组投诉为零"
            )
        months.rank_and_flag(appraisal_month, actor=trainer)
        months.submit(appraisal_month=appraisal_month, actor=trainer)
    with at(drafted_at + timedelta(minutes=20)):
        months.review(appraisal_month=appraisal_month, actor=reviewer, note="核对考勤与投诉记录无误")
    with at(drafted_at + timedelta(minutes=40)):
        months.approve(appraisal_month=appraisal_month, actor=head)
    appealing = (
        AppraisalSheet.objects.filter(appraisal_month=appraisal_month, person__role=Role.AGENT, score__lt=80)
        .order_by("score")
        .last()
    )
    lines = []
    if appealing is not None:
        try:
            sheet_appeals.file_appeal(
                sheet=appealing,
                actor=appealing.person,
                reason="考勤记录中11月的一次迟到系交班延误，已向班长报备，请核实",
            )
            lines.append(f"考核申诉：{appealing.person} 待客服部主任处理")
        except ValidationError:
            pass
    grades = sorted(
        {s.grade or "无等级" for s in AppraisalSheet.objects.filter(appraisal_month=appraisal_month)}
    )
    return [f"月度考核：{month:%Y年%m月}已锁定，等级 {'、'.join(grades)}", *lines]


def seed_soft_indicators(month: date, *, head: User, now) -> list[str]:
    scored = 0
    with at(min(_local(month + timedelta(days=32), 11), now - timedelta(hours=2))):
        for leader in User.objects.filter(role=Role.TEAM_LEADER, is_active=True).order_by("username"):
            for n, agent in enumerate(User.objects.filter(team=leader.team, role=Role.AGENT, is_active=True)):
                for indicator, score in (("attitude", 88 - n * 3), ("teamwork", 85 + n)):
                    try:
                        indicators.score_soft_indicator(
                            actor=leader, person=agent, month=month, indicator=indicator, score=score
                        )
                        scored += 1
                    except (ValidationError, PermissionDenied):
                        break
            try:
                indicators.score_soft_indicator(
                    actor=head, person=leader, month=month, indicator="attitude", score=90
                )
                scored += 1
            except (ValidationError, PermissionDenied):
                pass
    return [f"软性指标：{month:%Y年%m月}评分 {scored} 项"]


def _grant_lead(lead: User) -> None:
    """qa1 is the QA lead (质检组长): the role's group does not decide appeals, she does."""
    permission = Permission.objects.get(content_type__app_label="quality", codename="decide_qaappeal")
    lead.user_permissions.add(permission)


def seed(options) -> list[str]:
    ensure_defaults()
    if QaCheck.objects.exists():
        return [f"质检：已有 {QaCheck.objects.count()} 条质检记录，未新增"]
    if (options.get("customers") or 0) < SMALL_DEMO_CUSTOMERS:
        return ["质检：评分表与考核项目已就绪（小型演示不生成质检与考核记录）"]
    lead, trainer, head = _user("qa1"), _user("trainer1"), _user("head")
    inspectors = [u for u in (_user("qa2"), _user("qa3")) if u]
    reviewer = _user("leader1")
    if not (lead and trainer and head and inspectors and reviewer):
        return ["质检：缺少质检员、培训专员、班长或客服部主任，未生成演示数据"]
    _grant_lead(lead)
    lead = User.objects.get(pk=lead.pk)  # permissions are cached per instance
    now = timezone.now()
    today = timezone.localdate(now)
    rng = random.Random(options.get("seed") or 16)
    seed_hired_on(today, rng)
    this_month = _month_first(today)
    last_month = _previous_month(this_month)
    people = list(months.appraised_people(last_month))
    lines = seed_checks(last_month, lead=lead, inspectors=inspectors, now=now, rng=rng)
    lines += seed_appeals(last_month, lead=lead, now=now, upheld_and_amended=True)
    lines += seed_calibration(last_month, lead=lead, inspectors=inspectors, rng=rng)
    with at(now - timedelta(hours=1)):
        checks.finalise_due(now - timedelta(hours=1))
    lines += seed_summaries(author=inspectors[0], head=head, today=today, now=now)
    lines += seed_records(last_month, trainer=trainer, lead=lead, people=people, rng=rng, now=now)
    lines += seed_soft_indicators(last_month, head=head, now=now)
    lines += seed_appraisal(last_month, trainer=trainer, reviewer=reviewer, head=head, now=now)
    lines += seed_checks(this_month, lead=lead, inspectors=inspectors, now=now, rng=rng, leave_open=6)
    lines += seed_appeals(this_month, lead=lead, now=now, upheld_and_amended=False)
    return lines


SEEDER = Seeder("quality", 70, seed)
