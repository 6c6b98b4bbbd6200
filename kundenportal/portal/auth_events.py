"""Logins and failed logins, portal and Verwaltung, for spotting password spraying.

Every successful and failed login writes an audit entry (``auth.login`` /
``auth.login_failed``) and one structured log line on the logger ``kundenportal.auth``. Both
are pseudonymised: the username as ``audit_username_hash`` (the log's search finds it when
staff type the name), the client address and its network (/24, /48) as keyed HMACs
(``AUTH_EVENT_HASH_KEY``). Neither holds a plain username, address or password, yet many
failures for many usernames from one address (or network) stand out as the same hash.
"""

import hashlib
import hmac
import ipaddress
import logging

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.dispatch import receiver

from kundenportal.audit.services import audit_log, audit_username_hash
from kundenportal.core.net import client_ip

from .security import axes_username

logger = logging.getLogger("kundenportal.auth")
SHORT = 16  # hex characters of a hash in a log line (64 bits: enough to correlate)


def _keyed(value: str, purpose: str) -> str:
    key = f"{settings.AUTH_EVENT_HASH_KEY}:{purpose}".encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def _network(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def auth_event_fields(*, username: str, address: str) -> dict[str, str]:
    username = (username or "").strip().lower().replace("\x00", "")[:150]
    network = _network(address)
    return {
        "username_hash": audit_username_hash(username) if username else "",
        "ip_hash": _keyed(address, "ip") if address else "",
        "net_hash": _keyed(network, "net") if network else "",
    }


def _area(request) -> str:
    path = getattr(request, "path", "") or ""
    return "verwaltung" if path.startswith("/verwaltung/") else "portal"


def _record(*, event: str, request, username: str, person=None) -> None:
    address = client_ip(request) if request is not None else ""
    fields = auth_event_fields(username=username, address=address)
    area = _area(request)
    with transaction.atomic():
        # No actor: the entry names nobody in plain text (the login's account is its object).
        audit_log(
            actor=None,
            action=event,
            object_type="accounts.person" if person is not None else "",
            object_id=str(person.pk) if person is not None else "",
            data={"area": area, **fields},
        )
    short = {key: value[:SHORT] for key, value in fields.items()}
    logger.info(
        "event=%s area=%s user=%s ip=%s net=%s",
        event,
        area,
        short["username_hash"] or "-",
        short["ip_hash"] or "-",
        short["net_hash"] or "-",
        extra={"event": event, "area": area, **short},
    )


@receiver(user_logged_in, dispatch_uid="auth_event_login")
def login_recorded(sender, request, user, **kwargs):
    _record(event="auth.login", request=request, username=user.get_username(), person=user)


@receiver(user_login_failed, dispatch_uid="auth_event_login_failed")
def login_failure_recorded(sender, credentials, request=None, **kwargs):
    _record(
        event="auth.login_failed",
        request=request,
        username=axes_username(request, credentials),
    )
