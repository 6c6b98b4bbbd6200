"""API version 1 (``/api/v1/``): the provider's own systems run events through the same
services as the back office and the booking form. Reference: ``docs/api.md`` and
``/api/v1/docs``."""

import base64
import binascii
import csv
import datetime as dt
import io
import json

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError, transaction
from django.db.models import Q
from django.http import Http404, HttpRequest
from ninja import File, Form, Header, NinjaAPI, Path, Query, Router, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile

from kundenportal.accounts.models import Person
from kundenportal.audit.services import audit_log
from kundenportal.backoffice.services import attendance_record, event_cancel
from kundenportal.confirmations.services import event_confirm
from kundenportal.documents.models import Certificate, CourseDocument, OnlineLink
from kundenportal.documents.removal import course_document_delete, online_link_delete
from kundenportal.documents.services import (
    certificate_revoke,
    certificate_upload,
    certificates_generate,
    course_documents_upload,
    online_link_create,
)
from kundenportal.events.models import Event
from kundenportal.events.sync import EventData, event_upsert
from kundenportal.integrations.models import Scope, WebhookSubscription
from kundenportal.integrations.services import IdempotencyConflict, request_fingerprint
from kundenportal.integrations.webhooks import subscription_create, subscription_delete
from kundenportal.privacy.services import deletion_request_create
from kundenportal.registrations.customer_import import (
    EVENT_COLUMNS,
    REQUIRED_COLUMNS,
    customers_import,
)
from kundenportal.registrations.models import Participation, Registration
from kundenportal.registrations.rebooking import participation_rebook
from kundenportal.registrations.services.booking import (
    AlreadyRegistered,
    RegistrationClosed,
    RegistrationError,
)
from kundenportal.registrations.services.corrections import participation_cancel

from . import schemas as s
from .auth import IntegrationToken, require
from .booking import booking_clean, booking_create
from .problems import Problem, problem_from_pydantic, problem_from_validation, problem_response


