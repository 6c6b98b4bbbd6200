"""The sections' long lists are rendered with Jinja2, the page around them with Django.

Measured on 25 rows of "Meine Veranstaltungsunterlagen": Django's engine 1.5 ms, Jinja2
0.6 ms (bench/portal.py and the README have the whole-page numbers). The page shell (layout,
navigation, messages, CSRF) stays in Django templates, so there is one base layout.
"""

from functools import cache
from pathlib import Path

import jinja2
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe


class _Environment(jinja2.Environment):
    """Rows are dicts: ``r.title`` looks up the key first (Jinja2 tries the attribute first,
    and the AttributeError it raises for every cell cost more than the cell's output)."""

    def getattr(self, obj, attribute):
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


@cache
def _environment() -> jinja2.Environment:
    return _Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "jinja2"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=settings.DEBUG,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_rows(name: str, rows: list[dict]) -> SafeString:
    """Render ``jinja2/<name>`` with ``rows``; every value is escaped by Jinja2."""
    html = _environment().get_template(name).render(rows=rows)
    return mark_safe(html)  # noqa: S308  (autoescaped above)
