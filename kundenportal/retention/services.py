"""The purge: runs every policy of ``policies`` in chunks, one transaction per chunk.

Like Zulip's ``retention.py``: the rows due are read by primary key in chunks of
RETENTION_BATCH_SIZE, and each chunk is locked, checked again and deleted in its own
transaction, so memory stays bounded and no transaction holds locks for long. Two runs never
overlap: the run holds the lease on the ``PurgeState`` row and renews it with every chunk (a
second run, by the worker or by hand, gives up at once). Files leave the storage only after
the transaction that deleted their records has committed; until then (and if the storage
fails) a ``PendingFileDeletion`` row remembers them, and the next run tries again. A missing
file is not an error. Running twice deletes nothing the second time.
"""

import datetime as dt
import logging
import secrets
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kundenportal.audit.services import audit_log
from kundenportal.core.deletion import RowsDeletion
from kundenportal.core.files import file_delete_after_commit, pending_files_delete
from kundenportal.core.models import PendingFileDeletion
from kundenportal.privacy.policies import Moment, Policy
from kundenportal.privacy.register import POLICIES, active_policies

from .models import PurgeState

logger = logging.getLogger(__name__)

LOCK_NAME = "purge"


class PurgeAlreadyRunning(Exception):
    """Another purge holds the lease."""


class PurgeLockLost(Exception):
    """This run's lease ended and another run took over; this one stops."""


@dataclass
class PurgeResult:
    moment: Moment
    dry_run: bool
    counts: dict[str, int] = field(default_factory=dict)
    seconds_per_category: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    files_deleted: int = 0
    files_pending: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())


# --- the lease ------------------------------------------------------------------------------


def _lease_end():
    return timezone.now() + dt.timedelta(seconds=settings.RETENTION_LOCK_SECONDS)


def _lock_acquire(token: str) -> bool:
    # get_or_create fetches the row if a parallel run created it a moment ago.
    PurgeState.objects.get_or_create(name=LOCK_NAME)
    now = timezone.now()
    return bool(
        PurgeState.objects.filter(name=LOCK_NAME)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .update(holder=token, locked_until=_lease_end(), last_started_at=now)
    )


def _lock_renew(token: str) -> None:
    # Inside the chunk's transaction: the chunk commits only while the lease is this run's.
    if not PurgeState.objects.filter(name=LOCK_NAME, holder=token).update(
        locked_until=_lease_end()
    ):
        raise PurgeLockLost("Die Sperre des Löschlaufs ist abgelaufen.")


def _lock_release(token: str, **fields) -> None:
    PurgeState.objects.filter(name=LOCK_NAME, holder=token).update(
        holder="", locked_until=None, **fields
    )


# --- files ----------------------------------------------------------------------------------


def _files_forget_after_commit(files: list[tuple[str, str]], result: PurgeResult) -> None:
    def count(deleted: int, failed: int) -> None:
        result.files_deleted += deleted
        result.files_pending += failed

    file_delete_after_commit(files=files, done=count)


# --- the purge ------------------------------------------------------------------------------


def _purge_policy(
    *, policy: Policy, model, moment: Moment, batch_size: int, token: str, result: PurgeResult
) -> int:
    manager = model._default_manager
    total = 0
    last_pk = None
    while True:
        due = manager.filter(policy.condition(moment)).order_by("pk")
        if last_pk is not None:
            due = due.filter(pk__gt=last_pk)
        candidates = list(due.values_list("pk", flat=True)[:batch_size])
        if not candidates:
            return total
        last_pk = candidates[-1]
        with transaction.atomic():
            _lock_renew(token)
            # Lock the rows, then check again: whatever changed since they were read (a new
            # participation for an old account, a login) is seen now and wins.
            locked = list(
                manager.select_for_update()
                .filter(pk__any=set(candidates))
                .values_list("pk", flat=True)
            )
            if policy.lock is not None:
                locked = policy.lock(locked)
            pks = list(
                manager.filter(pk__any=set(locked))
                .filter(policy.condition(moment))
                .values_list("pk", flat=True)
            )
            if not pks:
                continue
            if policy.files is not None:
                _files_forget_after_commit(policy.files(pks), result)
            if policy.before_delete is not None:
                policy.before_delete(pks)
            if policy.delete is not None:
                policy.delete(pks)
            else:
                # What QuerySet.delete() does, without loading the rows as instances.
                RowsDeletion(model=model, pks=pks).delete()
            total += len(pks)


def retention_counts(*, moment: Moment, policies=POLICIES) -> dict[str, int]:
    """What a run at ``moment`` deletes, per category (the dry run)."""
    return {
        policy.key: model._default_manager.filter(policy.condition(moment)).count()
        for policy, model in active_policies(policies)
    }


def retention_purge(
    *,
    dry_run: bool = False,
    batch_size: int | None = None,
    moment: Moment | None = None,
    policies=POLICIES,
) -> PurgeResult:
    """Delete everything whose retention period has ended, category by category.

    With ``dry_run`` only counts what would go and changes nothing. Raises
    ``PurgeAlreadyRunning`` if another run holds the lease.
    """
    moment = moment or Moment.current()
    batch_size = batch_size or settings.RETENTION_BATCH_SIZE
    result = PurgeResult(moment=moment, dry_run=dry_run)
    started = time.monotonic()
    if dry_run:
        result.counts = retention_counts(moment=moment, policies=policies)
        result.seconds = time.monotonic() - started
        return result

    token = secrets.token_hex(16)
    if not _lock_acquire(token):
        raise PurgeAlreadyRunning("Ein anderer Löschlauf läuft gerade.")
    finished = False
    try:
        # Files of records deleted by an earlier run that could not be removed then.
        retried, _failed = pending_files_delete()
        result.files_deleted += retried
        for policy, model in active_policies(policies):
            policy_started = time.monotonic()
            count = _purge_policy(
                policy=policy,
                model=model,
                moment=moment,
                batch_size=batch_size,
                token=token,
                result=result,
            )
            result.counts[policy.key] = count
            result.seconds_per_category[policy.key] = time.monotonic() - policy_started
            logger.info(
                "retention: %s: %d deleted in %.1f s",
                policy.key,
                count,
                result.seconds_per_category[policy.key],
            )
        result.files_pending = PendingFileDeletion.objects.count()
        result.seconds = time.monotonic() - started
        with transaction.atomic():
            _lock_renew(token)
            audit_log(
                actor=None,
                action="retention.purge",
                data={
                    "day": moment.today.isoformat(),
                    "counts": result.counts,
                    "files_deleted": result.files_deleted,
                    "files_pending": result.files_pending,
                    "seconds": round(result.seconds, 2),
                },
            )
        finished = True
    finally:
        _lock_release(
            token,
            **(
                {"last_finished_at": timezone.now(), "last_counts": result.counts}
                if finished
                else {}
            ),
        )
    logger.info(
        "retention: purge of %s done in %.1f s: %d deleted (%s), %d files deleted, %d pending",
        moment.today.isoformat(),
        result.seconds,
        result.total,
        ", ".join(f"{key}={count}" for key, count in result.counts.items()),
        result.files_deleted,
        result.files_pending,
    )
    return result


def retention_purge_job() -> None:
    """The worker's daily job. A run already going (started by hand) is not an error."""
    try:
        retention_purge()
    except PurgeAlreadyRunning:
        logger.warning("retention: another purge is running; this one is skipped")
