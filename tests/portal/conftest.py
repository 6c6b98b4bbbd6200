import datetime as dt

import pytest
from django.utils import timezone

from kundenportal.registrations.models import Participation
from tests.factories import (
    CertificateFactory,
    CourseDocumentFactory,
    EventFactory,
    OnlineLinkFactory,
    ParticipationFactory,
    PersonFactory,
)

PASSWORD = "Kläranlage-Essen-2026"


@pytest.fixture
def participant(db):
    return PersonFactory(
        username="max.mustermann", first_name="Max", last_name="Mustermann", password=PASSWORD
    )


@pytest.fixture
def other(db):
    return PersonFactory(
        username="erika.musterfrau", first_name="Erika", last_name="Musterfrau", password=PASSWORD
    )


@pytest.fixture
def owned(participant):
    """One object of every kind the portal serves, owned by ``participant``."""
    today = timezone.localdate()
    upcoming = ParticipationFactory(
        person=participant,
        status=Participation.Status.CONFIRMED,
        event=EventFactory(
            format="online",
            place="",
            first_day=today + dt.timedelta(days=7),
            last_day=today + dt.timedelta(days=7),
        ),
    )
    upcoming.registration.event = upcoming.event
    upcoming.registration.save()
    attended = ParticipationFactory(
        person=participant,
        status=Participation.Status.ATTENDED,
        event=EventFactory(
            first_day=today - dt.timedelta(days=10), last_day=today - dt.timedelta(days=9)
        ),
    )
    return {
        "participation": upcoming,
        "attended": attended,
        "document": CourseDocumentFactory(event=upcoming.event, filename="Skript Größe.pdf"),
        "link": OnlineLinkFactory(event=upcoming.event),
        "certificate": CertificateFactory(participation=attended, issued_on=today),
    }
