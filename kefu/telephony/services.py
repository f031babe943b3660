"""Every write from the PBX: one event in, the call brought up to date, in one transaction (H10).

The PBX may resend an event (it retries on a timeout) and may deliver a call's events out of order
(a hangup before its answer). Each event is kept once, by (call_id, event type); the call is rebuilt
from whatever events it has, so the order they arrive in does not matter.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from kefu.accounts.models import User
from kefu.core.events import diff
from kefu.core.params import check_moment
from kefu.core.policies import get_policy
from kefu.core.validators import normalise_phone
from kefu.customers.models import ArchiveAccess, ContactPerson, Customer
from kefu.customers.services import record_archive_access
from kefu.customers.validation import Errors
from kefu.telephony.events import call_event_recorded_event
from kefu.telephony.models import Call, CallEvent, EventType

# The PBX sends local time; a timestamp without an offset is read as Beijing time whatever the
# server's own TIME_ZONE, because that is what the exchange's clock shows.
PBX_TIME_ZONE = ZoneInfo("Asia/Shanghai")
# A PBX clock a little ahead of ours is tolerated; one far ahead would put calls in the future.
FUTURE_TOLERANCE = timedelta(minutes=5)
# What exchanges send when the caller withheld the number: still a call, only without a number.
WITHHELD = {"", "anonymous", "unknown", "private", "restricted", "unavailable", "withheld"}


@dataclass(frozen=True)
class Recorded:
    call: Call
    event: CallEvent
    duplicate: bool


ANSWER_LIMIT_RULE = "telephony.answer_within_seconds"


def answer_limit_seconds() -> float:
    """铃响三声内接听 (H10): the policy, read at call time so that an administrator's change applies."""
    return float(get_policy(ANSWER_LIMIT_RULE))


def parse_timestamp(value: str | datetime) -> datetime:
    """ISO 8601 with or without an offset (2026-09-30T10:00:05+08:00, …Z, 2026-09-30 10:00:05)."""
    if isinstance(value, datetime):
        moment = value
    else:
        text = (value or "").strip()
        try:
            # A bare date would parse as midnight: not a moment a phone rang.
            if len(text) <= 10:
                raise ValueError(text)
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValidationError(
                "时间格式应为 ISO 8601，例如 2026-09-30T10:00:05+08:00（不带时区按北京时间）",
                code="timestamp_format",
            ) from None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=PBX_TIME_ZONE)
    check_moment(moment)
    if moment > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError("时间晚于服务器当前时间，请检查交换机时钟", code="timestamp_future")
    return moment


def normalise_caller(value: str) -> str:
    """The caller's number as digits, normalised as the archive stores phones so that it can be matched.

    A withheld number gives "". Digits the phone rules refuse (a local landline sent without its
    area code, a short service number like 95598) are kept as sent: the call still counts for the
    ring-time statistics, it only matches no customer. Anything else (letters) is refused.
    """
    raw = (value or "").strip()
    if raw.lower() in WITHHELD:
        return ""
    try:
        return normalise_phone(raw)
    except ValidationError:
        digits = re.sub(r"\D", "", raw)
        if re.fullmatch(r"[\d\s\-+()（）]+", raw) and 3 <= len(digits) <= 20:
            return digits
        raise


def find_agent(code: str) -> User | None:
    """The active member of staff the PBX means: by 工号 (employee_no) or by username.

    Where one person's username is another's 工号, the 工号 wins: it is what exchanges are configured with.
    """
    code = (code or "").strip()
    if not code:
        return None
    matches = list(User.objects.filter(Q(employee_no=code) | Q(username=code), is_active=True)[:2])
    for user in matches:
        if user.employee_no == code:
            return user
    return matches[0] if matches else None


def match_customer_id(number: str) -> int | None:
    """The one customer this number belongs to: by the customer's own phone first, then by a contact
    person's. Two or more candidates at the same step match none: the agent chooses on the screen pop."""
    if not number:
        return None
    own = list(Customer.objects.filter(phone=number).values_list("pk", flat=True)[:2])
    if len(own) == 1:
        return own[0]
    if own:
        return None
    via_person = list(
        ContactPerson.objects.filter(phone=number).values_list("customer_id", flat=True).distinct()[:2]
    )
    return via_person[0] if len(via_person) == 1 else None


def _clean(
    *, call_id: str, event: str, agent_code: str, caller: str, timestamp: str | datetime
) -> tuple[str, str, User, str, datetime]:
    errors = Errors()
    call_id = (call_id or "").strip()
    if not call_id:
        errors.add("call_id", "通话标识不能为空")
    elif len(call_id) > 64:
        errors.add("call_id", "通话标识不能超过64个字符")
    if event not in EventType.values:
        errors.add("event", "事件只能是 ring（振铃）、answer（接听）或 hangup（挂机）")
    agent = find_agent(agent_code)
    if agent is None:
        errors.add("agent", f"找不到工号或用户名为“{(agent_code or '').strip()}”的在职员工")
    caller_number = errors.capture("caller", normalise_caller, caller)
    occurred_at = errors.capture("timestamp", parse_timestamp, timestamp)
    errors.raise_if_any()
    return call_id, event, agent, caller_number, occurred_at


