"""Carry today's counts and claims over to the one counter and the one claim (issue 12).

- hotline.DailySequence(day, last)        -> NumberSequence("hotline.contact", "YYYYMMDD", last)
- collection.PaymentSequence(day, last)   -> NumberSequence("collection.payment", "YYYYMMDD", last)
- processes.NumberCounter(key, year, value) -> NumberSequence("processes.<key>", "YYYY", value)
- processes.ScheduledRun(job, day, ran_at, summary) -> JobClaim(job, "YYYYMMDD", claimed_at, summary)

The events a job recorded on its ScheduledRun are pointed at the JobClaim that replaces it, so the
event log keeps its targets and the old content type can be removed. The reverse moves everything
back (the old tables are recreated empty by reversing the migrations that delete them), so migrating
back and forth loses no count and no claim. Only models from `apps` are used: no app code here.
"""

from datetime import date

from django.db import migrations

# The yearly counters' keys were bare names inside processes; in the shared table they carry their app.
PROCESS_PREFIX = "processes."
DAILY_SERIES = {
    ("hotline", "DailySequence"): "hotline.contact",
    ("collection", "PaymentSequence"): "collection.payment",
}


def _day(period: str) -> date | None:
    if len(period) != 8 or not period.isdigit():
        return None
    return date(int(period[:4]), int(period[4:6]), int(period[6:]))


def _carry(NumberSequence, key: str, period: str, last: int) -> None:
    # max(): whatever the table holds already for the series, it never moves backwards.
    series, created = NumberSequence.objects.get_or_create(key=key, period=period, defaults={"last": last})
    if not created and series.last < last:
        series.last = last
        series.save(update_fields=["last"])


def _content_type(apps, app_label: str, model: str):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.get_or_create(app_label=app_label, model=model)[0]


def _repoint_events(apps, moved: dict[int, int], old: tuple[str, str], new: tuple[str, str]) -> None:
    """Point the events recorded on the old rows at the rows that replace them."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not moved or not ContentType.objects.filter(app_label=old[0], model=old[1]).exists():
        return
    Event = apps.get_model("core", "Event")
    old_type, new_type = _content_type(apps, *old), _content_type(apps, *new)
    for old_id, new_id in moved.items():
        Event.objects.filter(target_type=old_type, target_id=old_id).update(
            target_type=new_type, target_id=new_id
        )


def carry_over(apps, schema_editor):
    NumberSequence = apps.get_model("core", "NumberSequence")
    JobClaim = apps.get_model("core", "JobClaim")
    for (app_label, model), key in DAILY_SERIES.items():
        for day, last in apps.get_model(app_label, model).objects.values_list("day", "last"):
            _carry(NumberSequence, key, f"{day:%Y%m%d}", last)
    counters = apps.get_model("processes", "NumberCounter").objects.values_list("key", "year", "value")
    for key, year, value in counters:
        _carry(NumberSequence, PROCESS_PREFIX + key, f"{year:04d}", value)
    moved = {}
    for run in apps.get_model("processes", "ScheduledRun").objects.all():
        claim, _ = JobClaim.objects.update_or_create(
            job=run.job, period=f"{run.day:%Y%m%d}", defaults={"summary": run.summary}
        )
        # claimed_at is auto_now_add: the run's own time is set once the row exists.
        JobClaim.objects.filter(pk=claim.pk).update(claimed_at=run.ran_at)
        moved[run.pk] = claim.pk
    _repoint_events(apps, moved, ("processes", "scheduledrun"), ("core", "jobclaim"))


def carry_back(apps, schema_editor):
    """Move the series and daily claims back to the old tables (recreated empty by then), so that the
    old code finds every count and claim, and the shared tables hold only what the old code never knew."""
    NumberSequence = apps.get_model("core", "NumberSequence")
    for (app_label, model), key in DAILY_SERIES.items():
        Sequence = apps.get_model(app_label, model)
        for series in NumberSequence.objects.filter(key=key):
            if (day := _day(series.period)) is not None:
                Sequence.objects.update_or_create(day=day, defaults={"last": series.last})
                series.delete()
    NumberCounter = apps.get_model("processes", "NumberCounter")
    for series in NumberSequence.objects.filter(key__startswith=PROCESS_PREFIX):
        key = series.key.removeprefix(PROCESS_PREFIX)
        if len(series.period) == 4 and series.period.isdigit() and len(key) <= 40:
            NumberCounter.objects.update_or_create(
                key=key, year=int(series.period), defaults={"value": series.last}
            )
            series.delete()
    ScheduledRun = apps.get_model("processes", "ScheduledRun")
    moved = {}
    # ScheduledRun held daily jobs with names of at most 40 characters; other claims stay where they are.
    for claim in apps.get_model("core", "JobClaim").objects.all():
        if (day := _day(claim.period)) is None or len(claim.job) > 40:
            continue
        run, _ = ScheduledRun.objects.update_or_create(
            job=claim.job, day=day, defaults={"summary": claim.summary}
        )
        ScheduledRun.objects.filter(pk=run.pk).update(ran_at=claim.claimed_at)
        moved[claim.pk] = run.pk
    _repoint_events(apps, moved, ("core", "jobclaim"), ("processes", "scheduledrun"))
    apps.get_model("core", "JobClaim").objects.filter(pk__in=moved).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_number_sequence_and_job_claim"),
        ("collection", "0001_initial"),
        ("hotline", "0009_contact_idempotency"),
        ("processes", "0010_dashboard_indexes"),
    ]

    operations = [migrations.RunPython(carry_over, carry_back, elidable=False)]
