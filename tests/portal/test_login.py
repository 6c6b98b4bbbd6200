import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.urls import reverse

from kundenportal.accounts.backends import INITIAL_PASSWORD_SESSION_KEY
from kundenportal.accounts.credentials import initial_password_set
from kundenportal.audit.models import AuditEntry
from tests.factories import PersonFactory

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Regenrückhaltebecken-7"
INITIAL = "k7Hm-9pQx-Ab3d-Zz2e"


def _login(client, username, password, **extra):
    return client.post(
        reverse("portal:login"), {"username": username, "password": password}, **extra
    )


def test_login_page_renders_in_german(client):
    response = client.get(reverse("portal:login"))
    assert response.status_code == 200
    assert "Anmelden im Kundenportal" in response.content.decode()
    assert "Passwort vergessen?" in response.content.decode()


def test_login_is_case_insensitive_and_issues_a_new_session_key(client, participant):
    client.get(reverse("portal:login"))
    client.session["vorher"] = 1
    before = client.session.session_key
    response = _login(client, "MAX.Mustermann", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/portal/"
    assert client.session[SESSION_KEY] == str(participant.pk)
    assert client.session.session_key != before


def test_wrong_password_shows_german_error(client, participant):
    response = _login(client, "max.mustermann", "falsch-falsch-falsch")
    assert response.status_code == 200
    assert "Benutzername oder Passwort sind nicht richtig" in response.content.decode()


def test_initial_password_session_reaches_only_password_change(client):
    person = PersonFactory(username="neu.ling")
    initial_password_set(person=person, raw_password=INITIAL)

    response = _login(client, "Neu.Ling", INITIAL)
    assert response["Location"] == reverse("portal:password_set")
    assert client.session[INITIAL_PASSWORD_SESSION_KEY] is True

    for url in ("/portal/", "/portal/unterlagen/", "/portal/daten/", "/", "/verwaltung/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("portal:password_set"), url
    page = client.get(reverse("portal:password_set"))
    assert page.status_code == 200
    assert "Passwort ändern" in page.content.decode()


def test_forced_change_sets_own_password_and_ends_other_sessions(client, django_user_model):
    from django.test import Client

    person = PersonFactory(username="neu.ling", first_name="Neu", last_name="Ling")
    initial_password_set(person=person, raw_password=INITIAL)
    elsewhere = Client()
    _login(elsewhere, "neu.ling", INITIAL)
    _login(client, "neu.ling", INITIAL)
    key_before = client.session.session_key

    # The validators from settings apply: too short, too like the username.
    weak = client.post(
        reverse("portal:password_set"), {"new_password1": "kurz", "new_password2": "kurz"}
    )
    assert weak.status_code == 200
    assert "zu kurz" in weak.content.decode()

    response = client.post(
        reverse("portal:password_set"),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == reverse("portal:home")
    person.refresh_from_db()
    assert person.has_own_password and person.check_password(NEW_PASSWORD)
    assert person.initial_password == ""
    assert INITIAL_PASSWORD_SESSION_KEY not in client.session
    assert client.session.session_key != key_before
    assert client.get("/portal/unterlagen/").status_code == 200
    # The other session (same initial password, another browser) is over.
    assert elsewhere.get("/portal/passwort-festlegen/").status_code == 302
    assert elsewhere.get("/portal/passwort-festlegen/")["Location"].startswith("/portal/anmelden/")
    # The initial password no longer logs in; the own password does.
    assert _login(Client(), "neu.ling", INITIAL).status_code == 200
    assert _login(Client(), "neu.ling", NEW_PASSWORD).status_code == 302
    assert AuditEntry.objects.filter(action="person.password_set", object_id=str(person.pk))


def test_password_change_from_meine_daten_needs_old_password(client, participant):
    from django.test import Client

    elsewhere = Client()
    elsewhere.force_login(participant)
    client.force_login(participant)
    url = reverse("portal:password_change")
    wrong = client.post(
        url,
        {"old_password": "falsch", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert "Das bisherige Passwort ist nicht richtig." in wrong.content.decode()
    key_before = client.session.session_key
    response = client.post(
        url,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == reverse("portal:data")
    assert client.session.session_key != key_before
    assert client.get(reverse("portal:data")).status_code == 200
    assert elsewhere.get(reverse("portal:data")).status_code == 302


def test_password_set_without_initial_login_goes_to_normal_change(client, participant):
    client.force_login(participant)
    response = client.get(reverse("portal:password_set"))
    assert response["Location"] == reverse("portal:password_change")


def test_logout_needs_post_and_ends_the_session(client, participant):
    client.force_login(participant)
    assert client.get(reverse("portal:logout")).status_code == 405
    key = client.session.session_key
    response = client.post(reverse("portal:logout"))
    assert response["Location"] == reverse("portal:login")
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/portal/").status_code == 302


def test_login_redirects_only_to_own_site(client, participant):
    response = client.post(
        reverse("portal:login") + "?next=https://evil.example/",
        {"username": "max.mustermann", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/portal/"


def test_inactive_account_cannot_log_in(client):
    PersonFactory(username="weg.gegangen", password=PASSWORD, is_active=False)
    assert _login(client, "weg.gegangen", PASSWORD).status_code == 200


def test_initial_password_login_through_the_admin_is_limited_too(client):
    staff = PersonFactory(username="neu.verwaltung", is_staff=True)
    initial_password_set(person=staff, raw_password=INITIAL)
    response = client.post(
        reverse("admin:login"), {"username": "neu.verwaltung", "password": INITIAL}
    )
    assert response.status_code == 302
    assert client.session[INITIAL_PASSWORD_SESSION_KEY] is True
    assert client.get("/verwaltung/")["Location"] == reverse("portal:password_set")
