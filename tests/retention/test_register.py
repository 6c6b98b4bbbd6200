"""Rules the register added: bound addresses expire with the bookings from them."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from kundenportal.accounts.models import BoundAddress
from tests.factories import EventFactory, ParticipationFactory, PersonFactory

D = dt.date
pytestmark = pytest.mark.django_db
TODAY = D(2036, 7, 1)


def test_a_bound_address_goes_10_years_after_the_last_booking_from_it(at, purge):
    person = PersonFactory(last_login=timezone.make_aware(dt.datetime(2036, 6, 1)))
    with time_machine.travel(dt.datetime(2016, 1, 2, 12, tzinfo=dt.UTC), tick=False):
        still_booking = BoundAddress.objects.create(
            person=person, email="personal@firma.example", source="registered"
        )
        silent = BoundAddress.objects.create(
            person=person, email="frueher@firma.example", source="credentials"
        )
    # The account booked again in 2030 from the first address (the booking keeps it).
    ParticipationFactory(
        person=person,
        event=EventFactory(first_day=D(2030, 5, 1), last_day=D(2030, 5, 2)),
        registration__correspondence_email="Personal@Firma.example",
    )
    with at(TODAY):
        result = purge()
    assert result.counts["bound_addresses"] == 1
    assert set(BoundAddress.objects.all()) == {still_booking}
    assert not BoundAddress.objects.filter(pk=silent.pk).exists()
    # Ten years after that booking's event, the binding goes too.
    with at(D(2040, 5, 3)):
        purge()
    assert not BoundAddress.objects.filter(pk=still_booking.pk).exists()
