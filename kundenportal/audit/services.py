import hashlib
import hmac
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import models

from kundenportal.core.scrub import needles, scrub
from kundenportal.core.text import number_or_none

from .models import AuditEntry

# Keys whose values are never written to the log, whatever a caller passes.
_SECRET_MARKERS = ("password", "passwort", "token", "secret")


# Called with the entries just written, inside the transaction of the action they record: a
# higher app (the webhook outbox) registers here in its AppConfig.ready, so an action it
# listens to is announced by the very audit entry every service already writes, and no
# lower app imports it.
_listeners: list[Callable[[list[AuditEntry]], None]] = []


def audit_listener_add(listener: Callable[[list[AuditEntry]], None]) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def _announce(entries: list[AuditEntry]) -> None:
    for listener in _listeners:
        listener(entries)


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
    # A non-person actor (an API integration) names itself by ``audit_label``.
    label = actor_obj.get_username() if actor_obj else getattr(actor, "audit_label", "System")
    return AuditEntry(
        actor=actor_obj,
        actor_label=label,
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
    _announce([entry])
    return entry


def audit_log_many(
    *,
    actor: Any | None,
    action: str,
    objects: Iterable[models.Model],
    data: dict[str, Any] | None = None,
) -> list[AuditEntry]:
    """One entry per object, written in bulk (an import of thousands of accounts); the same
    entries as ``audit_log`` would write, secrets masked alike."""
    return audit_log_bulk(
        entries=[{"actor": actor, "action": action, "obj": obj, "data": data} for obj in objects]
    )


def audit_log_bulk(*, entries: Iterable[dict[str, Any]]) -> list[AuditEntry]:
    """Many entries in a few queries; each item holds the keyword arguments of ``audit_log``."""
    written = AuditEntry.objects.bulk_create(
        [_entry(**{"obj": None, "data": None, **item}) for item in entries], batch_size=500
    )
    _announce(written)
    return written


def audit_entries_pseudonymise(
    *,
    objects: dict[tuple[str, str], str],
    actors: dict[int, str],
    actor_labels: dict[str, str],
    identifiers: list[str],
    label: str,
    entry_ids: Iterable[int] = (),
) -> int:
    """After an erasure: the log keeps what was done and when, but no longer whom it named.

    ``objects`` maps (``object_type``, ``object_id``) of erased objects to the label their
    entries get instead of the old one; ``actors`` maps the ids of erased accounts, and
    ``actor_labels`` the (lower-case) names that entries of accounts erased earlier (merged)
    still carry, to the label that replaces them as the actor. Every text in the entries'
    data that contains one of ``identifiers`` (username, name, e-mail) is replaced, any
    username field too, and an object label naming one gets ``label``. Returns the number
    of entries changed. ``entry_ids`` are further entries to treat so (found naming them).
    """
    words = needles(identifiers)
    query = models.Q(actor_id__any=set(actors)) | models.Q(pk__in=entry_ids)
    if actor_labels:
        query |= models.Q(actor_label__in=list(actor_labels))
    by_type: dict[str, list[str]] = {}
    for object_type, object_id in objects:
        by_type.setdefault(object_type, []).append(object_id)
    for object_type, ids in by_type.items():
        query |= models.Q(object_type=object_type, object_id__any=set(ids))
    changed = []
    for entry in AuditEntry.objects.filter(query).iterator(chunk_size=500):
        entry.data = scrub(entry.data, words, username_keys=True)
        if entry.actor_id in actors:
            entry.actor_label = actors[entry.actor_id]
        elif entry.actor_label.lower() in actor_labels:
            entry.actor_label = actor_labels[entry.actor_label.lower()]
        elif entry.actor_label.lower() in words:
            entry.actor_label = label
        key = (entry.object_type, entry.object_id)
        if key in objects:
            entry.object_label = objects[key]
        elif any(w in entry.object_label.lower() for w in words):
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


def audit_username_q(term: str) -> models.Q:
    """The entries that name an erased account only by the keyed hash of its username (its
    own log-in events, its erasure alone or as one of a purge's batch), or, given a number,
    the purge batch that erased the account of that number."""
    digest = audit_username_hash(term)
    query = models.Q(data__username_hash=digest) | models.Q(data__username_hashes__icontains=digest)
    number = number_or_none(term)
    if number is not None:
        query |= models.Q(
            action="person.delete", data__person_ids__regex=rf"(^|[^0-9]){number}([^0-9]|$)"
        )
    return query


def audit_search_hash(text: str) -> str:
    """Keyed hash of what staff typed into a search (case and spacing do not matter): the log
    keeps who searched for what without holding the name; typing the same text into the log's
    search finds the entry."""
    return audit_username_hash(" ".join(text.split()))
