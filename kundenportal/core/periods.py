"""The configurable periods as texts name them, read from settings at render time.

Pages get them as ``periods`` from the context processor, mails from ``mail_render``, so a
text never says "42 Tage" while the setting says otherwise.
"""

from django.conf import settings


def periods() -> dict[str, int]:
    return {
        "course_document_days": settings.COURSE_DOCUMENT_RETENTION_DAYS,
        "certificate_years": settings.CERTIFICATE_RETENTION_YEARS,
        "participation_years": settings.PARTICIPATION_RETENTION_YEARS,
        "initial_password_days": settings.INITIAL_PASSWORD_VALID_DAYS,
    }
