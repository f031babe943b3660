"""The KPI tests reuse the reports' small utility (a branch, two shifts, an agent each, a dispatcher,
the head and a customer), recording everything through the hotline services."""

from kefu.reports.tests.conftest import World, at, world  # noqa: F401
