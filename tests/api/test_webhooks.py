"""Webhooks: subscriptions per integration, signed deliveries written with the change, an
outage survived with every delivery exactly once, back-off, failure, resend."""

import datetime as dt
import hashlib
import hmac
import socket

import pytest
import time_machine
from django.utils import timezone

from kundenportal.documents.models import Certificate
from kundenportal.integrations.models import WebhookDelivery, WebhookSubscription
from kundenportal.integrations.webhooks import (
    deliveries_resend,
    deliveries_send,
    deliveries_sweep,
)
from kundenportal.registrations.models import Registration
from tests.factories import EventFactory, ParticipationFactory, PersonFactory

from .conftest import booking_body
from .test_auth import assert_problem
from .webhook_receiver import Receiver

pytestmark = pytest.mark.django_db

Status = WebhookDelivery.Status


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _subscribe(api, url, types=("registration.created",)):
    response = api.post("/webhooks", {"url": url, "event_types": list(types)})
    assert response.status_code == 201, response.content
    return response.json()


def _book(api, number, *names):
    response = api.post(f"/events/{number}/registrations", booking_body(*names))
    assert response.status_code == 201, response.content
    return response.json()


def test_the_secret_is_returned_once_and_stored_sealed(api):
    body = _subscribe(api, "http://127.0.0.1:9/hooks")
    assert len(body["secret"]) >= 24
    row = WebhookSubscription.objects.get()
    assert body["secret"] not in row.secret_sealed
    listed = api.get("/webhooks").json()
    assert "secret" not in listed[0]
    assert "secret" not in api.get(f"/webhooks/{body['id']}").json()


def test_an_own_secret_must_be_long_enough_and_types_known(api):
    short = api.post(
        "/webhooks",
        {"url": "http://127.0.0.1:9/", "event_types": ["person.merged"], "secret": "kurz"},
    )
    assert_problem(short, 422)
    unknown = api.post("/webhooks", {"url": "http://127.0.0.1:9/", "event_types": ["party"]})
    assert_problem(unknown, 422)


def test_https_is_required_in_production(api, settings):
    settings.WEBHOOK_REQUIRE_HTTPS = True
    problem = assert_problem(
        api.post(
            "/webhooks", {"url": "http://erp.example/hooks", "event_types": ["person.merged"]}
        ),
        422,
    )
    assert problem["errors"][0]["pointer"] == "#/url"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/hooks",
        "http://localhost/hooks",
        "http://10.1.2.3/hooks",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hooks",
        "http://gibt-es-nicht.invalid/hooks",
    ],
)
def test_webhooks_go_only_to_public_addresses(api, settings, url):
    settings.WEBHOOK_PRIVATE_ADDRESSES = False
    problem = assert_problem(
        api.post("/webhooks", {"url": url, "event_types": ["person.merged"]}), 422
    )
    assert problem["errors"][0]["pointer"] == "#/url"
    assert not WebhookSubscription.objects.exists()


def test_an_address_that_turned_internal_is_not_sent_to(api, settings):
    with Receiver() as receiver:
        _subscribe(api, receiver.url)
        EventFactory(number="W-6")
        _book(api, "W-6", ("Max", "Muster"))
        settings.WEBHOOK_PRIVATE_ADDRESSES = False
        deliveries_send()
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == Status.QUEUED and "nicht öffentlich" in delivery.last_error
        assert receiver.events() == []


def test_a_redirect_is_not_followed(api):
    with Receiver() as target, Receiver() as receiver:
        receiver.status = 307
        receiver.location = target.url
        _subscribe(api, receiver.url)
        EventFactory(number="W-7")
        _book(api, "W-7", ("Max", "Muster"))
        deliveries_send()
        delivery = WebhookDelivery.objects.get()
        assert (delivery.status, delivery.last_status_code) == (Status.QUEUED, 307)
        assert target.events() == []


def test_another_integrations_subscription_is_404(make_api):
    mine = make_api(name="ERP")
    other = make_api(name="CRM")
    body = _subscribe(other, "http://127.0.0.1:9/hooks")
    assert_problem(mine.get(f"/webhooks/{body['id']}"), 404)
    assert_problem(mine.delete(f"/webhooks/{body['id']}"), 404)
    assert mine.get("/webhooks").json() == []
    assert other.delete(f"/webhooks/{body['id']}").status_code == 204
    assert not WebhookSubscription.objects.exists()


def test_deliveries_are_written_in_the_transaction_of_the_change(api):
    _subscribe(api, "http://127.0.0.1:9/hooks")
    EventFactory(number="W-1", capacity=1)
    _book(api, "W-1", ("Max", "Muster"))
    assert WebhookDelivery.objects.count() == 1
    # A booking refused whole (waitlist: false) announces nothing.
    api.post("/events/W-1/registrations", booking_body(("Eva", "Muster"), waitlist=False))
    assert Registration.objects.count() == 1
    assert WebhookDelivery.objects.count() == 1
    # Only subscribed types are written.
    EventFactory(number="W-2")
    api.post("/events/W-2/confirm")
    assert WebhookDelivery.objects.count() == 1


