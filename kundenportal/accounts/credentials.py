"""Initial passwords: sent with each Durchführungsbestätigung while a person has never set
an own password.

An initial password is stored only as a hash (Argon2) in ``Person.initial_password``, expires
after ``INITIAL_PASSWORD_VALID_DAYS`` and opens nothing but "Passwort ändern": it never becomes
the lasting password. A new one replaces the old one (the old one stops working).
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

from kundenportal.audit.services import audit_log
from kundenportal.core.formatting import datetime_text
from kundenportal.notifications.services import mail_enqueue

from .addresses import addresses_all_bound, addresses_bound
from .models import Person

# No look-alikes (0/O, 1/l/I): the password is read from a mail and typed by hand.
ALPHABET = "23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
GROUPS, GROUP_LENGTH = 4, 4  # 16 characters of 56 → 92 bits, shown as "k7Hm-9pQx-…"


def initial_password_generate(*, seed: bytes | None = None) -> str:
    """A random initial password, or a deterministic one derived from ``seed``.

    With a seed, the same seed always gives the same password (HMAC with SECRET_KEY), so a
    mail that is sent again after a crash carries the password that was already set.
    """
    if seed is None:
        chars = [secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LENGTH)]
    else:
        digest = hmac.new(settings.SECRET_KEY.encode(), seed, hashlib.sha512).digest()
        chars = [ALPHABET[byte % len(ALPHABET)] for byte in digest[: GROUPS * GROUP_LENGTH]]
    return "-".join(
        "".join(chars[i : i + GROUP_LENGTH]) for i in range(0, len(chars), GROUP_LENGTH)
    )


def initial_password_set(*, person: Person, raw_password: str) -> None:
    """Store the hash of a new initial password; any earlier one stops working."""
    _initial_password_store(person=person, hashed=make_password(raw_password))


def _initial_password_store(*, person: Person, hashed: str) -> None:
    person.initial_password = hashed
    person.initial_password_expires_at = timezone.now() + timedelta(
        days=settings.INITIAL_PASSWORD_VALID_DAYS
    )
    person.save(update_fields=["initial_password", "initial_password_expires_at"])


def initial_password_check(*, person: Person, raw_password: str) -> bool:
    """True if ``raw_password`` is the person's current, unexpired initial password."""
    if person.has_own_password or not person.initial_password:
        return False
    # Hash first, then the expiry: an expired password costs the same time as a valid one.
    matches = check_password(raw_password or "", person.initial_password)
    expires_at = person.initial_password_expires_at
    return matches and expires_at is not None and expires_at > timezone.now()


@transaction.atomic
def person_set_own_password(*, person: Person, raw_password: str, actor=None) -> None:
    """The person's own password replaces everything before it (initial password included)."""
    person.set_password(raw_password)
    person.own_password_set_at = timezone.now()
    person.initial_password = ""
    person.initial_password_expires_at = None
    person.save(
        update_fields=[
            "password",
            "own_password_set_at",
            "initial_password",
            "initial_password_expires_at",
        ]
    )
    audit_log(actor=actor or person, action="person.password_set", obj=person)
    known = addresses_bound(person=person)
    if known:
        # A notice to every address bound to the account: whoever did not change it reacts.
        mail_enqueue(
            template="password_changed",
            to=known,
            context={
                "salutation": person.get_salutation_display() if person.salutation else "",
                "title": person.title,
                "first_name": person.first_name,
                "last_name": person.last_name,
                "username": person.username,
                "changed_at": datetime_text(timezone.now()),
            },
        )


def credentials_for_mail(*, person: Person, seed: bytes, recipients: list[str]) -> dict:
    """The access data a mail carries, made at the moment the mail is rendered for sending.

    SPEC: "a fresh initial password while the person has never set an own password (the old
    one stops working), otherwise the username and the hint that the self-chosen password
    applies, with the link to 'Passwort vergessen'."

    ``seed`` comes from the outbox row (``OutboxMail.secret_seed``): the same mail, sent
    again after a crash or an SMTP error, carries the same password. Nothing is written here;
    ``credentials_mail_sent`` stores the hash once the mail has been accepted for delivery.
    The plain password exists only in the returned dict and the rendered mail.

    A fresh initial password only if every one of ``recipients`` is bound to the account
    (``addresses.py``); otherwise the username and the "Passwort vergessen" hint, with
    ``initial_password_withheld`` set, and the current initial password keeps working.
    """
    site_url = settings.SITE_URL
    data: dict = {
        "username": person.username,
        "login_url": f"{site_url}/portal/anmelden/",
        "password_reset_url": f"{site_url}/portal/passwort-vergessen/",
        "has_own_password": person.has_own_password,
    }
    if person.has_own_password:
        return data
    if not addresses_all_bound(person=person, addresses=recipients):
        data["initial_password_withheld"] = True
        return data
    data.update(
        initial_password=initial_password_generate(seed=seed),
        initial_password_valid_days=settings.INITIAL_PASSWORD_VALID_DAYS,
        initial_password_expires_at=timezone.now()
        + timedelta(days=settings.INITIAL_PASSWORD_VALID_DAYS),
    )
    return data


def credentials_mail_sent(*, person: Person, credentials: dict) -> None:
    """The mail with ``credentials`` was accepted: its initial password now counts (and
    the one of any earlier mail stops working). Sent again, it stores the same password."""
    raw_password = credentials.get("initial_password")
    if not raw_password:
        return
    # Hash first, then write in a short transaction: no lock is held during the
    # (deliberately slow) Argon2 hash.
    hashed = make_password(raw_password)
    with transaction.atomic():
        _initial_password_store(person=person, hashed=hashed)
        audit_log(actor=None, action="person.initial_password_issued", obj=person)


def credentials_sent_hook(mail, provided: dict) -> None:
    """Sent hook (``notifications.rendering.mail_sent_hook``) of every mail with credentials
    (Durchführungsbestätigung, "Zugangsdaten erneut senden"): the initial password in the
    mail now counts. Its context provider returned ``person_id`` and ``credentials``."""
    person = Person.objects.filter(pk=provided.get("person_id")).first()
    if person is not None:
        credentials_mail_sent(person=person, credentials=provided.get("credentials", {}))
