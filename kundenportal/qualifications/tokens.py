"""Signed links in the reminder mail: one-click unsubscribe and the prefilled booking form
(whose token the booking form reads: ``registrations.prefill``).

Both are made when the mail is rendered for sending (never stored in the outbox) and carry
only the account number, signed with SECRET_KEY (a key in SECRET_KEY_FALLBACKS still verifies).
"""

from django.core import signing

from kundenportal.registrations.prefill import prefill_token

__all__ = ["prefill_token", "unsubscribe_person_id", "unsubscribe_token"]

UNSUBSCRIBE_SALT = "kundenportal.qualifications.unsubscribe"


def unsubscribe_token(*, person_id: int) -> str:
    # No expiry: an unsubscribe link must keep working (RFC 8058), and it can do nothing else.
    return signing.dumps(person_id, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_person_id(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None
