"""What the worker runs besides sending mail: periodic jobs and per-loop tasks.

Apps register their work in ``AppConfig.ready``:

    @periodic_job("retention.purge", daily_at=time(3, 0))    # once a day at 03:00 local time
    def purge(): ...

    @loop_task("confirmations.enqueue_pending")              # on every loop, cheap when idle
    def enqueue(): ...

Every job must be idempotent. A periodic job's bookkeeping (``PeriodicJob``) is in the
database: a worker runs a due job only after moving its lease forward in one conditional
UPDATE, so with several workers a daily job runs once a day; if that worker dies mid-job,
another one runs it again when the lease has ended. A failed run is retried after
``retry_after``, a successful one is next due at the next scheduled time.
"""

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F, Q
from django.utils import timezone

from .models import PeriodicJob

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    fn: Callable[[], object]
    every: dt.timedelta | None = None
    daily_at: dt.time | None = None
    lease: dt.timedelta = dt.timedelta(hours=2)
    retry_after: dt.timedelta = dt.timedelta(minutes=15)

    def next_due(self, after: dt.datetime) -> dt.datetime:
        if self.every is not None:
            return after + self.every
        if self.daily_at is None:
            raise ValueError(f"Job {self.name} has neither every nor daily_at.")
        local = timezone.localtime(after)
        day = local.date()
        while True:
            candidate = timezone.make_aware(dt.datetime.combine(day, self.daily_at))
            if candidate > after:
                return candidate
            day += dt.timedelta(days=1)


_jobs: dict[str, Job] = {}
_loop_tasks: dict[str, Callable[[], object]] = {}


def periodic_job(
    name: str,
    *,
    every: dt.timedelta | None = None,
    daily_at: dt.time | None = None,
    lease: dt.timedelta = dt.timedelta(hours=2),
    retry_after: dt.timedelta = dt.timedelta(minutes=15),
) -> Callable[[Callable[[], object]], Callable[[], object]]:
    """Register ``fn()`` to run every ``every`` or daily at ``daily_at`` (local time)."""
    if (every is None) == (daily_at is None):
        raise ValueError("Give exactly one of every= or daily_at=.")

    def register(fn: Callable[[], object]) -> Callable[[], object]:
        _jobs[name] = Job(name, fn, every, daily_at, lease, retry_after)
        return fn

    return register


def loop_task(name: str) -> Callable[[Callable[[], object]], Callable[[], object]]:
    """Register ``fn()`` to run on every worker loop (keep it cheap when there is nothing)."""

    def register(fn: Callable[[], object]) -> Callable[[], object]:
        _loop_tasks[name] = fn
        return fn

    return register


def registered_jobs() -> dict[str, Job]:
    return dict(_jobs)


def _first_due(job: Job, now: dt.datetime) -> dt.datetime:
    # A new interval job runs at once; a new daily job waits for its time of day.
    return now if job.every is not None else job.next_due(now)


def job_run_if_due(job: Job) -> bool:
    """Run ``job`` if it is due and no other worker holds it; True if it ran (ok or not)."""
    now = timezone.now()
    row, _ = PeriodicJob.objects.get_or_create(
        name=job.name, defaults={"due_at": _first_due(job, now)}
    )
    if row.due_at > now or (row.locked_until is not None and row.locked_until >= now):
        return False  # the common case, decided by a read
    claimed = (
        PeriodicJob.objects.filter(pk=row.pk, due_at__lte=now)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .update(locked_until=now + job.lease, last_started_at=now)
    )
    if not claimed:
        return False
    logger.info("job %s started", job.name)
    try:
        job.fn()
    except Exception as exc:
        logger.exception("job %s failed", job.name)
        PeriodicJob.objects.filter(pk=row.pk).update(
            locked_until=None,
            due_at=timezone.now() + job.retry_after,
            last_finished_at=timezone.now(),
            last_status="error",
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            runs=F("runs") + 1,
        )
    else:
        finished = timezone.now()
        PeriodicJob.objects.filter(pk=row.pk).update(
            locked_until=None,
            due_at=job.next_due(max(finished, now)),
            last_finished_at=finished,
            last_status="ok",
            last_error="",
            runs=F("runs") + 1,
        )
        logger.info("job %s finished", job.name)
    return True


def jobs_run_due(*, stop: threading.Event | None = None) -> list[str]:
    ran = []
    for job in list(_jobs.values()):
        if stop is not None and stop.is_set():
            break
        if job_run_if_due(job):
            ran.append(job.name)
    return ran


def loop_tasks_run() -> None:
    for name, fn in list(_loop_tasks.items()):
        try:
            fn()
        except Exception:
            # One broken task must not stop the mail: log it and go on with the next.
            logger.exception("loop task %s failed", name)
