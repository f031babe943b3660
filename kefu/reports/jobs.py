"""The report documents' background job (R1): abandoned documents, the ones readers asked for, then
the scheduled ones that are due. It runs last in the worker's pass, so that the rollups and the
counter's day figures it reads are the ones written earlier in the same pass."""

from datetime import datetime

from kefu.core.registry import Job
from kefu.reports.schedule import run_due


def make_documents(now: datetime, *, verbose: bool = False) -> list[str]:
    return run_due(now)


JOBS = [Job("reports.documents", "报表生成", make_documents, order=90)]
