"""Destruction of files (D3; seed 000 ch.8 §7, 003 住户档案管理规定 6) and the periodic holdings check
(ch.8 §3–§5). The archivist's hand-over (ch.8 §6) is in kefu/archives/holdings.py.

Destruction, step by step (each a service, each with its event, nothing hard-deleted):

1. `propose` — the appraisal group (鉴定小组, at least archives.destruction_min_appraisers people, the
   proposer among them) lists filed files whose retention has ended (《过期文件处理登记表》). A permanent
   file, a file still within its retention, a file not filed, or one already on another open list is
   refused by name.
2. `review` — the department supervisor (客户服务部主管, archives.review_destruction) who is not a member
   of the group: the review must come from outside the group that proposed.
3. `approve` / `refuse` — the responsible leader (服务中心主任 / 分管领导, archives.approve_destruction),
   neither a member of the group nor the reviewer. The reviewer may also refuse at step 2. A refused
   list frees its files.
4. `carry_out` — at least archives.destruction_min_witnesses people present at the named place, each
   signing the list (the witnesses are the signers; whoever records it counts only if named among them).
   Every file goes to 已销毁 with its time and an event; its catalogue entry stays. A file out on loan
   is refused until it is back.
5. `recheck` — the supervisor re-checks each item of the destroyed list (复核销毁内容); the list is
   complete when every item is re-checked.

Holdings check: the job opens one `HoldingsInspection` per period (monthly or quarterly, a rule) with the
checklist of the rule (八防, fire equipment, thermometer and hygrometer, air conditioning, files complete)
and tells the archivists; the archivist answers every item, and a problem is reported to a leader."""

from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from kefu.accounts.models import Role
from kefu.archives.events import DestructionEvents, FileEvents, archives_event
from kefu.archives.models import ArchiveFile, Destruction, DestructionItem, FileLoan, HoldingsInspection
from kefu.archives.policies_destruction import MONTHLY, RULES
from kefu.archives.sources import CH8, HOUSEHOLD_ARCHIVES
from kefu.core.alerts import send_alert
from kefu.core.models import Event
from kefu.core.numbering import next_number, year_period
from kefu.core.permissions import require
from kefu.core.policies import policy

ALERT_KINDS: dict[str, str] = {
    "archives.destruction_review": "档案销毁待审核",
    "archives.destruction_approval": "档案销毁待批准",
    "archives.destruction_decided": "档案销毁审批结果",
    "archives.destruction_recheck": "档案销毁待复核",
    "archives.holdings_check_due": "库房定期检查待办",
    "archives.holdings_check_overdue": "库房定期检查逾期未完成",
    "archives.holdings_problem": "库房检查发现问题",
}
DESTRUCTION_SERIES = "archives.destruction"
OPEN_STATES = (Destruction.State.PROPOSED, Destruction.State.REVIEWED, Destruction.State.APPROVED)
# Files that are out of the room cannot be destroyed until they are back.
LOAN_OUT_STATES = (FileLoan.State.OUT, FileLoan.State.READING)
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
LEADER_ROLES = (Role.DEPARTMENT_HEAD, Role.CENTER_DIRECTOR)
LISTED_NAMES = 20  # how many catalogue numbers an event or a message names before "等N卷"


def _rule(key: str) -> str:
    return f"业务规则“{RULES[key].label}”"


def holders_of(permission: str):
    """Active people holding `permission` through their role (not superusers): who is told."""
    return list(
        get_user_model()
        .objects.with_perm(permission, include_superusers=False, backend=MODEL_BACKEND)
        .filter(is_active=True)
        .order_by("pk")
    )


def _label(file: ArchiveFile) -> str:
    return f"{file.catalogue_number or '（未编号）'}《{file.title}》"


def _names(numbers: list[str]) -> str:
    shown = "、".join(numbers[:LISTED_NAMES])
    return shown + (f"等{len(numbers)}卷" if len(numbers) > LISTED_NAMES else "")


def _people(users, field: str, what: str) -> list:
    """Distinct active people, in the order given; an inactive one is refused by name."""
    seen, people = set(), []
    for user in users:
        if user is None or user.pk in seen:
            continue
        if not user.is_active:
            raise ValidationError({field: f"{user}已停用，不能作为{what}"})
        seen.add(user.pk)
        people.append(user)
    return people


def _locked(destruction: Destruction) -> Destruction:
    return Destruction.objects.select_for_update().get(pk=destruction.pk)


def _check_state(destruction: Destruction, *states, doing: str) -> None:
    if destruction.state not in states:
        raise ValidationError(
            {"state": f"销毁清册{destruction.number}当前为「{destruction.get_state_display()}」，不能{doing}"}
        )


def _group_ids(destruction: Destruction) -> set[int]:
    return set(destruction.appraisal_group.values_list("pk", flat=True)) | {destruction.proposed_by_id}


def _url(destruction: Destruction) -> str:
    return reverse("archives:destruction", args=[destruction.pk])


def file_events(*, actor, files, verb, changes: dict, note: str = "") -> None:
    """One event per file of the QuerySet `files`, written in bulk (a list may hold thousands of files):
    the same row `archives_event` writes, with the file's catalogue number as its repr."""
    content_type = ContentType.objects.get_for_model(ArchiveFile, for_concrete_model=True)
    rows = files.order_by("pk").values_list("pk", "catalogue_number", "title")
    Event.objects.bulk_create(
        [
            Event(
                actor=actor if getattr(actor, "pk", None) else None,
                verb=str(verb),
                target_type=content_type,
                target_id=pk,
                target_repr=(number or title)[:200],
                changes=changes,
                note=note,
            )
            for pk, number, title in rows.iterator(chunk_size=2000)
        ],
        batch_size=1000,
    )


# -- 1. the proposal ---------------------------------------------------------------------------------


def refusal_for_file(file: ArchiveFile, today: date) -> str:
    """Why this file cannot go on a destruction list today, or "" (state and retention only)."""
    if file.state != ArchiveFile.State.FILED:
        return f"{_label(file)}为「{file.get_state_display()}」，只有已归档的档案才能列入销毁清册"
    if file.retention_until is None:
        return f"{_label(file)}为永久保管（保管期限：永久），永远不能销毁"
    if file.retention_until >= today:
        return (
            f"{_label(file)}保管期限为{file.retention_years}年，至{file.retention_until:%Y-%m-%d}，尚未期满，"
            "不能销毁（只有超过保存期的档案才能列入销毁清册）"
        )
    return ""


@transaction.atomic
def propose(*, actor, files, reason: str, appraisal_group) -> Destruction:
    """The appraisal group's proposal (《过期文件处理登记表》 and the destruction list)."""
    require(actor, "archives.propose_destruction")
    errors: dict[str, str] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "请填写销毁理由（鉴定小组意见）"
    elif len(reason) > 300:
        errors["reason"] = "销毁理由不超过300个字"
    group = _people([actor, *appraisal_group], "appraisal_group", "鉴定小组成员")
    least = policy("archives.destruction_min_appraisers")
    if len(group) < least:
        errors["appraisal_group"] = (
            f"鉴定小组至少{least}人（含提出人），现为{len(group)}人（{_rule('archives.destruction_min_appraisers')}；"
            f"{CH8}7：须由鉴定小组提出意见）"
        )
    ids = sorted({getattr(f, "pk", f) for f in files if f is not None})
    most = policy("archives.destruction_max_files")
    if not ids:
        errors["files"] = "请选择超过保存期、要列入销毁清册的档案"
    elif len(ids) > most:
        errors["files"] = (
            f"一份销毁清册最多{most}卷（{_rule('archives.destruction_max_files')}），现选{len(ids)}卷，请分批提出"
        )
    if errors:
        raise ValidationError(errors)
    chosen = list(ArchiveFile.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(chosen) != len(ids):
        raise ValidationError({"files": "所选档案不存在"})
    today = timezone.localdate()
    problems = [why for file in chosen if (why := refusal_for_file(file, today))]
    listed = (
        DestructionItem.objects.filter(file_id__in=ids, destruction__state__in=OPEN_STATES)
        .select_related("destruction", "file")
        .order_by("file_id")
    )
    problems += [
        f"{_label(item.file)}已列入销毁清册{item.destruction.number}（{item.destruction.get_state_display()}），"
        "不能重复提出"
        for item in listed
    ]
    if problems:
        raise ValidationError({"files": problems})
    now = timezone.now()
    destruction = Destruction.objects.create(
        number=f"XH{today.year}{next_number(DESTRUCTION_SERIES, year_period(today)):03d}",
        reason=reason,
        proposed_by=actor,
        proposed_at=now,
    )
    destruction.appraisal_group.set(group)
    DestructionItem.objects.bulk_create(
        [DestructionItem(destruction=destruction, file=file) for file in chosen], batch_size=1000
    )
    numbers = [file.catalogue_number for file in chosen]
    archives_event(
        actor=actor,
        target=destruction,
        verb=DestructionEvents.PROPOSED,
        changes={
            "files": len(chosen),
            "catalogue_numbers": _names(numbers),
            "appraisal_group": "、".join(str(person) for person in group),
        },
        note=reason,
    )
    send_alert(
        recipients=[
            p for p in holders_of("archives.review_destruction") if p.pk not in {g.pk for g in group}
        ],
        kind="archives.destruction_review",
        message=f"鉴定小组提出销毁清册{destruction.number}（{len(chosen)}卷），请审核：{reason}",
        url=_url(destruction),
        subject=f"archives.destruction:{destruction.pk}",
    )
    return destruction


# -- 2. review, 3. approval --------------------------------------------------------------------------


def _independent(destruction: Destruction, actor, what: str) -> None:
    if actor.pk in _group_ids(destruction):
        raise PermissionDenied(
            f"{actor}是销毁清册{destruction.number}的鉴定小组成员（或提出人），不能{what}：审核与批准须由小组以外的人进行"
        )


@transaction.atomic
def review(*, actor, destruction: Destruction, note: str = "") -> Destruction:
    """The department supervisor's review (客户服务部主管审核)."""
    require(actor, "archives.review_destruction")
    destruction = _locked(destruction)
    _check_state(destruction, Destruction.State.PROPOSED, doing="审核（鉴定小组提出后才能审核）")
    _independent(destruction, actor, "审核")
    destruction.state = Destruction.State.REVIEWED
    destruction.reviewed_by, destruction.reviewed_at = actor, timezone.now()
    destruction.review_note = (note or "").strip()[:200]
    destruction.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_note", "updated_at"])
    archives_event(
        actor=actor,
        target=destruction,
        verb=DestructionEvents.REVIEWED,
        changes={"state": ["鉴定小组已提出", "主管已审核"]},
        note=destruction.review_note,
    )
    send_alert(
        recipients=[
            p
            for p in holders_of("archives.approve_destruction")
            if p.pk not in _group_ids(destruction) and p.pk != actor.pk
        ],
        kind="archives.destruction_approval",
        message=f"销毁清册{destruction.number}已经{actor}审核，请批准",
        url=_url(destruction),
        subject=f"archives.destruction:{destruction.pk}",
    )
    return destruction


def _tell_proposer(destruction: Destruction, message: str, level: int) -> None:
    send_alert(
        recipients=[destruction.proposed_by],
        kind="archives.destruction_decided",
        message=message,
        url=_url(destruction),
        subject=f"archives.destruction:{destruction.pk}",
        level=level,
    )


@transaction.atomic
def approve(*, actor, destruction: Destruction, note: str = "") -> Destruction:
    """The responsible leader's approval (服务中心主任批准 / 公司分管领导审批)."""
    require(actor, "archives.approve_destruction")
    destruction = _locked(destruction)
    _check_state(destruction, Destruction.State.REVIEWED, doing="批准（须先经部门主管审核）")
    _independent(destruction, actor, "批准")
    if actor.pk == destruction.reviewed_by_id:
        raise PermissionDenied(f"{actor}已审核销毁清册{destruction.number}，审核与批准须由不同的人进行")
    destruction.state = Destruction.State.APPROVED
    destruction.approved_by, destruction.approved_at = actor, timezone.now()
    destruction.approval_note = (note or "").strip()[:200]
    destruction.save(update_fields=["state", "approved_by", "approved_at", "approval_note", "updated_at"])
    archives_event(
        actor=actor,
        target=destruction,
        verb=DestructionEvents.APPROVED,
        changes={"state": ["主管已审核", "领导已批准"]},
        note=destruction.approval_note,
    )
    _tell_proposer(
        destruction, f"销毁清册{destruction.number}已经{actor}批准，请组织两人以上在指定地点销毁", 1
    )
    return destruction


@transaction.atomic
def refuse(*, actor, destruction: Destruction, note: str) -> Destruction:
    """Not agreed: by the supervisor at the review or by the leader at the approval. The files are free
    again (a later list may name them)."""
    if not (actor.has_perm("archives.review_destruction") or actor.has_perm("archives.approve_destruction")):
        require(actor, "archives.review_destruction")
    note = (note or "").strip()
    destruction = _locked(destruction)
    if destruction.state == Destruction.State.PROPOSED:
        require(actor, "archives.review_destruction")
        _independent(destruction, actor, "审核")
    elif destruction.state == Destruction.State.REVIEWED:
        require(actor, "archives.approve_destruction")
        _independent(destruction, actor, "批准")
        if actor.pk == destruction.reviewed_by_id:
            raise PermissionDenied(f"{actor}已审核销毁清册{destruction.number}，审核与批准须由不同的人进行")
    else:
        _check_state(destruction, doing="作不同意处理（只有待审核或待批准的清册可以不同意）")
    if not note:
        raise ValidationError({"note": "请填写不同意销毁的理由"})
    old = destruction.get_state_display()
    fields = ["state", "updated_at"]
    if destruction.state == Destruction.State.PROPOSED:
        destruction.reviewed_by, destruction.reviewed_at, destruction.review_note = (
            actor,
            timezone.now(),
            note[:200],
        )
        fields += ["reviewed_by", "reviewed_at", "review_note"]
    else:
        destruction.approved_by, destruction.approved_at = actor, timezone.now()
        destruction.approval_note = note[:200]
        fields += ["approved_by", "approved_at", "approval_note"]
    destruction.state = Destruction.State.REFUSED
    destruction.save(update_fields=fields)
    archives_event(
        actor=actor,
        target=destruction,
        verb=DestructionEvents.REFUSED,
        changes={"state": [old, "未获同意"]},
        note=note,
    )
    _tell_proposer(destruction, f"销毁清册{destruction.number}未获{actor}同意：{note}", 2)
    return destruction


# -- 4. the destruction itself, 5. the re-check --------------------------------------------------------


@transaction.atomic
def carry_out(
    *, actor, destruction: Destruction, place: str, witnesses, destroyed_at: datetime | None = None
) -> Destruction:
    """The files destroyed at the named place before the witnesses, who sign the list. Each file goes to
    已销毁 with the time and its own event; its catalogue entry stays with this record."""
    if not (actor.has_perm("archives.propose_destruction") or actor.has_perm("archives.review_destruction")):
        require(actor, "archives.propose_destruction")
    destruction = _locked(destruction)
    _check_state(destruction, Destruction.State.APPROVED, doing="销毁（须经领导批准后才能销毁）")
    errors: dict[str, str] = {}
    place = (place or "").strip()
    if not place:
        errors["place"] = f"请填写销毁地点（{CH8}7：在指定地点销毁）"
    elif len(place) > 100:
        errors["place"] = "销毁地点不超过100个字"
    signers = _people(witnesses, "witnesses", "在场签字人")
    least = policy("archives.destruction_min_witnesses")
    if len(signers) < least:
        errors["witnesses"] = (
            f"销毁时应有{least}人以上在场并在销毁清册上签字，现为{len(signers)}人"
            f"（{_rule('archives.destruction_min_witnesses')}；{HOUSEHOLD_ARCHIVES}6）"
        )
    now = timezone.now()
    when = destroyed_at or now
    if when > now:
        errors["destroyed_at"] = "销毁时间不能晚于现在"
    elif destruction.approved_at and when < destruction.approved_at:
        errors["destroyed_at"] = (
            f"销毁时间不能早于批准时间{timezone.localtime(destruction.approved_at):%Y-%m-%d %H:%M}"
        )
    if errors:
        raise ValidationError(errors)
    listed = ArchiveFile.objects.filter(pk__in=destruction.items.values("file_id"))
    files = list(listed.select_for_update().order_by("pk"))
    problems = [
        f"{_label(file)}为「{file.get_state_display()}」，不能销毁"
        for file in files
        if file.state != ArchiveFile.State.FILED
    ]
    out = (
        FileLoan.objects.filter(file__in=listed, state__in=LOAN_OUT_STATES)
        .select_related("file", "borrower")
        .order_by("file_id")
    )
    problems += [
        f"{_label(loan.file)}{loan.get_state_display()}（{loan.borrower}），收回后才能销毁" for loan in out
    ]
    if problems:
        raise ValidationError({"files": problems})
    listed.update(state=ArchiveFile.State.DESTROYED, destroyed_at=when, updated_at=now)
    file_events(
        actor=actor,
        files=listed,
        verb=FileEvents.DESTROYED,
        changes={
            "state": ["已归档", "已销毁"],
            "destruction": destruction.number,
            "place": place,
            "witnesses": "、".join(str(person) for person in signers),
        },
        note=f"依销毁清册{destruction.number}销毁，目录条目保留",
    )
    destruction.state = Destruction.State.DESTROYED
    destruction.place, destruction.destroyed_at = place, when
    destruction.save(update_fields=["state", "place", "destroyed_at", "updated_at"])
    destruction.witnesses.set(signers)
    archives_event(
        actor=actor,
        target=destruction,
        verb=DestructionEvents.CARRIED_OUT,
        changes={
            "state": ["领导已批准", "已销毁"],
            "place": place,
            "destroyed_at": f"{timezone.localtime(when):%Y-%m-%d %H:%M}",
            "witnesses": "、".join(str(person) for person in signers),
            "files": len(files),
        },
    )
    send_alert(
        recipients=holders_of("archives.review_destruction"),
        kind="archives.destruction_recheck",
        message=f"销毁清册{destruction.number}的{len(files)}卷档案已于{place}销毁，请复核销毁内容",
        url=_url(destruction),
        subject=f"archives.destruction:{destruction.pk}",
    )
    return destruction


@transaction.atomic
def recheck(*, actor, destruction: Destruction, items) -> Destruction:
    """The supervisor re-checks the destroyed items (客户服务部主管复核销毁内容), one by one; the list is
    re-checked when every item is."""
    require(actor, "archives.review_destruction")
    destruction = _locked(destruction)
    _check_state(destruction, Destruction.State.DESTROYED, doing="复核（销毁后才能复核销毁内容）")
    if destruction.rechecked_at:
        raise ValidationError(
            {
                "items": f"销毁清册{destruction.number}已于"
                f"{timezone.localtime(destruction.rechecked_at):%Y-%m-%d %H:%M}复核完毕"
            }
        )
    ids = {getattr(item, "pk", item) for item in items if item is not None}
    if not ids:
        raise ValidationError({"items": "请逐件勾选已复核的案卷"})
    mine = destruction.items.filter(pk__in=ids)
    if mine.count() != len(ids):
        raise ValidationError({"items": f"所选条目不在销毁清册{destruction.number}中"})
    newly = list(mine.filter(rechecked=False).select_related("file").order_by("pk"))
    DestructionItem.objects.filter(pk__in=[item.pk for item in newly]).update(
        rechecked=True, updated_at=timezone.now()
    )
    left = destruction.items.filter(rechecked=False).count()
    if left == 0:
        destruction.rechecked_by, destruction.rechecked_at = actor, timezone.now()
        destruction.save(update_fields=["rechecked_by", "rechecked_at", "updated_at"])
    archives_event(
        actor=actor,
        target=destruction,
        verb=DestructionEvents.RECHECKED,
        changes={
            "rechecked": _names([item.file.catalogue_number for item in newly]),
            "left": left,
        },
        note="复核完毕" if left == 0 else f"尚有{left}卷未复核",
    )
    return destruction


# -- the holdings check (ch.8 §3–§5) -------------------------------------------------------------------


def period_of(day: date) -> tuple[str, date, date]:
    """(code, first day, last day) of the check period `day` falls in: "2026-12" or "2026Q4"."""
    if policy("archives.holdings_check_period") == MONTHLY:
        start = day.replace(day=1)
        code = f"{day:%Y-%m}"
        following = date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)
    else:
        quarter = (day.month - 1) // 3 + 1
        start = date(day.year, 3 * quarter - 2, 1)
        code = f"{day.year}Q{quarter}"
        following = date(day.year + 1, 1, 1) if quarter == 4 else date(day.year, 3 * quarter + 1, 1)
    return code, start, following - timedelta(days=1)


