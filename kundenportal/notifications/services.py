from typing import Any

from .models import OutboxMail


def mail_enqueue(
    *,
    template: str,
    to: list[str],
    context: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
) -> OutboxMail:
    """Put a mail into the outbox. Call it inside the transaction of the change that causes it.

    ``template`` names ``notifications/mail/<template>.{subject.txt,txt,html}``. ``context``
    must be JSON data without secrets. With ``dedupe_key`` a second call adds nothing.
    """
    recipients: list[str] = []
    for address in to:
        address = (address or "").strip()
        if address and address.lower() not in {r.lower() for r in recipients}:
            recipients.append(address)
    if not recipients:
        raise ValueError("A mail needs at least one recipient.")
    if dedupe_key is not None:
        mail, _created = OutboxMail.objects.get_or_create(
            dedupe_key=dedupe_key,
            defaults={"template": template, "to": recipients, "context": context or {}},
        )
        return mail
    return OutboxMail.objects.create(template=template, to=recipients, context=context or {})
