from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kundenportal.notifications.models import OutboxMail
from kundenportal.notifications.rendering import MailObsolete

from .access import certificate_obtainable
from .models import Certificate


def certificate_mail_context(mail: OutboxMail) -> dict[str, Any]:
    """Context provider for ``certificate_available``: a certificate deleted or revoked (or its
    person's account deactivated) before the mail went out drops the mail instead of announcing a
    document that is not there."""
    certificate_id = mail.context.get("certificate_id")
    if certificate_id is None:
        return {}
    certificate = (
        Certificate.objects.filter(pk=certificate_id)
        .select_related("participation__person")
        .first()
    )
    if certificate is None:
        raise MailObsolete(_("Die Bescheinigung besteht nicht mehr."))
    if certificate.revoked_at is not None:
        raise MailObsolete(_("Die Bescheinigung wurde widerrufen."))
    if not certificate.participation.person.is_active:
        raise MailObsolete(_("Das Konto ist deaktiviert."))
    # The same rule as the download: what the mail announces must be obtainable.
    if not certificate_obtainable(
        person=certificate.participation.person,
        certificate=certificate,
        today=timezone.localdate(),
    ):
        raise MailObsolete(_("Die Bescheinigung ist nicht mehr verfügbar."))
    return {}
