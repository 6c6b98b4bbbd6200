"""Settings of the Kundenportal.

Configuration comes only from environment variables (see README, "Configuration").
Defaults give the embedded set-up: SQLite and files under ``var/``, mail into ``var/mail/``.
"""

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from kundenportal.core.logs import logging_config
from kundenportal.core.storage import s3_storage_settings

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "dev-only-key-never-use-in-production-0123456789abcdefghijklmnop"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production refuses to start without it "
            "(set DEBUG=1 for local development)."
        )
# Key rotation: the previous keys, comma-separated. Sessions, reset links and backup codes
# signed with them stay valid until a key is removed here.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Django's admin with a site that asks staff for a second factor (kundenportal.staffauth).
    "kundenportal.staffauth.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_otp",
    "kundenportal.staffauth.apps.TOTPConfig",  # django_otp.plugins.otp_totp
    "kundenportal.staffauth.apps.StaticConfig",  # django_otp.plugins.otp_static
    # Domain apps, lowest layer first (see README, "Architecture").
    "kundenportal.core",
    "kundenportal.audit",
    "kundenportal.companies",
    "kundenportal.worker",
    "kundenportal.notifications",
    "kundenportal.legal",
    "kundenportal.accounts",
    "kundenportal.events",
    "kundenportal.registrations",
    "kundenportal.confirmations",
    "kundenportal.documents",
    "kundenportal.qualifications",
    "kundenportal.privacy",
    "kundenportal.integrations",
    "kundenportal.portal",
    "kundenportal.api",
    "kundenportal.backoffice",
    "kundenportal.retention",
    "kundenportal.staffauth",
]
if DEBUG:
    # `manage.py seed_demo` (demo data for `make run`) exists only in development.
    INSTALLED_APPS.append("kundenportal.demo")

MIDDLEWARE = [
    # Outermost: every log line of a request, the health check's too, carries its id.
    "kundenportal.core.logs.RequestIdMiddleware",
    # /healthz answers before every other middleware (no host check, no HTTPS redirect, no
    # session): see kundenportal/core/health.py.
    "kundenportal.core.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # An address with a NUL byte is a 404 before anything queries the database with it (after
    # the middleware that set headers and language, so the 404 page gets them too).
    "kundenportal.core.middleware.NulByteNotFoundMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication and messages: the session limits log out and leave a message.
    "kundenportal.portal.middleware.SessionLimitsMiddleware",
    "kundenportal.portal.middleware.InitialPasswordMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # axes turns a lockout into the German lockout page; it comes last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Project-wide overrides of other apps' templates (Django's admin: accessibility,
        # German texts, the legal links in admin/base_site.html), found before the apps' own.
        "DIRS": [BASE_DIR / "kundenportal" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kundenportal.core.context_processors.provider",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Web process and worker share the file: WAL lets readers run beside the writer, and
    # IMMEDIATE transactions take the write lock up front instead of failing on upgrade.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and passwords -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.Person"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "first_name", "last_name", "email")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # German common passwords and the provider's and portal's own words.
    {"NAME": "kundenportal.accounts.passwords.GermanCommonPasswordValidator"},
]
LOGIN_URL = "/portal/anmelden/"
LOGIN_REDIRECT_URL = "/portal/"
LOGOUT_REDIRECT_URL = "/"

# Lifetime of an initial password sent with a Durchführungsbestätigung (SPEC: default 30 days).
INITIAL_PASSWORD_VALID_DAYS = env.int("INITIAL_PASSWORD_VALID_DAYS", default=30)

# --- Internationalisation -------------------------------------------------------------------
# The UI is written in German (templates and gettext strings with German source text).
LANGUAGE_CODE = "de"
LANGUAGES = [("de", "Deutsch")]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
if DEBUG:
    # Serve straight from the apps' static folders, no collectstatic needed.
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Documents are private: no MEDIA_URL is served. Files leave storage only through views that
# check ownership.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))

S3_BUCKET = env.str("S3_BUCKET", default="")
if S3_BUCKET:
    default_storage = s3_storage_settings(
        bucket=S3_BUCKET,
        endpoint_url=env.str("S3_ENDPOINT_URL", default="") or None,
        region=env.str("S3_REGION", default="") or None,
        access_key=env.str("S3_ACCESS_KEY_ID", default="") or None,
        secret_key=env.str("S3_SECRET_ACCESS_KEY", default="") or None,
        addressing_style=env.str("S3_ADDRESSING_STYLE", default="") or None,
    )
else:
    default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    }
