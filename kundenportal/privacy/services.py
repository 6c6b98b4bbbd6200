import io
import json
import zipfile
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kundenportal.accounts.models import BoundAddress
from kundenportal.audit.models import AuditEntry
from kundenportal.audit.services import audit_log
from kundenportal.companies.models import AddressChange
from kundenportal.documents.models import Certificate
from kundenportal.documents.services import clean_filename
from kundenportal.notifications.services import mail_enqueue
from kundenportal.qualifications.models import QualificationReminder, ReminderOptOut
from kundenportal.registrations.models import Participation

from .models import DeletionRequest

PERSON_FIELDS = (
    "username",
    "salutation",
    "title",
    "first_name",
    "last_name",
    "email",
    "street",
    "postal_code",
    "city",
    "country",
    "phone",
    "date_joined",
    "last_login",
    "own_password_set_at",
    "is_active",
)
ADDRESS_FIELDS = ("street", "postal_code", "city", "country", "phone")


@transaction.atomic
def deletion_request_create(*, person, reason: str = "") -> DeletionRequest:
    """Record the person's wish to have the account deleted and tell the back office.

    A second request while one is open returns the open one.
    """
    existing = DeletionRequest.objects.filter(
        person=person, status=DeletionRequest.Status.OPEN
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            request = DeletionRequest.objects.create(
                person=person, username=person.username, reason=reason.strip()[:2000]
            )
    except IntegrityError:
        # A parallel submit created it a moment ago.
        return DeletionRequest.objects.get(person=person, status=DeletionRequest.Status.OPEN)
    audit_log(actor=person, action="person.deletion_requested", obj=person)
    mail_enqueue(
        template="deletion_requested",
        to=[settings.PROVIDER["marketing_email"]],
        context={"request_id": request.pk, "username": person.username},
        dedupe_key=f"deletion_requested:{request.pk}",
    )
    return request


def _fields(obj, names) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


def person_export_data(*, person) -> dict[str, Any]:
    """Everything stored about the person, as plain data (no password hashes)."""
    company = person.company
    participations = (
        Participation.objects.filter(person=person)
        .select_related("event", "registration")
        .order_by("event__first_day", "id")
    )
    certificates = (
        Certificate.objects.filter(participation__person=person)
        .select_related("participation__event")
        .order_by("issued_on", "id")
    )
    return {
        "exportiert_am": timezone.now(),
        "anbieter": settings.PROVIDER["long_name"],
        "person": {
            **_fields(person, PERSON_FIELDS),
            "hat_eigenes_passwort": person.has_own_password,
        },
        "firma": ({"name": company.name, **_fields(company, ADDRESS_FIELDS)} if company else None),
        "teilnahmen": [
            {
                "veranstaltung": {
                    "nummer": p.event.number,
                    "titel": p.event.title,
                    "erster_tag": p.event.first_day,
                    "letzter_tag": p.event.last_day,
                    "format": p.event.get_format_display(),
                    "ort": p.event.place,
                },
                "status": p.get_status_display(),
                "eigene_email": p.email,
                "angemeldet_am": p.created_at,
                "durchfuehrungsbestaetigung_versandt_am": p.confirmation_sent_at,
                "anmeldung": {
                    "nummer": p.registration.pk,
                    "korrespondenz_email": p.registration.correspondence_email,
                    "firma": p.registration.company_name,
                    "privatadresse": p.registration.is_private_address,
                    **_fields(p.registration, ADDRESS_FIELDS),
                    "bemerkungen": p.registration.remarks,
                    "zustimmung_am": p.registration.consent_at,
                    "eingegangen_am": p.registration.created_at,
                },
            }
            for p in participations
        ],
        "bescheinigungen": [
            {
                "titel": c.title,
                "veranstaltung": c.participation.event.number,
                "ausgestellt_am": c.issued_on,
                "verfuegbar_bis": c.available_until,
                "datei": f"bescheinigungen/{c.pk}-{clean_filename(c.filename)}",
            }
            for c in certificates
        ],
        # The addresses that may receive the account's access data (README, "Account binding").
        "gebundene_email_adressen": [
            {"email": b.email, "herkunft": b.get_source_display(), "seit": b.created_at}
            for b in BoundAddress.objects.filter(person=person).order_by("created_at", "id")
        ],
        "adressaenderungen": [
            {
                "firma": change.company_name,
                **_fields(change, ADDRESS_FIELDS),
                "status": change.get_status_display(),
                "eingegangen_am": change.created_at,
                "entschieden_am": change.decided_at,
            }
            for change in AddressChange.objects.filter(person=person).order_by("created_at")
        ],
        # Fachkunde: the reminder choice and which reminders went (the state itself is derived
        # from the certificates above).
        "fachkunde_erinnerungen": {
            "eingeschaltet": not ReminderOptOut.objects.filter(person=person).exists(),
            "versandt": [
                {
                    "veranstaltung": r.participation.event.number,
                    "tage_vor_ablauf": r.lead_days,
                    "gueltig_bis": r.valid_until,
                    "am": r.created_at,
                }
                for r in QualificationReminder.objects.filter(participation__person=person)
                .select_related("participation__event")
                .order_by("created_at", "id")
            ],
        },
        "loeschantraege": [
            {
                "beantragt_am": r.created_at,
                "status": r.get_status_display(),
                "anmerkung": r.reason,
            }
            for r in DeletionRequest.objects.filter(person=person).order_by("created_at")
        ],
        "protokoll": [
            {"zeitpunkt": e.created_at, "aktion": e.action, "ausgefuehrt_von": e.actor_label}
            for e in AuditEntry.objects.filter(
                object_type=person._meta.label_lower, object_id=str(person.pk)
            ).order_by("created_at", "id")
        ],
    }


@transaction.atomic
def person_export(*, person, out: io.IOBase) -> None:
    """Write "Meine Daten herunterladen" into ``out``: a ZIP with daten.json and the
    person's certificate files."""
    data = person_export_data(person=person)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "daten.json",
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        )
        certificates = Certificate.objects.filter(participation__person=person).order_by("id")
        for certificate in certificates:
            name = f"bescheinigungen/{certificate.pk}-{clean_filename(certificate.filename)}"
            try:
                source = certificate.file.open("rb")
            except (FileNotFoundError, OSError, ValueError):
                # A lost file must not block the export of everything else.
                archive.writestr(name + ".fehlt.txt", _("Diese Datei ist nicht mehr vorhanden."))
                continue
            with source, archive.open(name, "w") as target:
                while chunk := source.read(1024 * 1024):
                    target.write(chunk)
    audit_log(actor=person, action="person.export", obj=person)
