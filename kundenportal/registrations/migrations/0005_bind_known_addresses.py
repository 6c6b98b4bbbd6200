"""Bind the addresses existing accounts already trust: the correspondence address of the
booking that created each account, and every address that received its credentials (a
participation whose Durchführungsbestätigung went out)."""

from django.db import migrations


def bind(apps, schema_editor):
    Participation = apps.get_model("registrations", "Participation")
    BoundAddress = apps.get_model("accounts", "BoundAddress")
    seen: set[tuple[int, str]] = set()
    rows = []

    def add(person_id: int, email: str, source: str) -> None:
        email = (email or "").strip().lower()
        if email and (person_id, email) not in seen:
            seen.add((person_id, email))
            rows.append(BoundAddress(person_id=person_id, email=email, source=source))

    first: set[int] = set()
    participations = (
        Participation.objects.filter(person__is_staff=False)
        .order_by("person_id", "registration__created_at", "id")
        .values_list(
            "person_id", "registration__correspondence_email", "email", "confirmation_sent_at"
        )
    )
    for person_id, correspondence, own, sent_at in participations.iterator(chunk_size=2000):
        if person_id not in first:
            first.add(person_id)
            add(person_id, correspondence, "registered")
        if sent_at is not None:
            add(person_id, correspondence, "credentials")
            add(person_id, own, "credentials")
        if len(rows) >= 2000:
            BoundAddress.objects.bulk_create(rows)
            rows.clear()
    BoundAddress.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0004_participation_rebooking_and_exports"),
        ("accounts", "0004_bound_address"),
    ]

    operations = [migrations.RunPython(bind, migrations.RunPython.noop)]
