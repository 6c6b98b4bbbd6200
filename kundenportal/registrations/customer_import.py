"""Import of existing customers and their past participations from a CSV file.

FAQ: "Sind Sie Kunde/Kundin, wurde für Sie bereits ein Konto angelegt." Every row becomes an
account by the same rules as a registration (same name at the same company → reused).

The file is UTF-8 (with or without BOM), ``;``-separated, with the header
``vorname;nachname;email;firma;strasse;plz;ort`` and optionally
``veranstaltungsnummer;titel;erster_tag;letzter_tag`` (dates ``TT.MM.JJJJ``). All rows are
checked first; a file with any bad row imports nothing, and the report names line and reason.
"""

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kundenportal.accounts.models import Person
from kundenportal.accounts.usernames import usernames_issue_many
from kundenportal.audit.services import audit_log, audit_log_many
from kundenportal.companies.models import Company
from kundenportal.companies.services import company_resolve
from kundenportal.core.formatting import date_text
from kundenportal.core.text import match_key
from kundenportal.events.models import Event

from .forms import MAX_COMPANY_KEY_LENGTH, clean_person_name
from .models import Participation, Registration
from .services.resolution import AddressData, ParticipantData, person_match, person_reuse

REQUIRED_COLUMNS = ("vorname", "nachname", "email", "firma", "strasse", "plz", "ort")
EVENT_COLUMNS = ("veranstaltungsnummer", "titel", "erster_tag", "letzter_tag")
MAX_ROWS = 100_000
IMPORT_REMARK = "Übernommen aus dem Import von Bestandskunden"


@dataclass
class ImportRow:
    line: int
    first_name: str
    last_name: str
    email: str
    company_name: str
    street: str
    postal_code: str
    city: str
    event_number: str = ""
    event_title: str = ""
    first_day: dt.date | None = None
    last_day: dt.date | None = None


@dataclass
class RowError:
    line: int
    reason: str

    def __str__(self) -> str:
        return (
            _("Zeile %(line)d: %(reason)s") % {"line": self.line, "reason": self.reason}
            if self.line
            else self.reason
        )


