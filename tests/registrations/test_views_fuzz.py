"""Whatever a visitor types, the form answers with a page or a redirect, never a server error."""

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kundenportal.registrations.models import Registration
from tests.factories import EventFactory

anything = st.text(max_size=200)
# Mostly plausible input, so that many examples reach the last step and the database.
letters = st.text(alphabet=st.characters(categories=["L", "M"]), min_size=1, max_size=160)
# Scripts whose transliteration is much longer than the name (中 → "Zhong").
cjk = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=150)
name = st.one_of(letters, letters.map(lambda v: f" {v} -{v}'"), cjk, anything)


@given(
    first=name,
    last=name,
    title=anything,
    email=st.one_of(st.emails(), anything),
    company=name,
    street=anything,
    postal_code=anything,
    remarks=st.text(max_size=300),
)
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def _one_visitor(first, last, title, email, company, street, postal_code, remarks):
    event = EventFactory()
    client = Client()
    base = f"/veranstaltungen/{event.number}/anmelden/"
    step1 = client.post(
        base + "teilnehmer/",
        {
            "p-TOTAL_FORMS": "1",
            "p-INITIAL_FORMS": "0",
            "p-0-first_name": first,
            "p-0-last_name": last,
            "p-0-title": title if len(title) % 2 else "",
            "p-0-email": email,
            "correspondence_email": email,
            "action": "next",
        },
    )
    assert step1.status_code in (200, 302)
    step2 = client.post(
        base + "adresse/",
        {
            "company_name": company,
            "street": street or "Weg 1",
            "postal_code": postal_code if len(postal_code) % 2 else "45127",
            "city": street or "Essen",
            "country": "Deutschland",
            "action": "next",
        },
    )
    assert step2.status_code in (200, 302)
    step3 = client.post(
        base + "abschluss/",
        {"remarks": remarks, "accept_terms": "on", "accept_privacy": "on", "action": "submit"},
    )
    assert step3.status_code in (200, 302)
    if step3.status_code == 302 and step3["Location"].endswith("/danke/"):
        assert Registration.objects.filter(event=event).count() == 1
        REACHED.append(1)


REACHED: list[int] = []


@pytest.mark.django_db
def test_any_input_gives_an_answer_not_an_error():
    REACHED.clear()
    _one_visitor()
    # Plausible examples went all the way to a stored registration.
    assert REACHED