class ProblemAPI(NinjaAPI):
    """Documents every error answer as ``application/problem+json`` (RFC 9457), as sent."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        for item in schema["paths"].values():
            for operation in item.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        response["content"] = {
                            "application/problem+json": content["application/json"]
                        }
        return schema


api = ProblemAPI(
    title="Kundenportal API",
    version="1",
    description=(
        "Schnittstelle für die eigenen Systeme des Anbieters (Seminarverwaltung, Website, CRM). "
        "Authentifizierung: `Authorization: Bearer <Token>`. Fehler sind Problem-Dokumente "
        "nach RFC 9457 (`application/problem+json`)."
    ),
    auth=IntegrationToken(),
    urls_namespace="api-v1",
    docs_url=None,
    openapi_url="/openapi.json",
)

# --- errors -------------------------------------------------------------------------------

_HTTP_DETAIL = {
    400: "Der Inhalt der Anfrage ist kein gültiges JSON oder hat nicht das erwartete Format.",
    401: "Bitte melden Sie sich mit einem gültigen Token an (Authorization: Bearer …).",
    403: "Keine Berechtigung.",
    404: "Nicht gefunden.",
    405: "Diese Methode ist hier nicht erlaubt.",
    429: "Zu viele Anfragen.",
}


@api.exception_handler(Problem)
def _problem(request, exc: Problem):
    return problem_response(request, exc)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return problem_response(request, Problem(401, _HTTP_DETAIL[401]))


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    status = exc.status_code if exc.status_code in _HTTP_DETAIL else 400
    return problem_response(request, Problem(status, _HTTP_DETAIL[status]))


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc: NinjaValidationError):
    return problem_response(request, problem_from_pydantic(exc.errors))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem_response(request, Problem(404, _HTTP_DETAIL[404]))


@api.exception_handler(ObjectDoesNotExist)
def _does_not_exist(request, exc):
    return problem_response(request, Problem(404, _HTTP_DETAIL[404]))


@api.exception_handler(DjangoValidationError)
def _service_refused(request, exc: DjangoValidationError):
    return problem_response(request, problem_from_validation(exc))


@api.exception_handler(IntegrityError)
def _conflict(request, exc):
    return problem_response(
        request, Problem(409, "Die Änderung widerspricht dem aktuellen Stand. Bitte erneut laden.")
    )


@api.exception_handler(DataError)
@api.exception_handler(OverflowError)
def _out_of_range(request, exc):
    return problem_response(
        request, Problem(422, "Ein Wert liegt außerhalb des erlaubten Bereichs.")
    )


# Ids are positive 64-bit integers (larger ones could reach no row).
MAX_ID = 2**63 - 1
ID = Path(..., ge=1, le=MAX_ID)

ERRORS = {
    400: s.ProblemOut,
    401: s.ProblemOut,
    403: s.ProblemOut,
    404: s.ProblemOut,
    409: s.ProblemOut,
    422: s.ProblemOut,
    429: s.ProblemOut,
}


def _event(number: str) -> Event:
    event = Event.objects.filter(number=number).first()
    if event is None:
        raise Problem(
            404, f"Die Veranstaltung „{number[:40]}“ gibt es nicht.", kind="veranstaltung-unbekannt"
        )
    return event


# --- events -------------------------------------------------------------------------------

events = Router(tags=["Veranstaltungen"])


def _cursor_encode(event: Event) -> str:
    raw = f"{event.updated_at.isoformat()}|{event.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _cursor_decode(cursor: str) -> tuple[dt.datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, pk = raw.split("|")
        moment = dt.datetime.fromisoformat(stamp)
        if moment.tzinfo is None:
            raise ValueError
        return moment, int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise Problem(
            400,
            "Der Cursor ist ungültig. Bitte verwenden Sie next_cursor der vorigen Seite.",
            errors=[{"pointer": "#/cursor", "detail": "Ungültiger Cursor.", "in": "query"}],
        ) from None


@events.get("/events", response={200: s.EventPage, **ERRORS})
def events_list(
    request: HttpRequest,
    updated_since: dt.datetime | None = None,
    cursor: str | None = Query(None, max_length=200),
    limit: int = Query(100, ge=1, le=500),
):
    """Events ordered by last change (oldest first); ``updated_since`` for a sync, then follow
    ``next_cursor`` until it is null."""
    require(request, Scope.EVENTS_READ)
    query = Event.objects.order_by("updated_at", "pk")
    if updated_since is not None:
        if updated_since.tzinfo is None:
            raise Problem(
                422,
                "updated_since braucht eine Zeitzone (z. B. 2026-01-31T12:00:00+01:00).",
                errors=[{"pointer": "#/updated_since", "detail": "Zeitzone fehlt.", "in": "query"}],
            )
        query = query.filter(updated_at__gte=updated_since)
    if cursor:
        stamp, pk = _cursor_decode(cursor)
        query = query.filter(Q(updated_at__gt=stamp) | Q(updated_at=stamp, pk__gt=pk))
    page = list(query[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    return {"items": page, "next_cursor": _cursor_encode(page[-1]) if more else None}


@events.get("/events/{number}", url_name="event", response={200: s.EventOut, **ERRORS})
def event_get(request: HttpRequest, number: str):
    require(request, Scope.EVENTS_READ)
    return _event(number)


@events.put(
    "/events/{number}",
    url_name="event",
    response={200: s.EventUpsertOut, 201: s.EventUpsertOut, **ERRORS},
)
def event_put(request: HttpRequest, number: str, payload: s.EventIn):
    """Create or update the event with the provider's own number (idempotent)."""
    actor = require(request, Scope.EVENTS_WRITE)
    if not number.strip() or len(number) > 30 or number != number.strip():
        raise Problem(422, "Die Veranstaltungsnummer ist ungültig (1–30 Zeichen).")
    event, created, changed = event_upsert(
        number=number, data=EventData(**payload.dict()), actor=actor
    )
    return Status(201 if created else 200, {"event": event, "created": created, "changed": changed})


