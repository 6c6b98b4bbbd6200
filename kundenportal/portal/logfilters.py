"""Reset tokens never reach a log line.

The link in a "Passwort vergessen" mail is ``/portal/passwort-vergessen/<uid>/<token>/``; the
view stores the token in the session and redirects to ``…/<uid>/neues-passwort/`` (Django's
``PasswordResetConfirmView``), so every later request is token-free. The first request is
still written by the access log (gunicorn, runserver) and by Django's request logger on an
error: this filter, attached to those loggers at start-up, replaces the token in the message.
"""

import logging
import re

# The segment after the uid, unless it is already the token-free placeholder.
TOKEN_IN_PATH = re.compile(r"(/passwort-vergessen/[A-Za-z0-9_-]+/)(?!neues-passwort/)[^/\s\"?]+")
REDACTED = r"\1[entfernt]"
LOGGERS = ("gunicorn.access", "gunicorn.error", "django.server", "django.request", "django")


def redact(text: str) -> str:
    return TOKEN_IN_PATH.sub(REDACTED, text)


class ResetTokenFilter(logging.Filter):
    """Rewrites the record's message without the token (the record is kept)."""

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


def reset_token_filter_install() -> None:
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, ResetTokenFilter) for f in logger.filters):
            logger.addFilter(ResetTokenFilter())
