"""Shift swaps (换班, S3): asking, approving and withdrawing, by 002 客服部换班制度.

Who approves is fixed when the swap is asked (rule workforce.swap_approver): both parties' team
leaders (换班制度二) or the department head (供水手册第五章). The roster changes in the transaction of
the last approval: the shift given away is marked 已换出 and the colleague gets an entry of their own
(source 换班), and the same for the shift taken, if any. A shift the colleague then leaves empty is
旷工 for both parties (换班制度五): the attendance job finds it through `selectors_swaps.swap_parties`.

Decisions the seeds leave open (docs/WORKFORCE.md):
- "同工种和技术业务水平相当" (制度四) is read as the same role: an agent swaps with an agent, a team leader
  with a team leader; the system knows no finer grade of skill, so "comparable level" is not checked
  beyond the role.
- "不允许连续换班" (制度三): a person may not have two live swaps (asked or approved) whose shifts fall on
  the same day or on adjacent days; a return swap (还班) is a swap too and is held to it.
- "每人每月换班不得超过2次" (制度三): the swaps asked or approved in which a person is either party,
  counted in the calendar month of the shift given away; whether a return swap counts is the rule
  workforce.return_swap_counts (default: it does not, it settles the first swap).
- A party whose side has no team leader (no team, or the party is the team leader) is signed for by
  the department head; one signer approves once even if both parties are in one team.
"""

from datetime import date, datetime, timedelta

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from kefu.accounts.models import Role, User
from kefu.core.alerts import send_alert
from kefu.core.calendar import WorkingCalendar
from kefu.core.numbering import next_number, year_period
from kefu.core.policies import policy
from kefu.workforce.events import SwapEvents, entry_swapped_event, swap_event
from kefu.workforce.models import RosterEntry, ShiftSwap
from kefu.workforce.roster_rules import Block, person_breaches_in_db
from kefu.workforce.selectors import team_leaders_of
from kefu.workforce.selectors_swaps import span_text

ALERT_KINDS = {
    "workforce.swap_asked": "换班待批准",
    "workforce.swap_decided": "换班审批结果",
}
LIVE = (ShiftSwap.Status.REQUESTED, ShiftSwap.Status.APPROVED)
SEPARATOR = "；"

# Each refusal names its clause of 002 客服部换班制度.
CLAUSE_ASK_IN_PERSON = "换班制度一：员工因本人需要亲自处理事情方可换班"
CLAUSE_APPROVAL = "换班制度二：换班必须经双方班长同意"
CLAUSE_LIMITS = "换班制度三"
CLAUSE_NO_BACK_TO_BACK = "换班制度三：换班者、还班者不允许连班"
CLAUSE_SAME_JOB = "换班制度四"
CLAUSE_NO_LEAVE = "换班制度六：换班和还班均不得请假"
CLAUSE_RULES = "换班制度八：换班还班必须遵守客服中心各项制度"
CLAUSE_HOLIDAY = "换班制度九"


def entry_label(entry: RosterEntry) -> str:
    """“11-25夜班（00:00–08:00）”: how a shift is named in messages, as the roster checker does."""
    return f"{entry.day:%Y-%m-%d}{entry.shift.name}（{span_text(entry)}）"


def swap_url(swap: ShiftSwap) -> str:
    return reverse("workforce:swap_detail", args=[swap.pk])


def _subject(swap: ShiftSwap) -> str:
    return f"workforce.shiftswap:{swap.pk}"


# --- who approves ---------------------------------------------------------------------------------------


def team_leader_of(person: User) -> User | None:
    """The person's team leader: the active team leader of their team (the first by id when a team has
    two). None for a team leader themselves and for someone without a team."""
    if not person.team_id or person.role == Role.TEAM_LEADER:
        return None
    return team_leaders_of(person).order_by("pk").first()


def department_head_of(person: User, *, exclude: tuple[int, ...] = ()) -> User | None:
    """The head of the person's department, or the first active department head when that department
    has none of its own."""
    heads = (
        User.objects.filter(role=Role.DEPARTMENT_HEAD, is_active=True).exclude(pk__in=exclude).order_by("pk")
    )
    own = heads.filter(department_id=person.department_id).first() if person.department_id else None
    return own or heads.first()


