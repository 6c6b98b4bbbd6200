from django.db import migrations, models

import kundenportal.documents.models


def fill_codes(apps, schema_editor):
    Certificate = apps.get_model("documents", "Certificate")
    for certificate in Certificate.objects.filter(verification_code__isnull=True).iterator():
        certificate.verification_code = kundenportal.documents.models.new_verification_code()
        certificate.save(update_fields=["verification_code"])


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="verification_code",
            field=models.CharField(
                editable=False, max_length=24, null=True, verbose_name="Prüfcode"
            ),
        ),
        migrations.RunPython(fill_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="certificate",
            name="verification_code",
            field=models.CharField(
                default=kundenportal.documents.models.new_verification_code,
                editable=False,
                max_length=24,
                unique=True,
                verbose_name="Prüfcode",
            ),
        ),
    ]
