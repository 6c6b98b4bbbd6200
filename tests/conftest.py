import os
import shutil
from pathlib import Path

import pytest

# pytest-django's live_server runs beside Playwright's sync API (an event loop in this thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _chromium_executable() -> str | None:
    for candidate in (
        os.environ.get("CHROMIUM_PATH"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None  # Playwright's own browser, on machines that have one.


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    args = {
        **browser_type_launch_args,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--disable-quic",
        ],
    }
    executable = _chromium_executable()
    if executable:
        args["executable_path"] = executable
    return args


@pytest.fixture(autouse=True)
def _fast_hasher(request, settings):
    """Argon2 is the production hasher and costs ~50 ms a hash; tests log in often.

    Tests about hashing itself carry ``@pytest.mark.argon2`` and keep the production setting.
    """
    if request.node.get_closest_marker("argon2") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Every test writes files into its own folder, never into var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media", "base_url": None},
        },
    }


def pytest_collection_modifyitems(config, items):
    from django.db import connection

    if connection.vendor != "postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL=postgres://...)")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)


# --- A real SMTP server -------------------------------------------------------
@pytest.fixture
def smtp_server(settings):
    """aiosmtpd on a free port, with Django's SMTP backend pointed at it."""
    from tests.smtp_server import SMTPServer

    server = SMTPServer().start()
    for key, value in server.django_settings().items():
        setattr(settings, key, value)
    yield server
    server.stop()


# --- Second factor for staff -----------------------------------------------------------------
@pytest.fixture(autouse=True)
def _force_login_includes_second_factor(monkeypatch):
    """``force_login`` is a test's shortcut past the login form; for a staff member it stands
    for both steps, password and second factor (their app is set up on first use). Every
    login through the forms (Client.post, the browser) still has to pass the code page."""
    from django.test import Client

    from tests.second_factor import session_verify

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if user.is_staff:
            session_verify(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: counters such as the hourly registration limits
    must not carry over from earlier tests."""
    from django.core.cache import cache

    cache.clear()
    yield
