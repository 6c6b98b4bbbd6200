"""The periodic jobs' bookkeeping belongs to the scheduler (``worker``): state only here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_outbox_worker"),
        ("worker", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="PeriodicJob")],
        ),
    ]
