"""Calendar file (.ics) for a booked event."""

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from kundenportal.events.models import Event


def event_ics(event: Event) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.PROVIDER['name']}//Kundenportal//DE")
    calendar.add("version", "2.0")
    entry = CalendarEvent()
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0]
    entry.add("uid", f"veranstaltung-{event.pk}@{host}")
    entry.add("dtstamp", timezone.now())
    entry.add("summary", f"{event.title} ({event.number})")
    # All-day entries: DTEND is the day after the last day.
    entry.add("dtstart", event.first_day)
    entry.add("dtend", event.last_day + dt.timedelta(days=1))
    entry.add("location", "Online" if event.is_online else event.place)
    entry.add(
        "description",
        f"{settings.PROVIDER['long_name']}\nVeranstaltungsnummer {event.number}\n"
        f"Unterlagen im Kundenportal: {settings.SITE_URL}{reverse('portal:course_documents')}",
    )
    entry.add("url", f"{settings.SITE_URL}{reverse('events:detail', args=[event.number])}")
    calendar.add_component(entry)
    return calendar.to_ical()
