"""Webhooks: which changes are announced, the durable delivery outbox, and its worker.

A delivery row is written in the transaction of the change: every service already writes an
audit entry there, and ``deliveries_from_audit`` (registered with the audit log) turns the
entries of the actions below into one row per subscription that wants the event. A rolled-back
booking therefore announces nothing, and a committed one cannot lose its webhook.

Delivery state on each row, like the mail outbox:

    QUEUED --claim--> SENDING --2xx--> DELIVERED
       ^                 |  \\--timeout/non-2xx, within WEBHOOK_GIVE_UP_SECONDS--> QUEUED (back-off)
       |                 |   \\-past WEBHOOK_GIVE_UP_SECONDS--> FAILED --staff: resend--> QUEUED
       +--sweeper (stuck in SENDING: its worker died)

Claiming uses ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL (two workers take disjoint
rows) and the serialised write transaction on SQLite. Each request is signed: HMAC-SHA256
with the subscription's secret over ``<timestamp>.<body>``, the timestamp in a header so a
receiver can refuse replays, the event's id in another so it can drop a repeat.
"""

import base64
import hashlib
import hmac
import ipaddress
import json
import logging
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kundenportal.audit.models import AuditEntry
from kundenportal.audit.services import audit_log
from kundenportal.core.scrub import naming_any
from kundenportal.core.text import number_or_none
from kundenportal.documents.models import Certificate
from kundenportal.events.models import Event
from kundenportal.registrations.models import Participation, Registration

from .models import Integration, IntegrationActor, WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)
Status = WebhookDelivery.Status

EVENT_TYPES = (
    "registration.created",
    "registration.review_required",
    "participation.confirmed",
    "participation.cancelled",
    "attendance.recorded",
    "certificate.issued",
    "certificate.revoked",
    "person.merged",
    "person.deleted",
)

# --- the signing secret -------------------------------------------------------------------
# It must be read back to sign, so it cannot be a digest: it is stored encrypted (Fernet,
# AES-128-CBC + HMAC-SHA256) with a key derived from SECRET_KEY, keys of SECRET_KEY_FALLBACKS
# still open it.


