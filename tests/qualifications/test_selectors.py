"""The state of a qualification, derived from the person's certificates."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from kundenportal.events.models import Event
from kundenportal.qualifications.selectors import State, qualifications_for_person
from kundenportal.registrations.models import Participation
from tests.factories import ParticipationFactory, PersonFactory, QualificationFactory

from .helpers import GRANTS, attended, course

pytestmark = pytest.mark.django_db

D = dt.date


def _only(person, today):
    states = qualifications_for_person(person=person, today=today)
    assert len(states) == 1
    return states[0]


def test_grundlehrgang_ending_on_29_february_is_valid_until_28_february():
    person, q = PersonFactory(), QualificationFactory(refresh_months=24)
    attended(person, q, D(2024, 2, 29), GRANTS)
    state = _only(person, D(2026, 2, 28))
    assert state.valid_until == D(2026, 2, 28)
    assert (state.days_left, state.state) == (0, State.EXPIRING)
    state = _only(person, D(2026, 3, 1))
    assert state.state == State.LAPSED and state.lapsed_since == D(2026, 3, 1)


def test_a_refresher_before_the_lapse_extends_from_its_own_last_day():
    person, q = PersonFactory(), QualificationFactory(refresh_months=24)
    attended(person, q, D(2023, 12, 31), GRANTS)
    attended(person, q, D(2025, 6, 30))
    state = _only(person, D(2025, 7, 1))
    assert state.valid_until == D(2027, 6, 30)
    assert state.state == State.VALID


def test_a_refresher_after_the_lapse_starts_anew():
    person, q = PersonFactory(), QualificationFactory(refresh_months=36)
    attended(person, q, D(2020, 3, 10), GRANTS)
    assert _only(person, D(2024, 1, 1)).state == State.LAPSED
    attended(person, q, D(2024, 1, 31))
    state = _only(person, D(2024, 2, 1))
    assert state.valid_until == D(2027, 1, 31)


def test_revoked_certificates_do_not_count():
    person, q = PersonFactory(), QualificationFactory(refresh_months=24)
    attended(person, q, D(2024, 1, 10), GRANTS)
    later = attended(person, q, D(2025, 1, 10))
    later.revoked_at = timezone.now()
    later.save()
    assert _only(person, D(2025, 2, 1)).valid_until == D(2026, 1, 10)
    # Nothing but a revoked certificate: no qualification at all.
    other = PersonFactory()
    only = attended(other, q, D(2025, 1, 10))
    only.revoked_at = timezone.now()
    only.save()
    assert qualifications_for_person(person=other, today=D(2025, 2, 1)) == []


def test_other_people_and_courses_without_qualification_do_not_count():
    person, q = PersonFactory(), QualificationFactory(refresh_months=24)
    attended(PersonFactory(), q, D(2025, 1, 10))
    attended(person, None, D(2025, 1, 10), role="")
    assert qualifications_for_person(person=person, today=D(2025, 2, 1)) == []


@pytest.mark.parametrize(
    ("travel_to", "state", "days_left"),
    [
        (D(2026, 8, 1), State.EXPIRING, 119),  # 120 days: 2 August
        (D(2026, 8, 2), State.EXPIRING, 118),
        (D(2026, 4, 1), State.VALID, 241),
        (D(2026, 11, 28), State.EXPIRING, 0),
        (D(2026, 11, 29), State.LAPSED, -1),
    ],
)
def test_state_by_travelling_in_time(travel_to, state, days_left):
    person, q = PersonFactory(), QualificationFactory(refresh_months=24)
    attended(person, q, D(2024, 11, 28), GRANTS)
    with time_machine.travel(dt.datetime(*travel_to.timetuple()[:3], 12, tzinfo=dt.UTC)):
        found = _only(person, timezone.localdate())
    assert (found.state, found.days_left) == (state, days_left)


def test_across_a_year_end_and_a_leap_day_by_travelling():
    person, q = PersonFactory(), QualificationFactory(refresh_months=12)
    attended(person, q, D(2027, 2, 28), GRANTS)  # valid until 28 February 2028 (a leap year)
    with time_machine.travel(dt.datetime(2027, 12, 31, 23, 30, tzinfo=dt.UTC)):
        # 00:30 on 1 January in Berlin: the local day counts.
        assert timezone.localdate() == D(2028, 1, 1)
        assert _only(person, timezone.localdate()).days_left == 58
    with time_machine.travel(dt.datetime(2028, 2, 29, 12, tzinfo=dt.UTC)):
        assert _only(person, timezone.localdate()).state == State.LAPSED


def test_next_dates_and_booked_refresher():
    person, q = PersonFactory(), QualificationFactory(refresh_months=24)
    today = timezone.localdate()
    attended(person, q, today - dt.timedelta(days=650), GRANTS)
    soon = [
        course(q, today + dt.timedelta(days=10 + i), status=Event.Status.PUBLISHED)
        for i in range(5)
    ]
    course(
        q, today + dt.timedelta(days=5), GRANTS, status=Event.Status.PUBLISHED
    )  # not a refresher
    course(q, today + dt.timedelta(days=6), status=Event.Status.DRAFT)  # not bookable
    state = _only(person, today)
    assert [e["number"] for e in state.next_dates] == [e.number for e in soon[:3]]
    assert state.booked == []
    ParticipationFactory(
        event=soon[1],
        registration__event=soon[1],
        person=person,
        status=Participation.Status.CONFIRMED,
    )
    state = _only(person, today)
    assert [e["number"] for e in state.booked] == [soon[1].number]
    assert soon[1].number not in [e["number"] for e in state.next_dates]


def test_three_queries_however_much_data(django_assert_max_num_queries):
    person = PersonFactory()
    today = timezone.localdate()
    for _ in range(4):
        q = QualificationFactory()
        for i in range(6):
            attended(person, q, today - dt.timedelta(days=100 * i + 1))
            course(q, today + dt.timedelta(days=3 + i), status=Event.Status.PUBLISHED)
    with django_assert_max_num_queries(3):
        states = qualifications_for_person(person=person, today=today)
    assert len(states) == 4 and all(len(s.next_dates) == 3 for s in states)
