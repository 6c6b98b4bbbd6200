"""The 500 page renders when the database is the problem: no database access at all (this
module has no ``django_db`` mark, so any query fails the test) and no request user."""

from django.test import RequestFactory

from kundenportal.core.errors import server_error


def test_the_500_page_needs_neither_the_database_nor_a_user(settings):
    settings.DEBUG = False
    request = RequestFactory().get("/portal/")
    assert not hasattr(request, "user")
    response = server_error(request)
    page = response.content.decode()
    assert response.status_code == 500
    assert "Das hat leider nicht geklappt" in page
    assert settings.PROVIDER["phone"] in page and 'href="/portal/anmelden/"' in page
    assert 'href="/impressum/"' in page


def test_the_500_page_never_fails_itself(settings):
    """Without its layout (a missing template or static manifest) it is still German."""
    settings.DEBUG = False
    response = server_error(RequestFactory().get("/"), template_name="fehlt.html")
    page = response.content.decode()
    assert response.status_code == 500
    assert "Das hat leider nicht geklappt" in page and 'href="/"' in page
