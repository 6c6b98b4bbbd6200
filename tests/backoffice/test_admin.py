"""The back office pages and actions on events, as staff and as a participant."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kundenportal.accounts.models import Person
from kundenportal.documents.models import Certificate, CourseDocument, OnlineLink
from kundenportal.events.models import Event
from kundenportal.notifications.models import OutboxMail
from kundenportal.registrations.models import Participation, Registration
from tests.factories import EventFactory, ParticipationFactory, PersonFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(PersonFactory(username="vera.waltung", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def past_event():
    today = timezone.localdate()
    event = EventFactory(
        number="K-2609",
        title="Fachkunde Kanalreinigung",
        first_day=today - dt.timedelta(days=3),
        last_day=today - dt.timedelta(days=1),
        status=Event.Status.CONFIRMED,
    )
    ParticipationFactory.create_batch(
        3, registration=RegistrationFactory(event=event), status="confirmed"
    )
    return event


def url(name, *args):
    return reverse(f"admin:events_event_{name}", args=args)


def test_change_page_has_every_button_and_the_confirmation_still_works(staff_client):
    event = EventFactory()
    ParticipationFactory(registration=RegistrationFactory(event=event))
    html = staff_client.get(url("change", event.pk)).content.decode()
    for name, label in (
        ("confirm", "Durchführung bestätigen"),
        ("attendance", "Teilnahme erfassen"),
        ("certificates", "Bescheinigungen erzeugen"),
        ("documents_upload", "Unterlagen hochladen"),
        ("cancel", "Veranstaltung absagen"),
    ):
        assert f'href="{url(name, event.pk)}">{label}</a>' in html, name
    assert staff_client.post(url("confirm", event.pk)).status_code == 302
    assert OutboxMail.objects.filter(template="confirmation").count() == 1


def test_record_attendance_page(staff_client, past_event):
    ids = list(
        Participation.objects.filter(event=past_event).order_by("id").values_list("id", flat=True)
    )
    page = staff_client.get(url("attendance", past_event.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('type="checkbox" name="attended"') == 3
    assert "Teilnahme speichern" in html

    done = staff_client.post(url("attendance", past_event.pk), {"attended": ids[:2]}, follow=True)
    assert "2 als teilgenommen erfasst" in done.content.decode()
    assert list(
        Participation.objects.filter(event=past_event)
        .order_by("id")
        .values_list("status", flat=True)
    ) == ["attended", "attended", "confirmed"]
    # The checked state is shown again, with the upload link for attendees.
    html = done.content.decode()
    assert html.count(" checked") == 2
    assert html.count("Bescheinigung hochladen") == 2


def test_attendance_is_refused_before_the_event(staff_client):
    event = EventFactory(status=Event.Status.CONFIRMED)
    p = ParticipationFactory(registration=RegistrationFactory(event=event), status="confirmed")
    html = staff_client.get(url("attendance", event.pk)).content.decode()
    assert "erst ab dem ersten Veranstaltungstag" in html and "disabled" in html
    staff_client.post(url("attendance", event.pk), {"attended": [p.pk]})
    p.refresh_from_db()
    assert p.status == "confirmed"


def test_attendance_page_with_200_participants_in_few_queries(
    staff_client, django_assert_max_num_queries
):
    today = timezone.localdate()
    event = EventFactory(first_day=today, last_day=today, capacity=250)
    registration = RegistrationFactory(event=event)
    persons = Person.objects.bulk_create(
        Person(username=f"teilnehmer.{i}", first_name="Anna", last_name=f"Ärztin{i:03d}")
        for i in range(200)
    )
    Participation.objects.bulk_create(
        Participation(registration=registration, event=event, person=person, status="attended")
        for person in persons
    )
    with django_assert_max_num_queries(8):
        response = staff_client.get(url("attendance", event.pk))
    assert response.content.decode().count('name="attended"') == 200
    with django_assert_max_num_queries(12):
        staff_client.post(url("attendance", event.pk), {"attended": []})
    assert not Participation.objects.filter(status="attended").exists()


def test_cancel_button_asks_first_then_cancels_and_mails(staff_client):
    event = EventFactory()
    ParticipationFactory.create_batch(2, registration=RegistrationFactory(event=event))
    page = staff_client.get(url("cancel", event.pk))
    assert "Ja, Veranstaltung absagen" in page.content.decode()
    assert not OutboxMail.objects.exists()
    done = staff_client.post(url("cancel", event.pk), follow=True)
    assert "2 Teilnahmen storniert, 1 Absage-E-Mail in den Versand gegeben" in done.content.decode()
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    # Twice: nothing new.
    again = staff_client.post(url("cancel", event.pk), follow=True)
    assert "war bereits abgesagt" in again.content.decode()
    assert OutboxMail.objects.filter(template="event_cancelled").count() == 1


def test_cancel_action_on_the_changelist(staff_client):
    events = EventFactory.create_batch(2)
    for event in events:
        ParticipationFactory(registration=RegistrationFactory(event=event))
    data = {"action": "cancel_events", ACTION_CHECKBOX_NAME: [e.pk for e in events]}
    page = staff_client.post(url("changelist"), data)
    assert page.status_code == 200 and "Ja, Veranstaltung absagen" in page.content.decode()
    staff_client.post(url("changelist"), {**data, "post": "yes"})
    assert set(Event.objects.values_list("status", flat=True)) == {"cancelled"}
    assert OutboxMail.objects.filter(template="event_cancelled").count() == 2


def test_upload_several_documents_from_the_event_page(staff_client, past_event):
    page = staff_client.get(url("documents_upload", past_event.pk))
    html = page.content.decode()
    assert 'type="file" name="files"' in html and "multiple" in html
    response = staff_client.post(
        url("documents_upload", past_event.pk),
        {
            "files": [
                SimpleUploadedFile("Skript Teil 1.pdf", b"%PDF-1.4 eins"),
                SimpleUploadedFile("Skript Teil 2.pdf", b"%PDF-1.4 zwei"),
            ]
        },
        follow=True,
    )
    assert "2 Unterlagen für K-2609 gespeichert" in response.content.decode()
    assert sorted(CourseDocument.objects.values_list("title", flat=True)) == [
        "Skript Teil 1",
        "Skript Teil 2",
    ]
    # They are listed on the event's page.
    change = staff_client.get(url("change", past_event.pk)).content.decode()
    assert "Skript Teil 1.pdf" in change and "Skript Teil 2.pdf" in change


def test_a_bad_file_among_good_ones_stores_nothing_and_says_why(staff_client, past_event):
    response = staff_client.post(
        url("documents_upload", past_event.pk),
        {
            "files": [
                SimpleUploadedFile("Skript.pdf", b"%PDF-1.4 gut"),
                SimpleUploadedFile("Rechnung.pdf.exe", b"MZ"),
                SimpleUploadedFile("Tabelle.xlsx", b"<html>"),
            ]
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "„Rechnung.pdf.exe“: Dateien dieses Typs sind nicht erlaubt" in html
    assert "„Tabelle.xlsx“ ist keine gültige XLSX-Datei." in html
    assert not CourseDocument.objects.exists()


def test_no_file_chosen(staff_client, past_event):
    response = staff_client.post(url("documents_upload", past_event.pk), {})
    assert "Bitte wählen Sie mindestens eine Datei aus." in response.content.decode()


def test_online_links_are_edited_on_the_event_page(staff_client):
    event = EventFactory(format=Event.Format.ONLINE, place="")
    change = staff_client.get(url("change", event.pk))
    form = change.context["adminform"].form
    data = {
        key: value
        for key, value in form.initial.items()
        if key in form.fields and value is not None
    }
    data.update(
        {
            "first_day": event.first_day.strftime("%d.%m.%Y"),
            "last_day": event.last_day.strftime("%d.%m.%Y"),
            "price": str(Decimal("490.00")),
            "online_links-TOTAL_FORMS": "1",
            "online_links-INITIAL_FORMS": "0",
            "online_links-0-title": "Zugang zur Online-Schulung",
            "online_links-0-url": "https://meet.bew.example/o-2710",
            "online_links-0-note": "Kenncode 4711",
            "documents-TOTAL_FORMS": "0",
            "documents-INITIAL_FORMS": "0",
        }
    )
    response = staff_client.post(url("change", event.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    link = OnlineLink.objects.get()
    assert (link.event, link.url, link.note) == (
        event,
        "https://meet.bew.example/o-2710",
        "Kenncode 4711",
    )


def test_generate_certificates_from_the_event_page(staff_client, past_event):
    Participation.objects.filter(event=past_event).update(status="attended")
    page = staff_client.get(url("certificates", past_event.pk)).content.decode()
    assert "Ja, 3 Bescheinigungen erzeugen" in page
    done = staff_client.post(url("certificates", past_event.pk), follow=True)
    assert "3 Bescheinigungen erzeugt" in done.content.decode()
    assert Certificate.objects.count() == 3
    assert OutboxMail.objects.filter(template="certificate_available").count() == 3
    again = staff_client.post(url("certificates", past_event.pk), follow=True)
    assert "0 Bescheinigungen erzeugt" in again.content.decode()
    assert Certificate.objects.count() == 3


def test_generate_certificates_action_on_the_changelist(staff_client, past_event):
    Participation.objects.filter(event=past_event).update(status="attended")
    future = EventFactory()
    response = staff_client.post(
        url("changelist"),
        {"action": "generate_certificates", ACTION_CHECKBOX_NAME: [past_event.pk, future.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "K-2609: 3 Bescheinigungen erzeugt" in html
    assert f"{future.number}: Die Veranstaltung hat noch nicht begonnen." in html


def test_upload_one_certificate(staff_client, past_event):
    participation = Participation.objects.filter(event=past_event).first()
    participation.status = "attended"
    participation.save()
    upload_url = reverse(
        "admin:events_event_certificate_upload", args=[past_event.pk, participation.pk]
    )
    assert staff_client.get(upload_url).status_code == 200
    bad = staff_client.post(upload_url, {"file": SimpleUploadedFile("x.pdf", b"GIF89a")})
    assert "„x.pdf“ ist keine gültige PDF-Datei." in bad.content.decode()
    response = staff_client.post(
        upload_url,
        {"file": SimpleUploadedFile("Zertifikat.pdf", b"%PDF-1.4 z"), "issued_on": "02.11.2026"},
    )
    assert response.status_code == 302
    certificate = Certificate.objects.get()
    assert certificate.participation == participation
    assert certificate.issued_on == dt.date(2026, 11, 2)
    # Another event's id in the URL finds nothing.
    other = EventFactory()
    assert (
        staff_client.get(
            reverse("admin:events_event_certificate_upload", args=[other.pk, participation.pk])
        ).status_code
        == 404
    )


@pytest.mark.parametrize("name", ["attendance", "cancel", "documents_upload", "certificates"])
def test_participants_are_sent_to_the_staff_login(client, past_event, name):
    client.force_login(Participation.objects.filter(event=past_event).first().person)
    for method in ("get", "post"):
        response = getattr(client, method)(url(name, past_event.pk))
        assert response.status_code == 302
        assert response["Location"].startswith("/verwaltung/login/")
    assert not OutboxMail.objects.exists() and not Certificate.objects.exists()
    assert Event.objects.get(pk=past_event.pk).status == Event.Status.CONFIRMED


@pytest.mark.parametrize("name", ["attendance", "cancel", "documents_upload", "certificates"])
def test_staff_who_may_only_view_events_are_refused(client, past_event, name):
    viewer = PersonFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_event"))
    client.force_login(viewer)
    assert client.post(url(name, past_event.pk)).status_code == 403
    assert Event.objects.get(pk=past_event.pk).status == Event.Status.CONFIRMED


def test_certificates_need_the_certificate_permission(client, past_event):
    clerk = PersonFactory(is_staff=True)
    clerk.user_permissions.add(
        Permission.objects.get(codename="view_event"),
        Permission.objects.get(codename="change_event"),
        # "Teilnahme erfassen" has its own permission now (staff roles).
        Permission.objects.get(codename="record_attendance"),
    )
    client.force_login(clerk)
    Participation.objects.filter(event=past_event).update(status="attended")
    assert client.post(url("certificates", past_event.pk)).status_code == 403
    assert client.get(url("attendance", past_event.pk)).status_code == 200
    assert not Certificate.objects.exists()
    # Held-back registrations (confirmations app) are untouched by any of this.
    assert not Registration.objects.filter(review="pending").exists()
