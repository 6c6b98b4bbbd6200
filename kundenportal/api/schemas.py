"""Request and response bodies of API version 1 (pydantic, via django-ninja)."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import ConfigDict, Field


class In(Schema):
    # Unknown fields are an error, not silently dropped: a typo must not lose data.
    model_config = ConfigDict(extra="forbid")


class ProblemOut(Schema):
    type: str
    title: str
    status: int
    detail: str
    instance: str = ""
    errors: list[dict] = []


class EventIn(In):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=20000)
    first_day: dt.date
    last_day: dt.date
    format: Literal["presence", "online"] = "presence"
    place: str = Field("", max_length=200)
    capacity: int = Field(ge=0, le=100000)
    price: Decimal = Field(ge=0, max_digits=9, decimal_places=2)
    status: Literal["draft", "published"] = "published"


class EventOut(Schema):
    number: str
    title: str
    description: str
    first_day: dt.date
    last_day: dt.date
    format: str
    place: str
    capacity: int
    price: Decimal
    status: str
    confirmed_at: dt.datetime | None
    updated_at: dt.datetime


class EventPage(Schema):
    items: list[EventOut]
    next_cursor: str | None


class EventUpsertOut(Schema):
    event: EventOut
    created: bool
    changed: bool


class ReasonIn(In):
    reason: str = Field(min_length=1, max_length=2000)


class CancellationOut(Schema):
    event: EventOut
    newly_cancelled: bool
    participations_cancelled: int
    mails: int


class ConfirmationOut(Schema):
    event: EventOut
    newly_confirmed: bool
    mails: int
    held_back: int


class ParticipantIn(In):
    salutation: Literal["", "frau", "herr", "divers"] = ""
    title: str = Field("", max_length=50)
    first_name: str = Field(min_length=1, max_length=150)
    last_name: str = Field(min_length=1, max_length=150)
    email: str = Field("", max_length=254)


class AddressIn(In):
    company_name: str = Field("", max_length=200)
    is_private: bool = False
    street: str = Field(min_length=1, max_length=200)
    postal_code: str = Field(min_length=1, max_length=20)
    city: str = Field(min_length=1, max_length=100)
    country: str = Field("Deutschland", max_length=100)
    phone: str = Field("", max_length=50)


class RegistrationIn(In):
    participants: list[ParticipantIn] = Field(min_length=1, max_length=20)
    correspondence_email: str = Field(min_length=3, max_length=254)
    address: AddressIn
    remarks: str = Field("", max_length=4000)
    consent: bool
    # Without it a booking that does not fit is refused (409) instead of waitlisted.
    waitlist: bool = True


class ParticipationOut(Schema):
    id: int
    registration_id: int
    event_number: str
    person_id: int
    username: str
    first_name: str
    last_name: str
    status: str
    confirmation_sent: bool
    has_certificate: bool


class RegistrationOut(Schema):
    registration_id: int
    event_number: str
    review_required: bool
    participations: list[ParticipationOut]


class ParticipationPage(Schema):
    items: list[ParticipationOut]


class RebookIn(In):
    target_event_number: str = Field(min_length=1, max_length=30)


class RebookOut(Schema):
    participation: ParticipationOut
    waitlisted: bool


class AttendanceIn(In):
    # The participations that attended; the event's other confirmed ones are marked absent.
    attended: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] = Field(max_length=10000)


class AttendanceOut(Schema):
    marked: int
    unmarked: int
    kept_with_certificate: list[str]


class DocumentOut(Schema):
    id: int
    event_number: str
    title: str
    filename: str
    size: int


class OnlineLinkIn(In):
    url: str = Field(min_length=8, max_length=500)
    title: str = Field("", max_length=200)
    note: str = Field("", max_length=2000)


class OnlineLinkOut(Schema):
    id: int
    event_number: str
    url: str
    title: str
    note: str


class CertificateOut(Schema):
    id: int
    participation_id: int
    event_number: str
    username: str
    verification_code: str
    issued_on: dt.date
    revoked: bool


class CertificateGenerationOut(Schema):
    created: int
    already_present: int
    certificates: list[CertificateOut]


class PersonOut(Schema):
    id: int
    username: str
    salutation: str
    title: str
    first_name: str
    last_name: str
    email: str
    company_name: str
    street: str
    postal_code: str
    city: str
    country: str
    is_active: bool
    date_joined: dt.datetime


class DeletionRequestIn(In):
    reason: str = Field("", max_length=2000)


class DeletionRequestOut(Schema):
    id: int
    status: str
    created_at: dt.datetime


class CustomerRowIn(In):
    vorname: str = Field(max_length=150)
    nachname: str = Field(max_length=150)
    email: str = Field(max_length=254)
    firma: str = Field(max_length=200)
    strasse: str = Field(max_length=200)
    plz: str = Field(max_length=20)
    ort: str = Field(max_length=100)
    veranstaltungsnummer: str = Field("", max_length=30)
    titel: str = Field("", max_length=200)
    erster_tag: str = Field("", max_length=10, description="TT.MM.JJJJ")
    letzter_tag: str = Field("", max_length=10, description="TT.MM.JJJJ")


class CustomerImportIn(In):
    rows: list[CustomerRowIn] = Field(min_length=1, max_length=10000)
    dry_run: bool = False


class CustomerImportRowOut(Schema):
    line: int
    username: str
    account_created: bool
    participation: str


class CustomerImportOut(Schema):
    dry_run: bool
    summary: str
    rows: list[CustomerImportRowOut]


EventType = Literal[
    "registration.created",
    "registration.review_required",
    "participation.confirmed",
    "participation.cancelled",
    "attendance.recorded",
    "certificate.issued",
    "certificate.revoked",
    "person.merged",
    "person.deleted",
]


class WebhookIn(In):
    url: str = Field(min_length=8, max_length=500)
    event_types: list[EventType] = Field(min_length=1, max_length=20)
    secret: str = Field("", max_length=200, description="leer: der Server erzeugt eines")


class WebhookOut(Schema):
    id: int
    url: str
    event_types: list[str]
    is_active: bool
    created_at: dt.datetime


class WebhookCreatedOut(WebhookOut):
    secret: str
