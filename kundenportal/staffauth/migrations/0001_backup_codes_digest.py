"""Backup codes stored in plain text become their digest (``services.backup_token_stored``),
so the codes staff hold keep working.

A token of 16 hex characters is taken for a digest already and left alone: codes issued here
are 8 characters of Base32 (``StaticToken.random_token``), so only a code typed in by hand could
look like one. That keeps the migration safe to run again (after going back, or over tokens
issued by the new code). Going back changes nothing: a digest cannot be turned into its code.
"""

from django.db import migrations


def tokens_digest(apps, schema_editor):
    from kundenportal.staffauth.services import backup_token_stored

    StaticToken = apps.get_model("otp_static", "StaticToken")
    changed = []
    for token in StaticToken.objects.only("token"):
        stored = backup_token_stored(token.token)
        if stored != token.token:
            token.token = stored
            changed.append(token)
    StaticToken.objects.bulk_update(changed, ["token"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("otp_static", "0003_add_timestamps")]

    operations = [migrations.RunPython(tokens_digest, migrations.RunPython.noop)]