def period_label(code: str) -> str:
    year, _, rest = code.partition("Q")
    if rest:
        return f"{year}年第{rest}季度"
    return f"{code[:4]}年{int(code[5:7])}月" if len(code) == 7 else code


def checklist_for_rule() -> list[dict]:
    return [
        {"code": label, "label": label, "ok": None, "note": ""}
        for label in policy("archives.holdings_checklist")
    ]


def open_inspection(*, day: date, actor=None) -> tuple[HoldingsInspection, bool]:
    """The period's check, opened once (the period is unique): (inspection, opened now). The job opens
    it (actor None); the archivist may start it from the list page."""
    code, start, last = period_of(day)
    found = HoldingsInspection.objects.filter(period=code).first()
    if found is not None:
        return found, False
    due_on = min(start + timedelta(days=policy("archives.holdings_check_days") - 1), last)
    try:
        with transaction.atomic():
            inspection = HoldingsInspection.objects.create(
                period=code, due_on=due_on, checklist=checklist_for_rule()
            )
            archives_event(
                actor=actor,
                target=inspection,
                verb=DestructionEvents.INSPECTION_OPENED,
                changes={"period": period_label(code), "due_on": due_on.isoformat()},
            )
    except IntegrityError:  # another worker opened it first
        return HoldingsInspection.objects.get(period=code), False
    return inspection, True


