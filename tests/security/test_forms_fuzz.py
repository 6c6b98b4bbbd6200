"""Forms never answer with a server error: at least 500 generated inputs per public and
portal form (hypothesis), including NUL characters, huge and odd Unicode values and
unexpected fields."""

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kundenportal.accounts.credentials import initial_password_set
from kundenportal.portal.mails import password_reset_link
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

EXAMPLES = 500
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
PASSWORD = "Kläranlage-Essen-2026"

# Any character a browser could send (no lone surrogates: they cannot be encoded as UTF-8).
text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=300)
value = st.one_of(
    text,
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "max.mustermann",
            "MAX.MUSTERMANN",
            "a@b",
            "@",
            "%00",
            "x" * 5000,
            # Numbers a browser can send that int() refuses or the database cannot hold.
            "²",
            "٣",
            "-1",
            "9" * 19,
            "9" * 5000,
            "é" * 200,
            "' OR 1=1 --",
            "<script>",
            PASSWORD,
        ]
    ),
)
extra_fields = st.dictionaries(st.text(min_size=1, max_size=20), value, max_size=3)
ip = st.builds(lambda a, b: f"203.0.{a}.{b}", st.integers(0, 255), st.integers(1, 254))


@pytest.fixture
def person(db):
    return PersonFactory(username="max.mustermann", email="max@example.org", password=PASSWORD)


def _ok(response):
    assert response.status_code < 500, response.status_code


def _post(client, url, data, **extra):
    return client.post(url, data, **extra)


def test_login_form(person):
    client = Client()

    @FUZZ
    @given(username=value, password=value, next_=value, extra=extra_fields, address=ip)
    def run(username, password, next_, extra, address):
        data = {**extra, "username": username, "password": password, "next": next_}
        _ok(_post(client, reverse("portal:login"), data, REMOTE_ADDR=address))
        client.logout()

    run()


def test_password_reset_request_form(person):
    client = Client()

    @FUZZ
    @given(identifier=value, extra=extra_fields)
    def run(identifier, extra):
        _ok(_post(client, reverse("portal:password_reset"), {**extra, "identifier": identifier}))

    run()


def test_password_reset_confirm_form(person):
    client = Client()
    page = client.get(urlsplit(password_reset_link(person)).path, follow=True)
    set_url = page.redirect_chain[-1][0]

    @FUZZ
    @given(new1=value, new2=value, extra=extra_fields)
    def run(new1, new2, extra):
        response = _post(client, set_url, {**extra, "new_password1": new1, "new_password2": new2})
        _ok(response)
        if response.status_code == 302:  # a valid password was set: start over with a new link
            person.refresh_from_db()

    run()


def test_forced_password_change_form():
    person = PersonFactory(username="neu.ling")
    initial_password_set(person=person, raw_password="k7Hm-9pQx-Ab3d-Zz2e")
    client = Client()
    client.post(
        reverse("portal:login"), {"username": "neu.ling", "password": "k7Hm-9pQx-Ab3d-Zz2e"}
    )
    url = reverse("portal:password_set")

    @FUZZ
    @given(new1=value, new2=value, extra=extra_fields)
    def run(new1, new2, extra):
        _ok(_post(client, url, {**extra, "new_password1": new1, "new_password2": new2}))

    run()


def test_password_change_form(person):
    client = Client()
    client.force_login(person)
    url = reverse("portal:password_change")

    @FUZZ
    @given(old=value, new1=value, new2=value, extra=extra_fields)
    def run(old, new1, new2, extra):
        data = {**extra, "old_password": old, "new_password1": new1, "new_password2": new2}
        response = _post(client, url, data)
        _ok(response)
        if response.status_code == 302:
            client.force_login(person)

    run()


def test_deletion_request_and_export_forms(person):
    client = Client()
    client.force_login(person)

    @FUZZ
    @given(reason=value, confirm=value, extra=extra_fields)
    def run(reason, confirm, extra):
        data = {**extra, "reason": reason, "confirm": confirm}
        _ok(_post(client, reverse("portal:deletion_request"), data))

    run()

    @settings(
        max_examples=50,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(extra=extra_fields)
    def export(extra):
        _ok(_post(client, reverse("portal:data_export"), extra))

    export()


def test_catalogue_and_section_query_parameters(person):
    client = Client()
    logged_in = Client()
    logged_in.force_login(person)

    @FUZZ
    @given(q=value, format_=value, page=value)
    def run(q, format_, page):
        _ok(client.get("/", {"q": q, "format": format_, "seite": page}))
        for name in ("participations", "course_documents", "documents"):
            _ok(logged_in.get(reverse(f"portal:{name}"), {"seite": page}))

    run()
