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


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
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
