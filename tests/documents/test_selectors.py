import datetime as dt

import pytest
from django.utils import timezone

from kundenportal.documents import rules, selectors
from kundenportal.documents.models import CourseDocument
from kundenportal.events.models import Event
from kundenportal.registrations.models import Participation
from tests.factories import (
    CertificateFactory,
    CourseDocumentFactory,
    EventFactory,
    OnlineLinkFactory,
    ParticipationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db
S = Participation.Status


def _event(today, last_day_offset, **kwargs):
    last = today + dt.timedelta(days=last_day_offset)
    return EventFactory(first_day=last - dt.timedelta(days=1), last_day=last, **kwargs)


def _book(person, event, status):
    return ParticipationFactory(
        person=person, event=event, registration__event=event, status=status
    )


def test_course_documents_section_follows_booking_status_and_42_days():
    today = timezone.localdate()
    person = PersonFactory()
    shown = {
        "upcoming_registered": _book(person, _event(today, 10), S.REGISTERED),
        "upcoming_confirmed_no_docs": _book(person, _event(today, 20), S.CONFIRMED),
        "running": _book(person, _event(today, 0), S.CONFIRMED),
        "day_42": _book(person, _event(today, -42), S.ATTENDED),
    }
    hidden = {
        "day_43": _book(person, _event(today, -43), S.ATTENDED),
        "past_without_docs": _book(person, _event(today, -5), S.ATTENDED),
        "waitlisted": _book(person, _event(today, 10), S.WAITLISTED),
        "cancelled": _book(person, _event(today, 10), S.CANCELLED),
        "event_cancelled": _book(
            person, _event(today, 10, status=Event.Status.CANCELLED), S.CONFIRMED
        ),
        "someone_else": _book(PersonFactory(), _event(today, 10), S.CONFIRMED),
    }
    for key, participation in {**shown, **hidden}.items():
        if key not in ("upcoming_confirmed_no_docs", "past_without_docs"):
            CourseDocumentFactory(event=participation.event)

    CourseDocumentFactory(event=shown["day_42"].event, title="Zusatz: Übungen")
    CourseDocumentFactory(event=shown["day_42"].event, title="Anlage Checkliste")

    rows = list(selectors.participations_with_documents(person=person, today=today))
    assert {row["id"] for row in rows} == {p.pk for p in shown.values()}
    days = [row["event__first_day"] for row in rows]
    assert days == sorted(days)
    by_id = {row["id"]: row for row in rows}
    assert by_id[shown["upcoming_confirmed_no_docs"].pk]["documents"] == []
    titles = [d["title"] for d in by_id[shown["day_42"].pk]["documents"]]
    assert len(titles) == 3 and titles == sorted(titles)
    assert titles[0] == "Anlage Checkliste" and titles[-1] == "Zusatz: Übungen"

    for key, participation in {**shown, **hidden}.items():
        for document in CourseDocument.objects.filter(event=participation.event):
            visible = key in shown
            try:
                selectors.course_document_for_person(person=person, pk=document.pk, today=today)
                found = True
            except CourseDocument.DoesNotExist:
                found = False
            assert found == visible, key


def test_online_links_only_for_confirmed_participants_within_42_days():
    today = timezone.localdate()
    person = PersonFactory()
    confirmed = OnlineLinkFactory(event=_event(today, 5))
    _book(person, confirmed.event, S.CONFIRMED)
    attended_recent = OnlineLinkFactory(event=_event(today, -42))
    _book(person, attended_recent.event, S.ATTENDED)
    registered = OnlineLinkFactory(event=_event(today, 5))
    _book(person, registered.event, S.REGISTERED)
    too_old = OnlineLinkFactory(event=_event(today, -43))
    _book(person, too_old.event, S.ATTENDED)
    other = OnlineLinkFactory(event=_event(today, 5))
    _book(PersonFactory(), other.event, S.CONFIRMED)

    links = selectors.online_links_for_person(person=person, today=today)
    assert {link["id"] for link in links} == {confirmed.pk, attended_recent.pk}


@pytest.mark.parametrize(
    ("offset", "status", "event_status", "mine", "expected"),
    [
        (5, S.CONFIRMED, Event.Status.CONFIRMED, True, True),
        (0, S.CONFIRMED, Event.Status.CONFIRMED, True, True),
        (-42, S.ATTENDED, Event.Status.CONFIRMED, True, True),
        (-43, S.ATTENDED, Event.Status.CONFIRMED, True, False),
        (5, S.REGISTERED, Event.Status.PUBLISHED, True, False),
        (5, S.WAITLISTED, Event.Status.PUBLISHED, True, False),
        (5, S.CANCELLED, Event.Status.CONFIRMED, True, False),
        (5, S.CONFIRMED, Event.Status.CANCELLED, True, False),
        (5, S.CONFIRMED, Event.Status.CONFIRMED, False, False),
        (None, None, None, True, False),  # no online training at all
    ],
)
def test_each_certificate_row_knows_whether_the_links_query_finds_any(
    offset, status, event_status, mine, expected
):
    today = timezone.localdate()
    person = PersonFactory()
    CertificateFactory(participation__person=person)
    if offset is not None:
        link = OnlineLinkFactory(event=_event(today, offset, status=event_status))
        _book(person if mine else PersonFactory(), link.event, status)
        if mine and status == S.CONFIRMED:  # a cancelled earlier booking changes nothing
            _book(person, link.event, S.CANCELLED)

    links = list(selectors.online_links_for_person(person=person, today=today))
    (row,) = selectors.certificates_for_person(person=person, today=today)
    assert bool(row[selectors.ONLINE_LINKS_EXIST]) is bool(links) is expected


def test_participations_section_shows_attended_events_of_ten_years_newest_first():
    today = timezone.localdate()
    person = PersonFactory()
    old_boundary = _book(person, _event(today, -(365 * 10) + 3), S.ATTENDED)
    recent = _book(person, _event(today, -3), S.ATTENDED)
    _book(person, _event(today, -(365 * 10) - 5), S.ATTENDED)  # older than 10 years
    _book(person, _event(today, -3), S.CONFIRMED)  # not recorded as attended
    _book(person, _event(today, 10), S.REGISTERED)
    _book(PersonFactory(), _event(today, -3), S.ATTENDED)

    rows = list(selectors.participations_attended(person=person, today=today))
    assert [row["id"] for row in rows] == [recent.pk, old_boundary.pk]


def test_certificates_visible_for_ten_years():
    today = timezone.localdate()
    person = PersonFactory()
    fresh = CertificateFactory(participation__person=person, issued_on=today)
    boundary = CertificateFactory(
        participation__person=person, issued_on=rules.certificates_visible_issued_from(today)
    )
    CertificateFactory(
        participation__person=person, issued_on=boundary.issued_on - dt.timedelta(days=1)
    )
    CertificateFactory(issued_on=today)  # someone else's

    rows = list(selectors.certificates_for_person(person=person, today=today))
    assert [row["id"] for row in rows] == [fresh.pk, boundary.pk]
