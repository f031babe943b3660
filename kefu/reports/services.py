"""Making report documents: every write of a GeneratedReport and its files, each with its Event.

A document goes queued (asked for by a reader) or straight to running (the schedule, the command),
then ready or failed. The figures are read and the Excel and PDF drawn outside any transaction (a
month's register takes a while, and on SQLite a write transaction holds the whole database), then the
files and the ready state are written in one short transaction: a ready record always has both files,
and a failure leaves a failed record with the reason and no file at all.

Claims, so that a document is made once however many workers run:
- the schedule's claim is the row itself: a unique (kind, period_start) among scheduled center reports,
  inserted in its own transaction; the second worker's insert fails and it moves on;
- a queued request is claimed with a conditional UPDATE (… WHERE state = 'queued'), like the hotline
  worker's alerts: whoever changes the row runs it."""

import logging
import re
from contextlib import nullcontext
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kefu.accounts.models import Unit
from kefu.core.db_routing import reporting_reads
from kefu.core.events import record_event
from kefu.core.periods import Period
from kefu.kpi.rollup import refresh as refresh_kpi
from kefu.reports.documents import KINDS, ReportKind
from kefu.reports.events import ReportEvents
from kefu.reports.models import GeneratedReport, ReportFile
from kefu.reports.permissions import is_unit_staff, require_kind
from kefu.reports.rendering import to_content, to_pdf, to_summary, to_xlsx

log = logging.getLogger(__name__)
State, Trigger = GeneratedReport.State, GeneratedReport.Trigger
ERROR_LENGTH = 2000
# A document still "running" this long after it started was abandoned (the worker stopped mid-way).
STALE_AFTER = timedelta(hours=2)
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def period_of(report: GeneratedReport) -> Period:
    return KINDS[report.kind].period_for(report.period_start)


def _title(kind: ReportKind, period: Period, unit: Unit | None) -> str:
    # Until the builder names it: 2026年11月20日工作量日报（城东供水分公司）.
    return f"{period.label}{kind.label}" + (f"（{unit.name}）" if unit else "")


def _check(kind: ReportKind, period: Period, unit: Unit | None) -> None:
    if kind.period_for(period.start) != period:
        raise ValidationError({"period": f"「{kind.label}」的统计期间应为一整{_PERIOD_WORDS[kind.period]}"})
    if unit is not None and not kind.unit_scoped:
        raise ValidationError({"unit": f"「{kind.label}」不按责任单位分别生成"})


_PERIOD_WORDS = {"day": "天", "week": "周（周一至周日）", "month": "个月"}


def _new(
    kind: ReportKind,
    period: Period,
    *,
    actor,
    trigger: str,
    unit: Unit | None,
    state: str,
    verb: ReportEvents,
) -> GeneratedReport:
    now = timezone.now()
    report = GeneratedReport.objects.create(
        kind=kind.code,
        period_start=period.start,
        period_end=period.last_day,
        unit=unit,
        title=_title(kind, period, unit),
        state=state,
        trigger=trigger,
        generated_by=actor if getattr(actor, "pk", None) else None,
        started_at=now if state == State.RUNNING else None,
    )
    record_event(
        actor=actor,
        target=report,
        verb=verb,
        changes={"kind": [None, kind.code], "period": [None, f"{period.start}—{period.last_day}"]},
    )
    return report


@transaction.atomic
def request_report(*, actor, kind: str, period: Period, unit: Unit | None = None) -> GeneratedReport:
    """A reader asks for a document ("generate now"): it is queued, and made by whoever claims it first
    (the page at once for a small one, else the worker). A unit's staff always get their own unit's copy."""
    report_kind = require_kind(actor, kind)
    if is_unit_staff(actor):
        if unit is not None and unit.pk != actor.unit_id:
            raise PermissionDenied("只能生成本单位的报表")
        unit = actor.unit
    _check(report_kind, period, unit)
    return _new(
        report_kind,
        period,
        actor=actor,
        trigger=Trigger.ON_DEMAND,
        unit=unit,
        state=State.QUEUED,
        verb=ReportEvents.REQUESTED,
    )


def generate(
    kind: str,
    period: Period,
    *,
    actor=None,
    trigger: str = Trigger.ON_DEMAND,
    unit: Unit | None = None,
) -> GeneratedReport | None:
    """Make one document now (the command, the schedule) and return it, ready or failed. On the schedule
    the period is claimed first, and None comes back when it was claimed already."""
    report_kind = KINDS[kind]
    _check(report_kind, period, unit)
    if trigger == Trigger.SCHEDULE:
        if unit is not None:
            raise ValueError("the schedule makes the center's reports only")
        report = claim(report_kind, period)
        if report is None:
            return None
    else:
        with transaction.atomic():
            report = _new(
                report_kind,
                period,
                actor=actor,
                trigger=trigger,
                unit=unit,
                state=State.RUNNING,
                verb=ReportEvents.STARTED,
            )
    return produce(report, actor=actor)


