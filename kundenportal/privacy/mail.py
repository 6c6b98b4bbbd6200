"""Send-time parts of the account mails of the privacy app."""

from typing import Any

from django.utils.translation import gettext as _

from kundenportal.accounts.credentials import credentials_for_mail
from kundenportal.accounts.models import Person
from kundenportal.notifications.models import OutboxMail
from kundenportal.notifications.rendering import MailObsolete


def credentials_mail_context(mail: OutboxMail) -> dict[str, Any]:
    """Context provider for ``credentials``: the person and their access data, made now."""
    person = Person.objects.filter(pk=mail.context.get("person_id")).first()
    if person is None:
        raise MailObsolete(_("Das Konto besteht nicht mehr."))
    if not person.is_active:
        raise MailObsolete(_("Das Konto ist deaktiviert."))
    return {
        # The sent hook (accounts.credentials.credentials_sent_hook) reads these two.
        "person_id": person.pk,
        "participant": {
            "salutation": person.get_salutation_display() if person.salutation else "",
            "full_name": person.get_full_name(),
        },
        "credentials": credentials_for_mail(
            person=person, seed=mail.secret_seed("initial_password"), recipients=mail.to
        ),
    }


def account_deleted_mail_sent(mail: OutboxMail, provided: dict[str, Any]) -> None:
    """Once the notice of a deletion has gone out, its row keeps no name or address of the
    person (the template name and the time stay)."""
    OutboxMail.objects.filter(pk=mail.pk).update(context={}, to=[])
