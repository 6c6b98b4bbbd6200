"""An external system runs a whole event through the API alone, receives a signed webhook
for each step, and the participants find everything in the portal."""

import datetime as dt
import hashlib
import hmac

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from kundenportal.accounts.models import Person
from kundenportal.documents.models import Certificate
from kundenportal.integrations.models import WebhookDelivery
from kundenportal.integrations.webhooks import deliveries_send
from kundenportal.notifications.models import OutboxMail

from .conftest import booking_body, event_body
from .webhook_receiver import Receiver

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_whole_event_through_the_api(api, settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 0
    first_day = timezone.localdate() + dt.timedelta(days=14)
    with Receiver() as receiver:
        hook = api.post(
            "/webhooks",
            {
                "url": receiver.url,
                "event_types": [
                    "registration.created",
                    "participation.confirmed",
                    "attendance.recorded",
                    "certificate.issued",
                ],
            },
        )
        assert hook.status_code == 201
        secret = hook.json()["secret"]

        created = api.put(
            "/events/ERP-2030-17",
            event_body(
                first_day=first_day.isoformat(),
                last_day=(first_day + dt.timedelta(days=1)).isoformat(),
                format="online",
            ),
        )
        assert created.status_code == 201
        booking = api.post(
            "/events/ERP-2030-17/registrations",
            booking_body(("Jürgen", "Größe"), ("Anna", "Schmidt"), ("Ömer", "Yılmaz")),
            headers={"Idempotency-Key": "erp-booking-1"},
        ).json()
        usernames = [p["username"] for p in booking["participations"]]
        assert usernames == ["juergen.groesse", "anna.schmidt", "oemer.yilmaz"]
        link = api.post(
            "/events/ERP-2030-17/online-links", {"url": "https://meet.example/erp-2030-17"}
        )
        assert link.status_code == 201
        doc = api.upload(
            "/events/ERP-2030-17/documents",
            {"file": _file("Skript Tag 1.pdf", PDF)},
            {"title": "Skript"},
        )
        assert doc.status_code == 201, doc.content

        confirmed = api.post("/events/ERP-2030-17/confirm").json()
        assert confirmed["mails"] == 3

        with time_machine.travel(first_day + dt.timedelta(days=1), tick=True):
            ids = [p["id"] for p in booking["participations"]]
            attendance = api.put("/events/ERP-2030-17/attendance", {"attended": ids}).json()
            assert attendance["marked"] == 3
            certificates = api.post("/events/ERP-2030-17/certificates").json()
            assert certificates["created"] == 3
            # The worker runs on the event's day too (its rows are due from then).
            deliveries_send()

        events = receiver.events()
        types = sorted(e["body"]["type"] for e in events)
        assert types == sorted(
            ["registration.created"]
            + ["participation.confirmed"] * 3
            + ["attendance.recorded"]
            + ["certificate.issued"] * 3
        )
        for event in events:
            headers = event["headers"]
            mac = hmac.new(
                secret.encode(),
                f"{headers['Webhook-Timestamp']}.".encode() + event["raw"],
                hashlib.sha256,
            ).hexdigest()
            assert headers["Webhook-Signature"] == f"v1={mac}"
            assert headers["Webhook-Id"] == event["body"]["id"]
            assert "password" not in event["raw"].decode().lower()
            assert api.token not in event["raw"].decode()
        assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}

    # The participants find the event, its documents and link, and their certificate.
    assert OutboxMail.objects.filter(template="confirmation").count() == 3
    for username in usernames:
        person = Person.objects.get(username=username)
        person.set_password("ein-eigenes-Passwort-2030")
        person.own_password_set_at = timezone.now()
        person.save()
        with time_machine.travel(first_day + dt.timedelta(days=3), tick=True):
            client = Client()
            client.force_login(person)
            teilnahmen = client.get("/portal/teilnahmen/").content.decode()
            assert "ERP-2030-17" in teilnahmen or "Fachkunde Abwasser" in teilnahmen
            unterlagen = client.get("/portal/unterlagen/").content.decode()
            assert "Skript" in unterlagen
            dokumente = client.get("/portal/dokumente/").content.decode()
            certificate = Certificate.objects.get(participation__person=person)
            assert f"/portal/dokumente/bescheinigungen/{certificate.pk}/" in dokumente
            assert f"/portal/dokumente/online/{link.json()['id']}/" in dokumente
            download = client.get(
                f"/portal/dokumente/bescheinigungen/{certificate.pk}/herunterladen/"
            )
            assert download.status_code == 200


def _file(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/octet-stream")
