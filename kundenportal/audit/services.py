import hashlib
import hmac
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models

from kundenportal.core.scrub import scrub

from .models import AuditEntry

# Keys whose values are never written to the log, whatever a caller passes.
_SECRET_MARKERS = ("password", "passwort", "token", "secret")


def _mask(data: dict[str, Any]) -> dict[str, Any]:
    return {
        key: "***" if any(marker in key.lower() for marker in _SECRET_MARKERS) else value
        for key, value in data.items()
    }


def _entry(
    *,
    actor: Any | None,
    action: str,
    obj: models.Model | None,
    data: dict[str, Any] | None,
    object_type: str = "",
    object_id: str = "",
    object_label: str = "",
) -> AuditEntry:
    actor_obj = actor if actor is not None and getattr(actor, "pk", None) else None
    return AuditEntry(
        actor=actor_obj,
        actor_label=actor_obj.get_username() if actor_obj else "System",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else object_type,
        object_id=str(obj.pk) if obj is not None else object_id,
        object_label=str(obj)[:300] if obj is not None else object_label,
        data=_mask(data or {}),
    )


def audit_log(
    *,
    actor: Any | None,
    action: str,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
    object_type: str = "",
    object_id: str = "",
    object_label: str = "",
) -> AuditEntry:
    """Write one audit entry. Call it inside the transaction of the action it records.

    Without ``obj`` (an action on many rows, or an object that is gone) ``object_type``,
    ``object_id`` and ``object_label`` say what it was about.
    """
    entry = _entry(
        actor=actor,
        action=action,
        obj=obj,
        data=data,
        object_type=object_type,
        object_id=object_id,
        object_label=object_label,
    )
    entry.save()
    return entry


def audit_log_many(
    *,
    actor: Any | None,
    action: str,
    objects: Iterable[models.Model],
    data: dict[str, Any] | None = None,
    batch_size: int = 500,
) -> list[AuditEntry]:
    """One entry per object, written in bulk (an import of thousands of accounts); the same
    entries as ``audit_log`` would write, secrets masked alike."""
    return AuditEntry.objects.bulk_create(
        [_entry(actor=actor, action=action, obj=obj, data=data) for obj in objects],
        batch_size=batch_size,
    )


def audit_entries_pseudonymise(
    *,
    objects: dict[str, list[Any]],
    actor_id: int,
    identifiers: list[str],
    label: str,
) -> int:
    """After an erasure: the log keeps what was done and when, but no longer whom it named.

    ``objects`` maps ``object_type`` (``app_label.model``) to primary keys of erased objects;
    their entries get ``label`` instead of the old object label, and every text in their data
    that contains one of ``identifiers`` (username, name, e-mail) is replaced. Entries the
    person made themselves keep no name of the actor either. Returns the number changed.
    """
    needles = tuple(i.lower() for i in identifiers if i and len(i) >= 3)
    query = models.Q(actor_id=actor_id) | models.Q(actor_label__in=[i for i in identifiers if i])
    for object_type, ids in objects.items():
        if ids:
            query |= models.Q(object_type=object_type, object_id__in=[str(i) for i in ids])
    changed = []
    for entry in AuditEntry.objects.filter(query).iterator(chunk_size=500):
        entry.data = scrub(entry.data, needles, username_keys=True)
        if entry.actor_id == actor_id or entry.actor_label.lower() in needles:
            entry.actor_label = label
        if entry.object_type in objects and entry.object_id in {
            str(i) for i in objects[entry.object_type]
        }:
            entry.object_label = (
                label
                if entry.object_type.endswith(".person")
                else (f"{label}: {entry.object_type.split('.')[-1]} Nr. {entry.object_id}")
            )
        elif any(n in entry.object_label.lower() for n in needles):
            entry.object_label = label
        changed.append(entry)
    AuditEntry.objects.bulk_update(changed, ["data", "actor_label", "object_label"], batch_size=500)
    return len(changed)


def audit_username_hash(username: str) -> str:
    """Keyed hash of a username, kept in the log instead of the name of an erased account.

    Given a username, staff can find the entry (the log's search computes it), so the
    erasure can be proven; a reader of the log learns no name from it.
    """
    key = f"{settings.USERNAME_HASH_KEY}:audit".encode()
    return hmac.new(key, username.strip().lower().encode(), hashlib.sha256).hexdigest()
