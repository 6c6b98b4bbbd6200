"""Usernames: ``vorname.nachname``, then ``vorname.nachname1``, ``vorname.nachname2``, ...

FAQ: "Der Benutzername wird automatisch aus dem Vor- und Nachnamen der angemeldeten Person
erzeugt, z.B. max.mustermann. Bei Mehrfachvorkommen wird die nächste gleichlautende
Namenskombination mit einem Wert versehen bzw. wird dieser erhöht, z.B. max.mustermann27."
"""

import hashlib
import hmac
import re

from django.conf import settings
from django.db import transaction

from kundenportal.core.locks import username_issuing_lock
from kundenportal.core.text import to_ascii

from .models import Person, UsernameSeries

MAX_LENGTH = 150
# Room for the suffix: a base never takes more than this, so base + number fits in 150.
MAX_BASE_LENGTH = 140
FALLBACK_PART = "teilnehmer"
# Apostrophes belong inside a name ("O'Brien", "D’Arcy"): they are dropped, not made a separator.
# The typographic ones too (’ ‘ ʼ ´ `), since people paste names from word processors.
_APOSTROPHES = str.maketrans(dict.fromkeys("'\u2019\u2018\u02bc\u00b4\u0060", None))


def _name_part(value: str) -> str:
    # "Anna Maria" → "anna-maria", "von der Heide" → "von-der-heide"; nothing else is kept.
    # Letters only: a base never ends in a digit, so "max.mustermann1" can only ever be the
    # suffix 1 of "max.mustermann" and never the plain base of another name (a last name
    # "Mustermann1" would otherwise re-issue the name of a deleted account).
    # "Seán O'Brien" → "sean.obrien": the apostrophe goes before and after transliteration
    # (the library turns some other marks into "'").
    ascii_value = to_ascii((value or "").translate(_APOSTROPHES)).translate(_APOSTROPHES)
    words = re.findall(r"[a-z]+", ascii_value.lower())
    return "-".join(words)


def username_base(*, first_name: str, last_name: str) -> str:
    first = _name_part(first_name) or FALLBACK_PART
    last = _name_part(last_name) or FALLBACK_PART
    if len(first) + 1 + len(last) > MAX_BASE_LENGTH:
        first = first[: (MAX_BASE_LENGTH - 1) // 2].strip("-")
        last = last[: MAX_BASE_LENGTH - 1 - len(first)].strip("-")
    return f"{first}.{last}"


def _base_hash(base: str) -> str:
    # Keyed, so the table of issued bases reveals no names even after the accounts are gone.
    key = settings.USERNAME_HASH_KEY.encode()
    return hmac.new(key, base.encode(), hashlib.sha256).hexdigest()


def _candidate(base: str, suffix: int) -> str:
    return base if suffix == 0 else f"{base}{suffix}"


@transaction.atomic
def username_issue(*, first_name: str, last_name: str) -> str:
    """Reserve the next free username for this name; never issued before, never again.

    The series row is locked (SELECT ... FOR UPDATE on PostgreSQL; SQLite serialises writers),
    so two registrations at the same instant get different names, and finding the next
    suffix reads one row, not all earlier accounts of that name.
    """
    base = username_base(first_name=first_name, last_name=last_name)
    username_issuing_lock(exclusive=False)
    series, created = UsernameSeries.objects.select_for_update().get_or_create(
        base_hash=_base_hash(base), defaults={"last_suffix": 0}
    )
    suffix = 0 if created else series.last_suffix + 1
    # Accounts made before the series existed (or by hand) are skipped, never reused.
    while Person.objects.filter(username=_candidate(base, suffix)).exists():
        suffix += 1
    if suffix or not created:
        series.last_suffix = suffix
        series.save(update_fields=["last_suffix"])
    username = _candidate(base, suffix)
    if len(username) > MAX_LENGTH:  # pragma: no cover - needs 10**10 accounts of one name
        raise ValueError("No username left for this name.")
    return username


@transaction.atomic
def usernames_issue_many(*, names: list[tuple[str, str]]) -> list[str]:
    """Usernames for many new accounts at once (the customer import), in the given order.

    The same rules and the same series rows as ``username_issue``, with a constant number of
    queries per batch instead of several per name. Holds the issuing lock exclusively, so
    registrations wait for the import's transaction rather than race it.
    """
    if not names:
        return []
    username_issuing_lock(exclusive=True)
    bases = [username_base(first_name=first, last_name=last) for first, last in names]
    hashes = {base: _base_hash(base) for base in bases}
    series: dict[str, UsernameSeries] = {}
    unique_hashes = list(set(hashes.values()))
    for start in range(0, len(unique_hashes), 2000):
        chunk = unique_hashes[start : start + 2000]
        for row in UsernameSeries.objects.select_for_update().filter(base_hash__in=chunk):
            series[row.base_hash] = row
    # Next suffix per base: 0 for a base never issued, else the highest issued + 1.
    start = {base: (series[h].last_suffix + 1 if h in series else 0) for base, h in hashes.items()}
    # Accounts made before the series existed (or by hand) are skipped, never reused.
    skip: set[str] = set()
    while True:
        counters = dict(start)
        usernames: list[str] = []
        for base in bases:
            while _candidate(base, counters[base]) in skip:
                counters[base] += 1
            usernames.append(_candidate(base, counters[base]))
            counters[base] += 1
        taken: set[str] = set()
        for offset in range(0, len(usernames), 2000):
            taken.update(
                Person.objects.filter(username__in=usernames[offset : offset + 2000]).values_list(
                    "username", flat=True
                )
            )
        if not taken:
            break
        skip |= taken
    highest: dict[str, int] = {}
    for base, username in zip(bases, usernames, strict=True):
        suffix = int(username[len(base) :] or 0)
        highest[base] = max(highest.get(base, 0), suffix)
    new_rows, changed_rows = [], []
    for base, suffix in highest.items():
        row = series.get(hashes[base])
        if row is None:
            new_rows.append(UsernameSeries(base_hash=hashes[base], last_suffix=suffix))
        elif suffix > row.last_suffix:
            row.last_suffix = suffix
            changed_rows.append(row)
    UsernameSeries.objects.bulk_create(new_rows, batch_size=1000)
    UsernameSeries.objects.bulk_update(changed_rows, ["last_suffix"], batch_size=1000)
    if any(len(u) > MAX_LENGTH for u in usernames):  # pragma: no cover
        raise ValueError("No username left for this name.")
    return usernames
