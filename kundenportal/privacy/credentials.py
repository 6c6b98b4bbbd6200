"""Staff action "Zugangsdaten erneut senden".

The credentials themselves are made at send time by ``accounts.credentials`` (the same as for
the Durchführungsbestätigung); the mail's context provider is in ``privacy.mail``.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kundenportal.accounts.addresses import address_for_secrets
from kundenportal.accounts.models import Person
from kundenportal.audit.services import audit_log
from kundenportal.notifications.models import OutboxMail
from kundenportal.notifications.services import mail_enqueue

from .guards import staff_refusal

CREDENTIALS_TEMPLATE = "credentials"


@transaction.atomic
def credentials_resend(*, person: Person, actor: Any) -> OutboxMail:
    """Queue the access data again, to the own address or else the latest correspondence one.

    The mail carries a fresh initial password while the person has never set an own one
    (made at send time, the earlier one stops working once the mail has gone out), otherwise
    the username, the hint that the own password applies and the "Passwort vergessen" link —
    the same credentials as the Durchführungsbestätigung (``credentials_for_mail``).
    """
    person = Person.objects.select_for_update().get(pk=person.pk)
    staff_refusal(person)
    if not person.is_active:
        raise ValidationError(
            _("Das Konto %(username)s ist deaktiviert.") % {"username": person.username}
        )
    # Credentials go only to an address bound to the account, never a mere booker's.
    address = address_for_secrets(person=person)
    if not address:
        raise ValidationError(
            _(
                "Für %(username)s ist keine E-Mail-Adresse bekannt (weder eine eigene noch "
                "eine an das Konto gebundene Korrespondenzadresse). Bitte tragen Sie zuerst eine "
                "E-Mail-Adresse ein."
            )
            % {"username": person.username}
        )
    # No dedupe key: every resend is a new mail with a new password (a new outbox nonce).
    mail = mail_enqueue(
        template=CREDENTIALS_TEMPLATE, to=[address], context={"person_id": person.pk}
    )
    audit_log(
        actor=actor,
        action="person.credentials_resent",
        obj=person,
        data={
            "mail_id": mail.pk,
            "recipient": "own" if address == person.email else "correspondence",
            "kind": "username_hint" if person.has_own_password else "initial_password",
        },
    )
    return mail
