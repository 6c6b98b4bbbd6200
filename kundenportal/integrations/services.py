"""Integrations: tokens (issue, rotate, revoke, authenticate), the shared rate limit, and
idempotency keys.

A token is ``kp_`` + 40 random Base32 characters (200 bits). The database keeps only its keyed
digest (``salted_hmac`` with SHA-256 and SECRET_KEY, as the staff's backup codes): a copy of
the database gives no token away. A digest made with a key of ``SECRET_KEY_FALLBACKS`` still
authenticates, so a key rotation does not lock the provider's systems out at once.
"""

import datetime as dt
import hashlib
import secrets
from base64 import b32encode
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from kundenportal.audit.services import audit_log
from kundenportal.core.limits import limit_take

from .models import IdempotencyKey, Integration, Scope

TOKEN_PREFIX = "kp_"  # noqa: S105 - a marker, not a secret
_TOKEN_SALT = "kundenportal.integrations.token"  # noqa: S105 - a salt
# last_used_at is written at most this often per integration (a read-mostly hot path).
LAST_USED_PRECISION = dt.timedelta(minutes=1)


def token_digest(token: str, *, secret: str | None = None) -> str:
    return salted_hmac(_TOKEN_SALT, token, secret=secret, algorithm="sha256").hexdigest()


def _token_new() -> str:
    return TOKEN_PREFIX + b32encode(secrets.token_bytes(25)).decode().lower()


def scopes_clean(scopes: list[str]) -> list[str]:
    valid = set(Scope.values)
    unknown = [s for s in scopes if s not in valid]
    if unknown:
        raise ValidationError(
            _("Unbekannte Berechtigung: %(scopes)s") % {"scopes": ", ".join(unknown)}
        )
    return [s for s in Scope.values if s in scopes]


def _token_set(integration: Integration) -> str:
    token = _token_new()
    integration.token_digest = token_digest(token)
    integration.token_prefix = token[:10]
    integration.token_created_at = timezone.now()
    return token


@transaction.atomic
def integration_create(
    *, name: str, scopes: list[str], actor: Any, description: str = "", rate_limit: int = 600
) -> tuple[Integration, str]:
    """A new integration and its token; the token is returned once and never stored."""
    integration = Integration(
        name=" ".join(name.split()),
        description=description.strip(),
        scopes=scopes_clean(scopes),
        rate_limit_per_minute=rate_limit,
    )
    token = _token_set(integration)
    integration.full_clean()
    integration.save()
    audit_log(actor=actor, action="integration.create", obj=integration, data={"scopes": scopes})
    return integration, token


@transaction.atomic
def integration_token_rotate(*, integration: Integration, actor: Any) -> str:
    """A new token; the old one stops working at once. Also re-activates a revoked one."""
    integration = Integration.objects.select_for_update().get(pk=integration.pk)
    token = _token_set(integration)
    integration.is_active = True
    integration.revoked_at = None
    integration.save()
    audit_log(actor=actor, action="integration.token_rotate", obj=integration)
    return token


@transaction.atomic
def integration_revoke(*, integration: Integration, actor: Any) -> Integration:
    """The token stops working; the integration, its history and webhooks stay (inactive)."""
    integration = Integration.objects.select_for_update().get(pk=integration.pk)
    if not integration.is_active:
        return integration
    integration.is_active = False
    integration.revoked_at = timezone.now()
    integration.save(update_fields=["is_active", "revoked_at"])
    integration.subscriptions.update(is_active=False)
    audit_log(actor=actor, action="integration.revoke", obj=integration)
    return integration


def integration_authenticate(token: str) -> Integration | None:
    """The active integration of ``token``, or None. Records when it was last used."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    digests = [token_digest(token, secret=key) for key in keys]
    integration = Integration.objects.filter(token_digest__in=digests, is_active=True).first()
    if integration is None:
        return None
    now = timezone.now()
    if integration.last_used_at is None or now - integration.last_used_at > LAST_USED_PRECISION:
        Integration.objects.filter(pk=integration.pk).update(last_used_at=now)
        integration.last_used_at = now
    return integration


def rate_limit_take(*, integration: Integration) -> tuple[bool, int, int]:
    """Count one request in this minute's window; returns (allowed, limit, seconds to reset).

    The counter holds across every web process: with a shared cache (Redis) it is the cache's
    atomic increment (the API's hot path); otherwise the abuse-limit counter of
    ``core.limits`` in the database, as the booking limit uses it.
    """
    now = timezone.now()
    window = now.replace(second=0, microsecond=0)
    reset = 60 - now.second
    limit = integration.rate_limit_per_minute
    if settings.CACHE_IS_SHARED:
        key = f"api-rate:{integration.pk}:{int(window.timestamp())}"
        cache.add(key, 0, timeout=120)
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.add(key, 1, timeout=120)
            count = 1
        return count <= limit, limit, reset
    slot = limit_take(key=rate_limit_key(integration), limit=limit, window_seconds=60)
    return slot is not None, limit, reset


def rate_limit_key(integration: Integration) -> str:
    return f"api:{integration.pk}"


def request_fingerprint(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


class IdempotencyConflict(Exception):
    pass


def idempotency_find(
    *, integration: Integration, operation: str, key: str, fingerprint: str
) -> IdempotencyKey | None:
    """The earlier write with this key, or None; another body with the same key conflicts."""
    found = IdempotencyKey.objects.filter(
        integration=integration, operation=operation, key=key
    ).first()
    if found is not None and found.fingerprint != fingerprint:
        raise IdempotencyConflict(key)
    return found


def idempotency_record(
    *, integration: Integration, operation: str, key: str, fingerprint: str, object_id: str
) -> None:
    """Call inside the transaction of the write (a retry then finds all of it or none)."""
    IdempotencyKey.objects.get_or_create(
        integration=integration,
        operation=operation,
        key=key,
        defaults={"fingerprint": fingerprint, "object_id": object_id},
    )


def idempotency_keys_purge() -> int:
    """Keys are kept ``API_IDEMPOTENCY_KEEP_HOURS`` (a retry comes within minutes)."""
    limit = timezone.now() - dt.timedelta(hours=settings.API_IDEMPOTENCY_KEEP_HOURS)
    return IdempotencyKey.objects.filter(created_at__lt=limit).delete()[0]
