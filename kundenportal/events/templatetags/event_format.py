"""Event dates in templates: ``{% load event_format %}``.

``{{ event|event_dates }}``            03.12.2026 bis 05.12.2026 (details, back office)
``{{ event|event_days }}``             Do, 03.12.2026 / 03.12.–05.12.2026 (lists)
``{{ event|event_when }}``             am 03.12.2026 / vom 03.12. bis 05.12.2026 (sentences)
``{{ event|event_place }}``            the place, or "Online"
``{% date_range first last %}``        the first form for two dates without an event
"""

from django import template

from kundenportal.core.formatting import date_range_compact, date_range_prose, date_range_text
from kundenportal.events.presentation import event_date_range, event_place

register = template.Library()


@register.filter
def event_dates(event) -> str:
    return event_date_range(event)


@register.filter
def event_days(event) -> str:
    return date_range_compact(event.first_day, event.last_day, weekday=True)


@register.filter
def event_when(event) -> str:
    return date_range_prose(event.first_day, event.last_day)


@register.simple_tag
def date_range(first, last) -> str:
    return date_range_text(first, last)


@register.filter(name="event_place")
def event_place_filter(event) -> str:
    return event_place(event)
