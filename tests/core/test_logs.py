"""Logs: one JSON line per event, with the request id, never a password, token or session key."""

import io
import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from kundenportal.core.logs import JsonFormatter, RequestIdFilter

ROOT = Path(__file__).resolve().parents[2]
RESET_TOKEN = "cv3k2p-0f1e2d3c4b5a69788796a5b4c3d2e1f0"


@pytest.fixture
def log_lines():
    """What the console handler of settings.LOGGING writes, as parsed JSON objects."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)

    def lines():
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    lines.raw = stream.getvalue
    yield lines
    root.removeHandler(handler)


def test_settings_log_json_lines_to_stdout():
    from django.conf import settings

    handler = settings.LOGGING["handlers"]["console"]
    assert handler["stream"] == "ext://sys.stdout"
    assert settings.LOGGING["formatters"]["default"]["()"] == "kundenportal.core.logs.JsonFormatter"


def test_a_line_is_one_json_object_with_time_level_logger_and_message(log_lines):
    logging.getLogger("kundenportal.test").warning("Hallo %s", "Welt", extra={"count": 3})

    [line] = log_lines()
    assert line["level"] == "WARNING"
    assert line["logger"] == "kundenportal.test"
    assert line["message"] == "Hallo Welt"
    assert line["count"] == 3
    assert line["time"].startswith("20")


def test_secrets_never_reach_the_log(log_lines):
    logger = logging.getLogger("kundenportal.test")
    logger.warning(
        "GET /portal/passwort-vergessen/MTIz/%s/ failed, then /portal/anmelden/?next=/x&email=a@b.de",
        RESET_TOKEN,
    )
    logger.warning("headers: Cookie: __Host-sessionid=s3ss10nk3y; csrftoken=c5rfv4lue")
    logger.warning("Authorization: Bearer b3ar3rt0k3n")
    logger.error("cannot connect to postgres://kundenportal:db-pa55word@10.0.0.10:5432/kp")
    logger.warning(
        "login",
        extra={
            "password": "Geheim-Passwort-123",
            "session_key": "s3ss10nk3y2",
            "headers": {"Authorization": "Basic dXNlcjpwdw==", "Cookie": "sessionid=abc"},
            "url": "/portal/passwort-vergessen/MTIz/abc-zyx987/?x=1",
        },
    )
    try:
        raise ValueError(f"failed on /portal/passwort-vergessen/MTIz/{RESET_TOKEN}/")
    except ValueError:
        logger.exception("boom")

    text = log_lines.raw()
    for secret in (
        RESET_TOKEN,
        "a@b.de",
        "s3ss10nk3y",
        "c5rfv4lue",
        "b3ar3rt0k3n",
        "Geheim-Passwort-123",
        "dXNlcjpwdw",
        "abc-zyx987",
        "sessionid=abc",
        "db-pa55word",
    ):
        assert secret not in text
    # What helps to find a problem stays.
    assert "/portal/passwort-vergessen/MTIz/[redacted]/" in text
    assert "/portal/anmelden/?[redacted]" in text
    assert "ValueError" in text
    assert "postgres://kundenportal:[redacted]@10.0.0.10:5432/kp" in text


@pytest.mark.django_db
def test_request_id_from_the_proxy_is_returned_and_on_every_line(client, log_lines):
    response = client.get("/gibt-es-nicht/", HTTP_X_REQUEST_ID="0123456789abcdef0123456789abcdef")

    assert response.status_code == 404
    assert response["X-Request-ID"] == "0123456789abcdef0123456789abcdef"
    [line] = [line for line in log_lines() if line["logger"] == "django.request"]
    assert line["request_id"] == "0123456789abcdef0123456789abcdef"
    assert line["path"] == "/gibt-es-nicht/"
    assert line["status_code"] == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header", [None, "", "kurz", "a b\nc" * 5, "x" * 129, "<script>1234</script>"]
)
def test_request_id_is_made_when_none_or_an_invalid_one_comes_in(client, header):
    extra = {} if header is None else {"HTTP_X_REQUEST_ID": header}
    first = client.get("/healthz", **extra)["X-Request-ID"]
    second = client.get("/healthz", **extra)["X-Request-ID"]

    assert len(first) == 32
    int(first, 16)
    assert first != second


@pytest.mark.django_db
def test_reset_link_in_a_404_line_loses_its_token(client, log_lines):
    client.get(f"/portal/passwort-vergessen/MTIz/{RESET_TOKEN}/gibt-es-nicht/?email=a@b.de")

    assert RESET_TOKEN not in log_lines.raw()
    assert "a@b.de" not in log_lines.raw()
    assert any("[redacted]" in line["message"] for line in log_lines())


@pytest.mark.django_db
def test_unsubscribe_link_in_a_404_line_loses_its_token(client, log_lines):
    token = "eyJwIjo0Mn0:1w9Xyz:AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
    client.get(f"/fachkunde/erinnerungen/abbestellen/{token}/gibt-es-nicht/")

    assert token not in log_lines.raw()
    assert any("[redacted]" in line["message"] for line in log_lines())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, **headers: str):
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    return urllib.request.urlopen(request, timeout=5)  # noqa: S310 - http://127.0.0.1 only


def test_gunicorn_with_the_deploy_config_logs_json_access_lines(tmp_path):
    port = _free_port()
    env = {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": "x7#kP2v!qL9zR4m@tW8nB3cY6hJ1dF5gS0aE-uI_oK&pZ+lX^vC*bN%mQ$rT(yU)",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "VAR_DIR": str(tmp_path),
        "SECURE_SSL_REDIRECT": "0",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(
        [str(gunicorn), "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                _get(base + "/healthz").close()
                break
            except OSError:
                time.sleep(0.1)
        with _get(base + "/healthz", **{"X-Request-ID": "lb-check-0001"}) as response:
            assert response.status == 200
            assert response.headers["X-Request-ID"] == "lb-check-0001"
        with pytest.raises(urllib.error.HTTPError):
            _get(f"{base}/portal/passwort-vergessen/MTIz/{RESET_TOKEN}/x/?email=a@b.de")
    finally:
        process.terminate()
        stdout, stderr = process.communicate(timeout=30)

    lines = [json.loads(line) for line in stdout.splitlines() if line.strip()]
    access = [line for line in lines if line["logger"] == "gunicorn.access"]
    assert {
        "method": "GET",
        "path": "/healthz",
        "status": 200,
        "request_id": "lb-check-0001",
    }.items() <= next(line for line in access if line.get("request_id") == "lb-check-0001").items()
    assert any(line["logger"] == "gunicorn.error" for line in lines)  # "Booting worker ..."
    # A 404 here, or a 500 (without collectstatic the error page cannot find its stylesheet).
    [failed] = [line for line in access if line["status"] >= 400]
    assert failed["request_id"]
    assert failed["path"] == "/portal/passwort-vergessen/MTIz/[redacted]/x/"
    assert RESET_TOKEN not in stdout + stderr
    assert "a@b.de" not in stdout + stderr
    assert "Traceback" not in stderr
