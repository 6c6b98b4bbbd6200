from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from kundenportal.audit.services import audit_log
from kundenportal.core.locks import advisory_lock

from .defaults import legal_default
from .models import LegalText
from .selectors import legal_published


def _next_version(kind: str) -> int:
    # Two staff saving the same page at once must not get the same number.
    advisory_lock(key=f"legal-text:{kind}")
    newest = LegalText.objects.filter(kind=kind).aggregate(n=Max("version"))["n"]
    return (newest or 0) + 1


@transaction.atomic
def legal_text_create(
    *, kind: str, title: str, body: str, publish: bool, actor: Any | None
) -> LegalText:
    """Save a new version of the page ``kind`` (versions are never changed), published at
    once if ``publish``."""
    text = LegalText(
        kind=kind,
        version=_next_version(kind),
        title=title.strip(),
        body=body.strip() + "\n",
        published_at=timezone.now() if publish else None,
    )
    text.full_clean()
    text.save()
    audit_log(
        actor=actor,
        action="legal.text_created",
        obj=text,
        data={"kind": kind, "version": text.version, "published": publish},
    )
    return text


@transaction.atomic
def legal_text_publish(*, text: LegalText, actor: Any | None) -> LegalText:
    """Publish ``text`` (also an older version again): the page shows it from now on."""
    text.published_at = timezone.now()
    text.save(update_fields=["published_at"])
    audit_log(
        actor=actor,
        action="legal.text_published",
        obj=text,
        data={"kind": text.kind, "version": text.version},
    )
    return text


def legal_version_for_consent(*, kind: str) -> LegalText:
    """The version a booker accepts now. While staff have saved none, the default text
    becomes version 1 (published), so a registration can always name what it accepted."""
    version = legal_published(kind=kind)
    if version is not None:
        return version
    with transaction.atomic():
        advisory_lock(key=f"legal-text:{kind}")
        version = legal_published(kind=kind)
        if version is None:
            title, body = legal_default(kind)
            version = legal_text_create(kind=kind, title=title, body=body, publish=True, actor=None)
    return version