def _fernet(secret_key: str):
    from cryptography.fernet import Fernet

    raw = hashlib.sha256(f"kundenportal.webhooks.secret:{secret_key}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(raw))


def secret_seal(secret: str) -> str:
    return _fernet(settings.SECRET_KEY).encrypt(secret.encode()).decode()


def secret_open(sealed: str) -> str:
    from cryptography.fernet import InvalidToken

    for key in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        try:
            return _fernet(key).decrypt(sealed.encode()).decode()
        except InvalidToken:
            continue
    raise ValueError("webhook secret sealed with an unknown key")


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


# --- subscriptions --------------------------------------------------------------------------

MIN_SECRET_LENGTH = 24


def _url_check(url: str) -> None:
    if settings.WEBHOOK_REQUIRE_HTTPS and not url.lower().startswith("https://"):
        raise ValidationError({"url": _("Die Adresse muss mit https:// beginnen.")})
    if not url.lower().startswith(("https://", "http://")):
        raise ValidationError({"url": _("Die Adresse muss mit https:// beginnen.")})
    if not address_allowed(url):
        raise ValidationError(
            {
                "url": _(
                    "Diese Adresse zeigt auf ein internes Netz oder ist nicht erreichbar; "
                    "Webhooks gehen nur an öffentliche Adressen."
                )
            }
        )


def address_allowed(url: str) -> bool:
    """Whether every address the URL's host resolves to is public: a webhook must not let an
    integration make the worker reach the machine's or the provider's internal services
    (loopback, private, link-local, reserved). ``WEBHOOK_PRIVATE_ADDRESSES`` allows them for
    receivers in the provider's own network."""
    if settings.WEBHOOK_PRIVATE_ADDRESSES:
        return True
    host = urllib.parse.urlsplit(url).hostname
    if not host:
        return False
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global or address.is_multicast:
            return False
    return bool(infos)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect could lead to an address the subscription was never checked for: the
    # receiver's 3xx counts as a failed attempt.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


@transaction.atomic
def subscription_create(
    *, integration: Integration, url: str, event_types: list[str], secret: str = ""
) -> tuple[WebhookSubscription, str]:
    """Subscribe ``url``; returns the subscription and its secret (shown this once)."""
    unknown = sorted(set(event_types) - set(EVENT_TYPES))
    if unknown or not event_types:
        raise ValidationError(
            {"event_types": _("Unbekannte Ereignisse: %(types)s") % {"types": ", ".join(unknown)}}
            if unknown
            else {"event_types": _("Bitte wählen Sie mindestens ein Ereignis.")}
        )
    secret = secret or base64.urlsafe_b64encode(uuid.uuid4().bytes + uuid.uuid4().bytes).decode()
    if len(secret) < MIN_SECRET_LENGTH:
        raise ValidationError(
            {
                "secret": _("Das Geheimnis muss mindestens %(n)d Zeichen lang sein.")
                % {"n": MIN_SECRET_LENGTH}
            }
        )
    _url_check(url)
    subscription = WebhookSubscription(
        integration=integration,
        url=url.strip(),
        event_types=[t for t in EVENT_TYPES if t in event_types],
        secret_sealed=secret_seal(secret),
    )
    subscription.full_clean()
    subscription.save()
    audit_log(
        actor=IntegrationActor(integration),
        action="webhook.subscribe",
        obj=subscription,
        data={"url": subscription.url, "event_types": subscription.event_types},
    )
    return subscription, secret


@transaction.atomic
def subscription_delete(*, subscription: WebhookSubscription, actor: Any) -> None:
    audit_log(
        actor=actor,
        action="webhook.unsubscribe",
        obj=subscription,
        data={"url": subscription.url},
    )
    subscription.delete()


# --- from audit entries to delivery rows ------------------------------------------------------


def _participation_rows(ids: Iterable[int]) -> list[dict]:
    rows = (
        Participation.objects.filter(pk__in=list(ids))
        .select_related("person", "event")
        .order_by("id")
    )
    return [
        {
            "participation_id": p.pk,
            "registration_id": p.registration_id,
            "event_number": p.event.number,
            "person_id": p.person_id,
            "username": p.person.username,
            "status": p.status,
        }
        for p in rows
    ]


def _registration_created(entry: AuditEntry) -> list[tuple[str, dict]]:
    registration = (
        Registration.objects.select_related("event").filter(pk=entry.object_id).first()
        if number_or_none(entry.object_id) is not None
        else None
    )
    if registration is None:
        return []
    ids = Participation.objects.filter(registration=registration).values_list("pk", flat=True)
    data = {
        "registration_id": registration.pk,
        "event_number": registration.event.number,
        "review_required": registration.review == Registration.Review.PENDING,
        "participations": _participation_rows(ids),
    }
    found = [("registration.created", data)]
    if registration.review == Registration.Review.PENDING:
        found.append(
            (
                "registration.review_required",
                {"registration_id": registration.pk, "event_number": registration.event.number},
            )
        )
    return found


def _participations(event_type: str, key: str) -> Callable[[AuditEntry], list]:
    def build(entry: AuditEntry) -> list[tuple[str, dict]]:
        ids = entry.data.get(key) or []
        return [(event_type, row) for row in _participation_rows(ids)]

    return build


def _participation_cancelled(entry: AuditEntry) -> list[tuple[str, dict]]:
    return [("participation.cancelled", row) for row in _participation_rows([entry.object_id])]


def _attendance(entry: AuditEntry) -> list[tuple[str, dict]]:
    if number_or_none(entry.object_id) is None:
        return []
    return [
        (
            "attendance.recorded",
            {
                "event_number": Event.objects.filter(pk=entry.object_id)
                .values_list("number", flat=True)
                .first(),
                "event_id": int(entry.object_id),
                "attended": _participation_rows(entry.data.get("attended") or []),
                "not_attended": _participation_rows(entry.data.get("not_attended") or []),
            },
        )
    ]


def _certificate_rows(ids: Iterable[int]) -> list[dict]:
    rows = Certificate.objects.filter(pk__in=list(ids)).select_related(
        "participation__person", "participation__event"
    )
    return [
        {
            "certificate_id": c.pk,
            "verification_code": c.verification_code,
            "participation_id": c.participation_id,
            "event_number": c.participation.event.number,
            "person_id": c.participation.person_id,
            "username": c.participation.person.username,
            "issued_on": c.issued_on.isoformat(),
            "revoked": c.is_revoked,
        }
        for c in rows.order_by("id")
    ]


def _certificates_issued(entry: AuditEntry) -> list[tuple[str, dict]]:
    if entry.action == "event.certificates_generate":
        ids = entry.data.get("certificates") or []
    else:
        ids = [entry.object_id]
    found = [("certificate.issued", row) for row in _certificate_rows(ids)]
    if entry.action == "certificate.reissue" and entry.data.get("replaces"):
        found += [
            ("certificate.revoked", row) for row in _certificate_rows([entry.data["replaces"]])
        ]
    return found


def _certificate_revoked(entry: AuditEntry) -> list[tuple[str, dict]]:
    return [("certificate.revoked", row) for row in _certificate_rows([entry.object_id])]


def _person_merged(entry: AuditEntry) -> list[tuple[str, dict]]:
    if number_or_none(entry.object_id) is None:
        return []
    return [
        (
            "person.merged",
            {
                "person_id": int(entry.object_id),
                "username": entry.data.get("survivor_username", ""),
                "merged_person_ids": entry.data.get("merged_person_ids", []),
            },
        )
    ]


def _person_deleted(entry: AuditEntry) -> list[tuple[str, dict]]:
    # The account is gone: its id only (the receiver knows whom it stood for). A batch of
    # the purge is one entry naming all its accounts; each gets its own event.
    person_ids = entry.data.get("person_ids") or [number_or_none(entry.object_id)]
    return [("person.deleted", {"person_id": pk}) for pk in person_ids if pk is not None]


# audit action → (event types it may announce, payload builder)
ANNOUNCED: dict[str, tuple[tuple[str, ...], Callable[[AuditEntry], list]]] = {
    "registration.submit": (
        ("registration.created", "registration.review_required"),
        _registration_created,
    ),
    "event.confirmation_mails_enqueued": (
        ("participation.confirmed",),
        _participations("participation.confirmed", "participation_ids"),
    ),
    "participation.cancel": (("participation.cancelled",), _participation_cancelled),
    "event.cancel": (
        ("participation.cancelled",),
        _participations("participation.cancelled", "participations"),
    ),
    "event.attendance_record": (("attendance.recorded",), _attendance),
    "event.certificates_generate": (("certificate.issued",), _certificates_issued),
    "certificate.upload": (("certificate.issued",), _certificates_issued),
    "certificate.create": (("certificate.issued",), _certificates_issued),
    "certificate.reissue": (("certificate.issued", "certificate.revoked"), _certificates_issued),
    "certificate.revoke": (("certificate.revoked",), _certificate_revoked),
    "person.merge": (("person.merged",), _person_merged),
    "person.delete": (("person.deleted",), _person_deleted),
}


def _forget(value: Any, person_ids: set[int]) -> Any:
    if isinstance(value, list):
        return [_forget(v, person_ids) for v in value]
    if isinstance(value, dict):
        value = {k: _forget(v, person_ids) for k, v in value.items()}
        if value.get("person_id") in person_ids and value.get("username"):
            value["username"] = ""
        return value
    return value


def deliveries_about(*, person_ids: set[int]) -> models.QuerySet:
    """Deliveries whose payload may name one of the accounts (a superset: callers check the
    payload's ``person_id`` values exactly). One regular expression for all the accounts
    (``core.scrub.naming_any``), not one LIKE per account: the purge asks for 1,000 at once."""
    return naming_any(
        WebhookDelivery.objects.all(),
        ["payload"],
        [f'"person_id": {pk}' for pk in sorted(person_ids)],
    )


def delivery_names(delivery: WebhookDelivery, person_id: int) -> bool:
    """Whether the delivery's payload is about the account (``person_id`` anywhere in it)."""

    def walk(value: Any) -> bool:
        if isinstance(value, list):
            return any(walk(v) for v in value)
        if isinstance(value, dict):
            return value.get("person_id") == person_id or any(walk(v) for v in value.values())
        return False

    return walk(delivery.payload)


def deliveries_forget(*, person_ids: set[int]) -> int:
    """An erased or merged account's username leaves every stored delivery (its ids stay,
    they name nobody); called in the erasure's transaction. Returns the rows changed."""
    if not person_ids:
        return 0
    changed = []
    candidates = deliveries_about(person_ids=person_ids).only("pk", "payload")
    for delivery in candidates.iterator(chunk_size=500):
        payload = _forget(delivery.payload, person_ids)
        if payload != delivery.payload:
            delivery.payload = payload
            changed.append(delivery)
    WebhookDelivery.objects.bulk_update(changed, ["payload"], batch_size=500)
    return len(changed)


def deliveries_from_audit(entries: list[AuditEntry]) -> None:
    """Audit listener: queue a delivery per subscription for each announced change."""
    relevant = [e for e in entries if e.action in ANNOUNCED]
    if not relevant:
        return
    subscriptions = list(
        WebhookSubscription.objects.filter(is_active=True, integration__is_active=True)
    )
    if not subscriptions:
        return
    now = timezone.now()
    rows = []
    for entry in relevant:
        types, build = ANNOUNCED[entry.action]
        if not any(t in s.event_types for s in subscriptions for t in types):
            continue
        for event_type, payload in build(entry):
            event_id = uuid.uuid4()
            rows += [
                WebhookDelivery(
                    subscription=s,
                    event_id=event_id,
                    event_type=event_type,
                    payload=payload,
                    created_at=now,
                    queued_at=now,
                    next_attempt_at=now,
                )
                for s in subscriptions
                if event_type in s.event_types
            ]
    WebhookDelivery.objects.bulk_create(rows, batch_size=500)


# --- the worker's side ------------------------------------------------------------------------


def retry_delay(attempts: int) -> timedelta:
    base = settings.WEBHOOK_RETRY_BASE_SECONDS
    return timedelta(
        seconds=min(base * 2 ** max(attempts - 1, 0), settings.WEBHOOK_RETRY_MAX_SECONDS)
    )


def deliveries_sweep() -> int:
    """Rows stuck in SENDING (their worker died) go back into the queue."""
    limit = timezone.now() - timedelta(seconds=settings.WEBHOOK_SENDING_TIMEOUT_SECONDS)
    stuck = WebhookDelivery.objects.filter(status=Status.SENDING, locked_at__lt=limit)
    if not stuck.exists():
        return 0
    return stuck.update(status=Status.QUEUED, locked_at=None, next_attempt_at=timezone.now())


def deliveries_claim(*, limit: int) -> list[int]:
    now = timezone.now()
    due = WebhookDelivery.objects.filter(status=Status.QUEUED, next_attempt_at__lte=now)
    if not due.exists():
        return []
    with transaction.atomic():
        ids = list(
            due.select_for_update(skip_locked=True)
            .order_by("next_attempt_at", "id")
            .values_list("id", flat=True)[:limit]
        )
        WebhookDelivery.objects.filter(pk__in=ids).update(
            status=Status.SENDING, locked_at=now, attempts=F("attempts") + 1
        )
    return ids


def _current(delivery: WebhookDelivery) -> dict:
    """The payload as it is sent: a certificate announced as issued says whether it is still
    valid now, so a delivery sent (or retried) after a revocation never tells a receiver that
    a revoked certificate is valid."""
    payload = delivery.payload
    if delivery.event_type == "certificate.issued" and "certificate_id" in payload:
        found = list(
            Certificate.objects.filter(pk=payload["certificate_id"]).values_list(
                "revoked_at", flat=True
            )
        )
        # Gone (deleted by retention or with the account) counts as no longer valid.
        payload = {**payload, "revoked": not found or found[0] is not None}
    return payload


def delivery_body(delivery: WebhookDelivery) -> bytes:
    return json.dumps(
        {
            "id": str(delivery.event_id),
            "type": delivery.event_type,
            "created_at": delivery.created_at.isoformat(),
            "data": _current(delivery),
        },
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def _post(delivery: WebhookDelivery) -> int:
    """Send one delivery; returns the HTTP status (raises on a network error or timeout)."""
    subscription = delivery.subscription
    body = delivery_body(delivery)
    timestamp = int(time.time())
    request = urllib.request.Request(  # noqa: S310 - the URL is checked when subscribed
        subscription.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Kundenportal-Webhooks/1",
            "Webhook-Id": str(delivery.event_id),
            "Webhook-Timestamp": str(timestamp),
            "Webhook-Event": delivery.event_type,
            "Webhook-Signature": signature(
                secret=secret_open(subscription.secret_sealed), timestamp=timestamp, body=body
            ),
        },
    )
    if not address_allowed(subscription.url):
        # Checked again at each attempt: the host may resolve elsewhere by now.
        raise ConnectionRefusedError("Adresse nicht öffentlich erreichbar")
    try:
        with _OPENER.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            response.read(1024)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def delivery_attempt(delivery_id: int) -> str:
    """Send one claimed delivery and record the outcome; returns its new status."""
    delivery = WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)
    code = None
    try:
        code = _post(delivery)
        error = "" if 200 <= code < 300 else f"HTTP {code}"
    except Exception as exc:  # a timeout, a refused connection, a TLS error
        error = f"{type(exc).__name__}: {exc}"[:1000]
    now = timezone.now()
    if not error:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=Status.DELIVERED,
            delivered_at=now,
            locked_at=None,
            last_error="",
            last_status_code=code,
        )
        return Status.DELIVERED
    give_up = delivery.queued_at + timedelta(seconds=settings.WEBHOOK_GIVE_UP_SECONDS)
    retry_at = now + retry_delay(delivery.attempts)
    status = Status.FAILED if retry_at > give_up else Status.QUEUED
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=status,
        locked_at=None,
        next_attempt_at=retry_at,
        last_error=error,
        last_status_code=code,
    )
    if status == Status.FAILED:
        logger.warning("webhook %s failed for good: %s", delivery.event_id, error)
    return status


