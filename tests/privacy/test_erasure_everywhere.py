"""After an erasure — on request, by the retention purge, or of a duplicate by a merge — no
table of the database and no file in the storage holds the person's name, username, e-mail or
address (of a merged duplicate: its username).

The person registers (privately and through a company, beside a colleague), gets a
Durchführungsbestätigung, a certificate, an address change, a merged second account, logs
in and fails a login, asks for deletion, and staff act on each of their records through
every admin that logs (audit log and Django's admin log). Then the whole database is read,
table by table and column by column, and searched for each of the person's strings.
"""

import datetime as dt
import json
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse

from kundenportal.accounts.credentials import person_set_own_password
from kundenportal.accounts.models import BoundAddress, Person
from kundenportal.audit.admin import AuditedModelAdmin
from kundenportal.companies.models import AddressChange, Company
from kundenportal.companies.services import address_change_create
from kundenportal.confirmations.services import event_confirm
from kundenportal.documents.models import Certificate
from kundenportal.notifications.delivery import outbox_process
from kundenportal.notifications.models import OutboxMail
from kundenportal.privacy.erasure import account_delete
from kundenportal.privacy.merge import accounts_merge
from kundenportal.privacy.models import DeletionRequest
from kundenportal.privacy.services import deletion_request_create
from kundenportal.registrations.models import Participation, Registration
from kundenportal.registrations.services.booking import registration_submit
from kundenportal.registrations.services.resolution import AddressData, ParticipantData
from kundenportal.retention.services import retention_purge
from tests.factories import CertificateFactory, EventFactory, PersonFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Holunder-Quappe-2026"
FIRST, LAST = "Quirinella", "Zwetschkenbaum"
USERNAME = "quirinella.zwetschkenbaum"
EMAIL = "q.zwetschkenbaum@privatpost.example"
STREET, CITY, PHONE = "Holunderstieg 77", "Kleinquappenheim", "0421 5550199"
SEARCHED = (FIRST, LAST, USERNAME, EMAIL, "Holunderstieg", CITY, PHONE)


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff():
    return PersonFactory(username="vera.waltung", is_staff=True, is_superuser=True)


def database_text() -> dict[str, str]:
    """Every table of the database (found by introspection, third-party ones included),
    every row and column as text; sessions decoded too (their data are encoded)."""
    found = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 - names from introspection
            rows = cursor.fetchall()
            found[table] = json.dumps(rows, default=str, ensure_ascii=False).lower()
    found["django_session (decoded)"] = json.dumps(
        [s.get_decoded() for s in Session.objects.all()], default=str, ensure_ascii=False
    ).lower()
    return found


def storage_text() -> dict[str, str]:
    """Every file in the storage, its name and its bytes as text."""
    found = {}
    root = Path(settings.MEDIA_ROOT)
    if root.exists():
        for path in root.rglob("*"):
            if path.is_file():
                found[f"storage:{path.relative_to(root)}"] = (
                    f"{path}\n{path.read_bytes().decode('utf-8', 'replace')}".lower()
                )
    return found


def leftovers(searched=SEARCHED) -> list[tuple[str, str]]:
    return [
        (place, word)
        for place, text in {**database_text(), **storage_text()}.items()
        for word in searched
        if word.lower() in text
    ]


