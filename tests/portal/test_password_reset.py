import re
import time
from urllib.parse import urlsplit

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kundenportal.accounts.credentials import initial_password_set
from kundenportal.notifications.models import OutboxMail
from kundenportal.notifications.rendering import mail_render
from tests.factories import ParticipationFactory, PersonFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Sandfang-Belüftung-42"
LINK = re.compile(r"http://[^\s\"<]+/portal/passwort-vergessen/[^/\s]+/[^/\s\"<]+/")


def _request(client, identifier):
    return client.post(reverse("portal:password_reset"), {"identifier": identifier})


def _links(mail):
    return LINK.findall(mail_render(mail).body)


def test_same_answer_whether_or_not_an_account_exists(client, participant):
    known = _request(client, "max.mustermann")
    unknown = _request(client, "niemand.da")
    unknown_mail = _request(client, "niemand@example.org")
    assert known.status_code == unknown.status_code == unknown_mail.status_code == 302
    assert known["Location"] == unknown["Location"] == unknown_mail["Location"]
    assert OutboxMail.objects.count() == 1
    page = client.get(known["Location"]).content.decode()
    assert "Bitte prüfen Sie Ihr Postfach" in page


def test_answer_takes_the_same_time_either_way(client, participant, settings):
    settings.PASSWORD_RESET_MIN_SECONDS = 0.3

    def timed(identifier):
        started = time.monotonic()
        _request(client, identifier)
        return time.monotonic() - started

    known = [timed("max.mustermann") for _ in range(3)]
    unknown = [timed("niemand.da") for _ in range(3)]
    assert min(known + unknown) >= 0.3
    assert abs(sorted(known)[1] - sorted(unknown)[1]) < 0.1


def test_reset_by_username_names_the_user_and_no_link_sits_in_the_outbox(client, participant):
    _request(client, "Max.Mustermann")
    mail = OutboxMail.objects.get()
    assert mail.template == "password_reset"
    assert mail.to == [participant.email]
    assert mail.context == {"person_ids": [participant.pk]}
    message = mail_render(mail)
    assert "max.mustermann" in message.body
    assert message.subject == "BEW Kundenportal: Neues Passwort festlegen"
    assert len(_links(mail)) == 1
    assert "passwort-vergessen" not in str(OutboxMail.objects.values_list("context", flat=True))


def test_link_sets_password_once_and_ends_sessions(client, participant):
    elsewhere = Client()
    elsewhere.force_login(participant)
    _request(client, participant.email.upper())
    (link,) = _links(OutboxMail.objects.get())
    path = urlsplit(link).path

    form_page = client.get(path, follow=True)
    assert "Neues Passwort festlegen" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == reverse("portal:password_reset_complete")
    participant.refresh_from_db()
    assert participant.check_password(NEW_PASSWORD)
    assert elsewhere.get("/portal/").status_code == 302

    # The token died with the password change.
    again = Client().get(path, follow=True)
    assert "Dieser Link gilt nicht mehr" in again.content.decode()


def test_link_expires(client, participant, settings):
    _request(client, "max.mustermann")
    mail = OutboxMail.objects.get()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        (link,) = _links(mail)
        traveller.shift(settings.PASSWORD_RESET_TIMEOUT + 5)
        page = client.get(urlsplit(link).path, follow=True)
    assert "Dieser Link gilt nicht mehr" in page.content.decode()


def test_reset_works_for_a_person_who_never_set_a_password(client):
    person = PersonFactory(username="nie.gesetzt")
    initial_password_set(person=person, raw_password="k7Hm-9pQx-Ab3d-Zz2e")
    _request(client, "nie.gesetzt")
    (link,) = _links(OutboxMail.objects.get())
    set_page = client.get(urlsplit(link).path, follow=True)
    client.post(
        set_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    person.refresh_from_db()
    assert person.has_own_password and person.initial_password == ""
    login = Client().post(
        reverse("portal:login"), {"username": "nie.gesetzt", "password": NEW_PASSWORD}
    )
    assert login["Location"] == "/portal/"


def test_shared_booker_address_gets_one_mail_listing_each_account(client):
    booker = "personal@wasserverband.example"
    persons = [PersonFactory(username=f"azubi.nummer{i}", email="") for i in range(3)]
    registration = RegistrationFactory(correspondence_email=booker)
    for person in persons:
        ParticipationFactory(person=person, registration=registration)
    # Someone with an own address booked by the same booker is not reached through it.
    own = PersonFactory(username="eigene.adresse", email="eigen@example.org")
    ParticipationFactory(person=own, registration=registration)

    _request(client, "Personal@Wasserverband.example")
    mail = OutboxMail.objects.get()
    assert mail.to == ["Personal@Wasserverband.example".lower()]
    assert sorted(mail.context["person_ids"]) == sorted(p.pk for p in persons)
    body = mail_render(mail).body
    links = LINK.findall(body)
    assert len(set(links)) == 3
    for person in persons:
        assert person.username in body
    assert "eigene.adresse" not in body

    # A username lookup sends only that account's link to the shared address.
    OutboxMail.objects.all().delete()
    _request(client, "azubi.nummer1")
    mail = OutboxMail.objects.get()
    assert mail.context["person_ids"] == [persons[1].pk]
    assert mail.to == [booker]


def test_repeated_requests_do_not_flood_the_mailbox(client, participant):
    for _ in range(5):
        _request(client, "max.mustermann")
    assert OutboxMail.objects.count() == 1


def test_empty_or_odd_input_is_a_form_error_not_a_crash(client):
    assert _request(client, "").status_code == 200
    assert _request(client, "a" * 300).status_code == 200
    assert _request(client, "\x00@\x00").status_code in (200, 302)