@events.post("/events/{number}/cancel", response={200: s.CancellationOut, **ERRORS})
def event_cancel_post(request: HttpRequest, number: str, payload: s.ReasonIn):
    """Absage: every booking is cancelled and each booker gets the same mail as from the
    back office."""
    actor = require(request, Scope.EVENTS_WRITE)
    event = _event(number)
    with transaction.atomic():
        result = event_cancel(event=event, actor=actor)
        audit_log(
            actor=actor, action="event.cancel_reason", obj=event, data={"reason": payload.reason}
        )
    event.refresh_from_db()
    return {
        "event": event,
        "newly_cancelled": result.newly_cancelled,
        "participations_cancelled": result.participations,
        "mails": result.mails,
    }


@events.post("/events/{number}/confirm", response={200: s.ConfirmationOut, **ERRORS})
def event_confirm_post(request: HttpRequest, number: str):
    """Durchführung bestätigen: every participant's mail with the credentials."""
    actor = require(request, Scope.EVENTS_WRITE)
    result = event_confirm(event=_event(number), actor=actor)
    return {
        "event": result.event,
        "newly_confirmed": result.newly_confirmed,
        "mails": result.mails,
        "held_back": result.held_back,
    }


# --- registrations and participations ------------------------------------------------------

registrations = Router(tags=["Anmeldungen und Teilnahmen"])


def _participations_out(query, *, certificates: bool = True) -> list[dict]:
    """Participations as the API shows them; ``certificates=False`` for rows that cannot have
    one yet (a booking just made), which saves a query."""
    rows = list(
        query.select_related("person", "event")
        .only(
            "id",
            "registration_id",
            "status",
            "confirmation_sent_at",
            "event__number",
            "person__username",
            "person__first_name",
            "person__last_name",
        )
        .order_by("id")
    )
    certified = (
        set(
            Certificate.objects.filter(
                participation_id__in=[p.pk for p in rows], revoked_at__isnull=True
            ).values_list("participation_id", flat=True)
        )
        if certificates
        else set()
    )
    return [
        {
            "id": p.pk,
            "registration_id": p.registration_id,
            "event_number": p.event.number,
            "person_id": p.person_id,
            "username": p.person.username,
            "first_name": p.person.first_name,
            "last_name": p.person.last_name,
            "status": p.status,
            "confirmation_sent": p.confirmation_sent_at is not None,
            "has_certificate": p.pk in certified,
        }
        for p in rows
    ]


def _participation(pk: int) -> Participation:
    participation = Participation.objects.filter(pk=pk).first()
    if participation is None:
        raise Problem(404, "Diese Teilnahme gibt es nicht.")
    return participation


@registrations.post(
    "/events/{number}/registrations",
    response={200: s.RegistrationOut, 201: s.RegistrationOut, **ERRORS},
)
def registration_post(
    request: HttpRequest,
    number: str,
    payload: s.RegistrationIn,
    idempotency_key: str = Header("", alias="Idempotency-Key", max_length=200),
):
    """Book 1..n participants exactly as the three-step form does: accounts found or made by
    the FAQ's rules, review for remarks, waiting list when full (or 409 with
    ``waitlist: false``), receipt mail. A retry with the same ``Idempotency-Key`` books
    nothing twice and answers 200 with the first result."""
    actor = require(request, Scope.REGISTRATIONS_WRITE)
    event = _event(number)
    body = payload.dict()
    booking = booking_clean(body)
    try:
        registration, created = booking_create(
            integration=request.auth,
            event=event,
            booking=booking,
            remarks=payload.remarks,
            consent=payload.consent,
            waitlist=payload.waitlist,
            idempotency_key=idempotency_key.strip(),
            fingerprint=request_fingerprint(
                json.dumps({"event": number, **body}, sort_keys=True, default=str).encode()
            ),
        )
    except IdempotencyConflict:
        raise Problem(
            422,
            "Dieser Idempotency-Key wurde bereits für eine andere Anmeldung verwendet.",
            kind="idempotency-key-wiederverwendet",
        ) from None
    except (RegistrationClosed, AlreadyRegistered) as exc:
        raise Problem(409, exc.message) from None
    except RegistrationError as exc:
        raise Problem(422, exc.message) from None
    del actor
    return Status(
        201 if created else 200,
        {
            "registration_id": registration.pk,
            "event_number": event.number,
            "review_required": registration.review == Registration.Review.PENDING,
            "participations": _participations_out(
                Participation.objects.filter(registration=registration)
            ),
        },
    )


