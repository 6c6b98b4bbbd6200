"""The register of personal data: one object per category of what the portal knows about a
person, and the only list of those categories.

Like pretix's ``base/shredder.py`` (one class per data category that both exports and
shreds), each category owns, for its tables:

- ``models``: the tables (``app.model``) that belong to it — every table with a personal
  field, a file or a link to the person belongs to exactly one category (a test holds that);
- ``export``: what "Meine Daten herunterladen" contains of it, with German keys and labels,
  and ``export_files`` (files that leave with the export, by the one access rule of
  ``documents.access``);
- ``erase``: how it is erased or anonymised when accounts are erased (on request, by the
  purge), for a whole batch of accounts at once (``erasure.ErasureBatch``);
- ``merge``: what happens to it when accounts are merged;
- ``policies``: its retention rules for the daily purge (``retention``), or ``kept``: why it
  is kept without one;
- ``purpose``, ``source``, ``retention``: the texts of the Auskunft (Art. 15 DSGVO) in the
  export, and ``quote``: the line of the FAQ or the SPEC it implements.

Export (``services.person_export``), erasure (``erasure.people_erase``), merge
(``merge.accounts_merge``), the daily purge (``retention.services``) and the preview of the
purge (``retention.selectors``) are loops over ``REGISTER``.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from kundenportal.accounts.models import BoundAddress, Person
from kundenportal.audit.models import AuditEntry
from kundenportal.companies.models import AddressChange
from kundenportal.documents.access import certificates_obtainable, course_documents_obtainable
from kundenportal.documents.models import Certificate, CourseDocument, OnlineLink
from kundenportal.documents.services import clean_filename
from kundenportal.integrations import webhooks
from kundenportal.integrations.models import WebhookDelivery
from kundenportal.notifications.models import OutboxMail
from kundenportal.qualifications.models import QualificationReminder, ReminderOptOut
from kundenportal.registrations.models import Participation, Registration

from . import erasure
from . import policies as p
from .models import DeletionRequest

FAQ_TEN_YEARS = (
    "FAQ: „In Anlehnung an die gesetzlichen Aufbewahrungsfristen speichern wir Ihre Daten "
    "10 Jahre lang.“"
)


# --- how values appear in the export ----------------------------------------------------------


def export_value(value: Any) -> Any:
    """Times in local time with their offset, days as ISO dates, the rest as JSON has it."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    return value


def export_row(obj: models.Model, names: Iterable[str]) -> dict[str, Any]:
    """``obj``'s fields under their German labels; choices as their label, not the code."""
    row = {}
    for name in names:
        field = obj._meta.get_field(name)
        value = getattr(obj, f"get_{name}_display")() if field.choices else getattr(obj, name)
        row[str(field.verbose_name)] = export_value(value)
    return row


ADDRESS = ("street", "postal_code", "city", "country", "phone")


# --- the base -------------------------------------------------------------------------------


class Category:
    """One category of personal data (see the module's docstring)."""

    key: str = ""
    label: str = ""
    models: tuple[str, ...] = ()
    # Key of the category's data in daten.json ("" = not in the export, see ``not_exported``).
    export_key: str = ""
    not_exported: str = ""
    purpose: str = ""
    source: str = ""
    retention: str = ""
    quote: str = ""
    # Why it stays when no policy deletes it.
    kept: str = ""
    # Order of the erase steps: mails first (10), then the records that stay without the
    # name (20), the logs (30), the rows that go (40), the accounts last (50).
    erase_phase: int = 40
    # What erasing does, when ``erase`` itself does nothing (it goes with something else).
    erase_note: str = ""
    # Order of the purge: documents and certificates first, then what they hang on, the logs
    # after the rows they name, accounts once nothing is left on them, technical data last.
    purge_phase: int = 50

    def policies(self) -> Sequence[p.Policy]:
        return ()

    def export(self, person: Person, today: dt.date) -> Any:
        return None

    def export_files(self, person: Person, today: dt.date) -> list[tuple[str, Any]]:
        """(name in the ZIP, stored file) of the files that leave with the export."""
        return []

    def erase(self, batch: "erasure.ErasureBatch") -> None:
        return None

    def merge(self, *, survivor: Person, merged_ids: list[int], actor: Any) -> int:
        """Move the category's rows of the merged accounts to the survivor; returns the
        count. By default every link of the category's tables to an account moves."""
        moved = 0
        for label in self.models:
            model = apps.get_model(label)
            for field in model._meta.concrete_fields:
                if field.many_to_one and field.related_model is Person:
                    moved += model._default_manager.filter(
                        **{f"{field.name}_id__in": merged_ids}
                    ).update(**{field.name: survivor})
        return moved

    def __repr__(self) -> str:
        return f"<Category {self.key}>"


# --- the categories -------------------------------------------------------------------------


