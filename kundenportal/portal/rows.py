"""The sections' table rows as plain dicts with every text already formatted.

Long pages spend their time in the template engine: a variable lookup on a dict, and one
``strftime`` here, cost a fraction of ``{% url %}``, the ``date`` filter, or walking related
objects in the template (measured with bench/portal.py).
"""

import datetime as dt
from functools import cache

from django.urls import reverse
from django.utils import timezone

from kundenportal.documents import rules

_MARK = 987654321


@cache
def _url_pattern(name: str) -> str:
    return reverse(name, args=[_MARK]).replace(str(_MARK), "%d")


def url(name: str, pk: int) -> str:
    """``reverse(name, args=[pk])`` without resolving the pattern again for every row."""
    return _url_pattern(name) % pk


def german_date(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def event_days(first: dt.date, last: dt.date) -> str:
    if first == last:
        return german_date(first)
    if first.year == last.year:
        return f"{first:%d.%m.}–{last:%d.%m.%Y}"
    return f"{german_date(first)}–{german_date(last)}"


def file_size(value: int) -> str:
    value = int(value or 0)
    if value < 1024 * 1024:
        return f"{max(round(value / 1024), 1)} KB"
    return f"{value / (1024 * 1024):.1f} MB".replace(".", ",")


def _event(row: dict) -> dict:
    return {
        "number": row["event__number"],
        "title": row["event__title"],
        "days": event_days(row["event__first_day"], row["event__last_day"]),
        "place": "Online" if row["event__format"] == "online" else row["event__place"],
    }


def participation_rows(participations) -> list[dict]:
    return [_event(p) for p in participations]


def course_document_rows(participations, *, today: dt.date) -> list[dict]:
    rows = []
    for p in participations:
        last_day = p["event__last_day"]
        until = german_date(rules.course_document_online_until(last_day))
        rows.append(
            {
                **_event(p),
                "id": p["id"],
                "ics_url": url("portal:participation_calendar", p["id"])
                if last_day >= today
                else "",
                "documents": [
                    {
                        "url": url("portal:course_document_download", d["id"]),
                        "title": d["title"],
                        "filename": d["filename"],
                        "size": file_size(d["size"]),
                        "until": until,
                    }
                    for d in p["documents"]
                ],
            }
        )
    return rows


def certificate_rows(certificates, *, today: dt.date) -> list[dict]:
    rows = []
    for c in certificates:
        until = rules.certificate_available_until(c["issued_on"])
        years = rules.whole_years_between(today, until)
        if years >= 2:
            remaining = f"noch {years} Jahre"
        elif years == 1:
            remaining = "noch 1 Jahr"
        else:
            remaining = "noch unter 1 Jahr"
        if c["revoked_at"] is not None:
            revoked_on = german_date(timezone.localtime(c["revoked_at"]).date())
            remaining = f"widerrufen am {revoked_on}, nicht mehr gültig"
        else:
            remaining = f"{remaining} (bis {german_date(until)})"
        rows.append(
            {
                "url": "" if c["revoked_at"] else url("portal:certificate_download", c["id"]),
                "title": c["title"],
                "filename": c["filename"],
                "size": file_size(c["size"]),
                "event": f"{c['participation__event__number']} {c['participation__event__title']}",
                "issued_on": german_date(c["issued_on"]),
                "remaining": remaining,
            }
        )
    return rows


def online_link_rows(links) -> list[dict]:
    return [
        {
            "url": url("portal:online_link_open", link["id"]),
            "title": link["title"],
            "event": link["event__title"],
            "days": event_days(link["event__first_day"], link["event__last_day"]),
            "note": link["note"],
            "until": german_date(rules.course_document_online_until(link["event__last_day"])),
        }
        for link in links
    ]