def _inspection_url(inspection: HoldingsInspection) -> str:
    return reverse("archives:holdings_check", args=[inspection.pk])


def run_due(now) -> list[str]:
    """The job: the period's holdings check opened once and the archivists told; a check still not done
    after its day is told to the leaders once."""
    today = timezone.localdate(now)
    lines = []
    with transaction.atomic():
        inspection, opened = open_inspection(day=today)
        if opened:
            send_alert(
                recipients=holders_of("archives.change_holdingsinspection"),
                kind="archives.holdings_check_due",
                message=(
                    f"{period_label(inspection.period)}库房定期检查待办：请于{inspection.due_on:%Y-%m-%d}前"
                    "逐项检查八防、消防设施、温湿度计、空调设备和档案完整情况"
                ),
                url=_inspection_url(inspection),
                subject=f"archives.holdingsinspection:{inspection.pk}",
            )
            lines.append(f"档案：{period_label(inspection.period)}库房定期检查已开始")
        elif inspection.done_at is None and inspection.due_on < today:
            told = send_alert(
                recipients=[
                    p for p in holders_of("archives.view_holdingsinspection") if p.role in LEADER_ROLES
                ],
                kind="archives.holdings_check_overdue",
                message=f"{period_label(inspection.period)}库房定期检查应于{inspection.due_on:%Y-%m-%d}前完成，至今未做",
                url=_inspection_url(inspection),
                subject=f"archives.holdingsinspection:{inspection.pk}",
            )
            if told:
                lines.append(f"档案：{period_label(inspection.period)}库房检查逾期提醒{told}人")
    return lines


