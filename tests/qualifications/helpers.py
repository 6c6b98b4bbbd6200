import datetime as dt

from kundenportal.events.models import Event
from kundenportal.registrations.models import Participation
from tests.factories import CertificateFactory, EventFactory, ParticipationFactory

GRANTS = Event.QualificationRole.GRANTS
REFRESHES = Event.QualificationRole.REFRESHES


def course(qualification, last_day: dt.date, role=REFRESHES, **kwargs) -> Event:
    return EventFactory(
        qualification=qualification,
        qualification_role=role,
        first_day=last_day - dt.timedelta(days=1),
        last_day=last_day,
        status=kwargs.pop("status", Event.Status.CONFIRMED),
        **kwargs,
    )


def attended(person, qualification, last_day: dt.date, role=REFRESHES, **kwargs):
    """The person attended a course of the qualification ending ``last_day`` and has its
    certificate (issued that day)."""
    event = course(qualification, last_day, role)
    participation = ParticipationFactory(
        event=event,
        registration__event=event,
        person=person,
        status=Participation.Status.ATTENDED,
        **kwargs,
    )
    return CertificateFactory(participation=participation, issued_on=last_day)
