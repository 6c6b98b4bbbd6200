from typing import Any

from django.db import transaction

from kundenportal.audit.services import audit_log
from kundenportal.companies.models import Company

from .models import Person
from .usernames import username_issue


@transaction.atomic
def person_create(
    *,
    first_name: str,
    last_name: str,
    salutation: str = "",
    title: str = "",
    email: str = "",
    company: Company | None = None,
    address: dict[str, str] | None = None,
    actor: Any | None = None,
) -> Person:
    """Create a participant's account with a fresh username and no usable password.

    The person gets access data with the next Durchführungsbestätigung.
    """
    person = Person(
        username=username_issue(first_name=first_name, last_name=last_name),
        salutation=salutation,
        title=title,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip(),
        company=company,
        **{key: value for key, value in (address or {}).items() if key in Person.ADDRESS_FIELDS},
    )
    person.set_unusable_password()
    person.full_clean(exclude=["password"])
    person.save()
    audit_log(actor=actor, action="person.create", obj=person)
    return person