def _lock_call(call_id: str, started_at: datetime) -> Call:
    """The call's row, locked until commit, so that two events of one call are applied one after the other."""
    call = Call.objects.select_for_update().filter(call_id=call_id).first()
    if call is not None:
        return call
    try:
        with transaction.atomic():
            return Call.objects.create(call_id=call_id, started_at=started_at)
    except IntegrityError:
        # Another request created it a moment ago: wait for its transaction, then take the lock.
        return Call.objects.select_for_update().get(call_id=call_id)


def _judge(values: dict[str, Any], limit: float) -> None:
    """Ring seconds and the three-rings verdict from whatever times the call has now."""
    ring_at, answer_at, hangup_at = values["ring_at"], values["answer_at"], values["hangup_at"]
    values["ring_seconds"] = None
    values["answered_in_time"] = None
    if ring_at and answer_at:
        # max(): two clocks (PBX and agent's phone) can put the answer a hair before the ring.
        values["ring_seconds"] = max((answer_at - ring_at).total_seconds(), 0.0)
        values["answered_in_time"] = values["ring_seconds"] <= limit
    elif ring_at and hangup_at:
        # Rang past the limit and nobody answered: a miss. A caller who gave up sooner is not judged.
        # (If the answer is merely late in arriving, the next event judges the call again.)
        if (hangup_at - ring_at).total_seconds() > limit:
            values["answered_in_time"] = False


@transaction.atomic
def record_call_event(
    *,
    actor,
    call_id: str,
    event: str,
    agent_code: str,
    caller: str,
    timestamp: str | datetime,
    raw: dict[str, Any] | None = None,
) -> Recorded:
    """Record one PBX event and bring its call up to date. A resent event changes nothing and comes
    back with `duplicate=True`. Raises ValidationError (by field, in Chinese) on bad input."""
    call_id, event, agent, caller_number, occurred_at = _clean(
        call_id=call_id, event=event, agent_code=agent_code, caller=caller, timestamp=timestamp
    )
    call = _lock_call(call_id, occurred_at)

    existing = CallEvent.objects.filter(call=call, event_type=event).first()
    if existing is not None:
        return Recorded(call=call, event=existing, duplicate=True)
    try:
        with transaction.atomic():
            call_event = CallEvent.objects.create(
                call=call,
                event_type=event,
                agent=agent,
                agent_code=agent_code.strip(),
                caller_number=caller_number,
                occurred_at=occurred_at,
                raw=raw or {},
            )
    except IntegrityError:
        # Only reachable where the lock above is not taken (SQLite): the constraint still holds.
        return Recorded(call=call, event=CallEvent.objects.get(call=call, event_type=event), duplicate=True)

    values: dict[str, Any] = {
        "ring_at": occurred_at if event == EventType.RING else call.ring_at,
        "answer_at": occurred_at if event == EventType.ANSWER else call.answer_at,
        "hangup_at": occurred_at if event == EventType.HANGUP else call.hangup_at,
        "started_at": min(call.started_at, occurred_at),
        # Whoever answered owns the call (a queue may ring one agent and be answered by another);
        # until then, the agent it rang.
        "agent": agent if event == EventType.ANSWER or call.agent_id is None else call.agent,
    }
    if caller_number and not call.caller_number:
        values["caller_number"] = caller_number
        values["customer_id"] = match_customer_id(caller_number)
    _judge(values, answer_limit_seconds())

    changes = diff(call, values)
    for field, value in values.items():
        setattr(call, field, value)
    call.save()
    call_event_recorded_event(actor=actor, call=call, pbx_event=event, changes=changes)
    return Recorded(call=call, event=call_event, duplicate=False)


# --- The screen pop as a read of the archive (A3; issue 11 review, item 3) ----------------------------
#
# The pop finds the caller's archive by the complete number and shows it (name, address, the number as
# the user may see it, recent contacts and open orders): a read of the archive, as a search by the
# complete number is, whatever the mask (so it is logged for agents who see numbers masked as well).
# It is logged once per call, the first time the pop shows customers for it, not on every two-second
# poll, which would write thirty identical rows a minute per agent and bury the reads that matter. A
# later poll finds that row by its path, which names the call, among the user's own rows of the last
# hour (the access_user index): one indexed probe a poll, and only while a known caller is on the line.
# Two polls racing may both write; a duplicate row is harmless, a missing one is not.
# At least as long as a call shows (the rule telephony.pop_ringing_minutes is at most 60).
POP_READ_LOOKBACK = timedelta(hours=1)


def record_screen_pop_read(
    *, user: User, call: Call, customers: list[Customer], channel: str, request
) -> None:
    """Log the pop's first showing of customers for this call as one read of their archives."""
    if not customers:
        return
    marker = f"?call_id={call.call_id}"
    since = timezone.now() - POP_READ_LOOKBACK
    if ArchiveAccess.objects.filter(user=user, accessed_at__gte=since, path__endswith=marker).exists():
        return
    record_archive_access(
        user=user, customers=customers, channel=channel, request=request, path=f"{request.path}{marker}"
    )
