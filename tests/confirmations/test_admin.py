import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from kundenportal.events.models import Event
from kundenportal.notifications.models import OutboxMail
from kundenportal.registrations.models import Registration
from tests.factories import EventFactory, ParticipationFactory, PersonFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    staff = PersonFactory(username="verwaltung", is_staff=True, is_superuser=True)
    client.force_login(staff)
    return client


@pytest.fixture
def event_with_review():
    event = EventFactory(number="S-2702", title="Arbeitssicherheit auf Kläranlagen")
    ParticipationFactory.create_batch(3, registration=RegistrationFactory(event=event))
    ParticipationFactory(
        registration=RegistrationFactory(event=event, review=Registration.Review.PENDING)
    )
    return event


def test_changelist_shows_held_back_without_n_plus_one(
    staff_client, event_with_review, django_assert_max_num_queries
):
    for _ in range(15):
        event = EventFactory()
        ParticipationFactory(
            registration=RegistrationFactory(event=event, review=Registration.Review.PENDING)
        )
    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse("admin:events_event_changelist"))
    assert response.status_code == 200
    assert "In Prüfung zurückgehalten" in response.content.decode()


def test_action_asks_first_then_confirms(staff_client, event_with_review):
    url = reverse("admin:events_event_changelist")
    data = {"action": "confirm_events", ACTION_CHECKBOX_NAME: [event_with_review.pk]}

    page = staff_client.post(url, data)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ja, Durchführung bestätigen" in html
    assert "1 Teilnahme gehört zu Anmeldungen, die noch geprüft werden" in html
    assert OutboxMail.objects.count() == 0

    done = staff_client.post(url, {**data, "post": "yes"}, follow=True)
    messages = [str(m) for m in done.context["messages"]]
    assert any("3 Bestätigungen" in m and "1 Teilnahme wird zurückgehalten" in m for m in messages)
    event_with_review.refresh_from_db()
    assert event_with_review.status == Event.Status.CONFIRMED
    assert OutboxMail.objects.filter(template="confirmation").count() == 3


def test_button_on_change_page_leads_to_confirm_page(staff_client, event_with_review):
    change = staff_client.get(reverse("admin:events_event_change", args=[event_with_review.pk]))
    confirm_url = reverse("admin:events_event_confirm", args=[event_with_review.pk])
    assert confirm_url in change.content.decode()

    page = staff_client.get(confirm_url)
    assert page.status_code == 200 and "S-2702" in page.content.decode()
    response = staff_client.post(confirm_url)
    assert response.status_code == 302
    assert OutboxMail.objects.count() == 3
    # Twice: nothing new.
    staff_client.post(confirm_url)
    assert OutboxMail.objects.count() == 3


def test_staff_without_change_permission_cannot_confirm(client, event_with_review):
    viewer = PersonFactory(is_staff=True)
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(Permission.objects.get(codename="view_event"))
    client.force_login(viewer)
    response = client.post(reverse("admin:events_event_confirm", args=[event_with_review.pk]))
    assert response.status_code == 403
    assert OutboxMail.objects.count() == 0


def test_failed_mails_can_be_sent_again_from_the_admin(staff_client):
    failed = OutboxMail.objects.create(
        template="password_changed",
        to=["a@example.org"],
        status=OutboxMail.Status.FAILED,
        attempts=10,
        last_error="550 Mailbox unknown",
    )
    url = reverse("admin:notifications_outboxmail_changelist")
    listing = staff_client.get(url + "?status__exact=failed")
    assert "550 Mailbox unknown" in listing.content.decode()
    staff_client.post(url, {"action": "requeue", ACTION_CHECKBOX_NAME: [failed.pk]})
    failed.refresh_from_db()
    assert failed.status == OutboxMail.Status.QUEUED and failed.attempts == 0
    detail = staff_client.get(reverse("admin:notifications_outboxmail_change", args=[failed.pk]))
    assert detail.status_code == 200 and failed.nonce not in detail.content.decode()
