# PendingFileDeletion moved to the core app (core.files is used by every app that deletes
# files); rows still waiting are carried over before the old table goes.

from django.db import migrations


def carry_over(apps, schema_editor):
    old = apps.get_model("retention", "PendingFileDeletion")
    new = apps.get_model("core", "PendingFileDeletion")
    new.objects.bulk_create(
        new(
            field=row.field,
            name=row.name,
            attempts=row.attempts,
            last_error=row.last_error,
        )
        for row in old.objects.order_by("pk").iterator()
    )


def carry_back(apps, schema_editor):
    old = apps.get_model("retention", "PendingFileDeletion")
    new = apps.get_model("core", "PendingFileDeletion")
    old.objects.bulk_create(
        old(field=row.field, name=row.name, attempts=row.attempts, last_error=row.last_error)
        for row in new.objects.order_by("pk").iterator()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("retention", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(carry_over, carry_back),
        migrations.DeleteModel(name="PendingFileDeletion"),
    ]