STORAGES = {
    "default": default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# --- Mail -----------------------------------------------------------------------------------
# Default: every mail is written as a file into var/mail/ (one .log file per worker run).
MAIL_DIR = VAR_DIR / "mail"
vars().update(env.email_url("EMAIL_URL", default="filemail://"))
if EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend":  # type: ignore[name-defined]  # noqa: F821
    EMAIL_FILE_PATH = str(MAIL_DIR)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="BEW Kundenportal <kundenportal@bew.example>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# --- The provider (the software is generic; the name is configuration) ----------------------
PROVIDER = {
    "name": env.str("PROVIDER_NAME", default="BEW"),
    "long_name": env.str(
        "PROVIDER_LONG_NAME", default="BEW – Das Bildungszentrum für die Ver- und Entsorgung"
    ),
    "street": env.str("PROVIDER_STREET", default="Wimberstraße 1"),
    "postal_code": env.str("PROVIDER_POSTAL_CODE", default="46485"),
    "city": env.str("PROVIDER_CITY", default="Wesel"),
    "phone": env.str("PROVIDER_PHONE", default="+49 281 98 400-0"),
    "email": env.str("PROVIDER_EMAIL", default="kundenportal@bew.example"),
    "marketing_email": env.str("PROVIDER_MARKETING_EMAIL", default="marketing@bew.example"),
    "website": env.str("PROVIDER_WEBSITE", default="https://www.bew.example"),
    # For the default Impressum (§ 5 DDG) and Datenschutzerklärung (Art. 13 DSGVO); staff can
    # replace either text in the back office ("Rechtstexte"). Empty entries are left out.
    "representative": env.str("PROVIDER_REPRESENTATIVE", default=""),
    "register": env.str("PROVIDER_REGISTER", default=""),
    "vat_id": env.str("PROVIDER_VAT_ID", default=""),
    "privacy_contact": env.str("PROVIDER_PRIVACY_CONTACT", default=""),
    "supervisory_authority": env.str(
        "PROVIDER_SUPERVISORY_AUTHORITY",
        default="Landesbeauftragte für Datenschutz und Informationsfreiheit Nordrhein-Westfalen, "
        "Kavalleriestraße 2–4, 40213 Düsseldorf, https://www.ldi.nrw.de",
    ),
}
# Absolute address of the portal, for links in mails (no request exists in the worker).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Sessions and security ------------------------------------------------------------------
# SESSION_ENGINE: after CACHES below (depends on whether the cache is shared).
SESSION_COOKIE_AGE = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies: only over HTTPS, only for this exact host, path "/".
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
if env.bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = env.bool("USE_X_FORWARDED_HOST", default=False)

CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://kundenportal"),
}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # The same backend with one client per connection pool (core/redis_cache.py).
    CACHES["default"]["BACKEND"] = "kundenportal.core.redis_cache.RedisCache"
# gunicorn runs several processes, often on several machines. A local-memory cache (the
# default without CACHE_URL) is private to one process: a session ended or a page cleared in
# one process would live on in the others. So sessions use the cache only when it is shared
# (Redis, Memcached, database cache); otherwise every process reads them from the database.
# core/checks.py refuses a cache-backed session engine on a process-local cache.
CACHE_IS_SHARED = CACHES["default"]["BACKEND"] not in (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if CACHE_IS_SHARED
    else "django.contrib.sessions.backends.db"
)
# The public catalogue and event pages are kept this many seconds in the shared cache and
# cleared whenever an event or its seats change (events/cache.py). Without a shared cache they
# are not cached: one process could not clear another's copy.
CATALOGUE_CACHE_SECONDS = env.int("CATALOGUE_CACHE_SECONDS", default=300 if CACHE_IS_SHARED else 0)
# The free seats of a cached catalogue page are kept this many seconds (0: read on every
# request). The event page and the booking form always read them live.
CATALOGUE_SEATS_CACHE_SECONDS = env.int(
    "CATALOGUE_SEATS_CACHE_SECONDS", default=10 if CACHE_IS_SHARED else 0
)
# Login throttling counts failures in the database (django-axes' database handler), so a
# lockout holds on every process.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"

