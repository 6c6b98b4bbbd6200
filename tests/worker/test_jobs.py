"""The worker's scheduler: periodic jobs with a lease in the database, and per-loop tasks."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from kundenportal.worker import jobs
from kundenportal.worker.jobs import Job, job_run_if_due, loop_task, loop_tasks_run
from kundenportal.worker.models import PeriodicJob

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(autouse=True)
def _restore_registry():
    saved_jobs, saved_tasks = dict(jobs._jobs), dict(jobs._loop_tasks)
    yield
    jobs._jobs.clear()
    jobs._jobs.update(saved_jobs)
    jobs._loop_tasks.clear()
    jobs._loop_tasks.update(saved_tasks)


def test_daily_job_runs_once_a_day_at_its_time_even_with_two_workers():
    calls = []
    job = Job("test.daily", lambda: calls.append(timezone.now()), daily_at=dt.time(3, 0))
    with time_machine.travel(dt.datetime(2026, 3, 10, 12, 0, tzinfo=BERLIN), tick=False) as t:
        assert job_run_if_due(job) is False  # registered at noon: first run tonight at 03:00
        t.move_to(dt.datetime(2026, 3, 11, 3, 0, 5, tzinfo=BERLIN))
        assert job_run_if_due(job) is True
        assert job_run_if_due(job) is False  # the second worker finds it done
        t.move_to(dt.datetime(2026, 3, 11, 23, 59, tzinfo=BERLIN))
        assert job_run_if_due(job) is False
        # The worker was down for three days: one catch-up run, not three.
        t.move_to(dt.datetime(2026, 3, 14, 9, 0, tzinfo=BERLIN))
        assert job_run_if_due(job) is True
        assert job_run_if_due(job) is False
    row = PeriodicJob.objects.get(name="test.daily")
    assert len(calls) == 2 and row.runs == 2 and row.last_status == "ok"
    assert row.due_at == dt.datetime(2026, 3, 15, 3, 0, tzinfo=BERLIN)


def test_daily_job_time_survives_the_switch_to_summer_time():
    job = Job("test.dst", lambda: None, daily_at=dt.time(3, 0))
    after = dt.datetime(2026, 3, 28, 3, 30, tzinfo=BERLIN)
    assert job.next_due(after) == dt.datetime(2026, 3, 29, 3, 0, tzinfo=BERLIN)


def test_failed_job_is_retried_later_and_a_held_lease_blocks_others():
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database busy")

    job = Job("test.flaky", flaky, every=dt.timedelta(hours=1))
    start = timezone.now()
    with time_machine.travel(start, tick=False) as t:
        assert job_run_if_due(job) is True
        row = PeriodicJob.objects.get(name="test.flaky")
        assert row.last_status == "error" and "database busy" in row.last_error
        assert row.due_at == start + job.retry_after
        t.shift(job.retry_after)
        assert job_run_if_due(job) is True
        row.refresh_from_db()
        assert row.last_status == "ok" and row.due_at == start + job.retry_after + job.every

        # A worker that died mid-run holds the lease: nobody runs it until the lease ends.
        PeriodicJob.objects.filter(pk=row.pk).update(
            due_at=timezone.now(), locked_until=timezone.now() + dt.timedelta(minutes=30)
        )
        assert job_run_if_due(job) is False
        t.shift(dt.timedelta(minutes=31))
        assert job_run_if_due(job) is True
    assert len(calls) == 3


def test_a_broken_loop_task_does_not_stop_the_next(caplog):
    seen = []
    loop_task("test.broken")(lambda: 1 / 0)
    loop_task("test.fine")(lambda: seen.append(True))
    loop_tasks_run()
    assert seen == [True]
    assert "loop task test.broken failed" in caplog.text
