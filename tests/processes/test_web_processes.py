"""Two gunicorn processes on PostgreSQL: every request may land on either of them.

Run for each cache the project ships: none (CACHE_URL unset: sessions in the database) and
Redis. With sessions in each process's own memory, a logged-out cookie still opened the
portal on the other process and the registration form fell back from step 3 to step 2.
"""

import pytest

from kundenportal.accounts.models import Person
from kundenportal.events.models import Event
from kundenportal.registrations.models import Registration
from tests.factories import EventFactory, PersonFactory
from tests.registrations.test_views import ADDRESS, FINISH, participants_data
from tests.registrations.test_views import person as participant_row

from .helpers import REDIS_URL, SESSION_COOKIE, Browser, production_env, start_web_processes

# The gunicorn processes check passwords with the production hasher (Argon2): the accounts
# the test makes must be hashed with it too.
pytestmark = [pytest.mark.postgres, pytest.mark.argon2, pytest.mark.django_db(transaction=True)]

PASSWORD = "Kl4rwasser-Becken-2026"
ROUNDS = 6


@pytest.fixture(scope="module", params=["database sessions", "redis"])
def web(request, static_dir, django_db_setup, django_db_blocker):
    # Started once per cache set-up; the processes hold no connection between requests
    # (CONN_MAX_AGE=0), so each test's data are flushed as usual.
    extra = {}
    if request.param == "redis":
        import redis

        try:
            redis.Redis.from_url(REDIS_URL).flushdb()
        except redis.ConnectionError:
            pytest.skip(f"needs Redis at {REDIS_URL}")
        extra["CACHE_URL"] = REDIS_URL
    processes = start_web_processes(production_env(static_dir, **extra))
    processes.cache_url = extra.get("CACHE_URL")
    yield processes
    errors = processes.stop()
    assert "Traceback" not in errors, errors


@pytest.fixture
def person():
    return PersonFactory(username="kaethe.wasser", password=PASSWORD)


def test_login_works_on_the_other_process_and_logout_ends_it_on_both(web, person):
    a, b = web.ports
    for round_ in range(ROUNDS):
        first, second = (a, b) if round_ % 2 == 0 else (b, a)
        browser = Browser()
        status, location, _ = browser.login(first, person.username, PASSWORD)
        assert (status, location) == (302, "/portal/"), browser.cookies
        old_cookie = dict(browser.cookies)
        assert browser.get(second, "/portal/daten/")[0] == 200
        assert browser.get(first, "/portal/daten/")[0] == 200
        status, _, _ = browser.post(second, "/portal/abmelden/", {})
        assert status == 302
        assert SESSION_COOKIE not in browser.cookies
        stale = Browser()
        stale.cookies = old_cookie
        for port in (first, second, first, second):
            status, location, _ = stale.get(port, "/portal/daten/")
            assert status == 302 and location.startswith("/portal/anmelden/"), port


def test_password_change_ends_the_other_sessions_on_every_process(web, person):
    a, b = web.ports
    changing, other = Browser(), Browser()
    assert changing.login(a, person.username, PASSWORD)[0] == 302
    assert other.login(b, person.username, PASSWORD)[0] == 302
    assert other.get(a, "/portal/daten/")[0] == 200
    new_password = "Neues-Kl4rbecken-2027"
    status, _, content = changing.post(
        b,
        "/portal/daten/passwort/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert status == 302, content
    for port in (a, b):
        assert changing.get(port, "/portal/daten/")[0] == 200
        assert other.get(port, "/portal/daten/")[0] == 302
    assert Browser().login(a, person.username, PASSWORD)[0] == 200  # the old one is refused
    assert Browser().login(b, person.username, new_password)[0] == 302


def test_login_throttling_counts_failures_of_both_processes(web, person):
    a, b = web.ports
    attacker = Browser()
    for attempt in range(5):  # LOGIN_FAILURE_LIMIT, spread over both processes
        status, _, _ = attacker.login((a, b)[attempt % 2], person.username, "falsch-geraten-1")
        assert status in (200, 429)
    for port in (a, b):
        status, _, content = Browser().login(port, person.username, PASSWORD)
        assert status != 302, "locked on one process only"
        assert "gesperrt" in content.lower() or status == 429
    assert SESSION_COOKIE not in attacker.cookies


def test_registration_wizard_with_each_step_on_another_process(web):
    a, b = web.ports
    event = EventFactory()
    start = f"/veranstaltungen/{event.number}/anmelden/"
    browser = Browser()
    assert browser.get(a, f"{start}teilnehmer/")[0] == 200
    status, location, content = browser.post(
        b,
        f"{start}teilnehmer/",
        participants_data(
            [participant_row("Jürgen", "Größe")], email="einkauf@wasserverband.example"
        ),
    )
    assert (status, location) == (302, f"{start}adresse/"), content
    status, location, content = browser.post(a, f"{start}adresse/", ADDRESS)
    assert (status, location) == (302, f"{start}abschluss/"), content
    status, _, summary = browser.get(b, f"{start}abschluss/")
    assert status == 200 and "Jürgen Größe" in summary
    status, location, content = browser.post(a, f"{start}abschluss/", FINISH)
    assert (status, location) == (302, f"{start}danke/"), content
    registration = Registration.objects.get(event=event)
    assert registration.correspondence_email == "einkauf@wasserverband.example"
    assert Person.objects.filter(first_name="Jürgen", last_name="Größe").count() == 1


def test_catalogue_is_shared_and_cleared_for_every_process(web, settings):
    a, b = web.ports
    event = EventFactory(title="Kanalreinigung")
    if web.cache_url is None:
        # No shared cache: nothing is cached, so no process can show an old page.
        assert "Kanalreinigung" in Browser().get(a, "/")[2]
        Event.objects.filter(pk=event.pk).update(title="Kanalinspektion")
        assert "Kanalinspektion" in Browser().get(b, "/")[2]
        return
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": web.cache_url,
        }
    }
    assert "Kanalreinigung" in Browser().get(a, "/")[2]
    # Changed without a signal: the other process still shows the page the first one cached.
    Event.objects.filter(pk=event.pk).update(title="Kanalinspektion")
    assert "Kanalreinigung" in Browser().get(b, "/")[2]
    # A real change (here in this process, committed at once) clears it for both.
    event.refresh_from_db()
    event.title = "Kanalsanierung"
    event.save()
    for port in (a, b):
        page = Browser().get(port, "/")[2]
        assert "Kanalsanierung" in page and "Kanalreinigung" not in page
