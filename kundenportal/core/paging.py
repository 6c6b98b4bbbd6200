"""A page of a list in one query: the rows and their total from ``COUNT(*) OVER ()``.

Django's ``Paginator`` counts first and fetches the page second. For the portal's long lists
the second round trip and the second compiled query cost as much as the rows themselves, so
the page is read with the total as a window column. Only a page number past the end takes a
second query (the count, then the last page), as ``Paginator.get_page`` would.
"""

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window

TOTAL = "_total"
LAST_POSSIBLE_PAGE = 10**9


def page_of(queryset: QuerySet | list, number, per_page: int) -> Page:
    """``Paginator(queryset, per_page).get_page(number)`` with the page's rows already read.

    For a ``values()`` queryset each row carries the total under ``TOTAL``; a list (read
    whole already) is paged as it is.
    """
    if not isinstance(queryset, QuerySet):
        return Paginator(queryset, per_page).get_page(number)
    try:
        number = int(number)
    except (TypeError, ValueError):
        number = 1
    # Past any real list, as Paginator would say, before the offset overflows the database.
    number = min(number, LAST_POSSIBLE_PAGE)
    paginator = Paginator(queryset, per_page)
    rows = _rows(queryset, number, per_page) if number >= 1 else []
    if rows:
        paginator.count = rows[0][TOTAL]  # the cached_property, set without a COUNT query
    elif number == 1:
        paginator.count = 0
    else:
        number = paginator.num_pages  # out of range: the last page, as get_page (counts)
        rows = _rows(queryset, number, per_page) if paginator.count else []
    return Page(rows, number, paginator)


def _rows(queryset: QuerySet, number: int, per_page: int) -> list[dict]:
    start = (number - 1) * per_page
    counted = queryset.annotate(**{TOTAL: Window(Count("*"))})
    return list(counted[start : start + per_page])