def _act_through_every_logging_admin(staff, person: Person) -> int:
    """Each admin that logs (AuditedModelAdmin) records an addition and a change of each of
    the person's objects it manages, the change naming an inline row as Django does; and
    staff delete a certificate through the admin's own delete page."""
    without = Participation.objects.filter(person=person, certificate__isnull=True).first()
    wrong = CertificateFactory(participation=without, title=f"Irrtum {LAST}")
    staff_client = Client()
    staff_client.force_login(staff)
    response = staff_client.post(
        reverse("admin:documents_certificate_delete", args=[wrong.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert LogEntry.objects.filter(action_flag=DELETION, object_repr__icontains=LAST).exists()

    request = RequestFactory().post("/verwaltung/")
    request.user = staff
    participations = Participation.objects.filter(person=person)
    own = {
        "accounts.person": Person.objects.filter(pk=person.pk),
        "registrations.participation": participations,
        "registrations.registration": Registration.objects.filter(
            participations__person=person
        ).distinct(),
        "documents.certificate": Certificate.objects.filter(participation__person=person),
        "companies.addresschange": AddressChange.objects.filter(person=person),
        "privacy.deletionrequest": DeletionRequest.objects.filter(person=person),
        "companies.company": Company.objects.filter(pk=person.company_id),
        # Every mail so far is about the person (receipts, confirmation).
        "notifications.outboxmail": OutboxMail.objects.all(),
    }
    inline = [{"added": {"name": "Teilnahme", "object": str(p)}} for p in participations[:1]]
    acted = 0
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, AuditedModelAdmin):
            continue
        objects = own.get(model._meta.label_lower)
        assert objects is not None, f"{model._meta.label_lower}: add it to this test"
        for obj in objects:
            model_admin.log_addition(request, obj, [{"added": {}}])
            model_admin.log_change(request, obj, [{"changed": {"fields": ["x"]}}, *inline])
            acted += 1
    return acted


def person_with_everything(staff, client) -> Person:
    private_event = EventFactory()
    company_event = EventFactory()
    private = registration_submit(
        event=private_event,
        participants=[ParticipantData(first_name=FIRST, last_name=LAST, email=EMAIL)],
        correspondence_email=EMAIL,
        address=AddressData(
            is_private=True, street=STREET, postal_code="27999", city=CITY, phone=PHONE
        ),
        consent=True,
        submission_token=uuid.uuid4(),
    )
    person = private.registration.participations.get().person
    assert person.username == USERNAME
    registration_submit(
        event=company_event,
        participants=[
            ParticipantData(first_name=FIRST, last_name=LAST, email=EMAIL),
            ParticipantData(first_name="Otto", last_name="Kollege"),
        ],
        correspondence_email="personal@stadtwerke.example",
        address=AddressData(
            company_name="Stadtwerke Beispielstadt",
            street="Werkstraße 1",
            postal_code="45127",
            city="Essen",
        ),
        consent=True,
        submission_token=uuid.uuid4(),
    )
    # The person books a colleague as well, with the person's own address as the
    # correspondence address: the booking is shared, and the colleague's new account gets the
    # person's address bound to it.
    shared = registration_submit(
        event=EventFactory(),
        participants=[
            ParticipantData(first_name=FIRST, last_name=LAST),
            ParticipantData(first_name="Paula", last_name="Kollegin"),
        ],
        correspondence_email=EMAIL,
        address=AddressData(
            company_name="Stadtwerke Beispielstadt",
            street="Werkstraße 1",
            postal_code="45127",
            city="Essen",
        ),
        consent=True,
        submission_token=uuid.uuid4(),
    )
    colleague = shared.registration.participations.get(person__last_name="Kollegin").person
    assert BoundAddress.objects.filter(person=colleague, email=EMAIL).exists()
    # Same name at a company: a second account, which staff then merge into the first.
    second = Person.objects.get(username=f"{USERNAME}1")
    assert second.company is not None
    accounts_merge(survivor_username=USERNAME, usernames=[second.username], actor=staff)
    person = Person.objects.get(username=USERNAME)
    assert person.company == second.company
    person.email, person.street, person.city, person.phone = EMAIL, STREET, CITY, PHONE
    person.save()

    event_confirm(event=private_event, actor=staff)
    outbox_process()
    participation = Participation.objects.get(person=person, event=private_event)
    Participation.objects.filter(pk=participation.pk).update(status="attended")
    # The PDF names the person, as a real certificate does.
    CertificateFactory(
        participation=participation,
        filename=f"Bescheinigung {FIRST} {LAST}.pdf",
        file=ContentFile(f"%PDF-1.4 Bescheinigung für {FIRST} {LAST}".encode(), name="b.pdf"),
    )
    address_change_create(
        person=person, company=None, company_name="", address={"street": "Holunderstieg 78"}
    )
    person_set_own_password(person=person, raw_password=PASSWORD)
    # A failed login (login throttling keeps the username), then a session.
    client.post(reverse("portal:login"), {"username": USERNAME, "password": "falsch"})
    client.force_login(person)
    deletion_request_create(person=person, reason=f"Bitte löschen, {FIRST} {LAST}")
    # A failed mail that names the person among others (the company's receipt).
    OutboxMail.objects.filter(
        template="registration_receipt", to=["personal@stadtwerke.example"]
    ).update(status=OutboxMail.Status.FAILED)
    return person


def staff_act_on(staff, person: Person) -> None:
    assert _act_through_every_logging_admin(staff, person) >= 7
    assert LogEntry.objects.filter(object_repr__icontains=LAST).exists()
    # Everything is there before the erasure (else the search below proves nothing).
    before = {word for _table, word in leftovers()}
    assert before == set(SEARCHED)
    assert any(place.startswith("storage:") for place, _word in leftovers())


def test_erasure_on_request_leaves_no_trace_in_any_table(
    staff, client, django_capture_on_commit_callbacks
):
    person = person_with_everything(staff, client)
    staff_act_on(staff, person)

    with django_capture_on_commit_callbacks(execute=True):
        account_delete(person=person, actor=staff)
    # The notice of the deletion goes out; its row then keeps nothing of the person.
    outbox_process()
    assert OutboxMail.objects.filter(template="account_deleted", status="sent").exists()

    found = leftovers()
    assert found == [], found
    # The shared booking stays for accounting, without the person's address.
    shared = Registration.objects.get(participations__person__last_name="Kollegin")
    assert shared.correspondence_email == ""
    assert shared.company_name == "Stadtwerke Beispielstadt"


def test_erasure_by_retention_leaves_no_trace_in_any_table(
    staff, client, django_capture_on_commit_callbacks
):
    # The person's history is from five years ago; staff worked on the records today, so the
    # entries of the logs are younger than their own 10 years when the account is erased.
    now = dt.datetime.now(tz=ZoneInfo("Europe/Berlin"))
    with time_machine.travel(now - dt.timedelta(days=5 * 365), tick=False):
        person = person_with_everything(staff, client)
    staff_act_on(staff, person)
    pk = person.pk

    with (
        time_machine.travel(now + dt.timedelta(days=6 * 365), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = retention_purge()
    assert result.counts["accounts"] >= 1
    assert not Person.objects.filter(pk=pk).exists()

    found = leftovers()
    assert found == [], found


def test_merge_leaves_no_trace_of_the_merged_account(
    staff, client, django_capture_on_commit_callbacks
):
    """A duplicate account with every kind of trace (a booking whose remark names the old
    username, a confirmation, a login and a failed one, a deletion request, staff edits in
    every logging admin) is merged: its username is nowhere afterwards."""
    survivor = person_with_everything(staff, client)
    event = EventFactory()
    registration_submit(
        event=event,
        participants=[ParticipantData(first_name=FIRST, last_name=LAST, email=EMAIL)],
        correspondence_email="personal@andere-firma.example",
        address=AddressData(
            company_name="Andere Firma GmbH",
            street="Hafenweg 3",
            postal_code="28195",
            city="Bremen",
        ),
        remarks=f"Firmenwechsel, bisheriger Benutzername {USERNAME}",
        consent=True,
        submission_token=uuid.uuid4(),
    )
    duplicate = Person.objects.get(username=f"{USERNAME}2")
    Registration.objects.filter(participations__person=duplicate).update(
        remarks=f"Neu angelegt als {duplicate.username}, bisher {USERNAME}"
    )
    Registration.objects.filter(participations__person=duplicate).update(review="")
    event_confirm(event=event, actor=staff)
    other = Client()
    other.post(reverse("portal:login"), {"username": duplicate.username, "password": "falsch"})
    other.force_login(duplicate)
    deletion_request_create(person=duplicate, reason="zweites Konto")
    assert _act_through_every_logging_admin(staff, duplicate) >= 5
    searched = (duplicate.username,)
    assert leftovers(searched)

    with django_capture_on_commit_callbacks(execute=True):
        accounts_merge(
            survivor_username=survivor.username, usernames=[duplicate.username], actor=staff
        )
    outbox_process()

    found = leftovers(searched)
    assert found == [], found
    # The person lives on as the survivor: the remark names the survivor now.
    assert Registration.objects.filter(
        participations__person=survivor, remarks__icontains=f"als {USERNAME}, bisher"
    ).exists()
