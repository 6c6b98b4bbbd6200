import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from kundenportal.accounts.models import Person
from kundenportal.documents.models import Certificate, CourseDocument, OnlineLink

pytestmark = pytest.mark.django_db


def test_demo_data_fill_every_section_and_stay_idempotent(client, settings):
    call_command("seed_demo", stdout=io.StringIO())
    counts = (
        CourseDocument.objects.count(),
        OnlineLink.objects.count(),
        Certificate.objects.count(),
    )
    call_command("seed_demo", stdout=io.StringIO())
    assert counts == (
        CourseDocument.objects.count(),
        OnlineLink.objects.count(),
        Certificate.objects.count(),
    )
    assert all(counts)

    client.force_login(Person.objects.get(username="juergen.groesse"))
    unterlagen = client.get("/portal/unterlagen/").content.decode()
    assert "Skript Kanalreinigung und -inspektion" in unterlagen
    assert "Skript Trinkwasserhygiene" not in unterlagen  # past its 42 days
    dokumente = client.get("/portal/dokumente/").content.decode()
    assert "Teilnahmebescheinigung" in dokumente and "Meeting-ID" in dokumente
    assert "Abwassermeister" in client.get("/portal/teilnahmen/").content.decode()
    document = CourseDocument.objects.filter(event__number="K-2609").first()
    response = client.get(f"/portal/unterlagen/{document.pk}/herunterladen/")
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")


def test_demo_data_have_one_staff_login_per_role(client):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    printed = out.getvalue()
    for role in ("Marketing", "Seminarverwaltung", "Auswertung"):
        staff = Person.objects.get(groups__name=role)
        assert staff.is_staff and not staff.is_superuser
        lines = printed.splitlines()
        index = next(i for i, line in enumerate(lines) if line.strip().startswith(role))
        username, password = lines[index].split(":", 1)[1].strip().split(" / ")
        assert username == staff.username
        # The next line gives the role's backup codes for the second factor.
        code = lines[index + 1].rsplit(":", 1)[1].split(",")[0].strip()
        assert client.login(username=username, password=password)
        assert client.get("/verwaltung/").status_code == 302  # the second factor first
        client.post(reverse("admin:second_factor"), {"code": code, "next": "/verwaltung/"})
        assert client.get("/verwaltung/").status_code == 200
        client.logout()
    # Marketing reaches accounts, not the events' workflows; Auswertung changes nothing.
    client.force_login(Person.objects.get(username="marketing"))
    assert client.get("/verwaltung/accounts/person/").status_code == 200
    assert client.get("/verwaltung/documents/coursedocument/").status_code == 403


def test_demo_participant_has_a_lapsing_and_a_lapsed_fachkunde_and_a_reminder(client):
    from kundenportal.notifications.models import OutboxMail
    from kundenportal.qualifications.mail import REMINDER_MAIL

    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    client.force_login(Person.objects.get(username="juergen.groesse"))
    dokumente = client.get("/portal/dokumente/").content.decode()
    assert "Fachkunde Entsorgungsfachbetriebe" in dokumente and "Tagen ab" in dokumente
    assert "Sachkunde Trinkwasserhygiene" in dokumente and "abgelaufen seit" in dokumente
    assert "/veranstaltungen/F-2711/anmelden/?vorbelegung=konto" in dokumente
    assert "/veranstaltungen/T-2712/anmelden/?vorbelegung=konto" in dokumente
    # One reminder for the demo participant (and one for a colleague), however often seeded.
    reminders = OutboxMail.objects.filter(template=REMINDER_MAIL)
    assert reminders.filter(to=["juergen.groesse@stadtwerke-goerlitz.example"]).count() == 1


def test_demo_data_print_an_api_token_that_works_once_per_run(client):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    first = out.getvalue().split("Authorization: Bearer ")[1].split()[0]
    again = io.StringIO()
    call_command("seed_demo", stdout=again)
    second = again.getvalue().split("Authorization: Bearer ")[1].split()[0]

    assert first != second
    assert client.get("/api/v1/events", HTTP_AUTHORIZATION=f"Bearer {second}").status_code == 200
    # The printed token of the earlier run no longer opens anything (rotated).
    assert client.get("/api/v1/events", HTTP_AUTHORIZATION=f"Bearer {first}").status_code == 401
