"""An event as pages and mails show it: number, title, dates and place, built in one place.

Mails keep plain JSON in the outbox, so ``event_mail_context`` turns the event into strings
when the mail is queued; pages use the template filters in ``templatetags/event_format.py``.
"""

from typing import Any

from kundenportal.core.formatting import date_range_text, date_text

from .models import Event


def event_date_range(event: Event) -> str:
    """03.12.2026, or 03.12.2026 bis 05.12.2026."""
    return date_range_text(event.first_day, event.last_day)


def event_place(event: Event) -> str:
    return "Online" if event.is_online else (event.place or "")


def event_mail_context(event: Event) -> dict[str, Any]:
    """The event for a mail's context (JSON; German dates)."""
    return {
        "number": event.number,
        "title": event.title,
        "first_day": date_text(event.first_day),
        "last_day": date_text(event.last_day),
        "dates": event_date_range(event),
        "is_online": event.is_online,
        "place": event_place(event),
    }
