"""Fachkunden (events.Qualification): Seminarverwaltung edits them, Auswertung sees them;
both see "Fachkunde läuft ab"."""

from django.db import migrations


def roles_update(apps, schema_editor):
    from kundenportal.backoffice.roles import roles_sync

    roles_sync(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("backoffice", "0001_staff_roles"),
        ("events", "0003_qualifications"),
        ("qualifications", "0002_expiry_overview"),
    ]

    operations = [migrations.RunPython(roles_update, migrations.RunPython.noop)]
