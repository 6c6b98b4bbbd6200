"""Creates the benchmark's participant (ten years of history) and prints a session cookie.

Run by bench/portal.py in the benchmark's environment; not meant to be run by hand.
"""

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from kundenportal.accounts.models import Person  # noqa: E402
from tests.factories import PersonFactory, portal_history_create  # noqa: E402

person = Person.objects.filter(username="bench.teilnehmer").first()
if person is None:
    person = PersonFactory(username="bench.teilnehmer", first_name="Bench", last_name="Teilnehmer")
    portal_history_create(person)
client = Client()
client.force_login(person)
print(client.cookies[settings.SESSION_COOKIE_NAME].value)
