import io

import pytest
from django.core.management import call_command

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
