"""Logs: one JSON object per line on stdout, each with the request's id, with secrets removed.

The same configuration (``logging_config``) serves Django (settings.LOGGING) and gunicorn
(deploy/gunicorn.conf.py), so the access log, gunicorn's own messages and the application's
are one stream of JSON lines.

Secrets are removed where every line passes, in the formatters: reset links
(``/portal/passwort-vergessen/<uid>/<token>/``), query strings, Cookie/Authorization
headers, passwords in URLs and any field whose name says password, token, secret, session, cookie or
authorization. Nothing else has to remember it.
"""

import contextvars
import logging
import re
import uuid
from typing import Any

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

REDACTED = "[redacted]"

# The id of the request being handled (set by RequestIdMiddleware).
request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)
REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy may hand in: nginx's $request_id (32 hex), a UUID, or similar tokens.
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")

_PATTERNS = [
    # Credentials in a URL (a DATABASE_URL or EMAIL_URL in an error message).
    (
        re.compile(r"\b([a-z][a-z0-9+.-]*://[^:/\s@'\"]+:)[^@\s/'\"]+@", re.IGNORECASE),
        r"\1" + REDACTED + "@",
    ),
    # Reset links carry a token that sets a password: keep the uid, drop the token.
    (re.compile(r"(/passwort-vergessen/[^/\s?#'\"]+/)[^/\s?#'\"]+"), r"\1" + REDACTED),
    # The one-click unsubscribe link of the Fachkunde reminders is its own authority.
    (re.compile(r"(/abbestellen/)[^/\s?#'\"]+"), r"\1" + REDACTED),
    # Query strings can carry anything (tokens, e-mail addresses, search terms).
    (re.compile(r"(/[^\s?'\"]*)\?[^\s'\"#]+"), r"\1?" + REDACTED),
    # Headers written into a text.
    (
        re.compile(
            r"\b(cookie|set-cookie|authorization|proxy-authorization|x-csrftoken)"
            r"(\s*[:=]\s*)[^\n'\"]+",
            re.IGNORECASE,
        ),
        r"\1\2" + REDACTED,
    ),
    (re.compile(r"\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+"), r"\1 " + REDACTED),
    (re.compile(r"\b((?:__Host-)?(?:sessionid|csrftoken))=[^;\s'\"]+"), r"\1=" + REDACTED),
]
_SENSITIVE_KEY = re.compile(
    r"password|passwort|token|secret|session|cookie|authorization|csrf", re.IGNORECASE
)


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _scrub(value: Any, key: str = "") -> Any:
    if key and _SENSITIVE_KEY.search(key) and value not in (None, ""):
        return REDACTED
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _scrub(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(v) for v in value]
    return value


class JsonFormatter(_JsonFormatter):
    """python-json-logger's formatter, with secrets removed from every field."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(levelname)s %(name)s %(message)s")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", "time")
        super().__init__(*args, **kwargs)

    def process_log_record(self, log_data):
        request = log_data.pop("request", None)
        # Django's own loggers pass the request object; keep only what identifies the page.
        if hasattr(request, "path") and hasattr(request, "method"):
            log_data.setdefault("method", request.method)
            log_data.setdefault("path", request.path)
        log_data.pop("server_time", None)
        return {key: _scrub(value, key) for key, value in log_data.items()}


class PlainFormatter(logging.Formatter):
    """One readable line per event for development (LOG_FORMAT=plain), redacted the same way."""

    def format(self, record):
        line = super().format(record)
        request_id = getattr(record, "request_id", None)
        return redact(f"{line} [request_id={request_id}]" if request_id else line)


# The loggers that write request lines (paths with a reset token, query strings).
REQUEST_LINE_LOGGERS = (
    "gunicorn.access",
    "gunicorn.error",
    "django.server",
    "django.request",
    "django",
)


class RedactFilter(logging.Filter):
    """Removes the same secrets from the record itself, for every handler: one that is not
    ours (an error tracker, pytest's caplog) sees the cleaned message too."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        for name in ("request_line", "path", "url"):
            value = getattr(record, name, None)
            if isinstance(value, str):
                setattr(record, name, redact(value))
        return True


def redact_filter_install() -> None:
    """Attach ``RedactFilter`` to the request-line loggers (at start-up, once)."""
    for name in REQUEST_LINE_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactFilter) for f in logger.filters):
            logger.addFilter(RedactFilter())


class RequestIdFilter(logging.Filter):
    """Puts the id of the current request on every record logged while it is handled."""

    def filter(self, record):
        if getattr(record, "request_id", None) is None:
            # Django logs a 4xx/5xx answer after the middlewares are done: then the request,
            # which it passes along, still knows its id.
            record.request_id = request_id_var.get() or getattr(
                getattr(record, "request", None), "request_id", None
            )
        return True


def request_id_from(header: str | None) -> str:
    if header and _VALID_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Takes the proxy's X-Request-ID when it is well-formed, else makes one; every log line
    of the request carries it, and the response returns it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        reset = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(reset)
        response[REQUEST_ID_HEADER] = request_id
        return response


def logging_config(*, level: str = "INFO", fmt: str = "json") -> dict[str, Any]:
    """The dictConfig of Django and gunicorn: everything to stdout, one line per event."""
    formatter = (
        {"()": "kundenportal.core.logs.JsonFormatter"}
        if fmt == "json"
        else {
            "()": "kundenportal.core.logs.PlainFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    )
    handler = {
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stdout",
        "formatter": "default",
        "filters": ["request_id"],
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "kundenportal.core.logs.RequestIdFilter"}},
        "formatters": {"default": formatter},
        "handlers": {"console": handler},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            "gunicorn.error": {"handlers": ["console"], "level": level, "propagate": False},
            "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }
