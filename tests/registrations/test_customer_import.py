import datetime as dt
import random
import time

import pytest
from django.core.management import CommandError, call_command

from kundenportal.accounts.models import Person
from kundenportal.audit.models import AuditEntry
from kundenportal.companies.models import Company
from kundenportal.events.models import Event
from kundenportal.registrations.customer_import import customers_import
from kundenportal.registrations.models import Participation
from tests.factories import CompanyFactory, EventFactory, PersonFactory

pytestmark = pytest.mark.django_db

HEADER = "vorname;nachname;email;firma;strasse;plz;ort"
HEADER_EVENTS = HEADER + ";veranstaltungsnummer;titel;erster_tag;letzter_tag"


def csv_bytes(*lines, bom=False):
    text = "\n".join(lines) + "\n"
    return (("\ufeff" if bom else "") + text).encode()


@pytest.mark.parametrize("bom", [False, True])
def test_import_creates_accounts_and_past_participations(bom):
    data = csv_bytes(
        HEADER_EVENTS,
        "Jürgen;Größe;j.groesse@example.org;Stadtwerke Görlitz;Demianiplatz 23;02826;Görlitz;"
        "W-2301;Abwassermeister Modul 3;10.03.2024;12.03.2024",
        "Anna Maria;von der Heide;;Stadtwerke Görlitz;Demianiplatz 23;02826;Görlitz;"
        "W-2301;Abwassermeister Modul 3;10.03.2024;12.03.2024",
        "Erika;Musterfrau;erika@example.org;;Hauptstr. 5;46485;Wesel;;;;",
        bom=bom,
    )
    report = customers_import(data=data)

    assert report.imported, report.errors
    assert [r.username for r in report.rows] == [
        "juergen.groesse",
        "anna-maria.von-der-heide",
        "erika.musterfrau",
    ]
    assert all(r.account_created for r in report.rows)
    event = Event.objects.get(number="W-2301")
    assert event.status == Event.Status.CONFIRMED
    assert event.first_day == dt.date(2024, 3, 10) and event.last_day == dt.date(2024, 3, 12)
    assert Participation.objects.filter(event=event, status="attended").count() == 2
    assert Company.objects.get().name == "Stadtwerke Görlitz"
    # Booked under the company of the file's row.
    assert {p.company.name for p in Participation.objects.filter(event=event)} == {
        "Stadtwerke Görlitz"
    }
    assert Person.objects.get(username="erika.musterfrau").company is None
    assert report.rows[2].participation == ""
    assert AuditEntry.objects.filter(action="customers.import").count() == 1


def test_new_accounts_of_an_import_are_logged_through_the_audit_service():
    from unittest import mock

    from kundenportal.audit import services

    data = csv_bytes(HEADER, "Erika;Musterfrau;erika@example.org;;Hauptstr. 5;46485;Wesel")
    with mock.patch.object(services, "_mask", wraps=services._mask) as mask:
        report = customers_import(data=data)
    assert report.imported, report.errors
    person = Person.objects.get(username="erika.musterfrau")
    entry = AuditEntry.objects.get(action="person.create")
    assert entry.object_id == str(person.pk) and entry.actor_label == "System"
    assert entry.data == {"source": "customers.import"}
    # Two entries written (the account, the import), both through the service's masking.
    assert mask.call_count == 2


def test_import_matches_existing_accounts_by_the_registration_rules():
    company = CompanyFactory(name="Stadtwerke Görlitz")
    existing = PersonFactory(
        first_name="Jürgen",
        last_name="Größe",
        username="juergen.groesse",
        company=company,
        postal_code="45127",
    )
    event = EventFactory(
        number="W-2301", first_day=dt.date(2024, 3, 10), last_day=dt.date(2024, 3, 12)
    )
    data = csv_bytes(
        HEADER_EVENTS,
        "JUERGEN;Groesse;;STADTWERKE goerlitz;Am Wasserwerk 1;45127;Essen;"
        "W-2301;Abwassermeister Modul 3;10.03.2024;12.03.2024",
        "Jürgen;Größe;;Andere Firma GmbH;Weg 1;45127;Essen;;;;",
        # The same row again: the participation is already there.
        "JUERGEN;Groesse;;STADTWERKE goerlitz;Am Wasserwerk 1;45127;Essen;"
        "W-2301;Abwassermeister Modul 3;10.03.2024;12.03.2024",
    )
    report = customers_import(data=data)
    assert report.imported, report.errors
    first, other, again = report.rows
    assert not first.account_created and first.username == existing.username
    assert first.participation == "angelegt"
    assert other.account_created and other.username == "juergen.groesse1"
    assert again.participation == "bereits vorhanden"
    assert Participation.objects.filter(event=event).count() == 1


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("123;Mustermann;;Firma;;;;;;;", "Vorname: Ein Name muss Buchstaben enthalten."),
        (";Mustermann;;Firma;;;;;;;", "Vorname: Bitte geben Sie den Namen an."),
        ("Max;Mustermann;kaputt@;Firma;;;;;;;", "keine gültige E-Mail-Adresse"),
        ("Max;Mustermann;;Firma;;;;X-1;Titel;31.02.2024;01.03.2024", "kein Datum"),
        ("Max;Mustermann;;Firma;;;;X-1;Titel;02.03.2024;01.03.2024", "vor dem ersten Tag"),
        ("Max;Mustermann;;Firma;;;;X-1;Titel;01.01.2099;02.01.2099", "nicht in der Vergangenheit"),
        ("Max;Mustermann;;Firma;;;;X-1;;01.03.2024;01.03.2024", "Titel fehlt"),
        ("Max;Mustermann;;Firma", "4 statt 11 Spalten"),
        ("M" * 300 + ";Mustermann;;Firma;;;;;;;", "länger als 150 Zeichen"),
        ("中" * 150 + ";Mustermann;;Firma;;;;;;;", "Der Name ist zu lang."),
        ("Max;Mustermann;;" + "中" * 60 + ";;;;;;;", "Der Firmenname ist zu lang."),
    ],
)
def test_a_bad_row_is_reported_with_line_and_nothing_is_imported(line, reason):
    data = csv_bytes(HEADER_EVENTS, "Erika;Musterfrau;;Firma;;;;;;;", line)
    report = customers_import(data=data)
    assert not report.imported
    assert [e.line for e in report.errors] == [3]
    assert reason in report.errors[0].reason
    assert not Person.objects.exists()
    assert not Company.objects.exists()
    assert not Event.objects.exists()


