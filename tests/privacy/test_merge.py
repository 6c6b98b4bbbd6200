"""Konten zusammenführen: staff merge several accounts of one person by their usernames."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse

from kundenportal.accounts.models import Person
from kundenportal.accounts.services import person_create
from kundenportal.audit.models import AuditEntry
from kundenportal.audit.services import audit_username_hash
from kundenportal.companies.models import AddressChange
from kundenportal.companies.services import address_change_create
from kundenportal.documents.models import Certificate
from kundenportal.privacy.merge import accounts_merge
from kundenportal.privacy.models import DeletionRequest
from kundenportal.privacy.services import deletion_request_create
from kundenportal.registrations.models import Participation
from tests.factories import (
    CertificateFactory,
    CompanyFactory,
    EventFactory,
    ParticipationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

MERGE_URL = "/verwaltung/accounts/person/zusammenfuehren/"


@pytest.fixture
def staff():
    return PersonFactory(username="vera.waltung", is_staff=True, is_superuser=True)


def two_accounts_of_max():
    """Max changed employer and got a second account ("aus Sicherheitsgründen")."""
    old = person_create(first_name="Max", last_name="Mustermann", company=CompanyFactory())
    new = person_create(
        first_name="Max",
        last_name="Mustermann",
        email="max@neue-firma.example",
        company=CompanyFactory(name="Neue Firma"),
    )
    assert (old.username, new.username) == ("max.mustermann", "max.mustermann1")
    old.set_password("Altes-Passwort-2020")
    old.own_password_set_at = old.date_joined
    old.save()
    return old, new


def test_merge_moves_everything_and_resolves_an_event_booked_twice(staff, settings):
    old, new = two_accounts_of_max()
    attended = CertificateFactory(participation__person=old).participation
    moved_certificate = CertificateFactory(participation__person=new)
    both = EventFactory(number="D-1")
    kept = ParticipationFactory(
        event=both, registration__event=both, person=new, status="confirmed"
    )
    dropped = ParticipationFactory(event=both, registration__event=both, person=old)
    only_new = ParticipationFactory(person=new)
    change = address_change_create(
        person=new, company=new.company, company_name="Neue Firma", address={"street": "Weg 2"}
    )
    request = deletion_request_create(person=new, reason="zu viele Konten")

    result = accounts_merge(
        survivor_username="Max.Mustermann", usernames=["max.mustermann1"], actor=staff
    )

    assert not Person.objects.filter(username="max.mustermann1").exists()
    old.refresh_from_db()
    assert result.survivor == old and result.merged_usernames == ["max.mustermann1"]
    assert set(Participation.objects.filter(person=old)) == {
        attended,
        kept,
        only_new,
        moved_certificate.participation,
    }
    assert not Participation.objects.filter(pk=dropped.pk).exists()
    assert Certificate.objects.filter(participation__person=old).count() == 2
    assert AddressChange.objects.get(pk=change.pk).person == old
    assert DeletionRequest.objects.get(pk=request.pk).person == old
    [duplicate] = result.duplicates
    assert duplicate.event.startswith("D-1")
    assert (duplicate.kept_username, duplicate.kept_status) == ("max.mustermann1", "Bestätigt")
    assert duplicate.removed_status == "Angemeldet"
    # The survivor keeps its password and gets the e-mail address it lacked.
    assert old.check_password("Altes-Passwort-2020")
    assert old.email == "max@neue-firma.example"
    assert result.moved == {
        "Teilnahmen": 3,
        "Bescheinigungen": 1,
        "Löschanträge": 1,
        "Adressänderungen": 1,
        # The booker's address that created the merged account stays bound to the person.
        "Gebundene E-Mail-Adressen": 1,
    }

    entry = AuditEntry.objects.get(action="person.merge")
    assert entry.actor == staff and entry.object_id == str(old.pk)
    assert entry.data["survivor_username"] == "max.mustermann"
    # The merged username stays only as its keyed hash, so staff can still find the merge.
    assert entry.data["merged_username_hashes"] == [audit_username_hash("max.mustermann1")]
    merged_into = AuditEntry.objects.get(action="person.merged_into")
    assert merged_into.data["username_hash"] == audit_username_hash("max.mustermann1")
    assert merged_into.data["survivor_id"] == old.pk


def test_duplicate_with_a_certificate_wins_and_the_other_file_goes(
    staff, django_capture_on_commit_callbacks
):
    old, new = two_accounts_of_max()
    event = EventFactory()
    with_certificate = CertificateFactory(
        participation__person=new,
        participation__event=event,
        participation__registration__event=event,
        participation__status="attended",
    )
    loser = CertificateFactory(
        participation__person=old,
        participation__event=event,
        participation__registration__event=event,
        participation__status="confirmed",
    )
    storage, name = loser.file.storage, loser.file.name
    with django_capture_on_commit_callbacks(execute=True):
        accounts_merge(
            survivor_username="max.mustermann", usernames=["max.mustermann1"], actor=staff
        )
    assert Certificate.objects.get().pk == with_certificate.pk
    assert not storage.exists(name)
    assert with_certificate.file.storage.exists(with_certificate.file.name)


def test_merged_accounts_sessions_end_and_usernames_are_never_issued_again(
    staff, client, django_capture_on_commit_callbacks
):
    _old, new = two_accounts_of_max()
    client.force_login(new)
    assert Session.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        accounts_merge(
            survivor_username="max.mustermann", usernames=["max.mustermann1"], actor=staff
        )
    assert not Session.objects.exists()
    assert SESSION_KEY not in client.session
    assert client.get("/portal/").status_code == 302

    third = person_create(first_name="Max", last_name="Mustermann")
    assert third.username == "max.mustermann2"


@pytest.mark.parametrize(
    ("usernames", "message"),
    [
        (["max.mustermann", "max.musterman"], "Kein Konto mit dem Benutzernamen „max.musterman“"),
        (["max.mustermann", "max.mustermann"], "mindestens zwei verschiedene Benutzernamen"),
        (["max.mustermann", "vera.waltung"], "gehört zur Verwaltung"),
    ],
)
def test_merge_refuses_bad_usernames_in_german(staff, usernames, message):
    two_accounts_of_max()
    with pytest.raises(ValidationError) as exc:
        accounts_merge(survivor_username=usernames[0], usernames=usernames[1:], actor=staff)
    assert message in " ".join(exc.value.messages)
    assert Person.objects.filter(username__startswith="max.").count() == 2


def test_staff_merge_in_the_admin_side_by_side_then_merge(staff, client):
    old, new = two_accounts_of_max()
    ParticipationFactory(person=new, registration__event=EventFactory(number="A-7"))
    client.force_login(staff)
    assert (
        "Konten zusammenführen"
        in client.get(reverse("admin:accounts_person_changelist")).content.decode()
    )

    preview = client.post(MERGE_URL, {"usernames": "max.mustermann, Max.Mustermann1"})
    html = preview.content.decode()
    assert preview.status_code == 200, html
    assert "errornote" not in html and "errorlist" not in html, html[html.find("error") - 300 :][
        :800
    ]
    assert "Konten im Vergleich" in html and "A-7" in html
    # The account with its own password is suggested as the one that stays.
    assert 'value="max.mustermann" id="survivor-1" checked' in html
    assert Person.objects.filter(username="max.mustermann1").exists()

    response = client.post(
        MERGE_URL,
        {
            "usernames": "max.mustermann\nmax.mustermann1",
            "survivor": "max.mustermann1",
            "merge": "yes",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:accounts_person_change", args=[new.pk])
    assert not Person.objects.filter(pk=old.pk).exists()
    followed = client.get(response["Location"]).content.decode()
    assert "Konten zusammengeführt: max.mustermann in max.mustermann1" in followed
    assert "Das Konto max.mustermann1 hat noch kein eigenes Passwort" in followed


def test_admin_merge_names_an_unknown_username_in_german(staff, client):
    two_accounts_of_max()
    client.force_login(staff)
    html = client.post(MERGE_URL, {"usernames": "max.mustermann max.mustermann7"}).content.decode()
    assert "Kein Konto mit dem Benutzernamen „max.mustermann7“ gefunden" in html
    assert "Konten im Vergleich" not in html


def test_merge_action_preselects_the_usernames(staff, client):
    old, new = two_accounts_of_max()
    client.force_login(staff)
    response = client.post(
        reverse("admin:accounts_person_changelist"),
        {"action": "merge_accounts", "_selected_action": [old.pk, new.pk]},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "max.mustermann\nmax.mustermann1" in page


def test_merge_is_refused_for_participants_and_staff_without_permission(client):
    two_accounts_of_max()
    participant = PersonFactory()
    client.force_login(participant)
    response = client.post(
        MERGE_URL,
        {
            "usernames": "max.mustermann max.mustermann1",
            "survivor": "max.mustermann",
            "merge": "yes",
        },
    )
    assert response.status_code == 302 and "/login/" in response["Location"]
    viewer = PersonFactory(is_staff=True)
    client.force_login(viewer)
    response = client.post(
        MERGE_URL,
        {
            "usernames": "max.mustermann max.mustermann1",
            "survivor": "max.mustermann",
            "merge": "yes",
        },
    )
    assert response.status_code == 403
    assert Person.objects.filter(username__startswith="max.").count() == 2


def test_a_merge_keeps_the_fachkunde_reminders_off_when_any_account_switched_them_off(staff):
    from kundenportal.qualifications.models import ReminderOptOut

    survivor = PersonFactory(username="greta.boehm")
    duplicate = PersonFactory(username="greta.boehm1")
    ReminderOptOut.objects.create(person=duplicate)

    accounts_merge(survivor_username="greta.boehm", usernames=["greta.boehm1"], actor=staff)

    assert ReminderOptOut.objects.filter(person=survivor).exists()
    assert not ReminderOptOut.objects.exclude(person=survivor).exists()
