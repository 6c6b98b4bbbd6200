"""Tokens, scopes, rate limits and problem documents."""

import pytest
from django.utils import timezone

from kundenportal.audit.models import AuditEntry
from kundenportal.core.limits import limit_count
from kundenportal.integrations.models import Integration, Scope
from kundenportal.integrations.services import (
    integration_revoke,
    integration_token_rotate,
    rate_limit_key,
    token_digest,
)
from tests.factories import EventFactory, PersonFactory

from .conftest import ApiClient, booking_body, event_body

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def assert_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    assert "/api/v1/docs#problem-" in body["type"]
    assert body["title"] and body["detail"]
    return body


def test_the_token_is_stored_only_as_its_keyed_digest(api):
    integration = Integration.objects.get()
    assert integration.token_digest == token_digest(api.token)
    assert api.token not in str(Integration.objects.values().get())
    assert api.token.startswith(integration.token_prefix)


def test_no_token_a_wrong_token_and_a_session_cookie_get_401(client, api):
    EventFactory(number="K-1")
    assert_problem(client.get("/api/v1/events"), 401)
    assert_problem(ApiClient("kp_wrong").get("/events"), 401)
    staff = PersonFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    body = assert_problem(client.get("/api/v1/events/K-1"), 401)
    assert "Token" in body["detail"]


def test_a_token_opens_no_page(api, client):
    response = client.get("/portal/", headers={"Authorization": f"Bearer {api.token}"})
    assert response.status_code == 302
    response = client.get("/verwaltung/", headers={"Authorization": f"Bearer {api.token}"})
    assert response.status_code == 302


def test_a_revoked_token_is_401_and_a_rotated_one_replaces_the_old(api, superuser):
    assert api.get("/events").status_code == 200
    new = integration_token_rotate(integration=api.integration, actor=superuser)
    assert_problem(api.get("/events"), 401)
    assert ApiClient(new).get("/events").status_code == 200
    integration_revoke(integration=api.integration, actor=superuser)
    assert_problem(ApiClient(new).get("/events"), 401)


def test_last_used_is_recorded(api):
    assert Integration.objects.get().last_used_at is None
    api.get("/events")
    assert Integration.objects.get().last_used_at is not None


SCOPED = [
    ("get", "/events", None, Scope.EVENTS_READ),
    ("get", "/events/K-1", None, Scope.EVENTS_READ),
    ("put", "/events/K-1", event_body(), Scope.EVENTS_WRITE),
    ("post", "/events/K-1/cancel", {"reason": "x"}, Scope.EVENTS_WRITE),
    ("post", "/events/K-1/confirm", None, Scope.EVENTS_WRITE),
    (
        "post",
        "/events/K-1/registrations",
        booking_body(("Max", "Muster")),
        Scope.REGISTRATIONS_WRITE,
    ),
    ("get", "/events/K-1/participations", None, Scope.REGISTRATIONS_WRITE),
    ("post", "/participations/1/cancel", None, Scope.REGISTRATIONS_WRITE),
    ("post", "/participations/1/rebook", {"target_event_number": "K-2"}, Scope.REGISTRATIONS_WRITE),
    ("put", "/events/K-1/attendance", {"attended": []}, Scope.ATTENDANCE_WRITE),
    ("post", "/events/K-1/online-links", {"url": "https://x.example/a"}, Scope.DOCUMENTS_WRITE),
    ("delete", "/documents/1", None, Scope.DOCUMENTS_WRITE),
    ("delete", "/online-links/1", None, Scope.DOCUMENTS_WRITE),
    ("post", "/events/K-1/certificates", None, Scope.CERTIFICATES_WRITE),
    ("post", "/certificates/1/revoke", {"reason": "x"}, Scope.CERTIFICATES_WRITE),
    ("get", "/persons/max.mustermann", None, Scope.PERSONS_READ),
    ("post", "/persons/max.mustermann/deletion-request", {}, Scope.PERSONS_WRITE),
    (
        "post",
        "/customers/import",
        {
            "rows": [
                {
                    "vorname": "Jörg",
                    "nachname": "Weiß",
                    "email": "joerg.weiss@stadtwerke.example",
                    "firma": "Stadtwerke Unna",
                    "strasse": "Hauptstr. 1",
                    "plz": "59423",
                    "ort": "Unna",
                }
            ]
        },
        Scope.PERSONS_WRITE,
    ),
    ("get", "/webhooks", None, Scope.WEBHOOKS),
    (
        "post",
        "/webhooks",
        {"url": "http://127.0.0.1:9/x", "event_types": ["person.merged"]},
        Scope.WEBHOOKS,
    ),
    ("get", "/webhooks/1", None, Scope.WEBHOOKS),
    ("delete", "/webhooks/1", None, Scope.WEBHOOKS),
]