def approvers_for(requester: User, colleague: User) -> list[int]:
    """The user ids who must approve, one signer per side, each once (rule workforce.swap_approver)."""
    by_leaders = policy("workforce.swap_approver") == "team_leaders"
    parties = (requester.pk, colleague.pk)
    signers: list[int] = []
    for party in (requester, colleague):
        signer = team_leader_of(party) if by_leaders else None
        if signer is None or signer.pk in parties:
            signer = department_head_of(party, exclude=parties)
        if signer is None:
            message = f"找不到可批准{party}换班的班长或客服部主任，请联系管理员（{CLAUSE_APPROVAL}）"
            raise ValidationError({NON_FIELD_ERRORS: message}, code="swap_no_approver")
        if signer.pk not in signers:
            signers.append(signer.pk)
    return signers


# --- the checks -------------------------------------------------------------------------------------------


def _entry_problem(entry: RosterEntry, now: datetime, what: str) -> str | None:
    if entry.status == RosterEntry.Status.LEAVE:
        return f"{what}{entry_label(entry)}已请假，不能换班（{CLAUSE_NO_LEAVE}）"
    if entry.status != RosterEntry.Status.SCHEDULED:
        return f"{what}{entry_label(entry)}当前为“{entry.get_status_display()}”，只有在班的班次可以换"
    if entry.starts_at <= now:
        return f"{what}{entry_label(entry)}已开始或已过去，只能换以后的班"
    return None


def _holiday_problem(entry: RosterEntry, calendar: WorkingCalendar, what: str) -> str | None:
    info = calendar.day(entry.day)
    if info.holiday:
        return f"{what}{entry_label(entry)}是{info.reason}，节假日当班人员不允许换班（{CLAUSE_HOLIDAY}）"
    return None


