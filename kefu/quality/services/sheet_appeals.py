"""Appeals on appraisal sheets (Q4): once the month is locked a member of staff may appeal their own
sheet within policy("quality.sheet_appeal_days") working days of the lock, one open appeal at a time;
the department head (客服部主任, `quality.decide_sheetappeal`) upholds the sheet or amends it — strikes a
line off and/or adds one through the sheets' own functions (allowed on a locked month for this), then
the sheet is computed again and the team ranked again. Nothing is deleted: the appeal, the voided
line and the events stay."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kefu.core.permissions import require
from kefu.core.policies import DEFAULTS, policy
from kefu.quality.events import AppraisalEvents, quality_event
from kefu.quality.models import AppraisalItem, AppraisalMonth, AppraisalSheet, SheetAppeal
from kefu.quality.services import months as month_services
from kefu.quality.services import sheets

DECIDE = "quality.decide_sheetappeal"
UPHOLD, AMEND = SheetAppeal.Status.UPHELD, SheetAppeal.Status.AMENDED
MAX_REASON = 2000


def window_refusal(sheet: AppraisalSheet, today) -> str | None:
    """Why `sheet` cannot be appealed today, or None."""
    month = sheet.appraisal_month
    if month.status != AppraisalMonth.Status.LOCKED:
        return f"{month}尚未经客服部主任批准锁定，锁定后方可申诉"
    due = month_services.appeal_due(month)
    if today > due:
        days = policy("quality.sheet_appeal_days")
        label = DEFAULTS["quality.sheet_appeal_days"].label
        return f"已超过申诉期限（业务规则“{label}”：{days}个工作日，截止{due:%Y-%m-%d}）"

    return None


@transaction.atomic
def file_appeal(*, sheet: AppraisalSheet, actor, reason: str) -> SheetAppeal:
    """The sheet's person appeals it. A second appeal while one is open is refused; the same reason
    sent again is answered with the open appeal."""
    if not getattr(actor, "is_authenticated", False) or actor.pk != sheet.person_id:
        raise PermissionDenied("只能对本人的考核表提出申诉")
    sheet = AppraisalSheet.objects.select_for_update().select_related("appraisal_month").get(pk=sheet.pk)
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写申诉理由"})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": f"申诉理由不超过{MAX_REASON}字"})
    open_appeal = sheet.appeals.filter(status=SheetAppeal.Status.OPEN).first()
    if open_appeal is not None:
        if open_appeal.reason == reason:
            return open_appeal
        raise ValidationError({"reason": "您对本考核表已有待处理的申诉，请等待客服部主任处理后再提出"})
    if problem := window_refusal(sheet, timezone.localdate()):
        raise ValidationError({"reason": problem})
    appeal = SheetAppeal.objects.create(sheet=sheet, filed_by=actor, reason=reason)
    quality_event(actor=actor, target=sheet, verb=AppraisalEvents.APPEALED, note=reason)
    return appeal


def _clean_points(item: AppraisalItem, points) -> int:
    try:
        value = int(points)
    except (TypeError, ValueError):
        raise ValidationError({"points": f"「{item.name}」的分值应为整数"}) from None
    if not item.min_points <= value <= item.max_points:
        raise ValidationError(
            {"points": f"「{item.name}」的分值应在{item.min_points}至{item.max_points}之间（{item.clause}）"}
        )
    return value


@transaction.atomic
def decide_appeal(
    *,
    appeal: SheetAppeal,
    actor,
    outcome: str,
    note: str,
    void_lines: list[int] | None = None,
    add_lines: list[dict] | None = None,
) -> SheetAppeal:
    """维持 (`upheld`) or 更正 (`amended`: the lines `void_lines` of the sheet struck off, the lines
    `add_lines` — {"item": AppraisalItem id, "points": n, "note": "…"} — added), with the decision's
    note. A decided appeal is answered as it stands when decided the same way again."""
    require(actor, DECIDE)
    appeal = (
        SheetAppeal.objects.select_for_update().select_related("sheet__appraisal_month").get(pk=appeal.pk)
    )
    if outcome not in (UPHOLD, AMEND):
        raise ValidationError({"outcome": "处理结果应为“维持”或“更正”"})
    if appeal.status != SheetAppeal.Status.OPEN:
        if appeal.status == outcome:
            return appeal
        raise ValidationError({"outcome": f"该申诉已处理（{appeal.get_status_display()}），不能再改"})
    note = str(note or "").strip()
    if not note:
        raise ValidationError({"note": "请填写处理意见"})
    if appeal.filed_by_id == actor.pk:
        raise PermissionDenied("不能处理本人提出的申诉")
    sheet = appeal.sheet
    before = (sheet.score, sheet.grade, sheet.pay_delta)
    changes: dict = {}
    if outcome == AMEND:
        void_ids = [int(pk) for pk in (void_lines or [])]
        additions = list(add_lines or [])
        if not void_ids and not additions:
            raise ValidationError({"void_lines": "更正须作废至少一项或新增至少一项考核明细"})
        lines = {line.pk: line for line in sheet.lines.filter(pk__in=void_ids, void=False)}
        missing = [pk for pk in void_ids if pk not in lines]
        if missing:
            raise ValidationError({"void_lines": f"考核明细{missing[0]}不在该考核表上或已作废"})
        for pk in void_ids:
            sheets.void_line(line=lines[pk], actor=actor, reason=f"考核申诉更正：{note}", allow_locked=True)
        added = []
        for index, addition in enumerate(additions):
            item = AppraisalItem.objects.filter(pk=addition.get("item"), active=True).first()
            if item is None:
                raise ValidationError({f"add_lines[{index}].item": "考核项目不存在或已停用"})
            points = _clean_points(item, addition.get("points"))
            line = sheets.add_line(
                sheet=sheet,
                item=item,
                points=points,
                note=str(addition.get("note") or note).strip()[:300],
                actor=actor,
                allow_locked=True,
            )
            added.append(line)
        changes = {
            "void_lines": [f"{lines[pk].item.name} {lines[pk].points}分" for pk in void_ids],
            "add_lines": [f"{line.item.name} {line.points}分" for line in added],
        }
        # add_line / void_line computed the sheet again (keeping the close's last-place finding); the
        # team's ranks and that finding follow the new score.
        month_services.rank_and_flag(sheet.appraisal_month, actor=actor)
        sheet.refresh_from_db()
        after = (sheet.score, sheet.grade, sheet.pay_delta)
        if before != after:
            changes["score"] = [before[0], after[0]]
            changes["grade"] = [before[1], after[1]]
            changes["pay_delta"] = [before[2], after[2]]
        month_services.alert_flags(sheet.appraisal_month, actor=actor)
    appeal.status = outcome
    appeal.decided_by = actor
    appeal.decided_at = timezone.now()
    appeal.decision_note = note
    appeal.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    verb = AppraisalEvents.APPEAL_AMENDED if outcome == AMEND else AppraisalEvents.APPEAL_UPHELD
    quality_event(actor=actor, target=sheet, verb=verb, changes=changes, note=note)
    return appeal


def lines_for_amendment(sheet: AppraisalSheet):
    """The sheet's lines the head may strike off."""
    return sheet.lines.filter(void=False).select_related("item")