def test_the_payload_has_ids_and_usernames_and_nothing_secret(api):
    _subscribe(
        api, "http://127.0.0.1:9/hooks", ["registration.created", "registration.review_required"]
    )
    EventFactory(number="W-3")
    api.post("/events/W-3/registrations", booking_body(("Max", "Muster"), remarks="Firmenwechsel"))
    created = WebhookDelivery.objects.get(event_type="registration.created")
    assert created.payload["event_number"] == "W-3"
    assert created.payload["participations"][0]["username"] == "max.muster"
    assert created.payload["review_required"] is True
    assert WebhookDelivery.objects.filter(event_type="registration.review_required").exists()
    text = str(created.payload).lower()
    assert "password" not in text and "token" not in text


@pytest.mark.django_db(transaction=True)
def test_a_receiver_down_for_an_hour_gets_every_delivery_exactly_once(api, settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30
    settings.WEBHOOK_RETRY_MAX_SECONDS = 600
    port = _free_port()
    body = _subscribe(api, f"http://127.0.0.1:{port}/hooks")
    EventFactory(number="W-4", capacity=50)
    start = timezone.now()
    receiver = Receiver(port=port)
    with time_machine.travel(start, tick=False) as traveller:
        bookings = [
            _book(api, "W-4", (name, "Muster"))
            for name in ("Anna", "Berta", "Clara", "Dora", "Emma")
        ]
        # Down: every try fails, the rows wait with growing back-off.
        for minute in range(0, 61, 5):
            traveller.move_to(start + dt.timedelta(minutes=minute))
            deliveries_send()
        assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {Status.QUEUED}
        assert min(WebhookDelivery.objects.values_list("attempts", flat=True)) >= 4
        receiver.start()
        try:
            for minute in range(61, 90):
                traveller.move_to(start + dt.timedelta(minutes=minute))
                deliveries_send()
        finally:
            receiver.stop()
    received = receiver.events()
    ids = [e["body"]["id"] for e in received]
    assert len(ids) == len(set(ids)) == 5
    assert sorted(e["body"]["data"]["registration_id"] for e in received) == sorted(
        b["registration_id"] for b in bookings
    )
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {Status.DELIVERED}
    secret = body["secret"]
    for event in received:
        stamp = event["headers"]["Webhook-Timestamp"]
        mac = hmac.new(secret.encode(), f"{stamp}.".encode() + event["raw"], hashlib.sha256)
        assert event["headers"]["Webhook-Signature"] == "v1=" + mac.hexdigest()


@pytest.mark.django_db(transaction=True)
def test_non_2xx_is_retried_then_failed_after_the_bounded_time_and_staff_resend(
    api, settings, superuser
):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 60
    settings.WEBHOOK_GIVE_UP_SECONDS = 3600
    with Receiver() as receiver:
        receiver.status = 500
        _subscribe(api, receiver.url)
        EventFactory(number="W-5")
        start = timezone.now()
        with time_machine.travel(start, tick=False) as traveller:
            _book(api, "W-5", ("Max", "Muster"))
            deliveries_send()
            delivery = WebhookDelivery.objects.get()
            assert (delivery.status, delivery.last_status_code) == (Status.QUEUED, 500)
            assert delivery.next_attempt_at == start + dt.timedelta(seconds=60)
            for minute in range(1, 120):
                traveller.move_to(start + dt.timedelta(minutes=minute))
                deliveries_send()
            delivery.refresh_from_db()
            assert delivery.status == Status.FAILED
            assert delivery.last_error == "HTTP 500"
            receiver.status = 204
            assert deliveries_resend(ids=[delivery.pk], actor=superuser) == 1
            deliveries_send()
        delivery.refresh_from_db()
        assert delivery.status == Status.DELIVERED
        assert len(receiver.events()) == 1
        assert receiver.events()[0]["body"]["id"] == str(delivery.event_id)


def test_a_delivery_stuck_in_sending_is_swept_back(api, settings):
    _subscribe(api, "http://127.0.0.1:9/hooks")
    EventFactory(number="W-6")
    _book(api, "W-6", ("Max", "Muster"))
    WebhookDelivery.objects.update(
        status=Status.SENDING, locked_at=timezone.now() - dt.timedelta(hours=1)
    )
    assert deliveries_sweep() == 1
    assert WebhookDelivery.objects.get().status == Status.QUEUED


def test_every_event_type_is_announced_by_its_service(api, superuser):
    """Each mapped audit action really comes from the service it names."""
    from kundenportal.backoffice.services import attendance_record, event_cancel
    from kundenportal.documents.services import certificate_revoke, certificates_generate
    from kundenportal.privacy.erasure import people_erase
    from kundenportal.privacy.merge import accounts_merge
    from kundenportal.registrations.services.corrections import participation_cancel

    _subscribe(api, "http://127.0.0.1:9/hooks", list(_all_types()))
    day = timezone.localdate() + dt.timedelta(days=2)
    event = EventFactory(number="W-7", first_day=day, last_day=day)
    first = _book(api, "W-7", ("Max", "Muster"), ("Eva", "Muster"), ("Udo", "Muster"))
    api.post("/events/W-7/confirm")
    ids = [p["id"] for p in first["participations"]]
    participation_cancel(participation=_p(ids[2]), actor=superuser)
    with time_machine.travel(day + dt.timedelta(hours=12)):
        attendance_record(event=event, attended_ids=ids[:2], actor=superuser)
        certificates_generate(event=event, actor=superuser)
        cert = Certificate.objects.get(participation_id=ids[0])
        certificate_revoke(certificate=cert, reason="Tippfehler", actor=superuser)
    other = EventFactory(number="W-8")
    ParticipationFactory(registration__event=other)
    event_cancel(event=other, actor=superuser)
    a, b = ParticipationFactory.create_batch(2)
    accounts_merge(
        survivor_username=a.person.username, usernames=[b.person.username], actor=superuser
    )
    people_erase(people=[a.person], actor=superuser, reason="request")
    seen = set(WebhookDelivery.objects.values_list("event_type", flat=True))
    assert seen == set(_all_types()) - {"registration.review_required"}


def _all_types():
    from kundenportal.integrations.webhooks import EVENT_TYPES

    return EVENT_TYPES


def _p(pk):
    from kundenportal.registrations.models import Participation

    return Participation.objects.get(pk=pk)


def test_an_erased_accounts_username_leaves_the_stored_deliveries(api, superuser):
    from kundenportal.accounts.models import Person
    from kundenportal.privacy.erasure import people_erase

    _subscribe(api, "http://127.0.0.1:9/hooks")
    EventFactory(number="W-9")
    _book(api, "W-9", ("Max", "Muster"), ("Eva", "Muster"))
    max_ = Person.objects.get(username="max.muster")
    people_erase(people=[max_], actor=superuser, reason="request")
    (delivery,) = WebhookDelivery.objects.filter(event_type="registration.created")
    rows = {p["person_id"]: p["username"] for p in delivery.payload["participations"]}
    assert rows[max_.pk] == ""
    assert "eva.muster" in rows.values()
    assert "max.muster" not in str(WebhookDelivery.objects.values_list("payload", flat=True))


def test_old_delivered_and_failed_rows_are_deleted_by_the_hourly_job(api, settings):
    from kundenportal.integrations.jobs import cleanup

    settings.WEBHOOK_KEEP_DAYS = 30
    _subscribe(api, "http://127.0.0.1:9/hooks")
    EventFactory(number="W-10")
    for name in ("Anna", "Berta", "Clara"):
        _book(api, "W-10", (name, "Muster"))
    old = timezone.now() - dt.timedelta(days=31)
    first, second, third = WebhookDelivery.objects.order_by("id")
    WebhookDelivery.objects.filter(pk=first.pk).update(status=Status.DELIVERED, created_at=old)
    WebhookDelivery.objects.filter(pk=second.pk).update(status=Status.QUEUED, created_at=old)
    cleanup()
    assert set(WebhookDelivery.objects.values_list("pk", flat=True)) == {second.pk, third.pk}


def test_a_certificate_revoked_before_its_issued_delivery_goes_out_is_sent_as_revoked(
    api, superuser
):
    from kundenportal.documents.services import certificate_revoke
    from tests.factories import CertificateFactory

    with Receiver() as receiver:
        _subscribe(api, receiver.url, types=("certificate.issued", "certificate.revoked"))
        certificate = CertificateFactory()
        from kundenportal.audit.services import audit_log

        audit_log(actor=superuser, action="certificate.create", obj=certificate)
        certificate_revoke(certificate=certificate, reason="Falscher Name", actor=superuser)
        deliveries_send()

    sent = {event["body"]["type"]: event["body"]["data"] for event in receiver.events()}
    assert sent["certificate.issued"]["certificate_id"] == certificate.pk
    assert sent["certificate.issued"]["revoked"] is True
    assert sent["certificate.revoked"]["revoked"] is True


def test_a_purge_batch_announces_each_erased_account(api):
    """The purge logs a batch of accounts as one entry; each account still gets its event."""
    from kundenportal.privacy.erasure import people_erase

    _subscribe(api, "http://127.0.0.1:9/hooks", ["person.deleted"])
    people = PersonFactory.create_batch(3)
    people_erase(people=people, actor=None, reason="retention")
    sent = WebhookDelivery.objects.filter(event_type="person.deleted")
    assert sorted(d.payload["person_id"] for d in sent) == sorted(p.pk for p in people)