# --- Logging --------------------------------------------------------------------------------
# One JSON line per event on stdout, with the request id, secrets removed (core/logs.py);
# LOG_FORMAT=plain gives readable lines (the default with DEBUG).
LOGGING = logging_config(
    level=env.str("LOG_LEVEL", default="INFO"),
    fmt=env.str("LOG_FORMAT", default="plain" if DEBUG else "json"),
)

# axes checks the lockout before any password is compared.
AUTHENTICATION_BACKENDS = [
    "kundenportal.portal.security.ThrottlingBackend",
    "kundenportal.accounts.backends.PersonBackend",
]
# Key for the hashes of issued username bases. Must never change once accounts exist
# (a new key would let old names be issued again); defaults to SECRET_KEY.
USERNAME_HASH_KEY = env.str("USERNAME_HASH_KEY", default=SECRET_KEY)

# --- Outbox worker and Durchführungsbestätigung ------------------------------------------------
# Django's SMTP backend plus a record of recipients refused while others were accepted.
if EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":  # type: ignore[name-defined]  # noqa: F821
    EMAIL_BACKEND = "kundenportal.notifications.smtp.EmailBackend"
# Tries per mail before it is FAILED (staff can send it again). With the back-off below an
# SMTP outage of about eight hours delays mail without failing it.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=10)
# Back-off after the n-th failure: base × 2^(n-1), at most max (1, 2, 4, … minutes, ≤ 4 h).
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=60)
OUTBOX_RETRY_MAX_SECONDS = env.int("OUTBOX_RETRY_MAX_SECONDS", default=4 * 60 * 60)
# A mail in flight longer than this (its worker died) goes back into the queue. It must
# exceed the time one mail can take (EMAIL_TIMEOUT per SMTP step).
OUTBOX_SENDING_TIMEOUT_SECONDS = env.int("OUTBOX_SENDING_TIMEOUT_SECONDS", default=600)
OUTBOX_BATCH_SIZE = env.int("OUTBOX_BATCH_SIZE", default=50)
# Sent mails (names, addresses) are deleted after this many days.
OUTBOX_KEEP_DAYS = env.int("OUTBOX_KEEP_DAYS", default=90)
# Failed mails (staff may send them again from the outbox list) are deleted this many days
# after they were queued.
OUTBOX_FAILED_KEEP_DAYS = env.int("OUTBOX_FAILED_KEEP_DAYS", default=90)
WORKER_POLL_SECONDS = env.float("WORKER_POLL_SECONDS", default=2.0)

# --- API and webhooks (kundenportal/api, kundenportal/integrations) --------------------------
# An Idempotency-Key is honoured this long (a client retries within minutes).
API_IDEMPOTENCY_KEEP_HOURS = env.int("API_IDEMPOTENCY_KEEP_HOURS", default=48)
API_PAGE_SIZE_MAX = env.int("API_PAGE_SIZE_MAX", default=500)
# Webhook URLs must use HTTPS (plain HTTP only in development).
WEBHOOK_REQUIRE_HTTPS = env.bool("WEBHOOK_REQUIRE_HTTPS", default=not DEBUG)
# Webhooks go only to public addresses unless the receivers are in the provider's own network
# (then set this; it lets every integration with the webhooks scope reach internal addresses).
WEBHOOK_PRIVATE_ADDRESSES = env.bool("WEBHOOK_PRIVATE_ADDRESSES", default=DEBUG)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
# Back-off after the n-th failure: base × 2^(n-1), at most max (30 s, 1, 2, 4 … min, ≤ 1 h).
WEBHOOK_RETRY_BASE_SECONDS = env.int("WEBHOOK_RETRY_BASE_SECONDS", default=30)
WEBHOOK_RETRY_MAX_SECONDS = env.int("WEBHOOK_RETRY_MAX_SECONDS", default=60 * 60)
# A delivery still failing this long after it was queued is FAILED (staff may resend it).
WEBHOOK_GIVE_UP_SECONDS = env.int("WEBHOOK_GIVE_UP_SECONDS", default=3 * 24 * 60 * 60)
WEBHOOK_SENDING_TIMEOUT_SECONDS = env.int("WEBHOOK_SENDING_TIMEOUT_SECONDS", default=300)
WEBHOOK_BATCH_SIZE = env.int("WEBHOOK_BATCH_SIZE", default=50)
# Delivered and failed deliveries (they name usernames) are deleted after this many days.
WEBHOOK_KEEP_DAYS = env.int("WEBHOOK_KEEP_DAYS", default=30)

