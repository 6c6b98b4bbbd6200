import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def backfill(apps, schema_editor):
    """Until now an account never changed its company, so its company is the one every
    booking of it was made under (a private booking had none)."""
    Participation = apps.get_model("registrations", "Participation")
    Person = apps.get_model("accounts", "Person")
    Participation.objects.using(schema_editor.connection.alias).filter(
        registration__is_private_address=False, person__company__isnull=False
    ).update(
        company_id=Subquery(Person.objects.filter(pk=OuterRef("person_id")).values("company_id"))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_bound_address"),
        ("companies", "0001_initial"),
        ("registrations", "0005_bind_known_addresses"),
    ]

    operations = [
        migrations.AddField(
            model_name="participation",
            name="company",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="participations",
                to="companies.company",
                verbose_name="Firma (bei der Anmeldung)",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
