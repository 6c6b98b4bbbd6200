import json

import pytest
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage
from django.db import connection

from tests.factories import PersonFactory


def _health(client, **extra):
    response = client.get("/healthz", **extra)
    return response, json.loads(response.content)


@pytest.mark.django_db
def test_healthz_answers_200_with_every_check(client):
    response, body = _health(client)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert body == {"status": "ok", "checks": {"database": "ok", "storage": "ok", "cache": "ok"}}
    assert not response.cookies  # no session, no CSRF cookie


@pytest.mark.django_db
def test_healthz_needs_no_login_and_shows_nothing_about_people(client):
    person = PersonFactory(first_name="Zoë", last_name="Geheimnis", email="zoe@example.org")

    response, _body = _health(client)

    text = response.content.decode()
    assert response.status_code == 200
    for secret in (person.username, "Geheimnis", "zoe@example.org"):
        assert secret not in text


@pytest.mark.django_db
def test_healthz_for_a_load_balancer_over_plain_http_with_the_machines_address(client, settings):
    """The balancer asks http://10.0.0.5:8000/healthz: no HTTPS redirect, no host refusal."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["portal.bew.example"]

    response, body = _health(client, HTTP_HOST="10.0.0.5:8000")

    assert response.status_code == 200
    assert body["status"] == "ok"
    # Every other page still gets both protections.
    assert client.get("/", HTTP_HOST="10.0.0.5:8000").status_code == 400
    assert client.get("/", HTTP_HOST="portal.bew.example").status_code == 301


@pytest.mark.django_db
def test_healthz_answers_head_too(client):
    assert client.head("/healthz").status_code == 200


def _failing(*args, **kwargs):
    raise ConnectionError("db.internal:5432 refused the connection")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("check", "target", "attribute"),
    [
        ("database", connection, "cursor"),
        ("storage", FileSystemStorage, "exists"),
        ("cache", cache, "get"),
    ],
)
def test_healthz_answers_503_when_one_dependency_fails(
    client, monkeypatch, caplog, check, target, attribute
):
    monkeypatch.setattr(target, attribute, _failing)

    response, body = _health(client)

    assert response.status_code == 503
    assert body["status"] == "fail"
    assert body["checks"][check] == "fail"
    assert [name for name, result in body["checks"].items() if result == "fail"] == [check]
    # The reason goes to the log, never to the (unauthenticated) answer.
    assert "db.internal" not in response.content.decode()
    assert any(getattr(r, "check", None) == check for r in caplog.records)


@pytest.mark.django_db
def test_healthz_503_when_the_cache_loses_what_it_stored(client, monkeypatch):
    monkeypatch.setattr(cache, "get", lambda key, default=None: None)

    response, body = _health(client)

    assert response.status_code == 503
    assert body["checks"]["cache"] == "fail"