@registrations.get("/events/{number}/participations", response={200: s.ParticipationPage, **ERRORS})
def participations_list(request: HttpRequest, number: str):
    require(request, Scope.REGISTRATIONS_WRITE)
    event = _event(number)
    return {"items": _participations_out(Participation.objects.filter(event=event))}


@registrations.post(
    "/participations/{participation_id}/cancel", response={200: s.ParticipationOut, **ERRORS}
)
def participation_cancel_post(request: HttpRequest, participation_id: int = ID):
    actor = require(request, Scope.REGISTRATIONS_WRITE)
    participation = participation_cancel(
        participation=_participation(participation_id), actor=actor
    )
    return _participations_out(Participation.objects.filter(pk=participation.pk))[0]


@registrations.post(
    "/participations/{participation_id}/rebook", response={200: s.RebookOut, **ERRORS}
)
def participation_rebook_post(
    request: HttpRequest, payload: s.RebookIn, participation_id: int = ID
):
    actor = require(request, Scope.REGISTRATIONS_WRITE)
    result = participation_rebook(
        participation=_participation(participation_id),
        target=_event(payload.target_event_number),
        actor=actor,
    )
    return {
        "participation": _participations_out(
            Participation.objects.filter(pk=result.participation.pk)
        )[0],
        "waitlisted": result.waitlisted,
    }


@registrations.put("/events/{number}/attendance", response={200: s.AttendanceOut, **ERRORS})
def attendance_put(request: HttpRequest, number: str, payload: s.AttendanceIn):
    """Set who attended: the listed participations become "teilgenommen", the event's other
    confirmed ones not (the back office's attendance list, as one call)."""
    actor = require(request, Scope.ATTENDANCE_WRITE)
    event = _event(number)
    foreign = set(payload.attended) - set(
        Participation.objects.filter(event=event, pk__in=payload.attended).values_list(
            "pk", flat=True
        )
    )
    if foreign:
        raise Problem(
            422,
            "Diese Teilnahmen gehören nicht zu der Veranstaltung: "
            + ", ".join(str(pk) for pk in sorted(foreign)[:20]),
            errors=[{"pointer": "#/attended", "detail": "Unbekannte Teilnahme."}],
        )
    result = attendance_record(event=event, attended_ids=payload.attended, actor=actor)
    return {
        "marked": result.marked,
        "unmarked": result.unmarked,
        "kept_with_certificate": result.kept_with_certificate,
    }


# --- documents and online links -------------------------------------------------------------

documents = Router(tags=["Unterlagen und Links"])


@documents.post("/events/{number}/documents", response={201: s.DocumentOut, **ERRORS})
def document_post(
    request: HttpRequest, number: str, file: File[UploadedFile], title: Form[str] = ""
):
    """Upload one course document (the back office's checks: type from content, size, name)."""
    actor = require(request, Scope.DOCUMENTS_WRITE)
    event = _event(number)
    (document,) = course_documents_upload(event=event, uploads=[file], actor=actor, title=title)
    return Status(
        201,
        {
            "id": document.pk,
            "event_number": event.number,
            "title": document.title,
            "filename": document.filename,
            "size": document.size,
        },
    )


@documents.delete("/documents/{document_id}", response={204: None, **ERRORS})
def document_delete(request: HttpRequest, document_id: int = ID):
    actor = require(request, Scope.DOCUMENTS_WRITE)
    document = CourseDocument.objects.filter(pk=document_id).first()
    if document is None:
        raise Problem(404, "Dieses Dokument gibt es nicht.")
    course_document_delete(document=document, actor=actor)
    return Status(204, None)


@documents.post("/events/{number}/online-links", response={201: s.OnlineLinkOut, **ERRORS})
def online_link_post(request: HttpRequest, number: str, payload: s.OnlineLinkIn):
    actor = require(request, Scope.DOCUMENTS_WRITE)
    event = _event(number)
    with transaction.atomic():
        link = online_link_create(
            event=event, url=payload.url, title=payload.title, note=payload.note
        )
        audit_log(actor=actor, action="online_link.create", obj=link, data={"event": event.number})
    return Status(
        201,
        {
            "id": link.pk,
            "event_number": event.number,
            "url": link.url,
            "title": link.title,
            "note": link.note,
        },
    )