class Account(Category):
    key = "person"
    purge_phase = 70
    label = "Konto und Stammdaten"
    models = ("accounts.person", "accounts.person_groups", "accounts.person_user_permissions")
    export_key = "person"
    purpose = (
        "Ihr personengebundenes Konto im Kundenportal: Anmeldung, Zuordnung Ihrer Teilnahmen, "
        "Versand Ihrer Zugangsdaten."
    )
    source = (
        "Aus Ihrer Anmeldung zu einer Veranstaltung (Schritte 1 und 2 des Anmeldeformulars) "
        "bzw. von der Verwaltung aus Ihren Angaben gepflegt."
    )
    retention = (
        "Bis 10 Jahre nach Ihrer letzten Aktivität (Anmeldung im Portal oder Anlage des "
        "Kontos), sobald keine Teilnahme mehr gespeichert ist; auf Antrag sofort."
    )
    quote = FAQ_TEN_YEARS
    erase_phase = 50

    FIELDS = (
        "username",
        "salutation",
        "title",
        "first_name",
        "last_name",
        "email",
        *ADDRESS,
        "date_joined",
        "last_login",
        "own_password_set_at",
        "is_active",
    )

    def policies(self):
        return (
            p.Policy(
                key="accounts",
                label="Konten ohne Daten und Aktivität",
                model=lambda: Person,
                condition=p.accounts_due,
                describe=p._describe_accounts,
                lock=p._lock_account_names,
                delete=p._accounts_erase,
            ),
        )

    def export(self, person, today):
        return {
            **export_row(person, self.FIELDS),
            "Hat ein eigenes Passwort": person.has_own_password,
        }

    def erase(self, batch):
        erasure.erasure_notice_queue(batch)
        # The deletion collected before anything went: the accounts and whatever hangs on
        # them (CASCADE: participations, certificates, address changes, bound addresses,
        # reminders), one statement per table.
        batch.deletion.delete()

    def merge(self, *, survivor, merged_ids, actor):
        return 0  # the merge fills the survivor's empty fields and deletes the others


class CompanyData(Category):
    key = "company"
    label = "Firma"
    models = ("companies.company",)
    export_key = "firma"
    purpose = "Die Firma, für die Sie Veranstaltungen besuchen; Rechnungs- und Postanschrift."
    source = "Aus den Adressdaten Ihrer Anmeldungen, von der Verwaltung geprüft und gepflegt."
    retention = "Bleibt bestehen: Daten der Firma, nicht Ihre persönlichen Daten."
    quote = "FAQ: „die mit Ihrem Personenkonto verbundenen Firmendaten verwaltet das BEW für Sie.“"
    kept = (
        "the company's own name and address, no person's; bookings and other participants "
        "refer to it, so it is kept (staff delete a company that nothing refers to)"
    )
    erase_phase = 20
    erase_note = "the account's link to it goes with the account; the company stays"

    def export(self, person, today):
        company = person.company
        if company is None:
            return None
        return export_row(company, ("name", *ADDRESS))


class UsernameSeriesData(Category):
    key = "username_series"
    label = "Vergebene Benutzernamen (verschlüsselt)"
    models = ("accounts.usernameseries",)
    not_exported = "holds only a keyed hash of a name base, which cannot be traced to a person"
    purpose = "Stellt sicher, dass ein Benutzername nie an eine andere Person vergeben wird."
    source = "Bei der Vergabe eines Benutzernamens."
    retention = "Dauerhaft, nur als Schlüsselwert ohne Namen."
    quote = "SPEC: „A username once issued is never given to another person“"
    kept = (
        "only a keyed hash of a username base and the highest suffix issued; no name is kept, "
        "and a username once issued is never given to another person"
    )
    erase_note = "holds no name; kept so the username is never issued again"


class Registrations(Category):
    key = "registrations"
    purge_phase = 40
    label = "Anmeldungen und Korrespondenz"
    models = ("registrations.registration",)
    export_key = "anmeldungen"
    purpose = (
        "Ihre Anmeldungen zu Veranstaltungen: Korrespondenzadresse, Rechnungsanschrift, "
        "Bemerkungen und Ihre Zustimmung zu AGB und Datenschutz."
    )
    source = "Aus dem Anmeldeformular (von Ihnen oder von der Person, die Sie angemeldet hat)."
    retention = (
        "10 Jahre nach dem letzten Veranstaltungstag, sobald keine Teilnahme daran mehr "
        "gespeichert ist. Bei Löschung Ihres Kontos bleibt eine gemeinsame Buchung für die "
        "Buchhaltung ohne Ihren Namen und ohne Ihre Adresse bestehen."
    )
    quote = FAQ_TEN_YEARS
    erase_phase = 20
    FIELDS = (
        "correspondence_email",
        "company_name",
        "is_private_address",
        *ADDRESS,
        "remarks",
        "consent_at",
        "created_at",
    )

    def policies(self):
        return (
            p.Policy(
                key="registrations",
                label="Anmeldungen",
                model=lambda: Registration,
                condition=p.registrations_due,
                describe=p._describe_registrations,
                before_delete=p._forget(Registration),
            ),
        )

    def export(self, person, today):
        return [
            {"Nummer": r.pk, "Veranstaltung": r.event.number, **export_row(r, self.FIELDS)}
            for r in Registration.objects.filter(participations__person=person)
            .distinct()
            .select_related("event")
            .order_by("created_at", "pk")
        ]

    def erase(self, batch):
        erasure.erasure_registrations(batch)

    def merge(self, *, survivor, merged_ids, actor):
        return 0  # bookings hang on participations, which move


