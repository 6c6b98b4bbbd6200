"""Merging several accounts of one person into one ("Konten zusammenführen").

FAQ: "Ich habe mehrere Konten, kann ich diese zusammenführen? Ja, bitte melden Sie sich dazu
telefonisch im Marketing. Halten Sie dafür bitte Ihre zusammenzuführenden Benutzernamen
bereit."
"""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kundenportal.accounts.models import Person
from kundenportal.accounts.sessions import sessions_end
from kundenportal.audit.services import audit_log, audit_log_bulk, audit_username_hash
from kundenportal.core.files import file_delete_after_commit
from kundenportal.documents.models import Certificate
from kundenportal.registrations.models import Participation

from .erasure import merged_accounts_forget
from .guards import staff_refusal
from .register import REGISTER

# Which of two participations in the same event is kept: the one that proves more.
_STATUS_RANK = {
    Participation.Status.ATTENDED: 4,
    Participation.Status.CONFIRMED: 3,
    Participation.Status.REGISTERED: 2,
    Participation.Status.WAITLISTED: 1,
    Participation.Status.CANCELLED: 0,
}


def usernames_parse(text: str) -> list[str]:
    """ "max.mustermann, max.mustermann1" (commas, blanks or lines) → unique, lower case."""
    seen: list[str] = []
    for part in text.replace(",", " ").replace(";", " ").split():
        name = part.strip().lower()
        if name and name not in seen:
            seen.append(name)
    return seen


def accounts_for_usernames(*, usernames: list[str]) -> list[Person]:
    """The accounts in the order given; a German error names each username that is unknown."""
    found = {
        p.username: p
        for p in Person.objects.filter(username__in=usernames).select_related("company")
    }
    missing = [u for u in usernames if u not in found]
    if missing:
        raise ValidationError(
            _(
                "Kein Konto mit dem Benutzernamen %(names)s gefunden. Bitte prüfen Sie die Schreibweise."
            )
            % {"names": ", ".join(f"„{u}“" for u in missing)}
        )
    return [found[u] for u in usernames]


@dataclass
class DuplicateResolved:
    event: str
    kept_username: str
    kept_status: str
    removed_username: str
    removed_status: str


@dataclass
class MergeResult:
    survivor: Person
    merged_usernames: list[str]
    moved: dict[str, int] = field(default_factory=dict)
    duplicates: list[DuplicateResolved] = field(default_factory=list)
    sessions_ended: int = 0


def _participation_rank(p: Participation, has_certificate: bool) -> tuple:
    return (
        has_certificate,
        _STATUS_RANK.get(p.status, 0),
        p.confirmation_sent_at is not None,
        -p.pk,
    )


