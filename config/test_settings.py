"""Settings of the test suite: the production settings with the few differences tests need.

Production behaviour is the default in ``config.settings``; nothing there asks whether tests
run. Tests that check production settings start a process with ``config.settings`` itself
(tests/core/test_settings.py).
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-key-never-use-in-production-0123456789abcdefghij")

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS, STATIC_ROOT, STORAGES

ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

# The demo data command is tested too.
if "kundenportal.demo" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "kundenportal.demo"]

# The test client and the live server speak plain HTTP on localhost.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_HSTS_PRELOAD = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"

# Static files straight from the apps, no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# "Passwort vergessen" pads its answer in production; tests measure the work, not the wait.
PASSWORD_RESET_MIN_SECONDS = 0.0

# The webhook tests' receiver is plain HTTP on loopback.
WEBHOOK_REQUIRE_HTTPS = False
