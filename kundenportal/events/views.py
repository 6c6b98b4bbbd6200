from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from .models import Event
from .selectors import event_public_get, events_upcoming

PAGE_SIZE = 20


def catalogue(request):
    # NUL cannot be stored or compared in PostgreSQL text; no title contains it anyway.
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    format_ = request.GET.get("format", "")
    page = Paginator(events_upcoming(query=query, format=format_), PAGE_SIZE).get_page(
        request.GET.get("seite")
    )
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