@documents.delete("/online-links/{link_id}", response={204: None, **ERRORS})
def online_link_delete_(request: HttpRequest, link_id: int = ID):
    actor = require(request, Scope.DOCUMENTS_WRITE)
    link = OnlineLink.objects.filter(pk=link_id).first()
    if link is None:
        raise Problem(404, "Diesen Link gibt es nicht.")
    online_link_delete(link=link, actor=actor)
    return Status(204, None)


# --- certificates -----------------------------------------------------------------------------

certificates = Router(tags=["Bescheinigungen"])


def _certificates_out(query) -> list[dict]:
    return [
        {
            "id": c.pk,
            "participation_id": c.participation_id,
            "event_number": c.participation.event.number,
            "username": c.participation.person.username,
            "verification_code": c.verification_code,
            "issued_on": c.issued_on,
            "revoked": c.is_revoked,
        }
        for c in query.select_related("participation__event", "participation__person").order_by(
            "id"
        )
    ]


@certificates.post(
    "/events/{number}/certificates", response={200: s.CertificateGenerationOut, **ERRORS}
)
def certificates_post(request: HttpRequest, number: str):
    """A PDF certificate for every attendee without one (idempotent); each gets the mail."""
    actor = require(request, Scope.CERTIFICATES_WRITE)
    event = _event(number)
    result = certificates_generate(event=event, actor=actor)
    return {
        "created": result.created,
        "already_present": result.already_present,
        "certificates": _certificates_out(Certificate.objects.filter(participation__event=event)),
    }


@certificates.post(
    "/participations/{participation_id}/certificate",
    response={201: s.CertificateOut, **ERRORS},
)
def certificate_post(request: HttpRequest, file: File[UploadedFile], participation_id: int = ID):
    """Upload a ready PDF as the certificate of one participant who attended."""
    actor = require(request, Scope.CERTIFICATES_WRITE)
    certificate = certificate_upload(
        participation=_participation(participation_id), upload=file, actor=actor
    )
    return Status(201, _certificates_out(Certificate.objects.filter(pk=certificate.pk))[0])


@certificates.post(
    "/certificates/{certificate_id}/revoke", response={200: s.CertificateOut, **ERRORS}
)
def certificate_revoke_post(request: HttpRequest, payload: s.ReasonIn, certificate_id: int = ID):
    actor = require(request, Scope.CERTIFICATES_WRITE)
    certificate = Certificate.objects.filter(pk=certificate_id).first()
    if certificate is None:
        raise Problem(404, "Diese Bescheinigung gibt es nicht.")
    certificate_revoke(certificate=certificate, reason=payload.reason, actor=actor)
    return _certificates_out(Certificate.objects.filter(pk=certificate.pk))[0]


# --- persons and the customer import ------------------------------------------------------------

persons = Router(tags=["Personen"])


def _person(username: str) -> Person:
    person = (
        Person.objects.filter(username=username.strip().lower(), is_staff=False)
        .select_related("company")
        .first()
    )
    if person is None:
        raise Problem(404, "Ein Konto mit diesem Benutzernamen gibt es nicht.")
    return person


@persons.get("/persons/{username}", response={200: s.PersonOut, **ERRORS})
def person_get(request: HttpRequest, username: str):
    """What the back office sees of a participant's account (never a password or hint)."""
    actor = require(request, Scope.PERSONS_READ)
    person = _person(username)
    audit_log(actor=actor, action="person.read_api", obj=person)
    return {
        "id": person.pk,
        "username": person.username,
        "salutation": person.salutation,
        "title": person.title,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "company_name": person.company.name if person.company else "",
        "street": person.street,
        "postal_code": person.postal_code,
        "city": person.city,
        "country": person.country,
        "is_active": person.is_active,
        "date_joined": person.date_joined,
    }


