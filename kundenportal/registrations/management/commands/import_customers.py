"""python manage.py import_customers FILE.csv — existing customers and past participations."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kundenportal.registrations.customer_import import customers_import


class Command(BaseCommand):
    help = (
        "Importiert Bestandskunden (und optional ihre besuchten Veranstaltungen) aus einer "
        "CSV-Datei: UTF-8, Trennzeichen ';', Kopfzeile vorname;nachname;email;firma;strasse;"
        "plz;ort[;veranstaltungsnummer;titel;erster_tag;letzter_tag]. Jede Person erhält ein "
        "Konto; eine fehlerhafte Zeile verhindert den ganzen Import."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV-Datei")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="nur prüfen: alles durchrechnen, nichts speichern",
        )
        parser.add_argument(
            "--quiet-rows", action="store_true", help="nur die Summen, nicht jede Zeile ausgeben"
        )

    def handle(self, *args, file: Path, quiet_rows: bool = False, dry_run: bool = False, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Datei nicht lesbar: {exc}") from exc
        report = customers_import(data=data, dry_run=dry_run)
        if report.errors:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(report.errors)} fehlerhafte "
                f"{'Zeile' if len(report.errors) == 1 else 'Zeilen'}: nichts wurde importiert."
            )
        if not quiet_rows:
            for row in report.rows:
                participation = f", Teilnahme {row.participation}" if row.participation else ""
                self.stdout.write(
                    f"Zeile {row.line}: {row.name} → {row.username} "
                    f"({row.account_label}{participation})"
                )
        self.stdout.write(self.style.SUCCESS(report.summary))
