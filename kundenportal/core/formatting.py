"""How dates, times and sizes read in German pages, mails and PDFs: the one place for formats.

Fixed German patterns, so a mail rendered by the worker reads the same as the page a
participant sees. Numeric dates need no locale and are plain f-strings: long lists format
two dates per row, and Django's ``date_format`` (format lookup, translation, a formatter
object per call) made up a tenth of "Meine Dokumente"'s time (bench/load.py). Weekday names,
times and sizes go through Django's formatting.
"""

import datetime as dt

from django.template.defaultfilters import filesizeformat
from django.utils import formats, timezone

WEEKDAY_DATE = "D, d.m.Y"


def date_text(day: dt.date) -> str:
    """03.12.2026"""
    return f"{day.day:02d}.{day.month:02d}.{day.year:04d}"


def _day_month(day: dt.date) -> str:
    return f"{day.day:02d}.{day.month:02d}."


def clock_text(moment: dt.datetime, *, seconds: bool = False) -> str:
    """14:05 or 14:05:33 (local time)."""
    local = timezone.localtime(moment)
    text = f"{local.hour:02d}:{local.minute:02d}"
    return f"{text}:{local.second:02d}" if seconds else text


def datetime_text(moment: dt.datetime) -> str:
    """03.12.2026 um 14:05 Uhr (local time)."""
    return f"{date_text(timezone.localtime(moment))} um {clock_text(moment)} Uhr"


def datetime_compact(moment: dt.datetime) -> str:
    """03.12.2026 14:05 (local time), for lists and labels."""
    return f"{date_text(timezone.localtime(moment))} {clock_text(moment)}"


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


def file_size_text(size: int | None) -> str:
    """1,5 MB (Django's ``filesizeformat`` in German)."""
    return str(filesizeformat(int(size or 0)))
