"""Finding and replacing a person's identifiers (username, name, e-mail) in stored text and
JSON, for erasure: the rows stay as a record of what was done, without whom they named."""

import json
import re
from collections.abc import Iterable
from functools import cached_property
from typing import Any

from django.db import connections
from django.db.models import Q, QuerySet, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Lower

REPLACEMENT = "(gelöscht)"


class Needles(tuple):
    """Identifiers to look for (lower case), with the regular expression that finds them,
    built once however many tables an erasure searches with it."""

    @cached_property
    def pattern(self) -> str:
        return contains_pattern({form for word in self for form in _spellings(word)})


class Either(str):
    """A part of a word in ``contains_pattern`` that is already a regular expression (one
    letter's spellings), not text to match literally."""


def _spellings(word: str) -> set[str | tuple[str, ...]]:
    """``word``, and how JSON stored with escapes spells it: a quote or backslash is escaped
    on both databases, a letter outside ASCII on SQLite ("M\\u00fcller"). Matching ignores
    case, but not the case of an escaped letter ("\\u00dc" is "Ü", "\\u00fc" is "ü"), so
    each escaped letter matches in either case ("Jürgen GRÖSSE", "JÜRGEN Größe")."""
    escaped = json.dumps(word)[1:-1]
    if word.isascii():
        return {word, escaped}
    parts: list[str] = []
    # "İ" lowered is "i" with a combining dot: both are the one letter "\\u0130" stored.
    for char in word.replace("i\u0307", "\u0130"):
        if char.isascii():
            parts.extend(json.dumps(char)[1:-1])
            continue
        forms = {json.dumps(form)[1:-1].lower() for form in (char, char.upper(), char.lower())}
        parts.append(Either("(?:" + "|".join(re.escape(f) for f in sorted(forms)) + ")"))
    return {word, tuple(parts)}


def needles(identifiers: Iterable[str | None]) -> Needles:
    """The identifiers to look for, lower case; shorter than 3 characters would hit anything."""
    found: dict[str, None] = {}  # ordered, and a set for many identifiers at once
    for value in identifiers:
        value = (value or "").strip().lower()
        if len(value) >= 3:
            found[value] = None
            # Written in capitals, "Größe" is "GRÖSSE": lower case that is "grösse". Python
            # lowers "İ" to "i" with a combining dot, a database may to a plain "i".
            found[value.upper().lower()] = None
            found[value.replace("i\u0307", "i")] = None
    return Needles(found)


def naming_any(queryset: QuerySet, fields: Iterable[str], words: Iterable[str]) -> QuerySet:
    """The rows of ``queryset`` whose ``fields`` (text, or JSON as stored) contain any of
    ``words`` (lower case), case-insensitively; one regular expression per field, however
    many words. No words match nothing.
    """
    words = words if isinstance(words, Needles) else Needles(words)
    if not words:
        return queryset.none()
    pattern = words.pattern
    # PostgreSQL compiles a case-insensitive expression of a thousand names ~10 times slower
    # than the same one on lower-cased text; SQLite's lower() knows only ASCII, so there the
    # expression (Python's) ignores case itself.
    lowered = connections[queryset.db].vendor == "postgresql"
    # PostgreSQL's planner compiles a constant pattern to estimate how many rows match
    # (tens of milliseconds for a thousand names, even on an empty table); given as the
    # result of a sub-select it is compiled only where a row is matched.
    rhs = RawSQL("SELECT %s::text", (pattern,), output_field=TextField()) if lowered else pattern
    query = Q(pk__in=[])
    for name in fields:
        alias = f"_text_{name}"
        text = Cast(name, TextField())
        queryset = queryset.alias(**{alias: Lower(text) if lowered else text})
        query |= Q(**{f"{alias}__regex" if lowered else f"{alias}__iregex": rhs})
    return queryset.filter(query)


def contains_pattern(words: Iterable[str | tuple[str, ...]]) -> str:
    """A regular expression that finds any of ``words`` (lower case), in the syntax both
    PostgreSQL and Python understand, written as a tree of shared prefixes: "ab(?:c|d)" rather
    than "abc|abd". PostgreSQL compiles (and its planner tries) a plain alternation of thousands
    of names for seconds; the tree is a fraction of its size and is matched in one pass. A word
    that contains a shorter one is left out: finding the shorter one is enough. A word may be
    given as a tuple of parts, where an ``Either`` part is a regular expression already."""
    tree: dict = {}
    for word in sorted(set(words), key=len):
        node = tree
        for char in word:
            if node.get("") is True:  # a shorter word already ends here
                break
            node = node.setdefault(char, {})
        else:
            node.clear()
            node[""] = True
    return _tree_pattern(tree)


def _tree_pattern(node: dict) -> str:
    branches = []
    for char, child in sorted(node.items()):
        if char == "":
            continue
        # Iterative along single-child chains: a long name is no deep recursion.
        text = [char]
        while len(child) == 1 and "" not in child:
            ((char, child),) = child.items()
            text.append(char)
        prefix = "".join(part if isinstance(part, Either) else re.escape(part) for part in text)
        branches.append(prefix if child.get("") is True else prefix + _tree_pattern(child))
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


def scrub(
    value: Any,
    words: tuple[str, ...],
    replacement: str = REPLACEMENT,
    *,
    username_keys: bool = False,
) -> Any:
    """``value`` with every text that contains one of ``words`` replaced, in lists and dicts
    too. With ``username_keys`` a value under any key naming a username goes whatever it is."""
    if isinstance(value, str):
        lowered = value.lower()
        return replacement if any(w in lowered for w in words) else value
    if isinstance(value, list):
        return [scrub(item, words, replacement, username_keys=username_keys) for item in value]
    if isinstance(value, dict):
        return {
            key: replacement
            if username_keys and "username" in key.lower()
            else scrub(item, words, replacement, username_keys=username_keys)
            for key, item in value.items()
        }
    return value
