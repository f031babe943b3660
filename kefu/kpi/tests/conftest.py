"""The KPI tests see the root test world from the east branch's side, as the report tests do
(kefu/reports/tests/conftest.py), recording everything through the hotline services."""

from kefu.reports.tests.conftest import at, world  # noqa: F401