# --- Portal: documents, login throttling, CSP, session limits -------------------------------
# Retention dates the portal shows (FAQ: 42 days for course documents, 10 years for
# certificates and for everything else about a person).
COURSE_DOCUMENT_RETENTION_DAYS = env.int("COURSE_DOCUMENT_RETENTION_DAYS", default=42)
CERTIFICATE_RETENTION_YEARS = env.int("CERTIFICATE_RETENTION_YEARS", default=10)
PARTICIPATION_RETENTION_YEARS = env.int("PARTICIPATION_RETENTION_YEARS", default=10)
PORTAL_PAGE_SIZE = 25

# Password reset: links live 2 hours and die once the password changes (Django's token).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=2 * 60 * 60)
# "Passwort vergessen" answers no sooner than this, whether an account exists or not.
PASSWORD_RESET_MIN_SECONDS = env.float("PASSWORD_RESET_MIN_SECONDS", default=0.4)
# At most one reset mail per address in this many seconds (no mail bombing through the form).
PASSWORD_RESET_MAIL_INTERVAL = env.int("PASSWORD_RESET_MAIL_INTERVAL", default=5 * 60)

# Login throttling: the (username, client address) pair is locked after AXES_FAILURE_LIMIT
# failures for AXES_COOLOFF_TIME. A real user at another address is never locked out, and the
# lock ends by itself, so nobody can lock a person out for good.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("LOGIN_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "kundenportal.portal.security.axes_username"
AXES_CLIENT_IP_CALLABLE = "kundenportal.core.net.client_ip"
AXES_LOCKOUT_TEMPLATE = "portal/locked.html"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False
# No table of every successful login (who, when, from where): data minimisation. Failed
# attempts are kept only until their cool-off has passed.
AXES_DISABLE_ACCESS_LOG = True
# The back office shows the throttling rows through German pages of its own (staffauth.admin).
AXES_ENABLE_ADMIN = False
# Number of proxies in front of the app that append to X-Forwarded-For (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env.int(
    "TRUSTED_PROXY_COUNT", default=1 if env.bool("BEHIND_PROXY", default=False) else 0
)

# Content Security Policy: own files only, no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# axes logs every successful login at INFO; failures and lockouts (WARNING) are what matter.
LOGGING["loggers"]["axes"] = {"level": "WARNING"}

# --- Registration ---------------------------------------------------------------------------
# A form sent without a valid CSRF token gets a German page instead of Django's English one.
CSRF_FAILURE_VIEW = "kundenportal.core.errors.csrf_failure"

# --- Back office: events, documents, certificates --------------------------------------------
# Course documents staff upload: at most this many bytes per file, only these types (each is
# also checked by its first bytes, see core/uploads.py).
DOCUMENT_UPLOAD_MAX_BYTES = env.int("DOCUMENT_UPLOAD_MAX_BYTES", default=50 * 1024 * 1024)
DOCUMENT_UPLOAD_EXTENSIONS = env.list(
    "DOCUMENT_UPLOAD_EXTENSIONS",
    default=[
        "pdf",
        "docx",
        "xlsx",
        "pptx",
        "doc",
        "xls",
        "ppt",
        "odt",
        "ods",
        "odp",
        "zip",
        "png",
        "jpg",
        "jpeg",
    ],
)
# Place printed beside the issue date of a certificate ("Wesel, den ..."); default: the
# provider's city.
CERTIFICATE_ISSUE_PLACE = env.str("CERTIFICATE_ISSUE_PLACE", default="")