def claim(kind: ReportKind, period: Period) -> GeneratedReport | None:
    """The schedule's claim on a period: the scheduled row, or None when it exists already."""
    try:
        with transaction.atomic():
            return _new(
                kind,
                period,
                actor=None,
                trigger=Trigger.SCHEDULE,
                unit=None,
                state=State.RUNNING,
                verb=ReportEvents.STARTED,
            )
    except IntegrityError:
        return None


def run_queued(report: GeneratedReport, *, actor=None) -> GeneratedReport | None:
    """Claim a queued request and make it; None when someone else claimed it first."""
    with transaction.atomic():
        now = timezone.now()
        claimed = GeneratedReport.objects.filter(pk=report.pk, state=State.QUEUED).update(
            state=State.RUNNING, started_at=now, updated_at=now
        )
        if not claimed:
            return None
        report.refresh_from_db()
        record_event(
            actor=actor,
            target=report,
            verb=ReportEvents.STARTED,
            changes={"state": [State.QUEUED, State.RUNNING]},
        )
    return produce(report, actor=actor)


def produce(report: GeneratedReport, *, actor=None) -> GeneratedReport:
    """Read the figures, draw the files, store them. Any failure, whatever it is, ends as a failed record
    with its reason: a scheduled document must never be left "running" because a builder raised."""
    kind = KINDS[report.kind]
    try:
        made_at = timezone.now()
        # Summaries read the KPI rollups: fold in what changed since the worker's last pass first, so a
        # document asked for right after a correction shows it (cheap when nothing changed).
        refresh_kpi()
        # The figures (and the register, read while the workbook is written) come from the replica
        # when there is one: reports of past periods do not mind its few milliseconds of lag.
        with reporting_reads() if kind.replica_reads else nullcontext():
            document = kind.build(period_of(report), report.unit)
            document.made_at = made_at
            xlsx, pdf = to_xlsx(document), to_pdf(document)
        content, summary = to_content(document), to_summary(document)
    except Exception as error:  # noqa: BLE001 — recorded on the report, and logged with its traceback
        log.exception("report %s (%s) failed", report.pk, report.kind)
        return fail(report, error, actor=actor)
    try:
        return _store(report, document.title, xlsx, pdf, content, summary, actor=actor)
    except Exception as error:  # noqa: BLE001 — the store rolled back: no file was kept
        log.exception("report %s (%s) could not be stored", report.pk, report.kind)
        return fail(report, error, actor=actor)


def filename_stem(title: str) -> str:
    return _UNSAFE.sub("-", title).strip("-") or "报表"


@transaction.atomic
def _store(
    report, title: str, xlsx: bytes, pdf: bytes, content: dict, summary: dict, *, actor
) -> GeneratedReport:
    report = GeneratedReport.objects.select_for_update().get(pk=report.pk)
    if report.state != State.RUNNING:
        return report  # given up on meanwhile (stale): the failed record stands
    stem = filename_stem(title)
    for file_format, data in ((ReportFile.Format.XLSX, xlsx), (ReportFile.Format.PDF, pdf)):
        ReportFile.objects.create(
            report=report, format=file_format, filename=f"{stem}.{file_format}", size=len(data), content=data
        )
    report.title = title[:200]
    report.state = State.READY
    report.generated_at = timezone.now()
    report.summary, report.content, report.error = summary, content, ""
    report.save()
    record_event(
        actor=actor,
        target=report,
        verb=ReportEvents.GENERATED,
        changes={"state": [State.RUNNING, State.READY]},
        note=f"Excel {len(xlsx)} 字节，PDF {len(pdf)} 字节",
    )
    return report


def _message(error) -> str:
    if isinstance(error, str):
        return error
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    return (str(error) or type(error).__name__)[:ERROR_LENGTH]


@transaction.atomic
def fail(report: GeneratedReport, error, *, actor=None) -> GeneratedReport:
    report = GeneratedReport.objects.select_for_update().get(pk=report.pk)
    previous = report.state
    report.state = State.FAILED
    report.error = _message(error)
    report.generated_at = timezone.now()
    report.save()
    record_event(
        actor=actor,
        target=report,
        verb=ReportEvents.FAILED,
        changes={"state": [previous, State.FAILED]},
        note=report.error,
    )
    return report


def fail_stale(now: datetime | None = None) -> int:
    """Documents left running by a worker that stopped: failed, so that the list does not say "正在生成"
    forever. (A scheduled one is not made again by itself: whoever needs it generates it from the page.)"""
    now = now or timezone.now()
    stale = GeneratedReport.objects.filter(state=State.RUNNING, started_at__lt=now - STALE_AFTER)
    count = 0
    for report in stale:
        fail(report, "生成中断：后台任务在生成过程中停止，请重新生成")
        count += 1
    return count


def run_requests(*, limit: int = 5) -> list[GeneratedReport]:
    """The worker: make the oldest queued requests (a few per round, so the loop keeps scanning)."""
    done = []
    for report in GeneratedReport.objects.filter(state=State.QUEUED).order_by("created_at", "id")[:limit]:
        made = run_queued(report)
        if made is not None:
            done.append(made)
    return done
