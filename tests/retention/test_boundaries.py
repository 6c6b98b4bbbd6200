"""Every boundary of the FAQ's periods: the portal stops showing an item on the same day the
purge deletes it, not earlier, not later."""

import datetime as dt

import pytest
from django.core.files.storage import default_storage

from kundenportal.documents import selectors
from kundenportal.documents.models import Certificate, CourseDocument, OnlineLink
from kundenportal.registrations.models import Participation, Registration
from tests.factories import (
    CertificateFactory,
    CourseDocumentFactory,
    EventFactory,
    OnlineLinkFactory,
    ParticipationFactory,
    PersonFactory,
)

D = dt.date
pytestmark = pytest.mark.django_db


def _portal_document_ids(person, today):
    rows = selectors.participations_with_documents(person=person, today=today)
    return {doc["id"] for row in rows for doc in row["documents"]}


def test_course_document_goes_on_the_43rd_day_with_its_file(at, purge):
    event = EventFactory(first_day=D(2026, 3, 4), last_day=D(2026, 3, 5))
    person = ParticipationFactory(registration__event=event, status="attended").person
    document = CourseDocumentFactory(event=event)
    name = document.file.name
    assert default_storage.exists(name)

    # FAQ: "... bleiben 42 Tage nach dem letzten Veranstaltungstag online" — 16 April is the
    # 42nd day after 5 March.
    with at(D(2026, 4, 16)):
        assert _portal_document_ids(person, D(2026, 4, 16)) == {document.pk}
        assert purge().counts["course_documents"] == 0
        assert CourseDocument.objects.filter(pk=document.pk).exists()
        assert default_storage.exists(name)
    with at(D(2026, 4, 17)):
        assert _portal_document_ids(person, D(2026, 4, 17)) == set()
        assert purge().counts["course_documents"] == 1
        assert not CourseDocument.objects.filter(pk=document.pk).exists()
        assert not default_storage.exists(name)


def test_online_link_goes_on_the_43rd_day(at, purge):
    link = OnlineLinkFactory(event__first_day=D(2026, 3, 5), event__last_day=D(2026, 3, 5))
    person = ParticipationFactory(registration__event=link.event, status="confirmed").person
    with at(D(2026, 4, 16)):
        assert list(selectors.online_links_for_person(person=person, today=D(2026, 4, 16)))
        assert purge().counts["online_links"] == 0
    with at(D(2026, 4, 17)):
        assert not list(selectors.online_links_for_person(person=person, today=D(2026, 4, 17)))
        assert purge().counts["online_links"] == 1
    assert not OnlineLink.objects.exists()


@pytest.mark.parametrize(
    ("issued", "last_visible"),
    [
        (D(2024, 2, 29), D(2034, 2, 28)),  # 29 February → 28 February
        (D(2024, 3, 1), D(2034, 3, 1)),
        (D(2023, 2, 28), D(2033, 2, 28)),
    ],
)
def test_certificate_goes_the_day_after_its_ten_years_with_its_file(
    at, purge, issued, last_visible
):
    # An event of the same day, so the participation goes with the certificate.
    certificate = CertificateFactory(
        issued_on=issued,
        participation__registration__event__first_day=issued,
        participation__registration__event__last_day=issued,
    )
    person, name = certificate.participation.person, certificate.file.name
    with at(last_visible):
        assert [
            c["id"] for c in selectors.certificates_for_person(person=person, today=last_visible)
        ] == [certificate.pk]
        assert purge().counts["certificates"] == 0
        assert default_storage.exists(name)
    day_after = last_visible + dt.timedelta(days=1)
    with at(day_after):
        assert not selectors.certificates_for_person(person=person, today=day_after).exists()
        result = purge()
    assert result.counts["certificates"] == 1
    assert not Certificate.objects.exists()
    assert not default_storage.exists(name)


def test_participation_and_registration_go_ten_years_after_the_last_day(at, purge):
    participation = ParticipationFactory(
        registration__event__first_day=D(2016, 6, 29),
        registration__event__last_day=D(2016, 6, 30),
        status="attended",
    )
    cancelled = ParticipationFactory(
        registration=participation.registration,
        status="cancelled",
    )
    person = participation.person
    with at(D(2026, 6, 30)):
        shown = selectors.participations_attended(person=person, today=D(2026, 6, 30))
        assert [row["id"] for row in shown] == [participation.pk]
        counts = purge().counts
        assert counts["participations"] == counts["registrations"] == 0
    with at(D(2026, 7, 1)):
        assert not selectors.participations_attended(person=person, today=D(2026, 7, 1)).exists()
        counts = purge().counts
    assert counts["participations"] == 2
    assert counts["registrations"] == 1
    assert not Participation.objects.filter(pk__in=[participation.pk, cancelled.pk]).exists()
    assert not Registration.objects.exists()


def test_participation_stays_while_its_late_certificate_is_within_its_ten_years(at, purge):
    # Issued three months after the course (an exam certificate): the FAQ promises the
    # certificate for 10 years, and it needs its participation.
    certificate = CertificateFactory(
        issued_on=D(2016, 9, 30),
        participation__registration__event__first_day=D(2016, 6, 30),
        participation__registration__event__last_day=D(2016, 6, 30),
    )
    participation = certificate.participation
    with at(D(2026, 7, 1)):
        # Not in "Meine Teilnahmen" any more, but the certificate is still there.
        assert not selectors.participations_attended(
            person=participation.person, today=D(2026, 7, 1)
        ).exists()
        counts = purge().counts
        assert counts["participations"] == counts["registrations"] == 0
    with at(D(2026, 10, 1)):
        counts = purge().counts
    assert counts["certificates"] == 1
    assert counts["participations"] == 1
    assert counts["registrations"] == 1


def test_portal_and_purge_agree_on_every_day_of_a_window(at):
    """For each day around the boundaries: what the portal shows is exactly what the purge
    keeps (checked on the conditions, without deleting)."""
    from kundenportal.privacy.policies import Moment
    from kundenportal.privacy.register import policy_by_key

    person = PersonFactory()
    last_days = [D(2028, 2, 20) + dt.timedelta(days=i) for i in range(15)]
    for last_day in last_days:
        event = EventFactory(first_day=last_day, last_day=last_day)
        participation = ParticipationFactory(
            registration__event=event, person=person, status="attended"
        )
        CourseDocumentFactory(event=event)
        # Certificates issued on the last day, 29 February 2028 among them.
        CertificateFactory(participation=participation, issued_on=last_day)
    for years, days in ((0, range(30, 75)), (10, range(-3, 12)), (8, range(-3, 12))):
        for offset in days:
            today = D(2028 + years, 3, 1) + dt.timedelta(days=offset)
            moment = Moment.planned(today)
            doc_kept = set(
                CourseDocument.objects.exclude(
                    policy_by_key("course_documents").condition(moment)
                ).values_list("pk", flat=True)
            )
            assert _portal_document_ids(person, today) <= doc_kept
            if years == 0:
                assert _portal_document_ids(person, today) == doc_kept, today
            cert_kept = set(
                Certificate.objects.exclude(
                    policy_by_key("certificates").condition(moment)
                ).values_list("pk", flat=True)
            )
            shown = {c["id"] for c in selectors.certificates_for_person(person=person, today=today)}
            assert shown == cert_kept, today
            participation_kept = set(
                Participation.objects.exclude(
                    policy_by_key("participations").condition(moment)
                ).values_list("pk", flat=True)
            )
            shown = {p["id"] for p in selectors.participations_attended(person=person, today=today)}
            assert shown == participation_kept, today
