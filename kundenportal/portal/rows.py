"""The sections' table rows as plain dicts with every text already formatted.

Long pages spend their time in the template engine: a variable lookup on a dict, and one
call of the shared formatting (``core.formatting``) here, cost a fraction of ``{% url %}``
or walking related objects in the template (measured with bench/portal.py).
"""

import datetime as dt
from functools import cache

from django.urls import reverse
from django.utils import timezone

from kundenportal.core.formatting import date_range_compact, date_text, file_size_text
from kundenportal.documents import rules
from kundenportal.qualifications.mail import booking_url
from kundenportal.registrations.prefill import LOGGED_IN

_MARK = 987654321


@cache
def _url_pattern(name: str) -> str:
    return reverse(name, args=[_MARK]).replace(str(_MARK), "%d")


def url(name: str, pk: int) -> str:
    """``reverse(name, args=[pk])`` without resolving the pattern again for every row."""
    return _url_pattern(name) % pk


def _event(row: dict) -> dict:
    return {
        "number": row["event__number"],
        "title": row["event__title"],
        "days": date_range_compact(row["event__first_day"], row["event__last_day"]),
        "place": "Online" if row["event__format"] == "online" else row["event__place"],
    }


def participation_rows(participations) -> list[dict]:
    return [_event(p) for p in participations]


def course_document_rows(participations, *, today: dt.date) -> list[dict]:
    rows = []
    for p in participations:
        last_day = p["event__last_day"]
        until = date_text(rules.course_document_online_until(last_day))
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
                        "size": file_size_text(d["size"]),
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
        revoked_at = c["revoked_at"]
        rows.append(
            {
                "url": "" if revoked_at else url("portal:certificate_download", c["id"]),
                "title": c["title"],
                "filename": c["filename"],
                "size": file_size_text(c["size"]),
                "event": f"{c['participation__event__number']} {c['participation__event__title']}",
                "issued_on": date_text(c["issued_on"]),
                "years_left": rules.whole_years_between(today, until),
                "until": date_text(until),
                "revoked_on": date_text(timezone.localtime(revoked_at).date())
                if revoked_at
                else "",
            }
        )
    return rows


def online_link_rows(links) -> list[dict]:
    return [
        {
            "url": url("portal:online_link_open", link["id"]),
            "title": link["title"],
            "event": link["event__title"],
            "days": date_range_compact(link["event__first_day"], link["event__last_day"]),
            "note": link["note"],
            "until": date_text(rules.course_document_online_until(link["event__last_day"])),
        }
        for link in links
    ]


def qualification_rows(states) -> list[dict]:
    """ "Meine Dokumente": each qualification with its state as a sentence and the booking
    links of the next refresher dates (the logged-in person's data fill the form)."""

    def event(e: dict, *, url: bool) -> dict:
        return {
            "number": e["number"],
            "title": e["title"],
            "days": date_range_compact(e["first_day"], e["last_day"]),
            "place": "Online" if e["format"] == "online" else e["place"],
            "url": booking_url(e["number"], token=LOGGED_IN) if url else "",
        }

    return [
        {
            "name": s.name,
            "legal_basis": s.legal_basis,
            "state": s.state,
            "valid_until": date_text(s.valid_until),
            "lapsed_since": date_text(s.lapsed_since),
            "days_left": s.days_left,
            "booked": [event(e, url=False) for e in s.booked],
            "next_dates": [event(e, url=True) for e in s.next_dates],
        }
        for s in states
    ]
