from dataclasses import dataclass

from django.utils.safestring import SafeString

from .defaults import legal_default
from .markup import legal_html
from .models import LegalText


@dataclass(frozen=True)
class LegalPage:
    kind: str
    title: str
    html: SafeString
    version: LegalText | None  # None: the default text, no version saved yet


def legal_published(*, kind: str) -> LegalText | None:
    """The version of ``kind`` published last, or None."""
    return (
        LegalText.objects.filter(kind=kind, published_at__isnull=False)
        .order_by("-published_at", "-version")
        .first()
    )


def legal_page(*, kind: str) -> LegalPage:
    """What the page of ``kind`` shows: the published version, else the default text."""
    version = legal_published(kind=kind)
    if version is not None:
        return LegalPage(kind, version.title, legal_html(version.body), version)
    title, body = legal_default(kind)
    return LegalPage(kind, title, legal_html(body), None)


def legal_initial(*, kind: str) -> tuple[str, str]:
    """``(title, body)`` a new version starts from: the newest version, else the default."""
    newest = LegalText.objects.filter(kind=kind).order_by("-version").first()
    if newest is not None:
        return newest.title, newest.body
    return legal_default(kind)
