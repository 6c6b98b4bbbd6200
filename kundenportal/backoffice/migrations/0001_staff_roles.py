"""The staff roles Marketing, Seminarverwaltung and Auswertung as groups (backoffice/roles.py)."""

from django.db import migrations


def roles_create(apps, schema_editor):
    from kundenportal.backoffice.roles import roles_sync

    roles_sync(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("accounts", "0003_workflow_permissions"),
        ("audit", "0001_initial"),
        ("companies", "0001_initial"),
        ("documents", "0003_certificate_revocation"),
        ("events", "0002_workflow_permissions"),
        ("notifications", "0002_outbox_worker"),
        ("privacy", "0001_initial"),
        ("registrations", "0004_participation_rebooking_and_exports"),
        ("retention", "0001_initial"),
    ]

    operations = [migrations.RunPython(roles_create, migrations.RunPython.noop)]
