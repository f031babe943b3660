"""The KPI rollups' background job: fold in the days whose records changed since the last pass (R1).
It runs before the report documents, which read the rollups."""

from datetime import datetime

from kefu.core.registry import Job
from kefu.kpi.rollup import refresh


def refresh_rollups(now: datetime, *, verbose: bool = False) -> list[str]:
    days = refresh(now)
    # Days are recomputed on most passes while the center works: only worth a line when asked.
    return [f"指标汇总重算 {days} 天"] if days and verbose else []


JOBS = [Job("kpi.refresh", "指标汇总", refresh_rollups, order=20)]
