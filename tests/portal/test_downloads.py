import datetime as dt
import io
import json
import zipfile
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from icalendar import Calendar

from kundenportal.audit.models import AuditEntry
from kundenportal.documents.services import (
    certificate_create,
    certificate_reissue,
    certificate_revoke,
    course_document_create,
)
from kundenportal.privacy.register import REGISTER
from kundenportal.privacy.services import EXPORT_SCHEMA_VERSION
from kundenportal.registrations.models import Participation
from tests.factories import CertificateFactory, ParticipationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _body(response):
    return b"".join(response.streaming_content)


def test_course_document_download_headers_with_non_ascii_name(client, participant, owned):
    document = course_document_create(
        event=owned["participation"].event,
        title="Skript",
        upload=ContentFile(b"%PDF-1.4 Inhalt", name="Übungen für Größe & Maß (2026).pdf"),
    )
    # The stored name is random; the original name is only used for the download.
    assert "Übungen" not in document.file.name and document.file.name.startswith("unterlagen/")
    assert len(document.file.name) > len("unterlagen/") + 30
    client.force_login(participant)
    response = client.get(reverse("portal:course_document_download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=utf-8''{quote('Übungen für Größe & Maß (2026).pdf')}" in disposition
    assert _body(response) == b"%PDF-1.4 Inhalt"


def test_certificate_download(client, participant, owned):
    certificate = owned["certificate"]
    client.force_login(participant)
    response = client.get(reverse("portal:certificate_download", args=[certificate.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "Teilnahmebescheinigung%20M%C3%BCller.pdf" in response["Content-Disposition"]
    assert _body(response).startswith(b"%PDF")


def test_missing_file_is_404_not_500(client, participant, owned):
    document = owned["document"]
    document.file.storage.delete(document.file.name)
    client.force_login(participant)
    url = reverse("portal:course_document_download", args=[document.pk])
    assert client.get(url).status_code == 404


def test_online_link_redirects_to_the_join_url(client, participant, owned):
    client.force_login(participant)
    response = client.get(reverse("portal:online_link_open", args=[owned["link"].pk]))
    assert response["Location"] == owned["link"].url


def test_calendar_file_for_a_booked_event(client, participant, owned):
    participation = owned["participation"]
    event = participation.event
    client.force_login(participant)
    response = client.get(reverse("portal:participation_calendar", args=[participation.pk]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{event.number}.ics"'
    calendar = Calendar.from_ical(response.content)
    (entry,) = calendar.walk("VEVENT")
    assert str(entry["summary"]) == f"{event.title} ({event.number})"
    assert entry.decoded("dtstart") == event.first_day
    assert entry.decoded("dtend") == event.last_day + dt.timedelta(days=1)
    assert str(entry["location"]) == "Online"


def test_export_zip_holds_json_and_certificate_files(client, participant, owned):
    certificate_create(
        participation=owned["participation"],
        upload=ContentFile(b"%PDF zweite", name="Zertifikat Öl.pdf"),
        issued_on=dt.date(2026, 1, 5),
    )
    client.force_login(participant)
    response = client.post(reverse("portal:data_export"))
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "private, no-store"
    assert "meine-daten-max.mustermann-" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(_body(response)))
    data = json.loads(archive.read("daten.json"))
    assert data["person"]["Benutzername"] == "max.mustermann"
    assert "argon2" not in json.dumps(data) and "md5$" not in json.dumps(data)
    assert {p["Veranstaltung"]["Nummer"] for p in data["teilnahmen"]} == {
        owned["participation"].event.number,
        owned["attended"].event.number,
    }
    assert len(data["bescheinigungen"]) == 2
    # The addresses bound to the account (the bookings' correspondence addresses here).
    bound = {b["E-Mail-Adresse"] for b in data["gebundene_email_adressen"]}
    assert owned["participation"].registration.correspondence_email.lower() in bound
    names = [name for name in archive.namelist() if name.startswith("bescheinigungen/")]
    assert len(names) == 2
    assert any(name.endswith("Zertifikat Öl.pdf") for name in names)
    for entry in data["bescheinigungen"]:
        assert entry["Datei"] in names
    assert AuditEntry.objects.filter(action="person.export", object_id=str(participant.pk))
    assert client.get(reverse("portal:data_export")).status_code == 405


def test_export_survives_a_lost_certificate_file(client, participant, owned):
    certificate = owned["certificate"]
    certificate.file.storage.delete(certificate.file.name)
    client.force_login(participant)
    archive = zipfile.ZipFile(io.BytesIO(_body(client.post(reverse("portal:data_export")))))
    assert any(name.endswith(".fehlt.txt") for name in archive.namelist())
    assert json.loads(archive.read("daten.json"))["person"]["Benutzername"] == "max.mustermann"


def test_export_reads_like_an_auskunft(client, participant, owned):
    client.force_login(participant)
    archive = zipfile.ZipFile(io.BytesIO(_body(client.post(reverse("portal:data_export")))))
    data = json.loads(archive.read("daten.json"))
    assert data["Schema-Version"] == EXPORT_SCHEMA_VERSION
    # Local time with its offset, labels instead of codes.
    assert dt.datetime.fromisoformat(data["Exportiert am"]).utcoffset() is not None
    statuses = {p["Status"] for p in data["teilnahmen"]}
    assert statuses <= {str(label) for label in Participation.Status.labels}
    # Every category of the register that is exported has its key in daten.json and its
    # section, with purpose, source and retention, in the readable Auskunft.
    html = archive.read("auskunft.html").decode()
    assert '<html lang="de">' in html
    for category in REGISTER:
        if not category.export_key:
            continue
        assert category.export_key in data, category.key
        assert f'id="{category.export_key}"' in html
        for text in (category.label, category.purpose, category.source, category.retention):
            assert escape(text) in html, category.key
    assert participant.username in html


def test_export_lists_revoked_and_replaced_certificates_without_their_files(
    client, participant, owned
):
    staff = PersonFactory(is_staff=True)
    # One replaced by a corrected certificate, one revoked without replacement.
    replaced = owned["certificate"]
    corrected = certificate_reissue(
        certificate=replaced,
        reason="Tippfehler",
        actor=staff,
        upload=ContentFile(b"%PDF-1.4 korrigiert", name="Korrigiert.pdf"),
    )
    other = ParticipationFactory(person=participant, status=Participation.Status.ATTENDED)
    revoked = CertificateFactory(participation=other, issued_on=timezone.localdate())
    certificate_revoke(certificate=revoked, reason="Falsche Angaben", actor=staff)
    client.force_login(participant)
    archive = zipfile.ZipFile(io.BytesIO(_body(client.post(reverse("portal:data_export")))))
    data = json.loads(archive.read("daten.json"))
    rows = {row["Prüfcode"]: row for row in data["bescheinigungen"]}
    revoked.refresh_from_db()
    replaced.refresh_from_db()
    for gone in (revoked, replaced):
        row = rows[gone.verification_code]
        assert row["Datei"] is None
        assert row["Status"].startswith("widerrufen am ")
        assert row["Widerrufen am"]
    assert rows[replaced.verification_code]["Ersetzt durch Bescheinigung vom"]
    files = [name for name in archive.namelist() if name.startswith("bescheinigungen/")]
    assert files == [rows[corrected.verification_code]["Datei"]]
    assert f"/{revoked.pk}-" not in " ".join(files)
    # Neither leaves through the portal download.
    for gone in (revoked, replaced):
        url = reverse("portal:certificate_download", args=[gone.pk])
        assert client.get(url).status_code == 404
    assert (
        client.get(reverse("portal:certificate_download", args=[corrected.pk])).status_code == 200
    )