# --- Retention: the daily purge ----------------------------------------------------------------
# The periods are COURSE_DOCUMENT_RETENTION_DAYS, CERTIFICATE_RETENTION_YEARS and
# PARTICIPATION_RETENTION_YEARS above; the purge deletes by the same dates the portal shows.
# Local time of the daily run (HH:MM).
RETENTION_RUN_AT = env.str("RETENTION_RUN_AT", default="03:00")

# --- Qualifications (Fachkunde) -------------------------------------------------------------
# Reminders go this many days before a qualification lapses (each once per validity).
QUALIFICATION_REMINDER_DAYS = sorted(
    {int(d) for d in env.list("QUALIFICATION_REMINDER_DAYS", default=["120", "30"])}, reverse=True
)
if not QUALIFICATION_REMINDER_DAYS or min(QUALIFICATION_REMINDER_DAYS) < 1:
    raise ImproperlyConfigured("QUALIFICATION_REMINDER_DAYS needs positive numbers of days.")
QUALIFICATION_REMINDER_RUN_AT = env.str("QUALIFICATION_REMINDER_RUN_AT", default="06:30")
# How long the booking link of a reminder fills the form with the person's data.
QUALIFICATION_PREFILL_LINK_DAYS = env.int("QUALIFICATION_PREFILL_LINK_DAYS", default=150)
# Participations per transaction of the reminder job.
QUALIFICATION_REMINDER_BATCH_SIZE = env.int("QUALIFICATION_REMINDER_BATCH_SIZE", default=500)
# Rows per chunk; each chunk is deleted in its own transaction.
RETENTION_BATCH_SIZE = env.int("RETENTION_BATCH_SIZE", default=1000)
# Lease of a running purge, renewed after every chunk: a purge that dies blocks the next one
# at most this long.
RETENTION_LOCK_SECONDS = env.int("RETENTION_LOCK_SECONDS", default=600)
# Login logs of django-axes (if ever switched on) are kept this many days.
LOGIN_LOG_KEEP_DAYS = env.int("LOGIN_LOG_KEEP_DAYS", default=30)

# --- Second factor for staff (django-otp) -----------------------------------------------------
# The admin's site (kundenportal.staffauth) opens the back office only after a TOTP code (or
# a backup code) following the password; staff without an app set it up at their first login.
# Production always asks staff for the second factor; only a development set-up (DEBUG) may
# switch it off.
STAFF_OTP_REQUIRED = env.bool("STAFF_OTP_REQUIRED", default=True)
if not STAFF_OTP_REQUIRED and not DEBUG:
    raise ImproperlyConfigured(
        "STAFF_OTP_REQUIRED=0 is only allowed for development (DEBUG=1): "
        "staff must pass a second factor in production."
    )
# Name shown in the authenticator app beside the username.
OTP_TOTP_ISSUER = f"{PROVIDER['name']} Verwaltung"
# After the n-th wrong code in a row a device accepts nothing for 2^(n-1) × factor seconds.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# The devices' admin pages never show a key or a backup code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Account security: password policy, registration limits, login events ------------------
# Key of the HMACs of username and client address in login events (audit log and the
# "kundenportal.auth" log lines); defaults to SECRET_KEY.
AUTH_EVENT_HASH_KEY = env.str("AUTH_EVENT_HASH_KEY", default=SECRET_KEY)
# Registrations per hour from one client address and to one correspondence address (the
# counters live in the shared cache; 0 switches a limit off).
REGISTRATION_LIMIT_PER_IP_HOUR = env.int("REGISTRATION_LIMIT_PER_IP_HOUR", default=8)
REGISTRATION_LIMIT_PER_EMAIL_HOUR = env.int("REGISTRATION_LIMIT_PER_EMAIL_HOUR", default=5)
