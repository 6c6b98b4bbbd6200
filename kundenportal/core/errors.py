"""The error pages: German, in the site's layout, with a way back, never a stack trace or a
setting (those go to the log only).

400, 403 and 404 are Django's own handlers with the project's templates (``400.html``,
``403.html``, ``404.html``). The 500 page is rendered here without the request's context
processors: the error may be that the database is gone, so the page must need neither the
database nor a user (``user`` stays unset, the header then offers "Anmelden").
"""

import logging

from django.conf import settings
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader

logger = logging.getLogger(__name__)


FALLBACK_500 = """<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><title>Technische Störung</title></head>
<body><main><h1>Das hat leider nicht geklappt</h1>
<p>Bei uns ist ein technischer Fehler aufgetreten. Bitte versuchen Sie es in einigen Minuten
noch einmal.</p><p><a href="/">Zu allen Veranstaltungen</a> · <a href="/portal/">Zum
Kundenportal</a></p></main></body></html>"""


def server_error(request, template_name: str = "500.html"):
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
