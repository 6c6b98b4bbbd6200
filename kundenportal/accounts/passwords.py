"""Password validator: German common passwords and the provider's and portal's own words.

Django's ``CommonPasswordValidator`` knows English lists; "passwort1234", "Kundenportal1" or
"bew-kundenportal" passed it. This validator takes the password in lower case, drops digits
and punctuation, removes every listed word and refuses the password if less than
``min_rest`` letters are left: what remains is what an attacker would have to guess.

Cracking tools try the usual substitutions first, so the same is done once more with
leetspeak read back as letters ("P@ssw0rt" is "passwort", "Pa55wort" too); separators
("pass-wort") are dropped in both readings. A letter that a digit or sign stood for may be
part of a listed word, but never counts as a letter left over.
"""

import re
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

DEFAULT_LIST = Path(__file__).resolve().parent / "data" / "common_passwords_de.txt"
PORTAL_WORDS = ("kundenportal", "kunden", "portal", "konto", "kundenkonto", "bildungszentrum")


@cache
def _listed_words(path: str) -> tuple[str, ...]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return tuple(w.strip() for w in lines if w.strip() and not w.startswith("#"))


def _provider_words() -> set[str]:
    """The provider's short name, the longer words of its long name, its web address."""
    provider = getattr(settings, "PROVIDER", {})
    words = set(re.findall(r"[a-zäöüß]+", provider.get("long_name", "").lower()))
    words = {w for w in words if len(w) >= 5}
    host = re.sub(r"^[a-z]+://", "", provider.get("website", "").lower()).split("/")[0]
    words |= {_letters(label) for label in host.split(".")[:-1] if label != "www"}
    words.add(_letters(provider.get("name", "")))
    return {w for w in words if w}


def _letters(text: str) -> str:
    return re.sub(r"[^a-zäöüß]", "", text.lower())


LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzäöüß")
LEET = {"@": "a", "4": "a", "3": "e", "€": "e", "!": "i", "0": "o", "5": "s", "$": "s"}
LEET |= {"7": "t", "+": "t", "8": "b", "9": "g", "6": "g", "|": "l"}
# "1" stands for "i" as often as for "l": both readings are tried.
LEET_ONE = ("i", "l")


def _rest_after(chars: list[tuple[str, bool]], words: list[str]) -> int:
    """Letters left once every listed word is removed; ``chars`` pairs each (read) letter
    with whether it was typed as a letter."""
    text = "".join(c for c, _typed in chars)
    typed = [t for _c, t in chars]
    for word in words:
        start = text.find(word)
        while start != -1:
            text = text[:start] + text[start + len(word) :]
            del typed[start : start + len(word)]
            start = text.find(word)
    return sum(typed)


def _readings(password: str) -> list[list[tuple[str, bool]]]:
    lower = password.lower()
    plain = [(c, True) for c in lower if c in LETTERS]
    readings = [plain]
    for one in LEET_ONE:
        leet = {**LEET, "1": one}
        reading = []
        for c in lower:
            if c in LETTERS:
                reading.append((c, True))
            elif c in leet:
                reading.append((leet[c], False))
        readings.append(reading)
    return readings


class GermanCommonPasswordValidator:
    def __init__(self, min_rest: int = 6, password_list_path: str | Path = DEFAULT_LIST):
        self.min_rest = min_rest
        self.password_list_path = str(password_list_path)

    def _words(self) -> list[str]:
        words = {_letters(w) for w in _listed_words(self.password_list_path)}
        words |= set(PORTAL_WORDS) | _provider_words()
        # Longest first: "kundenportal" goes as a whole before "kunden" is looked for.
        return sorted((w for w in words if w), key=len, reverse=True)

    def validate(self, password: str, user=None) -> None:
        words = self._words()
        rest = min(_rest_after(reading, words) for reading in _readings(password or ""))
        if rest < self.min_rest:
            raise ValidationError(
                "Dieses Passwort ist zu leicht zu erraten: Es besteht aus einem häufig "
                "benutzten Passwort, dem Namen des Anbieters oder Wörtern wie „Kundenportal“ "
                "und Ziffern. Bitte wählen Sie ein anderes, z. B. aus mehreren Wörtern.",
                code="password_too_common_de",
            )

    def get_help_text(self) -> str:
        return (
            "Ihr Passwort darf kein häufig benutztes Passwort sein und nicht nur aus dem Namen "
            "des Anbieters, Wörtern wie „Kundenportal“ und Ziffern bestehen."
        )


def password_rules_help_html() -> SafeString:
    """The rules of AUTH_PASSWORD_VALIDATORS for the password forms, each said once (Django's
    own help texts of its validators and this one's overlap: "allgemein üblich" and "häufig
    benutzt")."""
    min_length = next(
        (
            v.get("OPTIONS", {}).get("min_length", 8)
            for v in settings.AUTH_PASSWORD_VALIDATORS
            if v["NAME"].endswith(".MinimumLengthValidator")
        ),
        8,
    )
    rules = [
        _("Mindestens %(count)d Zeichen.") % {"count": min_length},
        _("Nicht ähnlich zu Ihrem Namen, Benutzernamen oder Ihrer E-Mail-Adresse."),
        _("Kein häufig benutztes Passwort, auch nicht abgewandelt (wie „P@ssw0rt“)."),
        _("Nicht nur Ziffern."),
        _("Nicht nur der Name des Anbieters, Wörter wie „Kundenportal“ und Ziffern."),
    ]
    return format_html(
        "{}<ul>{}</ul>",
        _("Regeln für Ihr Passwort:"),
        format_html_join("", "<li>{}</li>", ((rule,) for rule in rules)),
    )
