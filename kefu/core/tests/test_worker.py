"""manage.py worker: every job the apps register, in order, one failing job not stopping the others."""

import os
import signal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kefu.core.registry import Job, platform


def worker(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("worker", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def recorded(monkeypatch):
    """Every registered job replaced by one that notes that it ran (and when asked, fails)."""
    ran: list[str] = []

    def recorder(name: str, fails: bool = False):
        def run(now, *, verbose=False):
            ran.append(name)
            if fails:
                raise RuntimeError("磁盘已满")
            return [f"{name} 完成"]

        return run

    jobs = {name: Job(job.name, job.label, recorder(name), job.order) for name, job in platform.jobs.items()}
    monkeypatch.setattr(platform, "jobs", jobs)
    return ran, recorder


def test_each_app_registers_its_jobs_in_the_order_they_must_run():
    names = [job.name for job in platform.ordered_jobs()]
    # the rollups before the documents that read them; the counter's figures before its day report
    assert names == [
        "hotline.deadlines",
        "incidents.detect",
        "kpi.refresh",
        "processes.daily",
        "meters.deadlines",
        "workforce.leave_certificates",
        "workforce.attendance",
        "quality.deadlines",
        "inspection.deadlines",
        "archives.deadlines",
        "reports.documents",
    ]


@pytest.mark.django_db
def test_a_single_pass_runs_every_job_and_prints_the_scan_s_counts():
    out, err = worker("--once")
    assert "即将到期 0 · 超期 0 · 上报 0 · 回电到期 0 · 新提醒 0" in out
    assert err == ""


def test_a_single_pass_runs_every_registered_job_once_in_order(recorded):
    ran, _ = recorded
    out, _ = worker("--once")
    assert ran == [
        "hotline.deadlines",
        "incidents.detect",
        "kpi.refresh",
        "processes.daily",
        "meters.deadlines",
        "workforce.leave_certificates",
        "workforce.attendance",
        "quality.deadlines",
        "inspection.deadlines",
        "archives.deadlines",
        "reports.documents",
    ]
    assert out.splitlines() == [f"{name} 完成" for name in ran]


def test_a_failing_job_is_reported_and_the_others_still_run(recorded, monkeypatch):
    # given the KPI job fails
    ran, recorder = recorded
    kpi = platform.jobs["kpi.refresh"]
    failing = Job(kpi.name, kpi.label, recorder(kpi.name, fails=True), kpi.order)
    monkeypatch.setitem(platform.jobs, kpi.name, failing)

    # when
    out, err = worker("--once")

    # then the jobs after it ran, and the failure is said in Chinese
    assert ran == [
        "hotline.deadlines",
        "incidents.detect",
        "kpi.refresh",
        "processes.daily",
        "meters.deadlines",
        "workforce.leave_certificates",
        "workforce.attendance",
        "quality.deadlines",
        "inspection.deadlines",
        "archives.deadlines",
        "reports.documents",
    ]
    assert "reports.documents 完成" in out
    assert "指标汇总（kpi.refresh）失败：磁盘已满" in err


def test_job_runs_only_the_named_jobs(recorded):
    ran, _ = recorded
    worker("--once", "--job", "reports.documents", "--job", "hotline.deadlines")
    assert ran == ["hotline.deadlines", "reports.documents"]  # still in their order


def test_an_unknown_job_is_refused_in_chinese(recorded):
    with pytest.raises(CommandError, match="没有这个后台任务：meters.read"):
        worker("--once", "--job", "meters.read")


def test_sigterm_lets_the_pass_finish_and_then_the_worker_leaves(recorded, monkeypatch):
    # given a job during which the service manager asks the worker to stop
    ran, recorder = recorded
    first = platform.jobs["hotline.deadlines"]

    def asks_to_stop(now, *, verbose=False):
        ran.append("stop asked")
        os.kill(os.getpid(), signal.SIGTERM)
        return []

    monkeypatch.setitem(platform.jobs, first.name, Job(first.name, first.label, asks_to_stop, first.order))
    before = signal.getsignal(signal.SIGTERM)

    # when the worker runs without --once
    worker("--interval", "60")

    # then the pass was finished, no second pass began, and the old handler is back
    assert ran == [
        "stop asked",
        "incidents.detect",
        "kpi.refresh",
        "processes.daily",
        "meters.deadlines",
        "workforce.leave_certificates",
        "workforce.attendance",
        "quality.deadlines",
        "inspection.deadlines",
        "archives.deadlines",
        "reports.documents",
    ]
    assert signal.getsignal(signal.SIGTERM) == before


@pytest.mark.django_db
def test_hotline_worker_still_runs_the_worker_and_says_it_was_renamed():
    out, err = StringIO(), StringIO()
    call_command("hotline_worker", "--once", stdout=out, stderr=err)
    assert "超期" in out.getvalue()
    assert "hotline_worker 已改名为 worker" in err.getvalue()