def leaders():
    """Whom a problem may be reported to: the department head and the center director."""
    return get_user_model().objects.filter(role__in=LEADER_ROLES, is_active=True).order_by("role", "pk")


@transaction.atomic
def record_inspection(
    *, actor, inspection: HoldingsInspection, results: dict, reported_to=None, problems: str = ""
) -> HoldingsInspection:
    """The archivist's answers: every item 正常 (ok) or 发现问题 with a note; any problem is reported to
    a leader (ch.8 §5: 发现问题要及时向领导汇报). `results` maps each item's code to {"ok", "note"}."""
    require(actor, "archives.change_holdingsinspection")
    inspection = HoldingsInspection.objects.select_for_update().get(pk=inspection.pk)
    if inspection.done_at:
        raise ValidationError(
            {
                "checklist": f"{period_label(inspection.period)}库房检查已于"
                f"{timezone.localtime(inspection.done_at):%Y-%m-%d %H:%M}由{inspection.done_by}完成，"
                "不能重复填写"
            }
        )
    missing, unexplained, found = [], [], []
    checklist = []
    for item in inspection.checklist:
        answer = results.get(item["code"]) or {}
        ok = answer.get("ok")
        note = str(answer.get("note") or "").strip()[:200]
        if ok is None:
            missing.append(item["label"])
        elif not ok and not note:
            unexplained.append(item["label"])
        elif not ok:
            found.append(f"{item['label']}：{note}")
        checklist.append({**item, "ok": ok, "note": note})
    errors: dict[str, str] = {}
    if missing:
        errors["checklist"] = f"以下检查项目未填写：{'、'.join(missing)}（每项须填正常或发现问题）"
    elif unexplained:
        errors["checklist"] = f"以下项目发现问题，请写明情况：{'、'.join(unexplained)}"
    problems = (problems or "").strip()
    if problems and not found:
        found.append(problems)
    elif problems:
        found.append(f"其他：{problems}")
    if found and not errors:
        if reported_to is None:
            errors["reported_to"] = f"检查发现问题，请选择报告的领导（{CH8}5：发现问题要及时向领导汇报）"
        elif not reported_to.is_active or reported_to.role not in LEADER_ROLES:
            errors["reported_to"] = f"{reported_to}不是客服部主任或中心主任，问题须报告领导"
    if errors:
        raise ValidationError(errors)
    inspection.checklist = checklist
    inspection.problems = "\n".join(found)
    inspection.done_by, inspection.done_at = actor, timezone.now()
    inspection.reported_to = reported_to if found else None
    inspection.save(
        update_fields=["checklist", "problems", "done_by", "done_at", "reported_to", "updated_at"]
    )
    archives_event(
        actor=actor,
        target=inspection,
        verb=DestructionEvents.INSPECTION_DONE,
        changes={
            "period": period_label(inspection.period),
            "problems": len(found),
            "reported_to": str(reported_to) if found else "",
        },
        note="；".join(found) or "各项正常",
    )
    if found:
        send_alert(
            recipients=[reported_to],
            kind="archives.holdings_problem",
            message=f"{period_label(inspection.period)}库房检查发现问题（{actor}报告）：{'；'.join(found)}",
            url=_inspection_url(inspection),
            subject=f"archives.holdingsinspection:{inspection.pk}",
        )
    return inspection