class Participations(Category):
    key = "participations"
    purge_phase = 30
    label = "Teilnahmen"
    models = ("registrations.participation",)
    export_key = "teilnahmen"
    purpose = "Ihre Teilnahmen an Veranstaltungen: Nachweis, Bescheinigung, Zugang zu Unterlagen."
    source = "Aus Ihrer Anmeldung; Status und Anwesenheit erfasst die Verwaltung."
    retention = (
        "10 Jahre nach dem letzten Veranstaltungstag, jedoch nicht vor Ablauf der 10 Jahre "
        "einer Bescheinigung dazu."
    )
    quote = (
        "FAQ: „Alle älteren Daten, Veranstaltungsbesuche und Bescheinigungen, werden "
        "automatisch gelöscht.“"
    )
    FIELDS = ("status", "email", "created_at", "confirmation_sent_at")

    def policies(self):
        return (
            p.Policy(
                key="participations",
                label="Teilnahmen",
                model=lambda: Participation,
                condition=p.participations_due,
                describe=p._describe_participations,
                # A certificate still here would go with its participation (CASCADE).
                files=p._files("documents.certificate.file", Certificate, "participation_id"),
                before_delete=p._forget(Participation),
            ),
        )

    def export(self, person, today):
        return [
            {
                "Veranstaltung": {
                    "Nummer": x.event.number,
                    "Titel": x.event.title,
                    "Erster Tag": export_value(x.event.first_day),
                    "Letzter Tag": export_value(x.event.last_day),
                    "Format": x.event.get_format_display(),
                    "Ort": x.event.place,
                },
                "Anmeldung Nr.": x.registration_id,
                **export_row(x, self.FIELDS),
            }
            for x in Participation.objects.filter(person=person)
            .select_related("event")
            .order_by("event__first_day", "id")
        ]

    erase_note = "deleted with the account (the erasure's collected deletion, one statement)"

    def merge(self, *, survivor, merged_ids, actor):
        # Duplicates in one event were settled by the merge before (one stays).
        return Participation.objects.filter(person_id__in=merged_ids).update(
            person=survivor, updated_at=timezone.now()
        )


class Certificates(Category):
    key = "certificates"
    purge_phase = 20
    label = "Bescheinigungen"
    models = ("documents.certificate",)
    export_key = "bescheinigungen"
    purpose = "Nachweis Ihrer Teilnahme (Bescheinigung, Zertifikat) zum Herunterladen."
    source = "Von der Verwaltung nach der Veranstaltung ausgestellt."
    retention = "10 Jahre ab dem Ausstellungsdatum (29. Februar → 28. Februar), mit der Datei."
    quote = "FAQ: „Bescheinigungen können Sie 10 Jahre einsehen und herunterladen.“"

    def policies(self):
        return (
            p.Policy(
                key="certificates",
                label="Bescheinigungen",
                model=lambda: Certificate,
                condition=p.certificates_due,
                files=p._files("documents.certificate.file", Certificate, "pk"),
                describe=p._describe_certificates,
                before_delete=p._forget(Certificate),
            ),
        )

    @staticmethod
    def file_name(certificate: Certificate) -> str:
        return f"bescheinigungen/{certificate.pk}-{clean_filename(certificate.filename)}"

    def export(self, person, today):
        obtainable = set(
            certificates_obtainable(person=person, today=today).values_list("pk", flat=True)
        )
        rows = []
        for c in (
            Certificate.objects.filter(participation__person=person)
            .select_related("participation__event", "replaced_by")
            .order_by("issued_on", "id")
        ):
            row = {
                "Bezeichnung": c.title,
                "Veranstaltung": c.participation.event.number,
                "Ausgestellt am": export_value(c.issued_on),
                "Verfügbar bis": export_value(c.available_until),
                "Prüfcode": c.verification_code,
            }
            if c.revoked_at is not None:
                row["Widerrufen am"] = export_value(c.revoked_at)
                row["Status"] = f"widerrufen am {timezone.localtime(c.revoked_at):%d.%m.%Y}"
                if c.replaced_by_id:
                    row["Ersetzt durch Bescheinigung vom"] = export_value(c.replaced_by.issued_on)
            elif c.available_until < today:
                row["Status"] = f"abgelaufen am {c.available_until:%d.%m.%Y}"
            else:
                row["Status"] = "gültig"
            # The file only where the participant may have it (never a revoked one).
            row["Datei"] = self.file_name(c) if c.pk in obtainable else None
            rows.append(row)
        return rows

    def export_files(self, person, today):
        return [
            (self.file_name(c), c.file)
            for c in certificates_obtainable(person=person, today=today).order_by("id")
        ]

    def erase(self, batch):
        # The rows go with their participations in the accounts' deletion; their files
        # once it is committed.
        erasure.erasure_files(batch, Certificate)

    def merge(self, *, survivor, merged_ids, actor):
        return 0  # certificates move with their participations


