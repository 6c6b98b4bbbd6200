"""Protected by default: every URL pattern of the project is classified here.

Each one not on the short list of public pages refuses anonymous visitors; each staff URL
refuses participants. A new URL that nobody classified fails this suite.
"""

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

# Pages anybody may open. Keep this list short and explicit.
PUBLIC = {
    "events:catalogue",
    "events:detail",
    # The public booking form (3 steps and the thank-you page); every step checks the event.
    "registrations:start",
    "registrations:participants",
    "registrations:address",
    "registrations:finish",
    "registrations:thanks",
    "portal:login",
    "portal:logout",
    "portal:password_reset",
    "portal:password_reset_done",
    "portal:password_reset_confirm",
    "portal:password_reset_complete",
    "admin:login",
    "admin:logout",
    # The certificate check behind the QR code (name, event, date only;
    # codes are 120 random bits).
    "documents:certificate_check_form",
    "documents:certificate_check",
    # One-click unsubscribe of the Fachkunde reminders (RFC 8058): a signed link is the
    # authority; GET shows a button, the page names nobody.
    "qualifications:unsubscribe",
    # The API's description: the OpenAPI document and its reference page (no data).
    "api-v1:openapi-json",
    "api-reference",
    # The provider's legal pages (their texts are public by law).
    "legal:impressum",
    "legal:datenschutz",
    "legal:teilnahmebedingungen",
    "legal:barrierefreiheit",
}
# The API answers a request without a valid bearer token with 401 (a problem document),
# never a login redirect: no session opens it.
API_PREFIX = "api/v1/"
# The admin's catch-all answers 404 to everybody (no page behind it).
ADMIN_CATCH_ALL = "verwaltung/(?P<url>.*)$"
LOGIN_PREFIXES = ("/portal/anmelden/", "/verwaltung/login/")


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else None
            yield prefix + str(entry.pattern), name


def _concrete(route: str) -> str:
    """A URL that matches ``route`` (the admin's regexes and path converters)."""

    def group(match):
        body = match.group(1)
        if re.fullmatch(r"[\w|]+", body):
            return body.split("|")[0]
        return "x"

    route = re.sub(r"\(\?P<\w+>([^()]*)\)", group, route)
    route = route.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")
    route = re.sub(r"<int:\w+>", "1", route)
    route = re.sub(r"<uuid:\w+>", str(uuid.UUID(int=1)), route)
    route = re.sub(r"<(?:str:|slug:|path:)?\w+>", "x", route)
    return "/" + route


ALL_URLS = sorted(set(_walk(get_resolver().url_patterns)), key=lambda item: item[0])


def test_the_walk_finds_the_projects_urls():
    names = {name for _, name in ALL_URLS}
    assert {"portal:home", "portal:certificate_download", "admin:index"} <= names
    assert len(ALL_URLS) > 40


def test_concrete_urls_reach_their_own_pattern():
    for route, name in ALL_URLS:
        if name:
            match = resolve(_concrete(route))
            assert match.view_name == name, (route, match.view_name)


def test_public_list_names_only_existing_urls():
    assert {name for _, name in ALL_URLS} >= PUBLIC


def _refuses(response) -> bool:
    if response.status_code in (301, 302):
        return response["Location"].startswith(LOGIN_PREFIXES) or "/login/" in response["Location"]
    return False


@pytest.mark.parametrize(("route", "name"), ALL_URLS, ids=[r for r, _ in ALL_URLS])
def test_anonymous_visitors_are_refused_everywhere_but_public_pages(client, route, name):
    if name in PUBLIC:
        return
    url = _concrete(route)
    if route == ADMIN_CATCH_ALL:
        assert client.get(url).status_code in (302, 404)
        return
    if name == "api-v1:api-root":
        # django-ninja's root, used only to reverse the API's paths: a 404 to everybody.
        assert client.get(url).status_code == 404
        return
    if route.startswith(API_PREFIX):
        for method in ("get", "post", "put", "delete"):
            response = getattr(client, method)(url)
            assert response.status_code in (401, 405), (method, url, response.status_code)
            if response.status_code == 401:
                assert response["Content-Type"].startswith("application/problem+json")
        return
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        assert _refuses(response), (
            f"{method.upper()} {url} ({name or 'unnamed'}) answered {response.status_code} "
            "to an anonymous visitor: protect it, or add it to PUBLIC if it really is public"
        )


STAFF_URLS = [
    (route, name)
    for route, name in ALL_URLS
    if route.startswith("verwaltung/") and name not in PUBLIC and route != ADMIN_CATCH_ALL
]


@pytest.mark.parametrize(("route", "name"), STAFF_URLS, ids=[r for r, _ in STAFF_URLS])
def test_participants_are_refused_on_staff_urls(client, route, name):
    client.force_login(PersonFactory(username="max.mustermann"))
    url = _concrete(route)
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        assert _refuses(response), f"{method.upper()} {url} answered {response.status_code}"
        assert response["Location"].startswith("/verwaltung/login/")


def test_every_url_is_public_portal_or_staff():
    for route, name in ALL_URLS:
        assert (
            name in PUBLIC
            or (name or "").startswith("portal:")
            or route.startswith("verwaltung/")
            or route.startswith(API_PREFIX)
        ), f"unclassified URL {route} ({name})"
