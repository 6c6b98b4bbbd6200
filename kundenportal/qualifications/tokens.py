"""Signed links in the reminder mail: one-click unsubscribe and the prefilled booking form.

Both are made when the mail is rendered for sending (never stored in the outbox) and carry
only the account number, signed with SECRET_KEY (a key in SECRET_KEY_FALLBACKS still verifies).
"""

from django.conf import settings
from django.core import signing

UNSUBSCRIBE_SALT = "kundenportal.qualifications.unsubscribe"
PREFILL_SALT = "kundenportal.qualifications.prefill"


def unsubscribe_token(*, person_id: int) -> str:
    # No expiry: an unsubscribe link must keep working (RFC 8058), and it can do nothing else.
    return signing.dumps(person_id, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_person_id(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def prefill_token(*, person_id: int) -> str:
    return signing.dumps(person_id, salt=PREFILL_SALT, compress=True)


def prefill_person_id(token: str) -> int | None:
    """The account a booking link was made for, while it is younger than
    ``QUALIFICATION_PREFILL_LINK_DAYS``; else None."""
    try:
        value = signing.loads(
            token, salt=PREFILL_SALT, max_age=settings.QUALIFICATION_PREFILL_LINK_DAYS * 86400
        )
    except signing.BadSignature:  # SignatureExpired is a BadSignature
        return None
    return value if isinstance(value, int) else None
