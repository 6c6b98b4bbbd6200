"""Lean filters for the portal's lists (Django's ``date`` filter is slow on long pages)."""

from django import template

register = template.Library()


@register.filter
def dmy(value) -> str:
    """German date, ``31.12.2026``."""
    return value.strftime("%d.%m.%Y") if value else ""


@register.filter
def days(event) -> str:
    """The event's days: ``03.03.2026`` or ``03.03.–05.03.2026``."""
    first, last = event.first_day, event.last_day
    if first == last:
        return first.strftime("%d.%m.%Y")
    if first.year == last.year:
        return f"{first:%d.%m.}–{last:%d.%m.%Y}"
    return f"{first:%d.%m.%Y}–{last:%d.%m.%Y}"


@register.filter
def size(value) -> str:
    """File size the German way: ``820 KB``, ``1,4 MB``."""
    value = int(value or 0)
    if value < 1024 * 1024:
        return f"{max(round(value / 1024), 1)} KB"
    return f"{value / (1024 * 1024):.1f} MB".replace(".", ",")