class CourseDocuments(Category):
    key = "course_documents"
    purge_phase = 10
    label = "Veranstaltungsunterlagen und Online-Links"
    models = ("documents.coursedocument", "documents.onlinelink")
    export_key = "veranstaltungsunterlagen"
    purpose = (
        "Unterlagen und Zugangslinks der Veranstaltungen, die Sie gebucht haben; sie gehören "
        "zur Veranstaltung, Ihr Zugriff ergibt sich aus Ihrer Teilnahme."
    )
    source = "Von der Verwaltung für die Veranstaltung bereitgestellt."
    retention = "Bis zum 42. Tag nach dem letzten Veranstaltungstag, danach gelöscht."
    quote = (
        "FAQ: „Kursbezogene Dokumente, wie z.B. Veranstaltungsskripte, bleiben 42 Tage nach "
        "dem letzten Veranstaltungstag online und werden anschließend gelöscht.“"
    )
    erase_note = "belong to the event, not to a person; access ends with the participation"

    def policies(self):
        return (
            p.Policy(
                key="course_documents",
                label="Veranstaltungsunterlagen",
                model=lambda: CourseDocument,
                condition=p.course_documents_due,
                files=p._files("documents.coursedocument.file", CourseDocument, "pk"),
                describe=p._describe_documents,
            ),
            p.Policy(
                key="online_links",
                label="Links zu Online-Veranstaltungen",
                model=lambda: OnlineLink,
                condition=p.course_documents_due,
                describe=p._describe_documents,
            ),
        )

    def export(self, person, today):
        # The list of what the participant may download today; the files are the event's,
        # not personal data, and stay in the portal.
        return [
            {
                "Veranstaltung": d.event.number,
                "Titel": d.title,
                "Datei": d.filename,
                "Online bis": export_value(d.online_until),
            }
            for d in course_documents_obtainable(person=person, today=today)
            .select_related("event")
            .order_by("event__first_day", "title", "id")
        ]


class BoundAddresses(Category):
    key = "bound_addresses"
    label = "Gebundene E-Mail-Adressen"
    models = ("accounts.boundaddress",)
    export_key = "gebundene_email_adressen"
    purpose = (
        "Adressen, an die Zugangsdaten und Links zum Zurücksetzen des Passworts Ihres Kontos "
        "gehen dürfen (z. B. die Adresse der Person, die Sie angemeldet hat)."
    )
    source = "Die Korrespondenzadresse der Anmeldung, mit der Ihr Konto angelegt wurde."
    retention = (
        "10 Jahre nach der letzten Anmeldung Ihres Kontos über diese Adresse, höchstens so "
        "lange wie das Konto. Wird die Person gelöscht, der die Adresse gehört, wird sie "
        "auch bei anderen Konten entfernt."
    )
    quote = FAQ_TEN_YEARS
    erase_phase = 20

    def policies(self):
        return (
            p.Policy(
                key="bound_addresses",
                label="Gebundene E-Mail-Adressen",
                model=lambda: BoundAddress,
                condition=p.bound_addresses_due,
            ),
        )

    def export(self, person, today):
        return [
            export_row(b, ("email", "source", "created_at"))
            for b in BoundAddress.objects.filter(person=person).order_by("created_at", "id")
        ]

    def erase(self, batch):
        # The accounts' own bindings go with the accounts' deletion; the erased people's own
        # addresses bound to a colleague's account (a booker who registered others) here.
        if batch.addresses:
            BoundAddress.objects.filter(email__any=set(batch.addresses)).delete()


class AddressChanges(Category):
    key = "address_changes"
    label = "Adressänderungen"
    models = ("companies.addresschange",)
    export_key = "adressaenderungen"
    purpose = "Geänderte Adressdaten aus Ihren Anmeldungen, bis die Verwaltung sie prüft."
    source = "Aus dem Anmeldeformular (Schritt 2, Adressdaten)."
    retention = (
        "10 Jahre nach Eingang, frühestens 10 Jahre nach dem letzten Tag der Veranstaltung "
        "der Anmeldung."
    )
    quote = (
        "FAQ: „Mit jeder weiteren Anmeldung müssen Sie Ihre Adressdaten eingeben, die dann nach "
        "einer Prüfung ... aktualisiert werden.“"
    )

    def policies(self):
        return (
            p.Policy(
                key="address_changes",
                label="Adressänderungen",
                model=lambda: AddressChange,
                condition=p.address_changes_due,
                before_delete=p._forget(AddressChange),
            ),
        )

    def export(self, person, today):
        return [
            export_row(c, ("company_name", *ADDRESS, "status", "created_at", "decided_at"))
            for c in AddressChange.objects.filter(person=person).order_by("created_at", "id")
        ]

    erase_note = "deleted with the account (the erasure's collected deletion, one statement)"


