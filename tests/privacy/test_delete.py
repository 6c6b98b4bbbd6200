"""Konto löschen auf Antrag: everything about the person goes; the booking record stays
without their name; they are told by mail before the data are gone."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse

from kundenportal.accounts.credentials import person_set_own_password
from kundenportal.accounts.models import Person
from kundenportal.accounts.services import person_create
from kundenportal.audit.models import AuditEntry
from kundenportal.audit.services import audit_log, audit_username_hash
from kundenportal.companies.models import AddressChange
from kundenportal.companies.services import address_change_create
from kundenportal.confirmations.services import event_confirm
from kundenportal.documents.models import Certificate
from kundenportal.notifications.models import OutboxMail
from kundenportal.notifications.rendering import mail_render
from kundenportal.privacy.erasure import account_delete
from kundenportal.privacy.models import DeletionRequest
from kundenportal.privacy.services import deletion_request_create
from kundenportal.registrations.models import Participation, Registration
from tests.factories import (
    CertificateFactory,
    CompanyFactory,
    ParticipationFactory,
    PersonFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return PersonFactory(username="vera.waltung", is_staff=True, is_superuser=True)


def erika_with_history():
    erika = person_create(
        first_name="Erika",
        last_name="Musterfrau",
        email="erika@privat.example",
        company=CompanyFactory(),
    )
    own = RegistrationFactory(
        correspondence_email="erika@privat.example",
        remarks="Firmenwechsel, bisheriger Benutzername erika.musterfrau7",
        is_private_address=True,
        street="Privatweg 1",
        company_name="",
    )
    certificate = CertificateFactory(participation__person=erika, participation__registration=own)
    shared = RegistrationFactory(
        correspondence_email="personal@firma.example", remarks="Bitte vegetarisches Essen"
    )
    ParticipationFactory(person=erika, registration=shared)
    colleague = ParticipationFactory(registration=shared).person
    address_change_create(
        person=erika, company=erika.company, company_name="X", address={"street": "Neu 1"}
    )
    deletion_request_create(person=erika, reason="Bitte löschen, Erika Musterfrau")
    return erika, certificate, own, shared, colleague


def test_delete_removes_everything_and_keeps_bookings_without_name(
    staff, client, django_capture_on_commit_callbacks
):
    erika, certificate, own, shared, colleague = erika_with_history()
    storage, name = certificate.file.storage, certificate.file.name
    pk = erika.pk
    client.force_login(erika)
    audit_log(actor=erika, action="person.export", obj=erika)

    with django_capture_on_commit_callbacks(execute=True):
        result = account_delete(person=erika, actor=staff)

    assert not Person.objects.filter(pk=pk).exists()
    assert not Participation.objects.filter(person_id=pk).exists()
    assert not Certificate.objects.exists()
    assert not storage.exists(name)
    assert not AddressChange.objects.filter(person_id=pk).exists()
    assert not Session.objects.exists() and SESSION_KEY not in client.session
    assert result.counts["Teilnahmen"] == 2 and result.counts["Dateien"] == 1

    # The booking records stay (accounting) but name nobody who was deleted.
    own.refresh_from_db()
    shared.refresh_from_db()
    assert own.remarks == "" and own.street == "" and own.correspondence_email == ""
    assert shared.correspondence_email == "personal@firma.example"
    assert shared.remarks == "Bitte vegetarisches Essen"
    assert Participation.objects.get(registration=shared).person == colleague

    request = DeletionRequest.objects.get()
    assert request.status == DeletionRequest.Status.DONE and request.handled_by == staff
    assert "musterfrau" not in request.username.lower() and request.reason == ""

    # The log: what was done and by whom, no name of the deleted person anywhere.
    entry = AuditEntry.objects.get(action="person.delete")
    assert entry.actor == staff and entry.object_id == str(pk)
    assert entry.data["username_hash"] == audit_username_hash("erika.musterfrau")
    for row in AuditEntry.objects.values("actor_label", "object_label", "data"):
        assert "musterfrau" not in str(row).lower(), row


def test_notice_is_queued_with_plain_data_before_the_data_are_gone(staff):
    erika, _certificate, _own, shared, colleague = erika_with_history()
    event_confirm(event=shared.event, actor=staff)
    assert OutboxMail.objects.filter(template="confirmation").count() == 2

    account_delete(person=erika, actor=staff)

    # Mails that named the person are gone; only the notice of the deletion is left.
    mail = OutboxMail.objects.get(template="account_deleted")
    assert mail.to == ["erika@privat.example"]
    [left] = OutboxMail.objects.filter(template="confirmation")
    assert left.context["participation_id"] == colleague.participations.get().pk
    assert not OutboxMail.objects.filter(template="deletion_requested").exists()
    message = mail_render(mail)
    assert "Guten Tag Erika Musterfrau" in message.body
    assert "„erika.musterfrau“" in message.body


def test_notice_goes_to_the_correspondence_address_without_own_email(staff):
    person = PersonFactory(email="")
    own = ParticipationFactory(
        person=person, registration__correspondence_email="p@privat.example"
    ).registration
    result = account_delete(person=person, actor=staff)
    assert result.mail_sent_to == "p@privat.example"
    assert OutboxMail.objects.get(template="account_deleted").to == ["p@privat.example"]
    # It was the person's own address: the kept booking record loses it.
    assert Registration.objects.get(pk=own.pk).correspondence_email == ""


def test_a_bookers_address_stays_on_the_booking_record(staff):
    person = PersonFactory(email="")
    booked = ParticipationFactory(
        person=person, registration__correspondence_email="hr@firma.example"
    ).registration
    ParticipationFactory(registration__correspondence_email="hr@firma.example")
    assert account_delete(person=person, actor=staff).mail_sent_to == "hr@firma.example"
    assert Registration.objects.get(pk=booked.pk).correspondence_email == "hr@firma.example"


def test_staff_find_the_erasure_in_the_log_by_the_username(staff, client):
    person = person_create(first_name="Erika", last_name="Musterfrau")
    account_delete(person=person, actor=staff)
    client.force_login(staff)
    page = client.get(reverse("admin:audit_auditentry_changelist"), {"q": "Erika.Musterfrau"})
    html = page.content.decode()
    assert f"Gelöschtes Konto Nr. {person.pk}" in html and "person.delete" in html


def test_deleted_username_is_never_issued_again(staff):
    erika = person_create(first_name="Erika", last_name="Musterfrau")
    account_delete(person=erika, actor=staff)
    assert person_create(first_name="Erika", last_name="Musterfrau").username == (
        "erika.musterfrau1"
    )


def test_staff_accounts_and_the_own_account_are_refused(staff):
    with pytest.raises(ValidationError, match="gehört zur Verwaltung"):
        account_delete(person=staff, actor=staff)
    assert Person.objects.filter(pk=staff.pk).exists()


def test_password_changed_mail_about_the_person_is_removed(staff):
    person = PersonFactory()
    person_set_own_password(person=person, raw_password="Ein-langes-Passwort-2026")
    assert OutboxMail.objects.filter(template="password_changed").exists()
    account_delete(person=person, actor=staff)
    assert not OutboxMail.objects.filter(template="password_changed").exists()


def test_admin_action_shows_counts_then_deletes(staff, client):
    erika, *_ = erika_with_history()
    client.force_login(staff)
    changelist = reverse("admin:accounts_person_changelist")
    page = client.post(
        changelist, {"action": "delete_accounts", "_selected_action": [erika.pk]}
    ).content.decode()
    assert "erika.musterfrau" in page
    assert "2 Teilnahmen" in page and "1 Bescheinigungen" in page and "1 Dateien" in page
    assert "erika@privat.example" in page
    assert Person.objects.filter(pk=erika.pk).exists()

    response = client.post(
        changelist,
        {"action": "delete_accounts", "_selected_action": [erika.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Person.objects.filter(pk=erika.pk).exists()
    assert f"Konto Nr. {erika.pk} gelöscht" in client.get(changelist).content.decode()


def test_delete_from_the_deletion_request_and_from_the_change_page(staff, client):
    erika, *_ = erika_with_history()
    other = PersonFactory()
    client.force_login(staff)
    request = DeletionRequest.objects.get(person=erika)
    url = reverse("admin:privacy_deletionrequest_changelist")
    page = client.post(url, {"action": "delete_accounts", "_selected_action": [request.pk]})
    assert "Ja, 1 Konto/Konten endgültig löschen" in page.content.decode()
    client.post(url, {"action": "delete_accounts", "_selected_action": [request.pk], "post": "yes"})
    assert not Person.objects.filter(pk=erika.pk).exists()
    request.refresh_from_db()
    assert request.status == DeletionRequest.Status.DONE

    erase = reverse("admin:accounts_person_erase", args=[other.pk])
    assert (
        "Konto löschen"
        in client.get(reverse("admin:accounts_person_change", args=[other.pk])).content.decode()
    )
    assert client.get(erase).status_code == 200
    assert client.post(erase, {"post": "yes"}).status_code == 302
    assert not Person.objects.filter(pk=other.pk).exists()


def test_plain_admin_delete_is_not_offered(staff, client):
    person = PersonFactory()
    client.force_login(staff)
    url = reverse("admin:accounts_person_delete", args=[person.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Person.objects.filter(pk=person.pk).exists()


def test_participants_cannot_delete_accounts(client):
    person, victim = PersonFactory(), PersonFactory()
    client.force_login(person)
    response = client.post(
        reverse("admin:accounts_person_erase", args=[victim.pk]), {"post": "yes"}
    )
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert Person.objects.filter(pk=victim.pk).exists()


def test_registration_of_the_only_participant_with_company_keeps_company(staff):
    person = PersonFactory(email="p@example.org")
    registration = RegistrationFactory(
        correspondence_email="einkauf@firma.example", company_name="Firma GmbH", remarks="x"
    )
    ParticipationFactory(person=person, registration=registration)
    account_delete(person=person, actor=staff)
    registration = Registration.objects.get(pk=registration.pk)
    assert registration.company_name == "Firma GmbH"
    assert registration.correspondence_email == "einkauf@firma.example"
    assert registration.remarks == ""


def test_after_merge_and_deletion_the_log_names_none_of_the_usernames(staff):
    from kundenportal.accounts.credentials import person_set_own_password as set_password
    from kundenportal.privacy.merge import accounts_merge

    first = person_create(first_name="Erika", last_name="Musterfrau", email="e@example.org")
    second = person_create(first_name="Erika", last_name="Musterfrau")
    set_password(person=second, raw_password="Ein-langes-Passwort-2026", actor=second)
    ParticipationFactory(person=second)
    accounts_merge(survivor_username=first.username, usernames=[second.username], actor=staff)
    account_delete(person=first, actor=staff)
    for row in AuditEntry.objects.values("actor_label", "object_label", "data"):
        assert "musterfrau" not in str(row).lower(), row
    assert AuditEntry.objects.filter(action="person.merge").exists()


def test_sent_notice_keeps_no_name_in_the_outbox(staff):
    from django.core import mail as django_mail

    from kundenportal.notifications.delivery import outbox_process

    erika = person_create(first_name="Erika", last_name="Musterfrau", email="e@example.org")
    account_delete(person=erika, actor=staff)
    assert outbox_process().sent == 1
    [sent] = django_mail.outbox
    assert sent.to == ["e@example.org"] and "Erika Musterfrau" in sent.body
    row = OutboxMail.objects.get(template="account_deleted")
    assert row.status == OutboxMail.Status.SENT and row.context == {}


def test_kept_booking_record_without_address_stays_valid_for_staff(staff):
    erika, _certificate, own, _shared, _colleague = erika_with_history()
    account_delete(person=erika, actor=staff)
    own = Registration.objects.get(pk=own.pk)
    assert own.correspondence_email == ""
    # Staff can still open and save the booking record in the admin.
    own.full_clean()


@pytest.mark.django_db(transaction=True)
def test_a_storage_failure_during_the_erasure_is_finished_by_the_worker(staff):
    from unittest import mock

    from django.core.files.storage import FileSystemStorage
    from django.core.management import call_command

    from kundenportal.core.models import PendingFileDeletion

    erika, certificate, *_ = erika_with_history()
    storage, name = certificate.file.storage, certificate.file.name
    # Real commits: the file is deleted after the erasure's commit, and that fails.
    with mock.patch.object(FileSystemStorage, "delete", side_effect=OSError("S3 nicht erreichbar")):
        account_delete(person=erika, actor=staff)
    assert not Certificate.objects.exists()
    # The record is gone, the file (with her name in it) is not — but it is remembered.
    assert storage.exists(name)
    assert PendingFileDeletion.objects.get(name=name).attempts == 1

    call_command("run_worker", "--once")

    assert not storage.exists(name)
    assert not PendingFileDeletion.objects.exists()


def test_the_outbox_loses_every_mail_about_the_person_and_only_those(staff):
    """Mails found by the person's number, username, participation or own address go; a mail
    to the person and a colleague keeps the colleague; nobody else's mail is touched."""
    person = PersonFactory(username="jürgen.größe", email="juergen@klaerwerk.example")
    participation = ParticipationFactory(person=person)
    other = PersonFactory(username="käthe.fuchs", email="kaethe@klaerwerk.example")

    def mail(to, **context):
        return OutboxMail.objects.create(template="x", to=to, context=context)

    gone = [
        mail(["a@example.org"], person_id=person.pk),
        mail(["a@example.org"], username="jürgen.größe"),
        mail(["a@example.org"], participation_id=participation.pk),
        mail(["juergen@klaerwerk.example"]),
    ]
    shared = mail(["juergen@klaerwerk.example", "kaethe@klaerwerk.example"])
    kept = [
        mail(["kaethe@klaerwerk.example"], person_id=other.pk, username="käthe.fuchs"),
        mail(["a@example.org"], person_id=str(other.pk)),
    ]
    account_delete(person=person, actor=staff)
    left = set(OutboxMail.objects.exclude(template="account_deleted").values_list("pk", flat=True))
    assert not left & {m.pk for m in gone}
    assert {m.pk for m in kept} | {shared.pk} <= left
    shared.refresh_from_db()
    assert shared.to == ["kaethe@klaerwerk.example"]
