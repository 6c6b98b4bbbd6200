"""The table takes this app's name; permissions (and the roles holding them) move along."""

from django.db import migrations


def content_type_move(apps, schema_editor, *, old: str, new: str) -> None:
    # Moving the content type keeps its permissions' ids, so groups and users that may see
    # the jobs keep that right; on a new database there is nothing to move yet.
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label=new, model="periodicjob").exists():
        ContentType.objects.using(db).filter(app_label=old, model="periodicjob").update(
            app_label=new
        )


def forwards(apps, schema_editor):
    content_type_move(apps, schema_editor, old="notifications", new="worker")


def backwards(apps, schema_editor):
    content_type_move(apps, schema_editor, old="worker", new="notifications")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("notifications", "0003_periodicjob_to_worker"),
        ("worker", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelTable(name="periodicjob", table=None),
        migrations.RunPython(forwards, backwards),
    ]