class DeletionRequests(Category):
    key = "deletion_requests"
    label = "Löschanträge"
    models = ("privacy.deletionrequest",)
    export_key = "loeschantraege"
    purpose = "Ihr Antrag auf Löschung des Kontos und seine Bearbeitung."
    source = "Von Ihnen im Kundenportal gestellt."
    retention = (
        "Erledigte Anträge 10 Jahre nach der Bearbeitung, ohne Namen; bei Löschung durch "
        "Fristablauf sofort."
    )
    quote = (
        "FAQ: „Da Ihr Konto personengebunden ist, müssten Sie eine Löschung über das Marketing "
        "... beantragen.“"
    )
    erase_phase = 20

    def policies(self):
        return (
            p.Policy(
                key="deletion_requests",
                label="Erledigte Löschanträge",
                model=lambda: DeletionRequest,
                condition=p.deletion_requests_due,
                before_delete=p._forget(DeletionRequest),
            ),
        )

    def export(self, person, today):
        return [
            export_row(r, ("created_at", "status", "reason", "handled_at"))
            for r in DeletionRequest.objects.filter(person=person).order_by("created_at", "id")
        ]

    def erase(self, batch):
        erasure.erasure_deletion_requests(batch)

    def merge(self, *, survivor, merged_ids, actor):
        # At most one open request per account: the survivor's, else the oldest.
        open_requests = DeletionRequest.objects.filter(
            person_id__in=[survivor.pk, *merged_ids], status=DeletionRequest.Status.OPEN
        ).order_by("created_at", "pk")
        keep_open = open_requests.filter(person=survivor).first() or open_requests.first()
        if keep_open is not None:
            open_requests.exclude(pk=keep_open.pk).update(
                status=DeletionRequest.Status.REJECTED,
                handled_at=timezone.now(),
                handled_by=actor if getattr(actor, "pk", None) else None,
                staff_note=_("Konten zusammengeführt; es gilt der Antrag Nr. %(pk)s.")
                % {"pk": keep_open.pk},
            )
        return super().merge(survivor=survivor, merged_ids=merged_ids, actor=actor)


# What the export calls the log's actions about a person (others keep their technical name).
AUDIT_ACTIONS = {
    "person.create": "Konto angelegt",
    "person.merge": "Konten zusammengeführt",
    "person.password_set": "Eigenes Passwort gesetzt",
    "person.password_reset_requested": "Neues Passwort angefordert",
    "person.initial_password_issued": "Initialpasswort versandt",
    "person.export": "Daten heruntergeladen",
    "person.email_from_registration": "E-Mail-Adresse aus einer Anmeldung übernommen",
    "person.deletion_requested": "Löschung beantragt",
    "person.credentials_resent": "Zugangsdaten erneut versandt",
    "person.address_bound": "E-Mail-Adresse an das Konto gebunden",
    "admin.add": "Von der Verwaltung angelegt",
    "admin.change": "Von der Verwaltung geändert",
    "admin.action": "Aktion der Verwaltung",
    "auth.login": "Anmeldung",
    "auth.login_failed": "Fehlgeschlagene Anmeldung",
}


class AuditEntries(Category):
    key = "audit_entries"
    purge_phase = 60
    label = "Protokoll der Bearbeitung Ihrer Daten"
    models = ("audit.auditentry",)
    export_key = "protokoll"
    purpose = (
        "Nachweis, wer wann Ihre Daten bearbeitet hat (Pflicht zur Rechenschaft, Art. 5 Abs. 2 "
        "DSGVO)."
    )
    source = "Vom System bei jeder Bearbeitung Ihrer Daten geschrieben."
    retention = (
        "10 Jahre nach dem Eintrag; bei Löschung Ihres Kontos bleiben die Einträge ohne Namen."
    )
    quote = "SPEC: „an audit log of every staff action on personal data“"
    erase_phase = 30

    def policies(self):
        return (
            p.Policy(
                key="audit_entries",
                label="Protokolleinträge",
                model=lambda: AuditEntry,
                condition=p.audit_entries_due,
            ),
        )

    def export(self, person, today):
        return [
            {
                "Zeitpunkt": export_value(e.created_at),
                "Aktion": AUDIT_ACTIONS.get(e.action, e.action),
                "Ausgeführt von": e.actor_label,
            }
            for e in AuditEntry.objects.filter(
                object_type=person._meta.label_lower, object_id=str(person.pk)
            ).order_by("created_at", "id")
        ]

    def erase(self, batch):
        erasure.erasure_audit(batch)

    def merge(self, *, survivor, merged_ids, actor):
        return 0  # the log stays as it was


