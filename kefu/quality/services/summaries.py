"""Weekly QA summaries (Q1, 002 客服部质检员的职责5：每周小结一次，根据检查结果制定出培训计划，可全员
培训，也可单独培训。并交客服部主任): an inspector writes one per week, submits it to the department
head, who marks it read with a comment. One per inspector and week; a repeated submission or reading
is answered with the summary as it stands, not done twice."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from kefu.accounts.models import Role, User
from kefu.core.alerts import send_alert
from kefu.quality.events import SummaryEvents, quality_event
from kefu.quality.models import WeeklySummary

SUBMITTED_KIND = "quality.summary_submitted"
READ_KIND = "quality.summary_read"
ALERT_KINDS: dict[str, str] = {SUBMITTED_KIND: "质检周小结待阅", READ_KIND: "质检周小结主任已阅"}
HEADS = (Role.DEPARTMENT_HEAD, Role.CENTER_DIRECTOR)
WRITE = "quality.add_weeklysummary"
CLAUSE = "客服管理制度·客服部质检员的职责5"
TEXT_LIMIT = 5000
S = WeeklySummary.Status


def monday_of(day: date) -> date:
    """The Monday of the calendar week holding `day` (a summary is of a calendar week)."""
    return day - timedelta(days=day.isoweekday() - 1)


def department_heads() -> list[User]:
    return list(User.objects.filter(role=Role.DEPARTMENT_HEAD, is_active=True))


def _clean(fields: dict) -> dict:
    errors = {}
    cleaned = {}
    for name, label, required in (
        ("common_problems", "共性问题", True),
        ("analysis", "质检分析", False),
        ("training_plan", "培训计划", True),
    ):
        text = str(fields.get(name) or "").strip()
        if required and not text:
            errors[name] = f"请填写{label}（{CLAUSE}：根据检查结果制定出培训计划）"
        elif len(text) > TEXT_LIMIT:
            errors[name] = f"{label}不超过{TEXT_LIMIT}字"
        cleaned[name] = text
    scope = fields.get("training_scope") or WeeklySummary.Scope.ALL
    if scope not in WeeklySummary.Scope.values:
        errors["training_scope"] = "培训范围应为全员培训或单独培训"
    trainees = list(fields.get("trainees") or [])
    if scope == WeeklySummary.Scope.INDIVIDUAL and not trainees:
        errors["trainees"] = f"单独培训请选择培训对象（{CLAUSE}：可全员培训，也可单独培训）"
    if errors:
        raise ValidationError(errors)
    cleaned["training_scope"] = scope
    cleaned["trainees"] = trainees if scope == WeeklySummary.Scope.INDIVIDUAL else []
    return cleaned


def _check_week(week_start: date) -> date:
    monday = monday_of(week_start)
    if monday > timezone.localdate():
        raise ValidationError({"week_start": f"{monday:%Y-%m-%d}这一周尚未开始，不能编写周小结"})
    return monday


@transaction.atomic
def write_summary(*, actor, week_start: date, **fields) -> WeeklySummary:
    """The inspector's summary of the week (its Monday): created, or — written again for the same week
    — the draft brought up to date. A submitted one is not changed."""
    if not actor.has_perm(WRITE):
        raise PermissionDenied("您的角色没有编写质检周小结的权限")
    monday = _check_week(week_start)
    data = _clean(fields)
    summary = WeeklySummary.objects.select_for_update().filter(week_start=monday, author=actor).first()
    if summary is None:
        try:
            with transaction.atomic():
                summary = WeeklySummary.objects.create(
                    week_start=monday,
                    author=actor,
                    common_problems=data["common_problems"],
                    analysis=data["analysis"],
                    training_plan=data["training_plan"],
                    training_scope=data["training_scope"],
                )
        except IntegrityError:
            summary = WeeklySummary.objects.select_for_update().get(week_start=monday, author=actor)
        else:
            summary.trainees.set(data["trainees"])
            quality_event(
                actor=actor,
                target=summary,
                verb=SummaryEvents.DRAFTED,
                changes={"week_start": f"{monday:%Y-%m-%d}"},
            )
            return summary
    return _update(actor=actor, summary=summary, data=data)


def _update(*, actor, summary: WeeklySummary, data: dict) -> WeeklySummary:
    if summary.status != S.DRAFT:
        state = summary.get_status_display()
        raise ValidationError(
            {"week_start": f"{summary.week_start:%Y-%m-%d}这一周的小结已{state}，不能再修改"}
        )
    changes = {}
    for name in ("common_problems", "analysis", "training_plan", "training_scope"):
        if getattr(summary, name) != data[name]:
            changes[name] = [getattr(summary, name), data[name]]
            setattr(summary, name, data[name])
    old = sorted(summary.trainees.values_list("pk", flat=True))
    new = sorted(getattr(person, "pk", person) for person in data["trainees"])
    if old != new:
        changes["trainees"] = [old, new]
        summary.trainees.set(new)
    if changes:
        summary.save()
        quality_event(actor=actor, target=summary, verb=SummaryEvents.DRAFTED, changes=changes)
    return summary


@transaction.atomic
def edit_summary(*, actor, summary: WeeklySummary, **fields) -> WeeklySummary:
    if summary.author_id != actor.pk:
        raise PermissionDenied("只能修改本人编写的周小结")
    summary = WeeklySummary.objects.select_for_update().get(pk=summary.pk)
    return _update(actor=actor, summary=summary, data=_clean(fields))


@transaction.atomic
def submit_summary(*, actor, summary: WeeklySummary) -> WeeklySummary:
    """Hand the summary to the department head(s); a second submission is answered as it stands."""
    if summary.author_id != actor.pk:
        raise PermissionDenied("只能提交本人编写的周小结")
    summary = WeeklySummary.objects.select_for_update().get(pk=summary.pk)
    if summary.status != S.DRAFT:
        return summary
    summary.status = S.SUBMITTED
    summary.submitted_at = timezone.now()
    summary.save(update_fields=["status", "submitted_at", "updated_at"])
    quality_event(
        actor=actor, target=summary, verb=SummaryEvents.SUBMITTED, changes={"status": ["draft", "submitted"]}
    )
    send_alert(
        recipients=department_heads(),
        kind=SUBMITTED_KIND,
        message=f"{summary.author}提交了{summary.week_start:%Y-%m-%d}这一周的质检周小结与培训计划，请阅示",
        url=reverse("quality:summary", args=[summary.pk]),
        subject=f"quality.weeklysummary:{summary.pk}",
    )
    return summary


def can_mark_read(user, summary: WeeklySummary) -> bool:
    return (
        getattr(user, "role", "") in HEADS
        and user.has_perm("quality.change_weeklysummary")
        and summary.status in (S.SUBMITTED, S.READ)
        and summary.author_id != user.pk
    )


@transaction.atomic
def mark_read(*, actor, summary: WeeklySummary, comment: str = "") -> WeeklySummary:
    """The department head reads the summary and may comment; reading it again is answered."""
    if getattr(actor, "role", "") not in HEADS or not actor.has_perm("quality.change_weeklysummary"):
        raise PermissionDenied("质检周小结由客服部主任阅示")
    summary = WeeklySummary.objects.select_for_update().get(pk=summary.pk)
    if summary.status == S.DRAFT:
        raise ValidationError({"head_comment": "周小结尚未提交，不能阅示"})
    if summary.status == S.READ:
        return summary
    comment = (comment or "").strip()
    if len(comment) > TEXT_LIMIT:
        raise ValidationError({"head_comment": f"主任意见不超过{TEXT_LIMIT}字"})
    summary.status = S.READ
    summary.read_by = actor
    summary.read_at = timezone.now()
    summary.head_comment = comment
    summary.save(update_fields=["status", "read_by", "read_at", "head_comment", "updated_at"])
    quality_event(
        actor=actor,
        target=summary,
        verb=SummaryEvents.READ,
        changes={"status": ["submitted", "read"], "head_comment": comment},
    )
    send_alert(
        recipients=[summary.author],
        kind=READ_KIND,
        message=f"客服部主任已阅{summary.week_start:%Y-%m-%d}这一周的质检周小结"
        + (f"：{comment[:100]}" if comment else ""),
        url=reverse("quality:summary", args=[summary.pk]),
        subject=f"quality.weeklysummary:{summary.pk}",
    )
    return summary
