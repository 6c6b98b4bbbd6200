from django.db.models import Count, Q

from kundenportal.accounts.models import Person
from kundenportal.registrations.models import Participation

from .models import DeletionRequest


def deletion_request_open(*, person) -> DeletionRequest | None:
    """The person's open request to delete the account, if any."""
    return (
        DeletionRequest.objects.filter(person=person, status=DeletionRequest.Status.OPEN)
        .only("id", "created_at")
        .first()
    )


def accounts_merge_preview(*, persons: list) -> list:
    """The accounts side by side for "Konten zusammenführen", in the given order, each with
    ``participation_count``, ``certificate_count``, ``address_change_count`` and ``events``
    (event numbers of its active participations)."""
    rows = {
        p.pk: p
        for p in Person.objects.filter(pk__in=[p.pk for p in persons])
        .select_related("company")
        .annotate(
            participation_count=Count("participations", distinct=True),
            certificate_count=Count(
                "participations__certificate",
                filter=Q(participations__certificate__isnull=False),
                distinct=True,
            ),
            address_change_count=Count("address_changes", distinct=True),
        )
    }
    events: dict[int, list[str]] = {}
    for person_id, number in (
        Participation.objects.filter(person_id__in=rows)
        .exclude(status=Participation.Status.CANCELLED)
        .order_by("event__first_day")
        .values_list("person_id", "event__number")
    ):
        events.setdefault(person_id, []).append(number)
    result = []
    for p in persons:
        row = rows[p.pk]
        row.events = events.get(p.pk, [])
        result.append(row)
    return result


def events_booked_twice(*, rows: list) -> list[str]:
    """Event numbers that more than one of the accounts booked (one participation stays)."""
    seen: dict[str, int] = {}
    for row in rows:
        for number in set(row.events):
            seen[number] = seen.get(number, 0) + 1
    return sorted(n for n, count in seen.items() if count > 1)