class AdminLog(Category):
    key = "admin_log"
    purge_phase = 60
    label = "Änderungsprotokoll der Verwaltung"
    models = ("admin.logentry",)
    export_key = "aenderungsprotokoll_verwaltung"
    purpose = "Technisches Protokoll der Änderungen, die die Verwaltung an Ihrem Konto vornimmt."
    source = "Von der Verwaltungsoberfläche bei jeder Änderung geschrieben."
    retention = "10 Jahre nach dem Eintrag; bei Löschung Ihres Kontos sofort."
    quote = "SPEC: „an audit log of every staff action on personal data“"
    erase_phase = 30

    def policies(self):
        return (
            p.Policy(
                key="admin_log",
                label="Einträge im Änderungsprotokoll der Verwaltung",
                model=p._admin_log_model,
                condition=p.admin_log_due,
            ),
        )

    def export(self, person, today):
        from django.contrib.admin.models import LogEntry
        from django.contrib.contenttypes.models import ContentType

        kind = ContentType.objects.get_for_model(Person, for_concrete_model=False)
        return [
            {
                "Zeitpunkt": export_value(e.action_time),
                "Aktion": {1: "angelegt", 2: "geändert", 3: "gelöscht"}.get(e.action_flag, ""),
                "Änderung": e.get_change_message(),
            }
            for e in LogEntry.objects.filter(content_type=kind, object_id=str(person.pk))
            .order_by("action_time", "id")
            .only("action_time", "action_flag", "change_message")
        ]

    def erase(self, batch):
        erasure.erasure_admin_log(batch)

    def merge(self, *, survivor, merged_ids, actor):
        return 0


class LoginRecords(Category):
    key = "login_records"
    purge_phase = 90
    label = "Anmeldungen am Portal und Sitzungen"
    models = (
        "axes.accessattempt",
        "axes.accessattemptexpiration",
        "axes.accesslog",
        "axes.accessfailurelog",
        "sessions.session",
    )
    export_key = "anmeldeprotokoll"
    purpose = (
        "Schutz Ihres Kontos: Sperre nach fehlgeschlagenen Anmeldeversuchen, Protokoll der "
        "Anmeldungen, Ihre angemeldeten Sitzungen."
    )
    source = "Von Ihrem Browser bei der Anmeldung am Portal (IP-Adresse, Browserkennung)."

    @property
    def retention(self) -> str:
        return (
            "Fehlgeschlagene Versuche bis zum Ende der Sperrfrist, Protokolle "
            f"{settings.LOGIN_LOG_KEEP_DAYS} Tage, Sitzungen bis zu ihrem Ablauf."
        )

    quote = "SPEC: „limits hold across processes“ (Sperre nach Fehlversuchen)"
    erase_phase = 30

    def policies(self):
        return (
            p.Policy(
                key="sessions",
                label="Abgelaufene Sitzungen",
                model=p._session_model,
                condition=p.sessions_due,
                in_schedule=False,
            ),
            p.Policy(
                key="login_attempts",
                label="Fehlgeschlagene Anmeldeversuche",
                model=p._axes_model("AccessAttempt"),
                condition=p.login_attempts_due,
                in_schedule=False,
            ),
            p.Policy(
                key="login_logs",
                label="Anmeldeprotokolle",
                model=p._axes_model("AccessLog"),
                condition=p.login_logs_due,
                in_schedule=False,
            ),
            p.Policy(
                key="login_failure_logs",
                label="Protokolle fehlgeschlagener Anmeldungen",
                model=p._axes_model("AccessFailureLog"),
                condition=p.login_logs_due,
                in_schedule=False,
            ),
        )

    def export(self, person, today):
        if not apps.is_installed("axes"):
            return []
        from axes.models import AccessLog

        return [
            {
                "Angemeldet am": export_value(row.attempt_time),
                "Abgemeldet am": export_value(row.logout_time),
                "IP-Adresse": row.ip_address,
                "Browser": row.user_agent,
            }
            for row in AccessLog.objects.filter(username__iexact=person.username).order_by(
                "attempt_time", "id"
            )
        ]

    def erase(self, batch):
        erasure.erasure_login_records(batch)

    def merge(self, *, survivor, merged_ids, actor):
        return 0  # the merged accounts' sessions end; their login records go with time


# What the export calls each kind of mail.
MAIL_KINDS = {
    "registration_receipt": "Eingangsbestätigung einer Anmeldung",
    "confirmation": "Durchführungsbestätigung mit Zugangsdaten",
    "credentials": "Zugangsdaten",
    "certificate_available": "Bescheinigung steht bereit",
    "password_reset": "Neues Passwort festlegen",
    "password_changed": "Passwort geändert",
    "account_deleted": "Konto gelöscht",
    "deletion_requested": "Löschantrag (an die Verwaltung)",
    "event_cancelled": "Absage einer Veranstaltung",
    "participation_rebooked": "Umbuchung",
    "waitlist_promoted": "Platz frei auf der Warteliste",
    "qualification_reminder": "Erinnerung an den Ablauf einer Fachkunde",
}


