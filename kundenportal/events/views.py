import re

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from kundenportal.core.text import number_or_none

from .cache import catalogue_page
from .models import Event
from .selectors import event_public_get, events_upcoming, free_seats_by_event

PAGE_SIZE = 20
# Only the plain catalogue and its format filter are cached; a free-text search is not (its
# variety would fill the cache), nor page numbers beyond this.
CACHED_PAGES = 50
_FREE_SEATS = re.compile(r"<!--free-seats:(\d+)-->")
_FULL = format_html('<span class="badge badge-full">{}</span>', "ausgebucht – Warteliste")


def _list_html(
    *, query: str, format_: str, page_number: str
) -> tuple[str, list[int], dict[int, int]]:
    """The catalogue's table (or its empty message) as HTML with placeholders for the seats,
    its event ids, and their free seats as read with the page."""
    page = Paginator(events_upcoming(query=query, format=format_), PAGE_SIZE).get_page(page_number)
    html = render_to_string(
        "events/_catalogue_list.html", {"page": page, "query": query, "format": format_}
    )
    events = page.object_list
    return html, [event.pk for event in events], {event.pk: event.free_seats for event in events}


def catalogue(request):
    # (A NUL byte in the query never gets here: core.middleware answers 404.)
    query = request.GET.get("q", "").strip()[:100]
    format_ = request.GET.get("format", "")
    page_number = request.GET.get("seite") or "1"
    cached_page = number_or_none(page_number) or 0
    if not query and 0 < cached_page <= CACHED_PAGES:
        format_key = format_ if format_ in Event.Format.values else ""
        # Which events start after today changes at midnight: the day is part of the key.
        key = f"list:{timezone.localdate().isoformat()}:{format_key}:{cached_page}"
        html, seats = catalogue_page(
            key,
            lambda: _list_html(query="", format_=format_key, page_number=str(cached_page))[:2],
            lambda event_ids: free_seats_by_event(event_ids=event_ids),
        )
    else:
        html, _ids, seats = _list_html(query=query, format_=format_, page_number=page_number)
    html = _FREE_SEATS.sub(lambda m: str(seats.get(int(m[1])) or _FULL), html)
    return render(
        request,
        "events/catalogue.html",
        {
            "list_html": mark_safe(html),  # noqa: S308 - rendered by our template, escaped there
            "query": query,
            "format": format_,
            "formats": Event.Format.choices,
        },
    )


def event_detail(request, number: str):
    try:
        event = event_public_get(number=number)
    except Event.DoesNotExist as exc:
        raise Http404("Diese Veranstaltung gibt es nicht.") from exc
    bookable = event.is_bookable_status and event.first_day > timezone.localdate()
    return render(request, "events/event_detail.html", {"event": event, "bookable": bookable})
