"""How dates, times and sizes read in German pages, mails and PDFs: the one place for formats.

Fixed German patterns, so a mail rendered by the worker reads the same as the page a
participant sees. Numeric dates and sizes need no lookup and are plain f-strings: long lists
format several per row, and Django's ``date_format`` and ``filesizeformat`` (format lookup,
translation, a formatter object per call; 27 µs per size) made up a fifth of
"Meine Dokumente"'s own time (bench/load.py). The texts are those of Django's German
formats (tests/events/test_presentation.py compares them); weekday names go through Django.
"""

import datetime as dt

from django.utils import formats, timezone

WEEKDAY_DATE = "D, d.m.Y"


def date_text(day: dt.date) -> str:
    """03.12.2026"""
    return f"{day.day:02d}.{day.month:02d}.{day.year:04d}"


def _day_month(day: dt.date) -> str:
    return f"{day.day:02d}.{day.month:02d}."


def _clock(local: dt.datetime, seconds: bool = False) -> str:
    text = f"{local.hour:02d}:{local.minute:02d}"
    return f"{text}:{local.second:02d}" if seconds else text


def clock_text(moment: dt.datetime, *, seconds: bool = False) -> str:
    """14:05 or 14:05:33 (local time)."""
    return _clock(timezone.localtime(moment), seconds)


def datetime_text(moment: dt.datetime) -> str:
    """03.12.2026 um 14:05 Uhr (local time)."""
    local = timezone.localtime(moment)
    return f"{date_text(local)} um {_clock(local)} Uhr"


def datetime_compact(moment: dt.datetime) -> str:
    """03.12.2026 14:05 (local time), for lists and labels."""
    local = timezone.localtime(moment)
    return f"{date_text(local)} {_clock(local)}"


def date_range_text(first: dt.date, last: dt.date) -> str:
    """Full dates for mails, certificates and the back office: 03.12.2026 bis 05.12.2026."""
    if first == last:
        return date_text(first)
    return f"{date_text(first)} bis {date_text(last)}"


def date_range_compact(first: dt.date, last: dt.date, *, weekday: bool = False) -> str:
    """Short dates for lists: 03.12.2026 (Do, 03.12.2026), 03.12.–05.12.2026,
    28.12.2026–02.01.2027."""
    if first == last:
        return formats.date_format(first, WEEKDAY_DATE) if weekday else date_text(first)
    if first.year == last.year:
        return f"{_day_month(first)}–{date_text(last)}"
    return f"{date_text(first)}–{date_text(last)}"


def date_range_prose(first: dt.date, last: dt.date) -> str:
    """Dates within a sentence: am 05.01.2027, vom 05.01. bis 06.01.2027, vom 28.12.2026 bis
    02.01.2027 (never "am 05.01.–06.01.2027")."""
    if first == last:
        return f"am {date_text(first)}"
    start = _day_month(first) if first.year == last.year else date_text(first)
    return f"vom {start} bis {date_text(last)}"


_SIZE_UNITS = ("KB", "MB", "GB", "TB", "PB")
_NBSP = "\xa0"  # number and unit stay together


def file_size_text(size: int | None) -> str:
    """1,5 MB: Django's ``filesizeformat`` in German (binary units, one decimal)."""
    size = int(size or 0)
    if size < 1024:
        return f"{size}{_NBSP}{'Byte' if size == 1 else 'Bytes'}"
    value, unit = size / 1024, 0
    while value >= 1024 and unit < len(_SIZE_UNITS) - 1:
        value, unit = value / 1024, unit + 1
    return f"{round(value, 1):.1f}".replace(".", ",") + _NBSP + _SIZE_UNITS[unit]
