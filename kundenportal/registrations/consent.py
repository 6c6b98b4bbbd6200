"""Which versions of the terms and the privacy notice a registration accepted."""

from kundenportal.legal.models import LegalText
from kundenportal.legal.services import legal_version_for_consent


def consent_versions_current() -> dict[str, int]:
    """The versions step 3 links to now (ids), kept with the form until it is sent."""
    return {
        "terms": legal_version_for_consent(kind=LegalText.Kind.TERMS).pk,
        "privacy": legal_version_for_consent(kind=LegalText.Kind.PRIVACY).pk,
    }


def consent_texts(versions: dict[str, int] | None) -> tuple[LegalText, LegalText]:
    """The terms and privacy notice a booking accepts: the versions the booker was shown
    (``versions``), else the current ones (no page showed them: an API booking, an import;
    or a shown one no longer exists)."""
    shown = LegalText.objects.in_bulk([v for v in (versions or {}).values() if v])
    current = None
    chosen = {}
    for key, kind in (("terms", LegalText.Kind.TERMS), ("privacy", LegalText.Kind.PRIVACY)):
        text = shown.get((versions or {}).get(key))
        if text is None or text.kind != kind:
            current = current or consent_versions_current()
            text = LegalText.objects.get(pk=current[key])
        chosen[key] = text
    return chosen["terms"], chosen["privacy"]
