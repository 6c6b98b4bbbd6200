"""factory_boy factories for the domain model; tests build data only through these."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from kundenportal.accounts.addresses import address_bind
from kundenportal.accounts.models import BoundAddress, Person
from kundenportal.companies.models import Company
from kundenportal.core.text import match_key
from kundenportal.events.models import Event, Qualification
from kundenportal.registrations.models import Participation, Registration


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Wasserverband Nummer {n}")
    name_key = factory.LazyAttribute(lambda o: match_key(o.name))
    street = "Am Wasserwerk 1"
    postal_code = "45127"
    city = "Essen"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"teilnehmer.nummer{n}")
    first_name = "Käthe"
    last_name = factory.Sequence(lambda n: f"Müller{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    company = factory.SubFactory(CompanyFactory)

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        if extracted:
            self.set_password(extracted)
            self.own_password_set_at = timezone.now()
        else:
            self.set_unusable_password()
        if create:
            self.save()


class QualificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Qualification

    name = factory.Sequence(lambda n: f"Fachkunde Betriebsbeauftragte/r für Abfall {n}")
    legal_basis = "§ 9 AbfBeauftrV"
    refresh_months = 24


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    number = factory.Sequence(lambda n: f"V-{n:05d}")
    title = factory.Sequence(lambda n: f"Fachkunde Abwasser, Teil {n}")
    first_day = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    last_day = factory.LazyAttribute(lambda o: o.first_day + dt.timedelta(days=1))
    format = Event.Format.PRESENCE
    place = "Essen"
    capacity = 20
    price = Decimal("490.00")
    status = Event.Status.PUBLISHED


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    correspondence_email = "personal@example.org"
    company_name = "Wasserverband Essen"
    consent_at = factory.LazyFunction(timezone.now)


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation
        skip_postgeneration_save = True

    registration = factory.SubFactory(RegistrationFactory)
    event = factory.LazyAttribute(lambda o: o.registration.event)
    person = factory.SubFactory(PersonFactory)
    # Booked under the person's company, as registration_submit does.
    company = factory.LazyAttribute(lambda o: o.person.company)
    status = Participation.Status.REGISTERED

    @factory.post_generation
    def bind_booker(self, create, extracted, **kwargs):
        """As ``registration_submit`` does: the booking that created an account (here: the
        person's first participation) binds its correspondence address to it. Pass
        ``bind_booker=False`` for a booking from an address the account does not know."""
        if not create or extracted is False:
            return
        if not Participation.objects.filter(person=self.person).exclude(pk=self.pk).exists():
            address_bind(
                person=self.person,
                email=self.registration.correspondence_email,
                source=BoundAddress.Source.REGISTERED,
            )


# --- Portal: documents and certificates --------------------------------------------
from django.core.files.base import ContentFile  # noqa: E402

from kundenportal.documents.models import Certificate, CourseDocument, OnlineLink  # noqa: E402


class CourseDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseDocument

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Skript Teil {n}")
    filename = factory.Sequence(lambda n: f"Skript Größe {n}.pdf")
    content_type = "application/pdf"
    file = factory.LazyAttribute(lambda o: ContentFile(b"%PDF-1.4 Skript\n", name="skript.pdf"))
    size = 16


class OnlineLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OnlineLink

    event = factory.SubFactory(EventFactory, format=Event.Format.ONLINE, place="")
    url = factory.Sequence(lambda n: f"https://meet.example.org/raum-{n}")
    note = "Kenncode 4711"


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certificate

    participation = factory.SubFactory(ParticipationFactory, status=Participation.Status.ATTENDED)
    issued_on = factory.LazyFunction(timezone.localdate)
    filename = "Teilnahmebescheinigung Müller.pdf"
    content_type = "application/pdf"
    file = factory.LazyAttribute(
        lambda o: ContentFile(b"%PDF-1.4 Bescheinigung\n", name="bescheinigung.pdf")
    )
    size = 23


def portal_history_create(
    person, *, participations=300, documents_per_event=2, certificates=300, upcoming=20
):
    """Ten years of history in bulk: ``participations`` attended events spread over ten
    years, ``upcoming`` confirmed ones, ``documents_per_event`` course documents each and
    ``certificates`` certificates (file names point nowhere; for lists, not downloads)."""
    today = timezone.localdate()
    step = 3600 // max(participations, 1)
    events = []
    for i in range(participations + upcoming):
        if i < participations:
            last = today - dt.timedelta(days=1 + i * step)
        else:
            last = today + dt.timedelta(days=i - participations + 1)
        events.append(
            Event(
                number=f"H-{person.pk}-{i:04d}",
                title=f"Fachkunde Abwasser, Jahrgang {i}",
                first_day=last,
                last_day=last,
                capacity=10,
                price=Decimal("100.00"),
                place="Essen",
            )
        )
    Event.objects.bulk_create(events)
    registrations = Registration.objects.bulk_create(
        Registration(event=event, correspondence_email="h@example.org") for event in events
    )
    rows = Participation.objects.bulk_create(
        Participation(
            registration=registration,
            event=registration.event,
            person=person,
            status=Participation.Status.ATTENDED if i < participations else "confirmed",
        )
        for i, registration in enumerate(registrations)
    )
    CourseDocument.objects.bulk_create(
        CourseDocument(
            event=event,
            title=f"Skript {j}",
            filename=f"Skript {j}.pdf",
            file="unterlagen/fehlt.pdf",
            size=120_000,
        )
        for event in events
        for j in range(documents_per_event)
    )
    Certificate.objects.bulk_create(
        Certificate(
            participation=row,
            issued_on=row.event.last_day,
            filename="Teilnahmebescheinigung.pdf",
            file="bescheinigungen/fehlt.pdf",
            size=80_000,
        )
        for row in rows[:certificates]
    )