def test_bad_header_encoding_and_empty_file():
    assert "Kopfzeile" in customers_import(data=b"name;email\nMax;a@b.de\n").errors[0].reason
    assert (
        "UTF-8"
        in customers_import(data="vorname;nachname\n".encode("latin-1") + b"\xe4\n")
        .errors[0]
        .reason
    )
    assert "keine Datenzeilen" in customers_import(data=csv_bytes(HEADER)).errors[0].reason
    assert "leer" in customers_import(data=b"").errors[0].reason


def test_conflicting_event_data_in_file_or_database():
    EventFactory(number="W-1", first_day=dt.date(2024, 1, 1), last_day=dt.date(2024, 1, 1))
    data = csv_bytes(
        HEADER_EVENTS,
        "A;Eins;;F;;;;W-1;T;02.01.2024;02.01.2024",
    )
    assert "schon mit den Terminen 01.01.2024" in customers_import(data=data).errors[0].reason
    data = csv_bytes(
        HEADER_EVENTS,
        "A;Eins;;F;;;;W-2;T;02.01.2024;02.01.2024",
        "B;Zwei;;F;;;;W-2;T;03.01.2024;03.01.2024",
    )
    errors = customers_import(data=data).errors
    assert errors[0].line == 3 and "anderen Titel oder andere Termine" in errors[0].reason


def test_command_prints_report_and_fails_on_bad_rows(tmp_path, capsys):
    good = tmp_path / "kunden.csv"
    good.write_bytes(csv_bytes(HEADER, "Max;Mustermann;;Firma;;;"))
    call_command("import_customers", str(good))
    out = capsys.readouterr().out
    assert "Zeile 2: Max Mustermann → max.mustermann (neu angelegt)" in out
    bad = tmp_path / "kaputt.csv"
    bad.write_bytes(csv_bytes(HEADER, "Max;;;Firma;;;"))
    with pytest.raises(CommandError, match="nichts wurde importiert"):
        call_command("import_customers", str(bad))
    assert "Zeile 2: Nachname" in capsys.readouterr().err


def realistic_file(rows: int) -> bytes:
    rng = random.Random(7)
    first = ["Max", "Jürgen", "Anna Maria", "Özlem", "Björn", "Käthe", "Łukasz", "Zoë", "Иван"]
    last = ["Mustermann", "Größe", "von der Heide", "Yıldız", "Schäfer", "Müller", "Nowak"]
    lines = [HEADER_EVENTS]
    for i in range(rows):
        event = rng.randrange(40)
        day = f"{1 + event % 27:02d}.{1 + event % 12:02d}.2024"
        lines.append(
            f"{rng.choice(first)};{rng.choice(last)};p{i}@example.org;"
            f"Stadtwerke Nummer {rng.randrange(250)} GmbH;Hauptstraße {i % 90 + 1};"
            f"{45000 + i % 900:05d};Essen;ALT-{event:03d};Fachkunde Teil {event};{day};{day}"
        )
    return csv_bytes(*lines, bom=True)


def test_realistic_file_of_5000_rows():
    data = realistic_file(5000)
    started = time.perf_counter()
    report = customers_import(data=data)
    elapsed = time.perf_counter() - started
    assert report.imported, report.errors[:3]
    assert len(report.rows) == 5000
    usernames = list(Person.objects.values_list("username", flat=True))
    assert len(usernames) == len(set(usernames)) == report.accounts_created
    assert report.accounts_created + report.accounts_matched == 5000
    assert Participation.objects.filter(status="attended").count() == (
        report.participations_created
    )
    assert Event.objects.count() == 40
    # Generous bound for slow CI machines; typical runs are far below (see bench/README.md).
    assert elapsed < 60


def test_dry_run_reports_everything_and_stores_nothing(tmp_path, capsys):
    data = csv_bytes(
        HEADER_EVENTS,
        "Max;Mustermann;;Firma;;;;W-1;Titel;01.03.2024;01.03.2024",
        "Max;Mustermann;;Andere Firma;;;;W-1;Titel;01.03.2024;01.03.2024",
    )
    report = customers_import(data=data, dry_run=True)
    assert report.imported and report.dry_run
    assert [r.username for r in report.rows] == ["max.mustermann", "max.mustermann1"]
    assert "Probelauf, nichts gespeichert" in report.summary
    assert not Person.objects.exists() and not Event.objects.exists()
    assert not AuditEntry.objects.exists()
    # The real run afterwards issues the same names (the dry run used none up).
    assert [r.username for r in customers_import(data=data).rows] == [
        "max.mustermann",
        "max.mustermann1",
    ]
    file = tmp_path / "k.csv"
    file.write_bytes(csv_bytes(HEADER, "Erika;Musterfrau;;;;;"))
    call_command("import_customers", str(file), "--dry-run")
    assert "Probelauf" in capsys.readouterr().out
    assert not Person.objects.filter(last_name="Musterfrau").exists()
