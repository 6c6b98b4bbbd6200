"""The booking form filled in with an account's data: name, correspondence address, company.

Used by the booking links of a Fachkunde reminder (a signed token naming the account, made
when the mail is sent) and of "Meine Dokumente" (the logged-in person). The form is then
filled in as if the person had typed the stored data: every step can be changed, and
``registration_submit`` resolves the account and reviews changed address data exactly as for
any other booking (FAQ: "Mit jeder weiteren Anmeldung müssen Sie Ihre Adressdaten eingeben,
die dann nach einer Prüfung im Anmeldeprozess bei Änderungen automatisch im Kundenportal
aktualisiert werden").
"""

from django.conf import settings
from django.core import signing

from kundenportal.accounts.addresses import address_for_secrets
from kundenportal.accounts.models import Person

SALT = "kundenportal.registrations.prefill"
# The query parameter of a prefilled booking link; the value "konto" means the logged-in person.
PARAMETER = "vorbelegung"
LOGGED_IN = "konto"


def prefill_token(*, person_id: int) -> str:
    return signing.dumps(person_id, salt=SALT, compress=True)


def prefill_person(*, value: str, user) -> Person | None:
    """The active participant account a link's ``vorbelegung`` value names: the logged-in
    person for "konto", else the account of a valid token younger than
    ``QUALIFICATION_PREFILL_LINK_DAYS``; None otherwise (the form stays empty)."""
    if value == LOGGED_IN:
        person = user if getattr(user, "is_authenticated", False) else None
    else:
        try:
            person_id = signing.loads(
                value, salt=SALT, max_age=settings.QUALIFICATION_PREFILL_LINK_DAYS * 86400
            )
        except signing.BadSignature:  # an expired token is one too
            return None
        if not isinstance(person_id, int):
            return None
        person = Person.objects.select_related("company").filter(pk=person_id).first()
    if person is None or not person.is_active or person.is_staff:
        return None
    return person


def prefill_state(person: Person) -> dict:
    """The form's session state (steps 1 and 2) as the account's stored data fill it; the
    steps are not marked valid, so each is shown for review before going on."""
    company = person.company
    # The account keeps the address its bookings gave (what matching a booking to the account
    # compares); an account without one (imported, kept by staff) gets its company's.
    source = person if (person.street or person.postal_code) or company is None else company
    return {
        "participants": [
            {
                "salutation": person.salutation,
                "title": person.title,
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": person.email,
            }
        ],
        "correspondence_email": address_for_secrets(person=person),
        "address": {
            "is_private": company is None,
            "company_name": company.name if company else "",
            "street": source.street,
            "postal_code": source.postal_code,
            "city": source.city,
            "country": source.country or "Deutschland",
            "phone": person.phone or (company.phone if company else ""),
        },
    }