def _month_bounds(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following


def live_swaps_of(person_id: int, *, exclude: int | None = None):
    rows = ShiftSwap.objects.filter(Q(requester_id=person_id) | Q(colleague_id=person_id), status__in=LIVE)
    if exclude:
        rows = rows.exclude(pk=exclude)
    return rows


def monthly_count(person_id: int, day: date, *, exclude: int | None = None) -> int:
    """The swaps asked or approved this calendar month (of the shift given away) in which the person
    is either party; return swaps only when the rule workforce.return_swap_counts says so."""
    first, following = _month_bounds(day)
    rows = live_swaps_of(person_id, exclude=exclude).filter(
        given_entry__day__gte=first, given_entry__day__lt=following
    )
    if not policy("workforce.return_swap_counts"):
        rows = rows.filter(returns__isnull=True)
    return rows.count()


def _swap_days(swap: ShiftSwap) -> list[date]:
    days = [swap.given_entry.day]
    if swap.taken_entry_id:
        days.append(swap.taken_entry.day)
    return days


def _consecutive_problem(person: User, days: list[date], *, exclude: int | None) -> str | None:
    """不允许连续换班: another live swap of this person with a shift on the same or an adjacent day."""
    others = live_swaps_of(person.pk, exclude=exclude).select_related(
        "given_entry__shift", "taken_entry__shift"
    )
    for other in others:
        for theirs in _swap_days(other):
            if any(abs((theirs - day).days) <= 1 for day in days):
                return (
                    f"{person}已有换班{other.number}（{theirs:%Y-%m-%d}的班），与本次换班的日期相连，"
                    f"不允许连续换班（{CLAUSE_LIMITS}）"
                )
    return None


def _new_block(entry: RosterEntry, person: User) -> Block:
    return Block(
        person.pk,
        entry.starts_at,
        entry.ends_at,
        f"{timezone.localtime(entry.starts_at):%m-%d}{entry.shift.name}",
    )


def _clause_for(code: str) -> str:
    if code == "back_to_back":
        return CLAUSE_NO_BACK_TO_BACK
    if code == "leave":
        return CLAUSE_NO_LEAVE
    return CLAUSE_RULES


def roster_problems(
    *, requester: User, colleague: User, given_entry: RosterEntry, taken_entry: RosterEntry | None
) -> dict[str, list[str]]:
    """What either party's roster would break after the swap (连班, overlap, more than the continuous
    hours, too little rest, approved leave), by the one roster checker; keyed by the form field."""
    problems: dict[str, list[str]] = {}
    sides = [
        (
            "colleague",
            colleague,
            [_new_block(given_entry, colleague)],
            [taken_entry.pk] if taken_entry else [],
        ),
        (
            "taken_entry",
            requester,
            [_new_block(taken_entry, requester)] if taken_entry else [],
            [given_entry.pk],
        ),
    ]
    for field, person, adding, removing in sides:
        for breach in person_breaches_in_db(person.pk, adding, removing=removing):
            problems.setdefault(field, []).append(
                f"换班后{person}：{breach.message}（{_clause_for(breach.code)}）"
            )
    return problems


def _raise(problems: dict[str, list[str]], code: str) -> None:
    if problems:
        raise ValidationError(
            {field: [SEPARATOR.join(messages)] for field, messages in problems.items()}, code=code
        )


def _lock_people(*people: User) -> None:
    # Two swaps (or a swap and a grid edit) for one person at once would each pass the checks alone:
    # they queue on the people's rows, in id order so that two transactions cannot deadlock.
    for pk in sorted({person.pk for person in people}):
        User.objects.select_for_update().filter(pk=pk).first()


def _open_swap_on(entries: list[RosterEntry], *, exclude: int | None = None) -> ShiftSwap | None:
    ids = [entry.pk for entry in entries]
    rows = ShiftSwap.objects.filter(
        Q(given_entry_id__in=ids) | Q(taken_entry_id__in=ids), status=ShiftSwap.Status.REQUESTED
    )
    if exclude:
        rows = rows.exclude(pk=exclude)
    return rows.first()


def check_swap(
    *,
    requester: User,
    colleague: User,
    given_entry: RosterEntry,
    taken_entry: RosterEntry | None,
    returns: ShiftSwap | None,
    now: datetime,
    swap: ShiftSwap | None = None,
) -> None:
    """Every rule of 换班制度 for a swap being asked (swap None) or approved (swap given: its own row is
    left out of the counts). Raises one ValidationError with every reason, keyed by field."""
    exclude = swap.pk if swap else None
    problems: dict[str, list[str]] = {}

    def refuse(field: str, message: str | None) -> None:
        if message:
            problems.setdefault(field, []).append(message)

    refuse("given_entry", _entry_problem(given_entry, now, "换出的班"))
    if taken_entry is not None:
        if taken_entry.person_id != colleague.pk:
            refuse("taken_entry", f"换入的班{entry_label(taken_entry)}不是{colleague}的班")
        refuse("taken_entry", _entry_problem(taken_entry, now, "换入的班"))
    if not colleague.is_active:
        refuse("colleague", f"{colleague}的账号已停用，不能换班")
    if requester.role != colleague.role:
        refuse(
            "colleague",
            f"{requester}是{requester.role_label}，{colleague}是{colleague.role_label}："
            f"换班必须坚持同工种和技术业务水平相当的原则（{CLAUSE_SAME_JOB}）",
        )
    calendar = WorkingCalendar()
    refuse("given_entry", _holiday_problem(given_entry, calendar, "换出的班"))
    if taken_entry is not None:
        refuse("taken_entry", _holiday_problem(taken_entry, calendar, "换入的班"))
    entries = [given_entry] + ([taken_entry] if taken_entry is not None else [])
    if (open_swap := _open_swap_on(entries, exclude=exclude)) is not None:
        refuse("given_entry", f"所选的班已在换班{open_swap.number}中待批准，不能重复换班")
    if returns is not None:
        if returns.status != ShiftSwap.Status.APPROVED:
            refuse("returns", f"所还的换班{returns.number}尚未批准，不能还班")
        elif returns.taken_entry_id:
            refuse("returns", f"换班{returns.number}是双方互换班次，无需还班")
        elif {returns.requester_id, returns.colleague_id} != {requester.pk, colleague.pk}:
            refuse("returns", f"换班{returns.number}不是{requester}与{colleague}之间的换班，不能作为还班")
        elif (
            other := returns.returned_by.filter(status__in=LIVE).exclude(pk=exclude or 0).first()
        ) is not None:
            refuse("returns", f"换班{returns.number}已有还班{other.number}")
    if problems:
        _raise(problems, "swap_refused")

    # 每人每月换班不得超过N次, for each party
    limit = policy("workforce.swaps_per_month")
    if returns is None or policy("workforce.return_swap_counts"):
        for field, person in ((NON_FIELD_ERRORS, requester), ("colleague", colleague)):
            count = monthly_count(person.pk, given_entry.day, exclude=exclude)
            if count >= limit:
                refuse(
                    field,
                    f"{person}{given_entry.day:%Y年%m月}已换班{count}次，"
                    f"每人每月换班不得超过{limit}次（{CLAUSE_LIMITS}）",
                )
    days = [entry.day for entry in entries]
    refuse(NON_FIELD_ERRORS, _consecutive_problem(requester, days, exclude=exclude))
    refuse("colleague", _consecutive_problem(colleague, days, exclude=exclude))
    _raise(problems, "swap_refused")
    _raise(
        roster_problems(
            requester=requester, colleague=colleague, given_entry=given_entry, taken_entry=taken_entry
        ),
        "swap_roster_breach",
    )


# --- the services ---------------------------------------------------------------------------------------


@transaction.atomic
def ask_swap(
    *,
    actor: User,
    given_entry: RosterEntry,
    colleague: User,
    taken_entry: RosterEntry | None = None,
    returns: ShiftSwap | None = None,
    reason: str,
    handover_note: str = "",
    now: datetime | None = None,
) -> ShiftSwap:
    """The person on `given_entry` asks to give it to `colleague` (and take the colleague's
    `taken_entry`, or nothing: the colleague covers and is paid back later by a return swap). Every
    rule of 换班制度 is checked; the approvers are fixed now and told."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    handover_note = (handover_note or "").strip()
    if given_entry.person_id != actor.pk:
        whose = f"{entry_label(given_entry)}是{given_entry.person}的班"
        message = f"只能换出本人的班，{whose}（{CLAUSE_ASK_IN_PERSON}）"
        raise ValidationError({"given_entry": message}, code="swap_not_own_shift")
    if colleague.pk == actor.pk:
        raise ValidationError({"colleague": "不能与本人换班"}, code="swap_with_oneself")
    if not reason:
        raise ValidationError({"reason": f"请填写换班事由（{CLAUSE_ASK_IN_PERSON}）"}, code="swap_reason")
    _lock_people(actor, colleague)
    given_entry = RosterEntry.objects.select_related("shift", "person").get(pk=given_entry.pk)
    if taken_entry is not None:
        taken_entry = RosterEntry.objects.select_related("shift", "person").get(pk=taken_entry.pk)
    check_swap(
        requester=actor,
        colleague=colleague,
        given_entry=given_entry,
        taken_entry=taken_entry,
        returns=returns,
        now=now,
    )
    approvers = approvers_for(actor, colleague)
    year = year_period(timezone.localtime(now).date())
    number = f"HB{year}-{next_number('workforce.swap', year):04d}"
    swap = ShiftSwap.objects.create(
        number=number,
        requester=actor,
        colleague=colleague,
        given_entry=given_entry,
        taken_entry=taken_entry,
        returns=returns,
        reason=reason[:200],
        handover_note=handover_note[:200],
        approvers=approvers,
        approved_by=[],
    )
    swap_event(
        actor=actor,
        swap=swap,
        verb=SwapEvents.REQUESTED,
        changes={
            "colleague": str(colleague),
            "given_entry": entry_label(given_entry),
            "taken_entry": entry_label(taken_entry) if taken_entry else "（对方替班，日后还班）",
            "returns": returns.number if returns else "",
            "approvers": "、".join(
                str(user) for user in User.objects.filter(pk__in=approvers).order_by("pk")
            ),
            "reason": reason,
        },
    )
    what = f"{actor}申请与{colleague}换班：{entry_label(given_entry)}"
    if taken_entry is not None:
        what += f" ⇄ {entry_label(taken_entry)}"
    send_alert(
        recipients=User.objects.filter(pk__in=approvers),
        kind="workforce.swap_asked",
        message=f"换班{number}待您批准。{what}",
        url=swap_url(swap),
        subject=_subject(swap),
    )
    send_alert(
        recipients=[colleague],
        kind="workforce.swap_asked",
        message=f"{what}（换班{number}），待班长批准；请与对方交待清楚",
        url=swap_url(swap),
        subject=_subject(swap),
    )
    return swap


def pending_approvers(swap: ShiftSwap) -> list[int]:
    return [pk for pk in swap.approvers if pk not in swap.approved_by]


def _lock(swap: ShiftSwap) -> ShiftSwap:
    return (
        ShiftSwap.objects.select_for_update(of=("self",))
        .select_related("requester", "colleague", "given_entry__shift", "taken_entry__shift", "returns")
        .get(pk=swap.pk)
    )


def _take_over(*, actor: User, swap: ShiftSwap, entry: RosterEntry, person: User) -> RosterEntry:
    """`entry` is given away by the swap and `person` gets the same shift as an entry of their own."""
    entry.status = RosterEntry.Status.SWAPPED_OUT
    entry.swap = swap
    entry.save(update_fields=["status", "swap", "updated_at"])
    entry_swapped_event(actor=actor, entry=entry, swap=swap, out=True)
    new = RosterEntry.objects.create(
        person=person,
        day=entry.day,
        shift=entry.shift,
        starts_at=entry.starts_at,
        ends_at=entry.ends_at,
        status=RosterEntry.Status.SCHEDULED,
        source=RosterEntry.Source.SWAP,
        swap=swap,
        note=f"换班{swap.number}：替{entry.person}"[:200],
    )
    entry_swapped_event(actor=actor, entry=new, swap=swap, out=False)
    return new


@transaction.atomic
def decide_swap(
    *, actor: User, swap: ShiftSwap, approve: bool, note: str = "", now: datetime | None = None
) -> ShiftSwap:
    """One approver's decision. Refusing ends the swap; the last approval applies it to the roster, after
    the rules are checked again (the rosters may have changed since it was asked)."""
    now = now or timezone.now()
    note = (note or "").strip()[:200]
    swap = _lock(swap)
    if swap.status != ShiftSwap.Status.REQUESTED:
        raise ValidationError(
            {"status": f"换班{swap.number}已{swap.get_status_display()}，不能再审批"}, code="swap_decided"
        )
    if actor.pk not in swap.approvers:
        raise PermissionDenied(f"您不是换班{swap.number}的批准人（{CLAUSE_APPROVAL}）")
    if actor.pk in swap.approved_by:
        raise ValidationError({"status": f"您已批准换班{swap.number}，正等待其他批准人"}, code="swap_signed")
    if not approve:
        swap.status = ShiftSwap.Status.REFUSED
        swap.decided_at = now
        swap.save(update_fields=["status", "decided_at", "updated_at"])
        swap_event(actor=actor, swap=swap, verb=SwapEvents.REFUSED, changes={"status": "未批准"}, note=note)
        _tell_parties(swap, f"换班{swap.number}未获{actor}批准" + (f"：{note}" if note else ""))
        return swap
    _lock_people(swap.requester, swap.colleague)
    given_entry = RosterEntry.objects.select_related("shift", "person").get(pk=swap.given_entry_id)
    taken_entry = (
        RosterEntry.objects.select_related("shift", "person").get(pk=swap.taken_entry_id)
        if swap.taken_entry_id
        else None
    )
    check_swap(
        requester=swap.requester,
        colleague=swap.colleague,
        given_entry=given_entry,
        taken_entry=taken_entry,
        returns=swap.returns,
        now=now,
        swap=swap,
    )
    swap.approved_by = [*swap.approved_by, actor.pk]
    if pending_approvers(swap):
        swap.save(update_fields=["approved_by", "updated_at"])
        swap_event(
            actor=actor, swap=swap, verb=SwapEvents.SIGNED, changes={"approved_by": str(actor)}, note=note
        )
        return swap
    swap.status = ShiftSwap.Status.APPROVED
    swap.decided_at = now
    swap.save(update_fields=["approved_by", "status", "decided_at", "updated_at"])
    swap_event(
        actor=actor,
        swap=swap,
        verb=SwapEvents.APPROVED,
        changes={"approved_by": str(actor), "status": "已批准"},
        note=note,
    )
    _take_over(actor=actor, swap=swap, entry=given_entry, person=swap.colleague)
    if taken_entry is not None:
        _take_over(actor=actor, swap=swap, entry=taken_entry, person=swap.requester)
    _tell_parties(
        swap,
        f"换班{swap.number}已批准，排班已调整：{swap.colleague}上{entry_label(given_entry)}"
        + (f"，{swap.requester}上{entry_label(taken_entry)}" if taken_entry else ""),
    )
    return swap


def _tell_parties(swap: ShiftSwap, message: str) -> None:
    send_alert(
        recipients=[swap.requester, swap.colleague],
        kind="workforce.swap_decided",
        message=message,
        url=swap_url(swap),
        subject=_subject(swap),
    )


@transaction.atomic
def withdraw_swap(*, actor: User, swap: ShiftSwap, note: str = "", now: datetime | None = None) -> ShiftSwap:
    """The requester takes back a swap not yet decided."""
    swap = _lock(swap)
    if swap.requester_id != actor.pk:
        raise PermissionDenied("只有换班申请人本人可以撤回")
    if swap.status != ShiftSwap.Status.REQUESTED:
        raise ValidationError(
            {"status": f"换班{swap.number}已{swap.get_status_display()}，不能撤回"}, code="swap_decided"
        )
    swap.status = ShiftSwap.Status.WITHDRAWN
    swap.decided_at = now or timezone.now()
    swap.save(update_fields=["status", "decided_at", "updated_at"])
    swap_event(
        actor=actor,
        swap=swap,
        verb=SwapEvents.WITHDRAWN,
        changes={"status": "已撤回"},
        note=(note or "").strip(),
    )
    return swap