def deliveries_send(*, limit: int | None = None) -> dict[str, int]:
    """One round of the worker: sweep, claim due rows, send them. Returns counts by status."""
    deliveries_sweep()
    counts: dict[str, int] = {}
    for delivery_id in deliveries_claim(limit=limit or settings.WEBHOOK_BATCH_SIZE):
        status = delivery_attempt(delivery_id)
        counts[status] = counts.get(status, 0) + 1
    return counts


@transaction.atomic
def deliveries_resend(*, ids: list[int], actor: Any) -> int:
    """Staff send deliveries again (failed ones, or delivered ones a receiver lost): queued
    now, with a fresh give-up time; the event keeps its id so a receiver can drop repeats."""
    now = timezone.now()
    changed = (
        WebhookDelivery.objects.filter(pk__in=ids)
        .exclude(status=Status.SENDING)
        .update(
            status=Status.QUEUED,
            next_attempt_at=now,
            queued_at=now,
            attempts=0,
            last_error="",
            locked_at=None,
        )
    )
    if changed:
        audit_log(
            actor=actor,
            action="webhook.resend",
            object_type=WebhookDelivery._meta.label_lower,
            object_id=",".join(str(i) for i in ids[:50]),
            data={"deliveries": ids[:500], "count": changed},
        )
    return changed


def deliveries_purge() -> int:
    """Delivered and failed rows after WEBHOOK_KEEP_DAYS (they name usernames)."""
    return WebhookDelivery.objects.filter(deliveries_due(timezone.now())).delete()[0]


def deliveries_due(now) -> models.Q:
    """Delivered and failed rows older than WEBHOOK_KEEP_DAYS: the rule of the hourly clean-up
    and of the daily purge (``privacy.register``)."""
    limit = now - timedelta(days=settings.WEBHOOK_KEEP_DAYS)
    return models.Q(status__in=(Status.DELIVERED, Status.FAILED), created_at__lt=limit)
