"""The error pages: German, in the site's layout, with a way back, never a stack trace or a
setting (those go to the log only).

400, 403 and 404 are Django's own handlers with the project's templates (``400.html``,
``403.html``, ``404.html``). The 500 page is rendered here without the request's context
processors: the error may be that the database is gone, so the page must need neither the
database nor a user (``user`` stays unset, the header then offers "Anmelden").
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views import defaults

logger = logging.getLogger(__name__)

# Path prefixes whose errors another renderer answers (the API's problem documents under
# /api/), registered by the app that owns the prefix in its AppConfig.ready, so this module
# knows no app above it.
_renderers: dict[str, Callable[[HttpRequest, int], HttpResponse]] = {}


def error_renderer_add(prefix: str, renderer: Callable[[HttpRequest, int], HttpResponse]) -> None:
    _renderers[prefix] = renderer


def _renderer(request: HttpRequest) -> Callable[[HttpRequest, int], HttpResponse] | None:
    path = getattr(request, "path", "")
    for prefix, renderer in _renderers.items():
        if path.startswith(prefix):
            return renderer
    return None


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The project's 404: the German page, or the renderer of the prefix (the API's problem
    document for an address it refuses before its views, e.g. with a NUL byte)."""
    renderer = _renderer(request)
    if renderer:
        return renderer(request, 404)
    return defaults.page_not_found(request, exception)


FALLBACK_500 = """<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><title>Technische Störung</title></head>
<body><main><h1>Das hat leider nicht geklappt</h1>
<p>Bei uns ist ein technischer Fehler aufgetreten. Bitte versuchen Sie es in einigen Minuten
noch einmal.</p><p><a href="/">Zu allen Veranstaltungen</a> · <a href="/portal/">Zum
Kundenportal</a></p></main></body></html>"""


def server_error(request, template_name: str = "500.html"):
    renderer = _renderer(request)
    if renderer:
        try:
            return renderer(request, 500)
        except Exception:  # the error answer itself must never fail
            logger.exception("the 500 answer of %s could not be rendered", request.path)
    try:
        html = loader.get_template(template_name).render({"provider": settings.PROVIDER})
    except Exception:  # the error page itself must never fail
        # E.g. the static files' manifest is missing: the page without the layout.
        logger.exception("the 500 page could not be rendered")
        html = FALLBACK_500
    return HttpResponseServerError(html)


def csrf_failure(request, reason: str = ""):
    """German page for a form sent without a valid CSRF token (e.g. after a long pause); the
    reason is logged by Django, not shown."""
    return render(request, "403_csrf.html", status=403)
