import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kundenportal.accounts.models import Person
from kundenportal.audit.models import AuditEntry
from kundenportal.registrations.models import Participation, Registration
from kundenportal.registrations.services.booking import registration_submit
from kundenportal.registrations.services.resolution import AddressData, ParticipantData
from tests.factories import EventFactory, ParticipationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def submit(event, names, remarks=""):
    return registration_submit(
        event=event,
        participants=[ParticipantData(first_name=f, last_name=last) for f, last in names],
        correspondence_email="hr@example.org",
        address=AddressData(
            company_name="Wasserverband Essen", street="A 1", postal_code="45127", city="Essen"
        ),
        remarks=remarks,
        consent=True,
        submission_token=uuid.uuid4(),
    ).registration


def test_changelist_counts_pending_reviews_without_n_plus_one(
    admin_client, django_assert_max_num_queries
):
    event = EventFactory(capacity=200)
    for i in range(30):
        submit(
            event,
            [(f"Vor{chr(97 + i % 26)}", f"Nach{chr(97 + i // 26)}")],
            remarks="Bitte prüfen" if i % 3 == 0 else "",
        )
    with django_assert_max_num_queries(12):
        response = admin_client.get("/verwaltung/registrations/registration/")
    page = response.content.decode()
    assert "10 Anmeldungen warten auf Prüfung" in page
    assert "Bestandskunden importieren" in page
    response = admin_client.get("/verwaltung/registrations/registration/?review__exact=pending")
    assert response.context["cl"].result_count == 10


def test_complete_review_action(admin_client):
    registration = submit(EventFactory(), [("Max", "Mustermann")], remarks="Hinweis")
    admin_client.post(
        "/verwaltung/registrations/registration/",
        {"action": "complete_review", "_selected_action": [registration.pk]},
    )
    registration.refresh_from_db()
    assert registration.review == Registration.Review.DONE
    assert registration.reviewed_by.username == "admin"


def test_reassign_page_attaches_participation_to_old_account(admin_client):
    old = PersonFactory(first_name="Max", last_name="Mustermann", username="max.mustermann")
    registration = submit(
        EventFactory(),
        [("Max", "Mustermann")],
        remarks="Firmenwechsel, bisheriger Benutzername max.mustermann",
    )
    participation = registration.participations.get()
    change_page = admin_client.get(
        f"/verwaltung/registrations/registration/{registration.pk}/change/"
    )
    assert "Einem bestehenden Konto zuordnen" in change_page.content.decode()
    # The old account is offered as a namesake beside the participant.
    assert f"max.mustermann ({old.company.name})" in change_page.content.decode()
    url = f"/verwaltung/registrations/participation/{participation.pk}/zuordnen/"
    page = admin_client.get(url).content.decode()
    assert "Firmenwechsel, bisheriger Benutzername max.mustermann" in page

    response = admin_client.post(url, {"username": "nicht.da"})
    assert "gibt es nicht" in response.content.decode()
    # The booking is at another company: first both side by side, nothing changed yet.
    response = admin_client.post(url, {"username": "max.mustermann"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Firmenwechsel bestätigen" in page
    assert "Bisher im Konto max.mustermann" in page
    assert old.company.name in page
    assert "<strong>Wasserverband Essen</strong> (geändert)" in page
    assert 'name="company_change" value="confirm"' in page
    participation.refresh_from_db()
    assert participation.person.username == "max.mustermann1"

    response = admin_client.post(url, {"username": "max.mustermann", "company_change": "confirm"})
    assert response.status_code == 302
    participation.refresh_from_db()
    assert participation.person == old
    assert not Person.objects.filter(username="max.mustermann1").exists()
    registration.refresh_from_db()
    assert registration.review == Registration.Review.DONE
    old.refresh_from_db()
    assert old.company.name == "Wasserverband Essen"
    assert (old.street, old.postal_code, old.city) == ("A 1", "45127", "Essen")
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("Firma und die Anschrift der Anmeldung übernommen" in m for m in messages)


def test_waiting_list_promotion_action(admin_client):
    event = EventFactory(capacity=1)
    taken = submit(event, [("A", "Eins")]).participations.get()
    waiting = submit(event, [("B", "Zwei")]).participations.get()
    changelist = "/verwaltung/registrations/participation/"
    admin_client.post(
        changelist, {"action": "promote_from_waiting_list", "_selected_action": [waiting.pk]}
    )
    waiting.refresh_from_db()
    assert waiting.status == Participation.Status.WAITLISTED
    admin_client.post(changelist, {"action": "cancel", "_selected_action": [taken.pk]})
    admin_client.post(
        changelist, {"action": "promote_from_waiting_list", "_selected_action": [waiting.pk]}
    )
    waiting.refresh_from_db()
    assert waiting.status == Participation.Status.REGISTERED
    assert AuditEntry.objects.filter(
        action="participation.promote", actor__username="admin"
    ).exists()


def test_participation_changelist_query_count(admin_client, django_assert_max_num_queries):
    for _ in range(25):
        ParticipationFactory()
    with django_assert_max_num_queries(10):
        admin_client.get("/verwaltung/registrations/participation/")


def test_import_upload_in_admin(admin_client):
    url = "/verwaltung/registrations/registration/kunden-importieren/"
    assert admin_client.get(url).status_code == 200
    good = SimpleUploadedFile(
        "kunden.csv",
        "\ufeffvorname;nachname;email;firma;strasse;plz;ort\nJürgen;Größe;;Stadtwerke;;;\n".encode(),
    )
    page = admin_client.post(url, {"file": good, "dry_run": "on"}).content.decode()
    assert "Probelauf – nichts gespeichert" in page and "juergen.groesse" in page
    assert not Person.objects.filter(username="juergen.groesse").exists()
    good.seek(0)
    page = admin_client.post(url, {"file": good}).content.decode()
    assert "juergen.groesse" in page and "neu angelegt" in page
    assert Person.objects.filter(username="juergen.groesse").exists()
    bad = SimpleUploadedFile(
        "kunden.csv", b"vorname;nachname;email;firma;strasse;plz;ort\nMax;;;;;;\nA;B;;;;;\n"
    )
    page = admin_client.post(url, {"file": bad}).content.decode()
    assert "nichts importiert" in page and "Nachname" in page
    assert not Person.objects.filter(first_name="A").exists()


def test_import_needs_staff(client):
    participant = PersonFactory(password="ein-langes-passwort-123")
    client.force_login(participant)
    response = client.get("/verwaltung/registrations/registration/kunden-importieren/")
    assert response.status_code == 302 and "/login/" in response["Location"]
