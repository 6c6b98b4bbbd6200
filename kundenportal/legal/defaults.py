"""The default legal texts, built from the provider settings (``PROVIDER_*``) and the
configured periods, used until staff save a version of their own."""

import re

from django.conf import settings
from django.template import Context, engines

from kundenportal.core.periods import periods

from .models import LegalText

TITLES = {
    LegalText.Kind.IMPRESSUM: "Impressum",
    LegalText.Kind.PRIVACY: "Datenschutzerklärung",
    LegalText.Kind.TERMS: "Teilnahmebedingungen",
    LegalText.Kind.ACCESSIBILITY: "Erklärung zur Barrierefreiheit",
}


def legal_default(kind: str) -> tuple[str, str]:
    """``(title, body)`` of the default text of ``kind``."""
    template = engines["django"].engine.get_template(f"legal/defaults/{kind}.txt")
    context = {
        "provider": settings.PROVIDER,
        "site_url": settings.SITE_URL,
        "periods": periods(),
        "login_log_days": settings.LOGIN_LOG_KEEP_DAYS,
        "outbox_days": settings.OUTBOX_KEEP_DAYS,
    }
    body = template.render(Context(context, autoescape=False))
    # Left-out optional parts leave runs of empty lines behind.
    body = re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"
    return str(TITLES[LegalText.Kind(kind)]), body
