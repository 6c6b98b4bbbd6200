"""The roles with the rights on the legal texts (Marketing keeps them, Auswertung reads)."""

from django.db import migrations


def roles_update(apps, schema_editor):
    from kundenportal.backoffice.roles import roles_sync

    roles_sync(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("backoffice", "0002_qualification_roles"),
        ("legal", "0001_initial"),
    ]

    operations = [migrations.RunPython(roles_update, migrations.RunPython.noop)]
