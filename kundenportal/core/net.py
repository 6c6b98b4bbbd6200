"""The client's address as every part of the project sees it (login throttling, login events,
registration limits)."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """The client's address.

    Behind ``TRUSTED_PROXY_COUNT`` proxies, each of which appends the address it saw to
    X-Forwarded-For, the client is the entry that many places from the right; anything further
    left is written by the client and cannot be trusted.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            candidate = forwarded[-count]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return remote