@dataclass
class RowResult:
    line: int
    name: str
    username: str
    account_created: bool
    participation: str = ""  # "angelegt", "bereits vorhanden" or "" (no event in the row)

    @property
    def account_label(self) -> str:
        return _("neu angelegt") if self.account_created else _("vorhandenes Konto")


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)
    events_created: int = 0
    dry_run: bool = False

    @property
    def imported(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def accounts_created(self) -> int:
        return sum(r.account_created for r in self.rows)

    @property
    def accounts_matched(self) -> int:
        return sum(not r.account_created for r in self.rows)

    @property
    def participations_created(self) -> int:
        return sum(r.participation == "angelegt" for r in self.rows)

    @property
    def summary(self) -> str:
        if self.dry_run:
            return _(
                "Probelauf, nichts gespeichert: %(rows)d Zeilen geprüft, %(created)d Konten "
                "würden neu angelegt, %(matched)d vorhandenen Konten zugeordnet."
            ) % {
                "rows": len(self.rows),
                "created": self.accounts_created,
                "matched": self.accounts_matched,
            }
        return _(
            "%(rows)d Zeilen importiert: %(created)d Konten neu angelegt, %(matched)d "
            "vorhandenen Konten zugeordnet, %(participations)d Teilnahmen und %(events)d "
            "Veranstaltungen angelegt."
        ) % {
            "rows": len(self.rows),
            "created": self.accounts_created,
            "matched": self.accounts_matched,
            "participations": self.participations_created,
            "events": self.events_created,
        }


def _date(value: str, label: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%d.%m.%Y").date()  # noqa: DTZ007 (a date only)
    except ValueError as exc:
        raise ValidationError(
            _("%(label)s „%(value)s“ ist kein Datum im Format TT.MM.JJJJ.")
            % {"label": label, "value": value}
        ) from exc


def _validate_row(values: dict[str, str], line: int, today: dt.date) -> ImportRow:
    errors = []

    def name(key: str, label: str) -> str:
        try:
            return clean_person_name(values[key])
        except ValidationError as exc:
            errors.append(f"{label}: {' '.join(exc.messages)}")
            return ""

    first_name = name("vorname", _("Vorname"))
    last_name = name("nachname", _("Nachname"))
    for key, label, limit in (
        ("vorname", _("Vorname"), 150),
        ("nachname", _("Nachname"), 150),
        ("firma", _("Firma"), 200),
        ("strasse", _("Straße"), 200),
        ("plz", _("PLZ"), 20),
        ("ort", _("Ort"), 100),
        ("email", "E-Mail-Adresse", 254),
    ):
        if len(values[key]) > limit:
            errors.append(
                _("%(label)s ist länger als %(limit)d Zeichen.") % {"label": label, "limit": limit}
            )
    email = values["email"]
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(_("„%(email)s“ ist keine gültige E-Mail-Adresse.") % {"email": email})
    row = ImportRow(
        line=line,
        first_name=first_name,
        last_name=last_name,
        email=email,
        company_name=values["firma"],
        street=values["strasse"],
        postal_code=values["plz"],
        city=values["ort"],
    )
    if values["firma"] and not match_key(values["firma"]):
        errors.append(_("Die Firma enthält keine Buchstaben oder Ziffern."))
    elif len(match_key(values["firma"])) > MAX_COMPANY_KEY_LENGTH:
        errors.append(_("Der Firmenname ist zu lang."))
    event_values = [values.get(key, "") for key in EVENT_COLUMNS]
    if any(event_values):
        number, title, first, last = event_values
        if not number:
            errors.append(_("Die Veranstaltungsnummer fehlt."))
        elif len(number) > 30:
            errors.append(_("Die Veranstaltungsnummer ist länger als 30 Zeichen."))
        if len(title) > 200:
            errors.append(_("Der Titel ist länger als 200 Zeichen."))
        try:
            row.first_day = _date(first, _("Erster Tag"))
            row.last_day = _date(last, _("Letzter Tag"))
        except ValidationError as exc:
            errors.extend(exc.messages)
        else:
            if row.last_day < row.first_day:
                errors.append(_("Der letzte Tag liegt vor dem ersten Tag."))
            elif row.last_day >= today:
                errors.append(_("Die Veranstaltung liegt nicht in der Vergangenheit."))
        row.event_number, row.event_title = number, title
    if errors:
        raise ValidationError(errors)
    return row


def customers_parse(data: bytes) -> tuple[list[ImportRow], list[RowError]]:
    """Read and check every row; nothing is written."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [RowError(0, _("Die Datei ist nicht UTF-8-kodiert. Bitte als UTF-8 speichern."))]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    try:
        header = next(reader)
    except StopIteration:
        return [], [RowError(0, _("Die Datei ist leer."))]
    except csv.Error as exc:
        return [], [RowError(1, _("Die Zeile ist kein gültiges CSV (%(error)s).") % {"error": exc})]
    columns = [c.strip().lower() for c in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    unknown = [c for c in columns if c not in REQUIRED_COLUMNS + EVENT_COLUMNS]
    partial_event = (
        [c for c in EVENT_COLUMNS if c not in columns]
        if any(c in columns for c in EVENT_COLUMNS)
        else []
    )
    if missing or unknown or partial_event or len(set(columns)) != len(columns):
        reason = _("Die Kopfzeile muss lauten: %(required)s (optional: ;%(optional)s).") % {
            "required": ";".join(REQUIRED_COLUMNS),
            "optional": ";".join(EVENT_COLUMNS),
        }
        if missing or partial_event:
            reason += " " + _("Es fehlt: %(columns)s.") % {
                "columns": ", ".join(missing + partial_event)
            }
        if unknown:
            reason += " " + _("Unbekannt: %(columns)s.") % {"columns": ", ".join(unknown)}
        return [], [RowError(1, reason)]

    rows: list[ImportRow] = []
    errors: list[RowError] = []
    events: dict[str, ImportRow] = {}
    today = timezone.localdate()
    line = 1
    while True:
        try:
            raw = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(
                RowError(
                    reader.line_num,
                    _("Die Zeile ist kein gültiges CSV (%(error)s).") % {"error": exc},
                )
            )
            break
        line = reader.line_num
        if not any(cell.strip() for cell in raw):
            continue
        if len(raw) != len(columns):
            errors.append(
                RowError(
                    line,
                    _("%(found)d statt %(expected)d Spalten (Trennzeichen „;“).")
                    % {"found": len(raw), "expected": len(columns)},
                )
            )
            continue
        values = {col: " ".join(cell.split()) for col, cell in zip(columns, raw, strict=True)}
        try:
            row = _validate_row(values, line, today)
        except ValidationError as exc:
            errors.append(RowError(line, " ".join(exc.messages)))
            continue
        if row.event_number:
            seen = events.setdefault(row.event_number, row)
            if (seen.event_title, seen.first_day, seen.last_day) != (
                row.event_title,
                row.first_day,
                row.last_day,
            ):
                errors.append(
                    RowError(
                        line,
                        _(
                            "Veranstaltung %(number)s hat in Zeile %(line)d einen anderen "
                            "Titel oder andere Termine."
                        )
                        % {"number": row.event_number, "line": seen.line},
                    )
                )
                continue
        rows.append(row)
        if len(rows) > MAX_ROWS:
            errors.append(
                RowError(line, _("Mehr als %(max)d Zeilen; bitte teilen.") % {"max": MAX_ROWS})
            )
            break
    if not rows and not errors:
        errors.append(RowError(0, _("Die Datei enthält keine Datenzeilen.")))
    return rows, errors


def _events_check(rows: list[ImportRow]) -> tuple[dict[str, Event], list[RowError]]:
    numbers = {r.event_number for r in rows if r.event_number}
    existing = {e.number: e for e in Event.objects.filter(number__in=numbers)}
    errors = []
    reported: set[str] = set()
    for row in rows:
        event = existing.get(row.event_number)
        if event is None or row.event_number in reported:
            continue
        if (event.first_day, event.last_day) != (row.first_day, row.last_day):
            reported.add(row.event_number)
            errors.append(
                RowError(
                    row.line,
                    _(
                        "Veranstaltung %(number)s ist schon mit den Terminen "
                        "%(first)s–%(last)s gespeichert."
                    )
                    % {
                        "number": event.number,
                        "first": date_text(event.first_day),
                        "last": date_text(event.last_day),
                    },
                )
            )
    unknown_without_title = [
        r for r in rows if r.event_number and r.event_number not in existing and not r.event_title
    ]
    for row in unknown_without_title:
        errors.append(
            RowError(
                row.line,
                _("Veranstaltung %(number)s ist unbekannt: Titel fehlt.")
                % {"number": row.event_number},
            )
        )
    return existing, errors


def customers_import(
    *, data: bytes, actor: Any | None = None, dry_run: bool = False
) -> ImportReport:
    """Check the whole file, then import it in one transaction, or nothing at all.

    With ``dry_run`` the import runs completely and is then rolled back: the report shows
    exactly what would be created and matched, and nothing is stored.
    """
    rows, errors = customers_parse(data)
    if errors:
        return ImportReport(errors=errors)
    events, errors = _events_check(rows)
    if errors:
        return ImportReport(errors=errors)
    with transaction.atomic():
        report = _import(rows, events, actor=actor)
        if dry_run:
            transaction.set_rollback(True)
            report.dry_run = True
    return report


def _persons_preload(rows: list[ImportRow]) -> dict[str, list[Person]]:
    """Every account that any row may match, by normalised name, oldest first."""
    keys = list({match_key(f"{r.first_name} {r.last_name}") for r in rows})
    by_key: dict[str, list[Person]] = defaultdict(list)
    for start in range(0, len(keys), 2000):
        for person in Person.objects.filter(
            name_key__in=keys[start : start + 2000], is_active=True, is_staff=False
        ).order_by("id"):
            by_key[person.name_key].append(person)
    return by_key


@transaction.atomic
def _import(rows: list[ImportRow], events: dict[str, Event], *, actor: Any) -> ImportReport:
    """Resolve every row like a registration would, but in batches (thousands of rows).

    Rows are resolved in file order against the accounts already stored plus those created
    by earlier rows, with the same matching rule as a registration (``person_match``); new
    accounts get their usernames in one batch and are inserted together.
    """
    report = ImportReport()
    for row in rows:
        if row.event_number and row.event_number not in events:
            capacity = sum(1 for r in rows if r.event_number == row.event_number)
            events[row.event_number] = Event.objects.create(
                number=row.event_number,
                title=row.event_title,
                first_day=row.first_day,
                last_day=row.last_day,
                capacity=max(capacity, 1),
                price=0,
                status=Event.Status.CONFIRMED,
            )
            report.events_created += 1

    companies: dict[str, Company] = {}
    company_keys = list({match_key(r.company_name) for r in rows if r.company_name})
    for start in range(0, len(company_keys), 2000):
        for company in Company.objects.filter(
            name_key__in=company_keys[start : start + 2000]
        ).order_by("-id"):
            companies[company.name_key] = company  # the oldest wins, as in company_resolve
    candidates = _persons_preload(rows)

    resolved: list[tuple[ImportRow, AddressData, ParticipantData, Person, bool]] = []
    new_people: list[Person] = []
    for row in rows:
        address = AddressData(
            company_name=row.company_name,
            is_private=not row.company_name,
            street=row.street,
            postal_code=row.postal_code,
            city=row.city,
        )
        fields = address.fields()
        company = None
        if row.company_name:
            key = match_key(row.company_name)
            if key not in companies:
                companies[key] = company_resolve(
                    name=row.company_name, address=fields, actor=actor
                )[0]
            company = companies[key]
        participant = ParticipantData(
            first_name=row.first_name, last_name=row.last_name, email=row.email
        )
        name_key = match_key(f"{row.first_name} {row.last_name}")
        person = person_match(candidates=candidates[name_key], company=company, fields=fields)
        created = person is None
        if person is None:
            person = Person(
                first_name=row.first_name,
                last_name=row.last_name,
                email=row.email,
                company=company,
                # Person.save() sets it; bulk_create does not call save().
                name_key=name_key,
                **fields,
            )
            person.set_unusable_password()
            candidates[name_key].append(person)
            new_people.append(person)
        resolved.append((row, address, participant, person, created))

    usernames = usernames_issue_many(names=[(p.first_name, p.last_name) for p in new_people])
    for person, username in zip(new_people, usernames, strict=True):
        person.username = username
    Person.objects.bulk_create(new_people, batch_size=500)
    audit_log_many(
        actor=actor,
        action="person.create",
        objects=new_people,
        data={"source": "customers.import"},
    )

    active = set(
        Participation.objects.filter(event__in=events.values())
        .exclude(status=Participation.Status.CANCELLED)
        .values_list("event_id", "person_id")
    )
    pending: list[tuple[Registration, Participation]] = []
    for row, address, participant, person, created in resolved:
        if not created:
            # The file comes from staff: its e-mail may fill an empty account address.
            person_reuse(
                person=person,
                participant=participant,
                company=person.company,
                address=address,
                email_trusted=True,
            )
        result = RowResult(
            line=row.line,
            name=f"{row.first_name} {row.last_name}",
            username=person.username,
            account_created=created,
        )
        if row.event_number:
            event = events[row.event_number]
            if (event.pk, person.pk) in active:
                result.participation = "bereits vorhanden"
            else:
                active.add((event.pk, person.pk))
                result.participation = "angelegt"
                pending.append(
                    (
                        Registration(
                            event=event,
                            correspondence_email=row.email,
                            company_name=row.company_name,
                            is_private_address=address.is_private,
                            remarks=IMPORT_REMARK,
                            **address.fields(),
                        ),
                        Participation(
                            event=event,
                            person=person,
                            company=person.company,
                            status=Participation.Status.ATTENDED,
                            email=row.email,
                        ),
                    )
                )
        report.rows.append(result)

    Registration.objects.bulk_create([r for r, _ in pending], batch_size=500)
    for registration, participation in pending:
        participation.registration = registration
    Participation.objects.bulk_create([p for _, p in pending], batch_size=500)
    audit_log(
        actor=actor,
        action="customers.import",
        data={
            "rows": len(report.rows),
            "accounts_created": report.accounts_created,
            "accounts_matched": report.accounts_matched,
            "participations_created": report.participations_created,
            "events_created": report.events_created,
        },
    )
    return report
