"""Durable file deletion: a file leaves the storage only after its record's deletion has
committed, and a failed delete is finished later.

Storage (local disk, S3) is not transactional. ``file_delete_after_commit`` records each file
as a ``PendingFileDeletion`` row in the current transaction and deletes the files once it has
committed: a rollback keeps record and file, a storage outage or a crash after the commit
leaves the row, and ``pending_files_delete`` (the worker's job ``files.pending_delete``, and
the start of every retention run) finishes it. A missing file is not an error.
"""

import logging
from collections.abc import Callable, Iterable

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models.fields.files import FieldFile

from .models import PendingFileDeletion

logger = logging.getLogger(__name__)

# ("app_label.model.field", storage name): enough to find the storage again later.
StoredFile = tuple[str, str]


def field_label(field_file: FieldFile) -> str:
    """ "documents.certificate.file" for a certificate's file."""
    return f"{field_file.field.model._meta.label_lower}.{field_file.field.name}"


def _storage(label: str):
    app_label, model_name, field_name = label.split(".")
    return apps.get_model(app_label, model_name)._meta.get_field(field_name).storage


def file_delete_after_commit(
    *,
    files: Iterable[FieldFile | StoredFile],
    done: Callable[[int, int], None] | None = None,
) -> list[int]:
    """Delete ``files`` from their storage once the current transaction has committed.

    ``files`` are ``FieldFile``s (``certificate.file``) or ``(field label, name)`` pairs;
    empty ones are skipped. ``done(deleted, failed)`` is called after the attempt. Returns
    the ids of the ``PendingFileDeletion`` rows written.
    """
    rows = []
    for file in files:
        if isinstance(file, FieldFile):
            if not file:
                continue
            file = (field_label(file), file.name)
        rows.append(PendingFileDeletion(field=file[0], name=file[1]))
    if not rows:
        return []
    created = PendingFileDeletion.objects.bulk_create(rows)
    ids = [row.pk for row in created if row.pk is not None]

    def delete() -> None:
        # Without ids (a database that returns none from a bulk insert) the backlog is tried.
        result = pending_files_delete(ids=ids or None)
        if done is not None:
            done(*result)

    transaction.on_commit(delete)
    return ids


def pending_files_delete(*, ids: list[int] | None = None) -> tuple[int, int]:
    """Delete the files of deleted records from storage; returns (deleted, still pending).

    A file that is already gone counts as deleted. An error leaves its row for the next try.
    """
    rows = PendingFileDeletion.objects.order_by("pk")
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    deleted = failed = 0
    last_pk = 0
    while True:
        chunk = list(rows.filter(pk__gt=last_pk)[: settings.RETENTION_BATCH_SIZE])
        if not chunk:
            break
        last_pk = chunk[-1].pk
        done = []
        for row in chunk:
            try:
                _storage(row.field).delete(row.name)
            except FileNotFoundError:
                done.append(row.pk)
            except Exception as exc:
                failed += 1
                logger.warning("file %s not deleted yet: %s", row.name, exc)
                PendingFileDeletion.objects.filter(pk=row.pk).update(
                    attempts=row.attempts + 1, last_error=f"{type(exc).__name__}: {exc}"[:2000]
                )
            else:
                done.append(row.pk)
        PendingFileDeletion.objects.filter(pk__in=done).delete()
        deleted += len(done)
    return deleted, failed


def pending_files_delete_job() -> None:
    """The worker's job: finish file deletions that failed after their commit."""
    deleted, failed = pending_files_delete()
    if deleted or failed:
        logger.info("files: %d pending deletions done, %d still failing", deleted, failed)