class OutboxMails(Category):
    key = "outbox"
    purge_phase = 80
    label = "E-Mails an Sie"
    models = ("notifications.outboxmail",)
    export_key = "emails"
    purpose = (
        "Versand von Empfangsbestätigungen, Durchführungsbestätigungen mit Zugangsdaten und "
        "Hinweisen; Zugangsdaten werden erst beim Versand eingesetzt und nie gespeichert."
    )
    source = "Vom System bei Ihrer Anmeldung und bei Bearbeitungen erzeugt."

    @property
    def retention(self) -> str:
        return (
            f"Versandte E-Mails {settings.OUTBOX_KEEP_DAYS} Tage, fehlgeschlagene "
            f"{settings.OUTBOX_FAILED_KEEP_DAYS} Tage nach ihrer Erstellung."
        )

    quote = "SPEC: „Every mail goes through a durable outbox in the database“"
    erase_phase = 10

    def policies(self):
        return (
            p.Policy(
                key="sent_mails",
                label="Versandte und entfallene E-Mails",
                model=lambda: OutboxMail,
                condition=p.sent_mails_due,
                in_schedule=False,
            ),
            p.Policy(
                key="failed_mails",
                label="Fehlgeschlagene E-Mails",
                model=lambda: OutboxMail,
                condition=p.failed_mails_due,
            ),
        )

    def export(self, person, today):
        participation_ids = list(
            Participation.objects.filter(person=person).values_list("pk", flat=True)
        )
        return [
            {
                "Art": MAIL_KINDS.get(m.template, m.template),
                "Empfänger": m.to,
                **export_row(m, ("status", "created_at", "sent_at")),
            }
            for m in erasure._outbox_about([person], participation_ids).order_by("created_at", "id")
        ]

    def erase(self, batch):
        erasure.erasure_outbox(batch)

    def merge(self, *, survivor, merged_ids, actor):
        return 0


class WebhookDeliveries(Category):
    key = "webhook_deliveries"
    purge_phase = 80
    label = "Meldungen an Systeme des Anbieters"
    models = ("integrations.webhookdelivery",)
    export_key = "meldungen_an_systeme"
    purpose = (
        "Die eigenen Systeme des Anbieters (z. B. Seminarverwaltung, Buchhaltung) erfahren von "
        "Anmeldungen, Teilnahmen und Bescheinigungen, damit niemand sie doppelt erfasst."
    )
    source = "Vom System bei Ihrer Anmeldung und bei Bearbeitungen erzeugt."
    erase_phase = 10

    @property
    def retention(self) -> str:
        return (
            f"Zugestellte und endgültig fehlgeschlagene Meldungen {settings.WEBHOOK_KEEP_DAYS} "
            "Tage nach ihrer Erstellung; bei Löschung Ihres Kontos sofort ohne Benutzernamen."
        )

    quote = (
        "SPEC: „receive signed webhooks delivered durably like mail“; payloads carry ids and "
        "what a receiver needs."
    )

    def policies(self):
        return (
            p.Policy(
                key="webhook_deliveries",
                label="Zugestellte und fehlgeschlagene Meldungen an Schnittstellen",
                model=lambda: WebhookDelivery,
                condition=lambda moment: webhooks.deliveries_due(moment.now),
                in_schedule=False,
            ),
        )

    def export(self, person, today):
        deliveries = (
            webhooks.deliveries_about(person_ids={person.pk})
            .select_related("subscription__integration")
            .order_by("created_at", "id")
        )
        return [
            {
                "Empfänger": d.subscription.integration.name,
                **export_row(d, ("event_type", "status", "created_at")),
            }
            for d in deliveries
            if webhooks.delivery_names(d, person.pk)
        ]

    def erase(self, batch):
        webhooks.deliveries_forget(person_ids=set(batch.pks))

    def merge(self, *, survivor, merged_ids, actor):
        # Old payloads name the merged usernames; the ids stay, the names go.
        return webhooks.deliveries_forget(person_ids=set(merged_ids))


