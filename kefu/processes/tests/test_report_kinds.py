"""The counter's report kinds are registered by the counter app, with builders of its own, and listed
after the hotline's as before."""

from kefu.reports.documents import KINDS


def test_the_counter_registers_its_report_kinds_with_its_own_builders():
    # the apps after the counter (incidents…) add theirs after it
    assert list(KINDS)[:7] == [
        "daily_workload",
        "weekly_supervision",
        "monthly_register",
        "monthly_quality",
        "counter_daily",
        "counter_monthly",
        "collection_monthly",
    ]
    for code in ("counter_daily", "counter_monthly", "collection_monthly"):
        assert KINDS[code].build.__module__ == "kefu.processes.report_kinds"