@transaction.atomic
def accounts_merge(*, survivor_username: str, usernames: list[str], actor: Any) -> MergeResult:
    """Merge the accounts ``usernames`` into the one named ``survivor_username``.

    Participations (with their certificates), address changes, deletion requests and any
    other data that hangs on the merged accounts move to the survivor; where both booked
    the same event, the participation that proves more (certificate, attended, confirmed)
    stays and the other is removed. The merged accounts are deleted and their sessions end;
    their usernames are never issued again (``UsernameSeries``). The survivor keeps its
    username and password; empty contact fields are filled from the merged accounts.
    """
    usernames = [u.strip().lower() for u in usernames if u.strip()]
    survivor_username = survivor_username.strip().lower()
    if survivor_username not in usernames:
        usernames = [survivor_username, *usernames]
    if len(set(usernames)) < 2:
        raise ValidationError(_("Bitte geben Sie mindestens zwei verschiedene Benutzernamen an."))
    accounts = accounts_for_usernames(usernames=usernames)
    for account in accounts:
        staff_refusal(account)
    # Lock in a fixed order so two staff merging overlapping accounts cannot deadlock.
    locked = {
        p.pk: p
        for p in Person.objects.select_for_update()
        .filter(pk__in=[a.pk for a in accounts])
        .order_by("pk")
    }
    gone = [a.username for a in accounts if a.pk not in locked]
    if gone:
        # Merged or deleted by someone else a moment ago (we waited for their lock).
        raise ValidationError(
            _("Das Konto %(names)s wurde inzwischen zusammengeführt oder gelöscht.")
            % {"names": ", ".join(gone)}
        )
    survivor = next(locked[a.pk] for a in accounts if a.username == survivor_username)
    merged = [locked[a.pk] for a in accounts if a.pk != survivor.pk]
    merged_ids = [p.pk for p in merged]
    result = MergeResult(survivor=survivor, merged_usernames=[p.username for p in merged])
    moved: Counter[str] = Counter()

    # Participations: one active participation per person and event.
    participations = list(
        Participation.objects.select_for_update()
        .filter(person_id__in=[survivor.pk, *merged_ids])
        .select_related("event", "person")
        .order_by("pk")
    )
    with_certificate = set(
        Certificate.objects.filter(participation__in=participations).values_list(
            "participation_id", flat=True
        )
    )
    by_event: dict[int, list[Participation]] = {}
    for p in participations:
        if p.status != Participation.Status.CANCELLED:
            by_event.setdefault(p.event_id, []).append(p)
    removed: list[Participation] = []
    for group in by_event.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda p: _participation_rank(p, p.pk in with_certificate), reverse=True)
        kept = group[0]
        for other in group[1:]:
            removed.append(other)
            result.duplicates.append(
                DuplicateResolved(
                    event=f"{kept.event.number} {kept.event.title}",
                    kept_username=kept.person.username,
                    kept_status=kept.get_status_display(),
                    removed_username=other.person.username,
                    removed_status=other.get_status_display(),
                )
            )
    file_delete_after_commit(
        files=[c.file for c in Certificate.objects.filter(participation__in=removed)]
    )
    if removed:
        Participation.objects.filter(pk__in=[p.pk for p in removed]).delete()
    moved["Bescheinigungen"] = (
        Certificate.objects.filter(participation__person_id__in=merged_ids)
        .exclude(participation__in=removed)
        .count()
    )
    # Every category of the register moves its rows of the merged accounts to the survivor
    # (participations with their certificates, address changes, bound addresses, deletion
    # requests with at most one open); the logs stay as they were.
    for category in REGISTER:
        n = category.merge(survivor=survivor, merged_ids=merged_ids, actor=actor)
        if n:
            moved[category.label] += n

    # The survivor keeps its own data; empty fields are filled from the merged accounts.
    fill = ["email", "salutation", "title", "company", *Person.ADDRESS_FIELDS]
    changed = []
    for name in fill:
        if not getattr(survivor, name):
            value = next((getattr(p, name) for p in merged if getattr(p, name)), None)
            if value:
                setattr(survivor, name, value)
                changed.append(name)
    logins = [p.last_login for p in [survivor, *merged] if p.last_login]
    if logins and max(logins) != survivor.last_login:
        survivor.last_login = max(logins)
        changed.append("last_login")
    if changed:
        survivor.save(update_fields=changed)

    result.sessions_ended = sessions_end(person_ids=merged_ids)
    # No record keeps the merged usernames (the log keeps their keyed hashes, so a search for
    # an old username still finds the merge).
    merged_accounts_forget(merged=merged, survivor=survivor)
    for person in merged:
        person.delete()
    result.moved = {k: v for k, v in moved.items() if v}
    audit_log_bulk(
        entries=[
            {
                "actor": actor,
                "action": "person.merged_into",
                "object_type": Person._meta.label_lower,
                "object_id": str(person.pk),
                "object_label": f"Zusammengeführt in Konto Nr. {survivor.pk}",
                "data": {
                    "username_hash": audit_username_hash(person.username),
                    "survivor_id": survivor.pk,
                },
            }
            for person in merged
        ]
    )
    audit_log(
        actor=actor,
        action="person.merge",
        obj=survivor,
        data={
            "survivor_username": survivor.username,
            "merged_username_hashes": [audit_username_hash(p.username) for p in merged],
            "merged_person_ids": merged_ids,
            "moved": result.moved,
            "duplicates_removed": len(result.duplicates),
            "fields_filled": changed,
            "sessions_ended": result.sessions_ended,
        },
    )
    return result
