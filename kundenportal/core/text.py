"""Name normalisation shared by matching (same person, same company) and usernames."""

import re
import unicodedata

from unidecode import unidecode

# German rules come first; the library then transliterates every other script.
_GERMAN = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ẞ": "SS"}
)


def to_ascii(value: str) -> str:
    """Transliterate to ASCII after the German rules (Jürgen Größe → Juergen Groesse)."""
    value = unicodedata.normalize("NFC", value or "").translate(_GERMAN)
    return unidecode(value)


def match_key(value: str) -> str:
    """A key that is equal for spellings people consider the same name.

    "Müller GmbH", "MUELLER  gmbh" and "Müller-GmbH" give the same key.
    """
    ascii_value = to_ascii(value).lower()
    return " ".join(re.findall(r"[a-z0-9]+", ascii_value))


def number_or_none(value, *, digits: int = 18) -> int | None:
    """The whole number written in ``value`` with ASCII digits only, else ``None``.

    ``str.isdigit()`` accepts "²" and ``int()`` refuses it; a query parameter of 5,000 digits
    passes both and overflows the database's integer. This takes only what a link or a form of
    ours can produce: up to ``digits`` ASCII digits (18 fit a PostgreSQL bigint).
    """
    text = str(value) if value is not None else ""
    if not (0 < len(text) <= digits and text.isascii() and text.isdigit()):
        return None
    return int(text)