@pytest.mark.parametrize(("method", "path", "body", "scope"), SCOPED)
def test_a_token_without_the_scope_gets_403(make_api, method, path, body, scope):
    EventFactory(number="K-1")
    others = [s for s in Scope.values if s != scope]
    api = make_api(scopes=others)
    if method == "get":
        response = api.get(path)
    elif method == "delete":
        response = api.delete(path)
    else:
        response = api.send(method, path, body)
    body = assert_problem(response, 403)
    assert scope in body["detail"]


def test_the_rate_limit_counts_in_the_database_and_answers_429(make_api):
    api = make_api(rate_limit=3)
    for _ in range(3):
        assert api.get("/events").status_code == 200
    response = api.get("/events")
    body = assert_problem(response, 429)
    assert int(response["Retry-After"]) >= 1
    assert "höchstens 3" in body["detail"]
    # Refused requests are not counted: the window opens again for the next minute only.
    integration = Integration.objects.get()
    assert limit_count(key=rate_limit_key(integration), window_seconds=60) == 3


def test_the_rate_limit_in_a_shared_cache(make_api, settings):
    settings.CACHE_IS_SHARED = True
    api = make_api(rate_limit=2)
    assert [api.get("/events").status_code for _ in range(3)] == [200, 200, 429]
    assert limit_count(key=rate_limit_key(Integration.objects.get()), window_seconds=60) == 0


def test_malformed_json_is_400_and_wrong_types_are_422_per_field(api):
    response = api.client.put(
        "/api/v1/events/K-9",
        data="{nope",
        content_type="application/json",
        headers={"Authorization": f"Bearer {api.token}"},
    )
    assert_problem(response, 400)
    body = assert_problem(api.put("/events/K-9", event_body(capacity="viele")), 422)
    assert {
        "pointer": "#/capacity",
        "detail": "Hier wird eine ganze Zahl erwartet.",
        "in": "body",
    } in body["errors"]
    body = assert_problem(api.put("/events/K-9", {**event_body(), "colour": "red"}), 422)
    assert body["errors"][0]["pointer"] == "#/colour"


def test_an_unknown_event_is_404(api):
    body = assert_problem(api.get("/events/GIBT-ES-NICHT"), 404)
    assert "GIBT-ES-NICHT" in body["detail"]


def test_writes_are_audited_under_the_integrations_name(api):
    api.put("/events/K-7", event_body())
    entry = AuditEntry.objects.get(action="event.create")
    assert entry.actor_label == "Schnittstelle: ERP"
    assert entry.actor is None


def test_the_openapi_document_and_the_reference_page(client, api):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/events/{number}/registrations" in schema["paths"]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    text = page.content.decode()
    assert "/api/v1/events/{number}/registrations" in text
    assert "<script" not in text
    assert 'id="problem-berechtigung-fehlt"' in text
    assert "http" not in page["Content-Security-Policy"]


def test_timestamps_are_current():
    assert timezone.now()


def test_a_nul_byte_is_a_problem_under_the_api_and_the_page_elsewhere(api, client):
    assert_problem(api.get("/events", {"q": "\x00"}), 404)
    page = client.get("/veranstaltungen/", {"q": "\x00"})
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")
