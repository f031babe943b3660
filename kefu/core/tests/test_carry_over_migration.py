"""core 0003: the counts of the three old counters and the daily jobs' ScheduledRun rows move to
NumberSequence and JobClaim, and back again when the migration is reversed."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("core", "0002_number_sequence_and_job_claim"),
    ("hotline", "0009_contact_idempotency"),
    ("collection", "0001_initial"),
    ("processes", "0010_dashboard_indexes"),
]
SH = ZoneInfo("Asia/Shanghai")
RAN_AT = datetime(2026, 11, 23, 17, 5, tzinfo=SH)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor.loader.project_state(targets or executor.loader.graph.leaf_nodes()).apps


def old_rows(apps):
    """What the old tables hold, in a comparable form."""
    columns = {
        ("hotline", "DailySequence"): ["day", "last"],
        ("collection", "PaymentSequence"): ["day", "last"],
        ("processes", "NumberCounter"): ["key", "year", "value"],
        ("processes", "ScheduledRun"): ["job", "day", "ran_at", "summary"],
    }
    return {
        model: [tuple(row) for row in apps.get_model(app, model).objects.order_by("pk").values_list(*names)]
        for (app, model), names in columns.items()
    }


@pytest.mark.django_db(transaction=True)
def test_the_counts_and_daily_runs_carry_over_and_back():
    # given the tables before the one counter, with a day of contacts and payments, two yearly
    # counters, and a stored daily report with the event its job recorded
    old = migrate(BEFORE)
    old.get_model("hotline", "DailySequence").objects.create(day=date(2026, 11, 23), last=41)
    old.get_model("collection", "PaymentSequence").objects.create(day=date(2026, 11, 23), last=7)
    NumberCounter = old.get_model("processes", "NumberCounter")
    NumberCounter.objects.create(key="connection_point", year=2026, value=17)
    NumberCounter.objects.create(key="supply_contract", year=2026, value=5)
    run = old.get_model("processes", "ScheduledRun").objects.create(
        job="daily_application_report", day=date(2026, 11, 23), summary={"started": {"用水报装": 2}}
    )
    old.get_model("processes", "ScheduledRun").objects.filter(pk=run.pk).update(ran_at=RAN_AT)
    run_type = old.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="processes", model="scheduledrun"
    )[0]
    old.get_model("core", "Event").objects.create(
        verb="daily_report_made", target_type=run_type, target_id=run.pk, target_repr=str(run.day)
    )
    before = old_rows(old)

    # when the migrations run
    new = migrate(None)

    # then every series goes on from its count, under its app's key
    series = set(new.get_model("core", "NumberSequence").objects.values_list("key", "period", "last"))
    assert series == {
        ("hotline.contact", "20261123", 41),
        ("collection.payment", "20261123", 7),
        ("processes.connection_point", "2026", 17),
        ("processes.supply_contract", "2026", 5),
    }
    # and the stored report is the day's claim, with its time and figures, and its event follows it
    claim = new.get_model("core", "JobClaim").objects.get()
    assert (claim.job, claim.period, claim.claimed_at, claim.summary) == (
        "daily_application_report",
        "20261123",
        RAN_AT,
        {"started": {"用水报装": 2}},
    )
    event = new.get_model("core", "Event").objects.get()
    assert (event.target_type.app_label, event.target_type.model, event.target_id) == (
        "core",
        "jobclaim",
        claim.pk,
    )

    # when the migrations are reversed, the old tables hold the same rows again
    back = migrate(BEFORE)
    assert old_rows(back) == before
    assert not back.get_model("core", "NumberSequence").objects.exists()
    assert back.get_model("core", "Event").objects.get().target_type_id == run_type.pk

    migrate(None)  # the schema the rest of the suite expects