class QualificationReminders(Category):
    key = "qualification_reminders"
    label = "Erinnerungen an Ihre Fachkunde"
    models = ("qualifications.qualificationreminder", "qualifications.reminderoptout")
    export_key = "fachkunde_erinnerungen"
    purpose = (
        "Sie rechtzeitig vor dem Ablauf einer Fachkunde zu erinnern, nie zweimal für dieselbe "
        "Frist, und Ihre Entscheidung, keine Erinnerungen zu erhalten, einzuhalten."
    )
    source = (
        "Aus Ihren Bescheinigungen (die Gültigkeit wird daraus berechnet, nicht gespeichert) "
        "und Ihrer Einstellung unter „Meine Daten“ oder dem Abmeldelink der Erinnerung."
    )
    retention = (
        "Der Vermerk über eine versandte Erinnerung bis zum Tag nach dem Ablauf der Fachkunde, "
        "um die es ging; die Abbestellung so lange wie das Konto."
    )
    quote = (
        "SPEC: „participants are reminded before it lapses ... Reminders can be switched off; "
        "they never go to a deleted account.“"
    )
    purge_phase = 80

    def policies(self):
        return (
            p.Policy(
                key="qualification_reminders",
                label="Versandte Fachkunde-Erinnerungen",
                model=lambda: QualificationReminder,
                condition=p.qualification_reminders_due,
                # Come and go with each reminder cycle, like sessions: counted, not scheduled.
                in_schedule=False,
            ),
        )

    def export(self, person, today):
        sent = (
            QualificationReminder.objects.filter(participation__person=person)
            .select_related("participation__event")
            .order_by("created_at", "id")
        )
        return {
            "Erinnerungen eingeschaltet": not ReminderOptOut.objects.filter(person=person).exists(),
            "Versandte Erinnerungen": [
                {
                    "Veranstaltung": r.participation.event.number,
                    **export_row(r, ("lead_days", "valid_until", "created_at")),
                }
                for r in sent
            ],
        }

    erase_note = (
        "sent reminders go with their participations, opt-outs with the account (the "
        "erasure's collected deletion)"
    )

    def merge(self, *, survivor, merged_ids, actor):
        # Whoever switched the reminders off under any of the accounts keeps them off; the
        # sent reminders hang on participations, which move with those.
        opted_out = ReminderOptOut.objects.filter(person_id__in=merged_ids)
        if not opted_out.exists():
            return 0
        ReminderOptOut.objects.get_or_create(person=survivor)
        return opted_out.delete()[0]


class SecondFactor(Category):
    key = "second_factor"
    label = "Zweiter Faktor (nur Mitarbeitende)"
    models = ("otp_totp.totpdevice", "otp_static.staticdevice", "otp_static.statictoken")
    export_key = "zweiter_faktor"
    purpose = "Absicherung der Anmeldung von Mitarbeitenden an der Verwaltung."
    source = "Von der mitarbeitenden Person selbst eingerichtet."
    retention = "So lange wie das Konto."
    quote = "SPEC: „Security: ... no secret in plain text in DB, outbox or logs“"
    kept = "a staff member's authenticator app and backup codes; they go with the account"
    erase_note = "staff accounts are never erased by the portal; deleted with the account"

    def export(self, person, today):
        from django_otp import devices_for_user

        # Names and kinds only; the secrets never leave.
        return [
            {"Bezeichnung": device.name, "Art": device._meta.verbose_name.title()}
            for device in devices_for_user(person, confirmed=None)
        ]


class PendingFiles(Category):
    key = "pending_files"
    label = "Dateien in Löschung"
    models = ("core.pendingfiledeletion",)
    not_exported = "storage names of files whose records are already deleted"
    purpose = (
        "Sorgt dafür, dass die Datei eines gelöschten Datensatzes auch im Speicher gelöscht wird."
    )
    source = "Beim Löschen einer Bescheinigung oder Unterlage."
    retention = "Bis die Datei gelöscht ist (der nächste Lauf versucht es erneut)."
    quote = "SPEC: „Certificates: 10 years from issue date ...; then deleted with their files.“"
    kept = "removed as soon as its file is deleted from the storage (each purge retries)"
    erase_note = "written by the erasure itself; goes once the file is gone"


REGISTER: tuple[Category, ...] = (
    Account(),
    CompanyData(),
    UsernameSeriesData(),
    Registrations(),
    Participations(),
    Certificates(),
    CourseDocuments(),
    BoundAddresses(),
    AddressChanges(),
    DeletionRequests(),
    AuditEntries(),
    AdminLog(),
    LoginRecords(),
    OutboxMails(),
    WebhookDeliveries(),
    QualificationReminders(),
    SecondFactor(),
    PendingFiles(),
)


def _policies() -> tuple[p.Policy, ...]:
    ordered = sorted(REGISTER, key=lambda one: one.purge_phase)
    return tuple(policy for one in ordered for policy in one.policies())


POLICIES: tuple[p.Policy, ...] = _policies()


def category(key: str) -> Category:
    for one in REGISTER:
        if one.key == key:
            return one
    raise KeyError(key)


def erase_order() -> list[Category]:
    return sorted(REGISTER, key=lambda one: one.erase_phase)


def policy_by_key(key: str) -> p.Policy:
    for policy in POLICIES:
        if policy.key == key:
            return policy
    raise KeyError(key)


def active_policies(policies: Sequence[p.Policy] = POLICIES) -> list[tuple[p.Policy, type]]:
    """The policies whose model exists here (sessions in the database, axes installed)."""
    found = []
    for policy in policies:
        model = policy.model()
        if model is not None:
            found.append((policy, model))
    return found
