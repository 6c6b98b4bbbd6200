from django.core.paginator import Page, Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from .cache import catalogue_cached
from .models import Event
from .selectors import catalogue_rows, event_public_get, events_upcoming, free_seats_by_event

PAGE_SIZE = 20
# Only the plain catalogue and its format filter are cached; a free-text search is not (its
# variety would fill the cache), nor page numbers beyond this.
CACHED_PAGES = 50


def catalogue(request):
    # NUL cannot be stored or compared in PostgreSQL text; no title contains it anyway.
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    format_ = request.GET.get("format", "")
    page_number = request.GET.get("seite") or "1"

    def compute() -> tuple[list[dict], int, int]:
        found = Paginator(events_upcoming(query=query, format=format_), PAGE_SIZE).get_page(
            page_number
        )
        return catalogue_rows(found.object_list), found.paginator.count, found.number

    cacheable = not query and page_number.isdigit() and 0 < int(page_number) <= CACHED_PAGES
    if cacheable:
        # Which events start after today changes at midnight: the day is part of the key.
        key = f"list:{timezone.localdate().isoformat()}:{format_ if format_ in Event.Format.values else ''}:{page_number}"
        rows, count, number = catalogue_cached(key, compute)
    else:
        rows, count, number = compute()
    seats = free_seats_by_event(event_ids=[row["id"] for row in rows])
    rows = [{**row, "free_seats": seats.get(row["id"], 0)} for row in rows]
    # A page over the cached rows: the template needs the page's links, not a queryset.
    page = Page(rows, number, Paginator(range(count), PAGE_SIZE))
    return render(
        request,
        "events/catalogue.html",
        {"page": page, "query": query, "format": format_, "formats": Event.Format.choices},
    )


def event_detail(request, number: str):
    try:
        event = event_public_get(number=number)
    except Event.DoesNotExist as exc:
        raise Http404("Diese Veranstaltung gibt es nicht.") from exc
    bookable = event.is_bookable_status and event.first_day > timezone.localdate()
    return render(request, "events/event_detail.html", {"event": event, "bookable": bookable})
