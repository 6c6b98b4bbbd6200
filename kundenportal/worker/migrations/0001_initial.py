"""The scheduler's bookkeeping moves here from ``notifications``: state only, the table stays.

The next migration gives the table this app's name.
"""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("notifications", "0002_outbox_worker"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="PeriodicJob",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "name",
                            models.CharField(max_length=100, unique=True, verbose_name="Name"),
                        ),
                        (
                            "due_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="Fällig ab"
                            ),
                        ),
                        (
                            "locked_until",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="Gesperrt bis"
                            ),
                        ),
                        (
                            "last_started_at",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="Zuletzt gestartet"
                            ),
                        ),
                        (
                            "last_finished_at",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="Zuletzt beendet"
                            ),
                        ),
                        (
                            "last_status",
                            models.CharField(
                                blank=True, max_length=20, verbose_name="Letztes Ergebnis"
                            ),
                        ),
                        ("last_error", models.TextField(blank=True, verbose_name="Letzter Fehler")),
                        ("runs", models.PositiveIntegerField(default=0, verbose_name="Läufe")),
                    ],
                    options={
                        "verbose_name": "Regelmäßige Aufgabe",
                        "verbose_name_plural": "Regelmäßige Aufgaben",
                        "ordering": ["name"],
                        "db_table": "notifications_periodicjob",
                    },
                ),
            ],
        ),
    ]
