"""Real processes on the test database: gunicorn web processes and outbox workers."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
MANAGE = [sys.executable, str(ROOT / "manage.py")]
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
CSRF_COOKIE = "__Host-csrftoken"
SESSION_COOKIE = "__Host-sessionid"
REDIS_URL = "redis://127.0.0.1:6379/5"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    """The test database of this pytest run, for the child processes."""
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def production_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """Production settings (DEBUG off, __Host- cookies) on the test database, plain HTTP."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "PYTEST_VERSION", "CACHE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": "processes-test-" + "s" * 50,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": database_url(),
            "CONN_MAX_AGE": "0",
            "VAR_DIR": str(var_dir),
            "LOG_LEVEL": "WARNING",
            **extra,
        }
    )
    return env


@pytest.fixture(scope="session")
def static_dir(tmp_path_factory) -> Path:
    """collectstatic once: production settings serve the hashed names from the manifest."""
    var_dir = tmp_path_factory.mktemp("processes-var")
    env = production_env(var_dir, DATABASE_URL="sqlite:///:memory:")
    subprocess.run(
        [*MANAGE, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=120
    )
    return var_dir


@dataclass
class WebProcesses:
    ports: list[int]
    processes: list[subprocess.Popen] = field(default_factory=list)
    cache_url: str | None = None

    def stop(self) -> str:
        for process in self.processes:
            process.send_signal(signal.SIGTERM)
        output = ""
        for process in self.processes:
            process.wait(timeout=30)
            output += process.stdout.read().decode()
        return output


def start_web_processes(env: dict[str, str], count: int = 2) -> WebProcesses:
    """``count`` separate gunicorn servers (one worker each), like two machines."""
    web = WebProcesses(ports=[free_port() for _ in range(count)])
    for port in web.ports:
        web.processes.append(
            subprocess.Popen(
                [GUNICORN, "config.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}"],
                cwd=ROOT,
                env=env,
                # The app logs to stdout, gunicorn to stderr: one stream for diagnostics.
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
        )
    deadline = time.monotonic() + 30
    for port in web.ports:
        while True:
            try:
                if Browser().get(port, "/portal/anmelden/")[0] == 200:
                    break
            except OSError:
                if time.monotonic() > deadline:
                    web.stop()
                    raise
                time.sleep(0.1)
    return web


class Browser:
    """One visitor's cookies, sent to whichever process the request goes to."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, data: dict | None = None):
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode({**data, "csrfmiddlewaretoken": self.cookies.get(CSRF_COOKIE, "")})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read().decode()
            for name, value in response.getheaders():
                if name.lower() != "set-cookie":
                    continue
                cookie = SimpleCookie()
                cookie.load(value)
                for key, morsel in cookie.items():
                    if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                        self.cookies.pop(key, None)
                    else:
                        self.cookies[key] = morsel.value
            return response.status, response.getheader("Location", ""), content
        finally:
            conn.close()

    def get(self, port: int, path: str):
        return self.request(port, "GET", path)

    def post(self, port: int, path: str, data: dict):
        return self.request(port, "POST", path, data)

    def login(self, port: int, username: str, password: str):
        self.get(port, "/portal/anmelden/")  # the CSRF cookie
        return self.post(port, "/portal/anmelden/", {"username": username, "password": password})


def workers_deliver(env: dict[str, str], server, mails: int, workers: int = 2) -> list[str]:
    """Run ``workers`` `run_worker` processes until ``server`` received ``mails`` mails (and a
    second more, for anything sent twice); stop them with SIGTERM. Asserts that each exited
    cleanly, that every mail arrived exactly once and that each worker sent some; returns
    their logs."""
    processes = [
        subprocess.Popen([*MANAGE, "run_worker"], cwd=ROOT, env=env, stdout=subprocess.PIPE)
        for _ in range(workers)
    ]
    try:
        deadline = time.monotonic() + 60
        while len(server.received) < mails and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)  # anything sent twice would arrive now
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
    logs = [p.stdout.read().decode() for p in processes]
    errors = "".join(logs)
    assert all(p.returncode == 0 for p in processes), errors
    counts = Counter(r.message["X-Kundenportal-Mail"] for r in server.received)
    assert len(counts) == mails, errors
    assert set(counts.values()) == {1}, errors
    # Each took part (each logs "outbox: N sent, ..." for its batches).
    assert all(re.search(r"outbox: [1-9]\d* sent", log) for log in logs), errors
    return logs
