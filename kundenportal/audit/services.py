from typing import Any

from django.db import models

from .models import AuditEntry

# Keys whose values are never written to the log, whatever a caller passes.
_SECRET_MARKERS = ("password", "passwort", "token", "secret")


def _mask(data: dict[str, Any]) -> dict[str, Any]:
    return {
        key: "***" if any(marker in key.lower() for marker in _SECRET_MARKERS) else value
        for key, value in data.items()
    }


def audit_log(
    *,
    actor: Any | None,
    action: str,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit entry. Call it inside the transaction of the action it records."""
    actor_obj = actor if actor is not None and getattr(actor, "pk", None) else None
    return AuditEntry.objects.create(
        actor=actor_obj,
        actor_label=actor_obj.get_username() if actor_obj else "System",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_label=str(obj)[:300] if obj is not None else "",
        data=_mask(data or {}),
    )
