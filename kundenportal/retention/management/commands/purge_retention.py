"""Delete what the retention periods no longer allow; ``--dry-run`` only counts.

The worker runs the same purge daily (job "retention.purge", RETENTION_RUN_AT); running it by
hand at the same time is safe: the second run stops at once.
"""

from django.core.management.base import BaseCommand, CommandError

from kundenportal.core.formatting import date_text
from kundenportal.privacy.register import POLICIES
from kundenportal.retention.services import PurgeAlreadyRunning, retention_purge


class Command(BaseCommand):
    help = "Löscht Daten, deren Aufbewahrungsfrist abgelaufen ist (--dry-run: nur zählen)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Nur zählen, was gelöscht würde; nichts ändern.",
        )
        parser.add_argument("--batch-size", type=int, default=None, help="Zeilen je Transaktion.")

    def handle(self, *args, dry_run: bool, batch_size: int | None, **options):
        if batch_size is not None and batch_size < 1:
            raise CommandError("--batch-size muss mindestens 1 sein.")
        try:
            result = retention_purge(dry_run=dry_run, batch_size=batch_size)
        except PurgeAlreadyRunning as exc:
            raise CommandError(str(exc)) from exc
        labels = {policy.key: str(policy.label) for policy in POLICIES}
        width = max(len(label) for label in labels.values())
        verb = "würden gelöscht" if dry_run else "gelöscht"
        self.stdout.write(
            f"Aufbewahrung, Stand {date_text(result.moment.today)}"
            + (" (Probelauf, nichts geändert)" if dry_run else "")
        )
        for key, count in result.counts.items():
            self.stdout.write(f"  {labels[key]:<{width}}  {count:>9} {verb}")
        self.stdout.write(f"  {'Zusammen':<{width}}  {result.total:>9} {verb}")
        if not dry_run:
            self.stdout.write(
                f"Dateien gelöscht: {result.files_deleted}, noch ausstehend: "
                f"{result.files_pending}; Dauer {result.seconds:.1f} s"
            )