@persons.post(
    "/persons/{username}/deletion-request", response={201: s.DeletionRequestOut, **ERRORS}
)
def deletion_request_post(request: HttpRequest, username: str, payload: s.DeletionRequestIn):
    """File the person's wish to be deleted; staff handle it as any other request."""
    actor = require(request, Scope.PERSONS_WRITE)
    person = _person(username)
    with transaction.atomic():
        deletion = deletion_request_create(person=person, reason=payload.reason)
        audit_log(actor=actor, action="person.deletion_request_api", obj=person)
    return Status(
        201, {"id": deletion.pk, "status": deletion.status, "created_at": deletion.created_at}
    )


@persons.post("/customers/import", response={200: s.CustomerImportOut, **ERRORS})
def customers_import_post(request: HttpRequest, payload: s.CustomerImportIn):
    """Existing customers in bulk, all or nothing (the back office's import): any bad row
    and nothing is stored; ``dry_run`` shows what would happen."""
    actor = require(request, Scope.PERSONS_WRITE)
    columns = list(REQUIRED_COLUMNS)
    if any(getattr(row, c) for row in payload.rows for c in EVENT_COLUMNS):
        columns += list(EVENT_COLUMNS)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(columns)
    for row in payload.rows:
        writer.writerow([getattr(row, c) for c in columns])
    report = customers_import(data=out.getvalue().encode(), actor=actor, dry_run=payload.dry_run)
    if report.errors:
        errors = [
            {"pointer": f"#/rows/{max(e.line - 2, 0)}" if e.line else "#/rows", "detail": str(e)}
            for e in report.errors[:200]
        ]
        raise Problem(422, "Der Import enthält Fehler; es wurde nichts gespeichert.", errors=errors)
    return {
        "dry_run": report.dry_run,
        "summary": report.summary,
        "rows": [
            {
                "line": r.line,
                "username": r.username,
                "account_created": r.account_created,
                "participation": r.participation,
            }
            for r in report.rows
        ],
    }


# --- webhooks ---------------------------------------------------------------------------------

webhooks = Router(tags=["Webhooks"])


def _subscription(request: HttpRequest, pk: int) -> WebhookSubscription:
    # Scoped to the caller: another integration's subscription is a 404, not a 403.
    found = WebhookSubscription.objects.filter(pk=pk, integration=request.auth).first()
    if found is None:
        raise Problem(404, "Dieses Webhook-Abonnement gibt es nicht.")
    return found


@webhooks.get("/webhooks", url_name="webhooks", response={200: list[s.WebhookOut], **ERRORS})
def webhooks_list(request: HttpRequest):
    require(request, Scope.WEBHOOKS)
    return list(WebhookSubscription.objects.filter(integration=request.auth).order_by("id"))


@webhooks.post("/webhooks", url_name="webhooks", response={201: s.WebhookCreatedOut, **ERRORS})
def webhook_post(request: HttpRequest, payload: s.WebhookIn):
    """Subscribe a URL; the answer carries the signing secret, this once."""
    require(request, Scope.WEBHOOKS)
    subscription, secret = subscription_create(
        integration=request.auth,
        url=payload.url,
        event_types=list(payload.event_types),
        secret=payload.secret,
    )
    return Status(
        201,
        {
            "id": subscription.pk,
            "url": subscription.url,
            "event_types": subscription.event_types,
            "is_active": subscription.is_active,
            "created_at": subscription.created_at,
            "secret": secret,
        },
    )


@webhooks.get(
    "/webhooks/{subscription_id}", url_name="webhook", response={200: s.WebhookOut, **ERRORS}
)
def webhook_get(request: HttpRequest, subscription_id: int = ID):
    require(request, Scope.WEBHOOKS)
    return _subscription(request, subscription_id)


@webhooks.delete("/webhooks/{subscription_id}", url_name="webhook", response={204: None, **ERRORS})
def webhook_delete(request: HttpRequest, subscription_id: int = ID):
    actor = require(request, Scope.WEBHOOKS)
    subscription_delete(subscription=_subscription(request, subscription_id), actor=actor)
    return Status(204, None)


for router in (events, registrations, documents, certificates, persons, webhooks):
    api.add_router("", router)
