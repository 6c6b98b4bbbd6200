"""German error pages in the site's layout, with a way back and nothing of the inside."""

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.error_urls")]

LEAKS = ("Traceback", "secret detail", "SECRET_KEY", "DATABASES", "postgres://", "settings")


def _check(response, status, heading):
    assert response.status_code == status
    page = response.content.decode()
    assert '<html lang="de">' in page
    assert heading in page
    assert 'class="site-header"' in page and 'class="site-footer"' in page  # the layout
    assert 'href="/"' in page and 'href="/portal/"' in page  # a way back
    assert 'href="/impressum/"' in page
    for leak in LEAKS:
        assert leak not in page, leak
    return page


@pytest.fixture
def visitor(settings):
    settings.DEBUG = False
    return Client(raise_request_exception=False)


def test_400(visitor):
    _check(visitor.get("/kaputt/400/"), 400, "Die Anfrage konnte nicht bearbeitet werden")


def test_403(visitor):
    _check(visitor.get("/kaputt/403/"), 403, "Kein Zugriff auf diese Seite")


def test_404(visitor):
    _check(visitor.get("/gibt-es-nicht/"), 404, "Diese Seite gibt es nicht")


def test_500(visitor):
    _check(visitor.get("/kaputt/500/"), 500, "Das hat leider nicht geklappt")


def test_csrf_failure(settings):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    page = _check(client.post("/portal/anmelden/", {}), 403, "Formular konnte nicht gesendet")
    assert "CSRF" not in page and "Referer" not in page


def test_errors_under_the_api_are_problem_documents_and_elsewhere_pages(rf):
    from kundenportal.core.errors import not_found, server_error

    for handler in (server_error, lambda request: not_found(request, Exception())):
        api = handler(rf.get("/api/v1/events"))
        assert api["Content-Type"].startswith("application/problem+json")
        assert api.status_code in (404, 500)
        assert "Traceback" not in api.content.decode()
    page = server_error(rf.get("/portal/"))
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")
