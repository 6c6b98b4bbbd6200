"""Reads for the admin page "Aufbewahrung: Was als Nächstes gelöscht wird".

Every figure is one query per category, whatever the amount of data: the schedule counts the
items that fall due within the window with one conditional aggregate per category (the
conditions are monotonic in the day, see ``policies``).
"""

import datetime as dt

from django.db.models import Count
from django.utils import timezone

from kundenportal.core.models import PendingFileDeletion
from kundenportal.privacy.policies import Moment
from kundenportal.privacy.register import active_policies
from kundenportal.worker.jobs import registered_jobs
from kundenportal.worker.models import PeriodicJob

from .models import PurgeState
from .services import LOCK_NAME

JOB_NAME = "retention.purge"


def retention_next_run() -> Moment:
    """When the worker runs the purge next (at once if it is overdue)."""
    now = timezone.now()
    due_at = PeriodicJob.objects.filter(name=JOB_NAME).values_list("due_at", flat=True).first()
    if due_at is None:
        job = registered_jobs().get(JOB_NAME)
        due_at = job.next_due(now) if job is not None else now
    due_at = max(due_at, now)
    return Moment(today=timezone.localdate(due_at), now=due_at)


def retention_schedule(*, first: Moment, days: int = 30) -> dict:
    """Per category: what the run at ``first`` deletes, and what each later daily run adds.

    Returns {"days": [date, ...], "rows": [{"policy", "first", "per_day": [n, ...]}]} for the
    categories in the schedule; ``per_day[0]`` is the run at ``first``.
    """
    moments = [first] + [Moment.planned(first.today + dt.timedelta(days=i)) for i in range(1, days)]
    rows = []
    for policy, model in active_policies():
        if not policy.in_schedule:
            continue
        manager = model._default_manager
        first_count = manager.filter(policy.condition(first)).count()
        per_day = [first_count] + [0] * (days - 1)
        if days > 1:
            later = manager.filter(policy.condition(moments[-1])).exclude(policy.condition(first))
            cumulative = later.aggregate(
                **{
                    f"d{i}": Count("pk", filter=policy.condition(moment))
                    for i, moment in enumerate(moments[1:], start=1)
                }
            )
            previous = 0
            for i in range(1, days):
                value = cumulative[f"d{i}"] or 0
                per_day[i] = value - previous
                previous = value
        rows.append({"policy": policy, "first": first_count, "per_day": per_day})
    return {"days": [moment.today for moment in moments], "rows": rows}


def retention_technical_counts(*, moment: Moment) -> list[dict]:
    """Counts of the categories outside the schedule (sessions, login records)."""
    return [
        {"policy": policy, "count": model._default_manager.filter(policy.condition(moment)).count()}
        for policy, model in active_policies()
        if not policy.in_schedule
    ]


def retention_samples(*, moment: Moment, limit: int = 20) -> dict[str, list[str]]:
    """The first ``limit`` items per category the run at ``moment`` deletes, for staff to check
    (only categories where a name helps; the rest are counts only)."""
    samples = {}
    for policy, model in active_policies():
        if policy.describe is None:
            continue
        due = model._default_manager.filter(policy.condition(moment)).order_by("pk")[:limit]
        samples[policy.key] = policy.describe(due)
    return samples


def retention_state() -> dict:
    state = PurgeState.objects.filter(name=LOCK_NAME).first()
    return {
        "state": state,
        "running": bool(state and state.locked_until and state.locked_until >= timezone.now()),
        "pending_files": PendingFileDeletion.objects.count(),
    }
