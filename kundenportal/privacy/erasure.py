"""Erasure of a person: one core for the deletion on request and for the retention purge.

FAQ: "Kann ich mein Konto löschen? ... eine Löschung über das Marketing ... beantragen." and
"Alle älteren Daten ... werden automatisch gelöscht." Both end in ``people_erase``: staff
delete an account on request (``account_delete``), the daily purge erases accounts whose
10 years have passed (``privacy.policies``). Either way the account, its participations,
certificates (files durably, after commit), address changes, sessions and login-throttling
rows go, and what stays as a record — booking records, deletion requests, the audit log,
Django's admin log, the outbox — keeps no name, username, e-mail or address of the person.
What each category of personal data does in an erasure is its ``erase`` step in the register
(``privacy.register``); this module holds the core that runs them for a batch of accounts,
and the steps' helpers. What an erasure keeps, and why, is in the README ("Personal data: the
register").
"""

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import F, Q, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Concat, Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kundenportal.accounts.addresses import address_for_secrets
from kundenportal.accounts.models import Person
from kundenportal.accounts.sessions import sessions_end
from kundenportal.audit.models import AuditEntry
from kundenportal.audit.services import (
    audit_entries_pseudonymise,
    audit_log_bulk,
    audit_username_hash,
)
from kundenportal.core.deletion import Row, RowsDeletion
from kundenportal.core.files import file_delete_after_commit
from kundenportal.core.formatting import date_text
from kundenportal.core.lookups import AnyOf
from kundenportal.core.scrub import naming_any, needles, scrub
from kundenportal.notifications.models import OutboxMail
from kundenportal.notifications.services import mail_enqueue
from kundenportal.registrations.models import Participation, Registration
from kundenportal.registrations.selectors import person_contact_email

from .guards import staff_refusal
from .models import DeletionRequest

DELETED_TEMPLATE = "account_deleted"


class ErasureReason(models.TextChoices):
    REQUEST = "request", gettext_lazy("Auf Antrag")
    RETENTION = "retention", gettext_lazy("Aufbewahrungsfrist abgelaufen")


def erased_label(pk: int) -> str:
    return f"Gelöschtes Konto Nr. {pk}"


def _file_fields(model) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


# --- what goes ------------------------------------------------------------------------------


@dataclass
class DeletionPlan:
    """What deleting one account takes with it (for the confirmation page and the service)."""

    person: Person
    counts: dict[str, int]
    registrations_kept: list[int]
    mail_to: str
    refusal: str = ""

    @property
    def label(self) -> str:
        return self.person.get_full_name()


def _collect(people: list[Person]) -> tuple[RowsDeletion, dict[type[models.Model], list[Row]]]:
    """The deletion of ``people`` and every row it removes besides them, by model (primary
    key, foreign keys and file names of each). Follows every relation to the person like the
    ORM's deletion collector, so a relation another app adds later is found without a change
    here."""
    deletion = RowsDeletion(model=Person, pks=[p.pk for p in people])
    return deletion, {model: list(rows.values()) for model, rows in deletion.rows.items() if rows}


def _outbox_about(people: list[Person], participation_ids: list[int]) -> models.QuerySet:
    """Mails (not in flight) that are about these people: their confirmations, notices to
    them, the deletion request to marketing. Password-reset mails for a shared address, and
    mails that only mention a person among others, are handled separately."""
    query = _context_any("person_id", [p.pk for p in people]) | _context_any(
        "username", [p.username for p in people]
    )
    if participation_ids:
        query |= _context_any("participation_id", participation_ids)
    emails = [person.email for person in people if person.email]
    if emails:
        query |= _sent_only_to_any(emails)
    return OutboxMail.objects.filter(query).exclude(status=OutboxMail.Status.SENDING)


# A purge batch asks for a thousand accounts at once: on PostgreSQL each of these lookups is
# one array parameter (``core.lookups``) instead of a thousand JSON values to adapt and plan.


def _context_any(key: str, values: list) -> Q:
    """Mails whose context holds one of ``values`` (numbers or texts) under ``key``."""
    if connection.vendor == "postgresql":
        return Q(AnyOf(KT(f"context__{key}"), {str(value) for value in values}))
    return Q(**{f"context__{key}__in": values})


def _sent_only_to_any(emails: list[str]) -> Q:
    """Mails addressed to exactly one of ``emails`` and nobody else."""
    if connection.vendor == "postgresql":
        as_text = {json.dumps([email], ensure_ascii=False) for email in emails}
        return Q(AnyOf(Cast("to", models.TextField()), as_text))
    return Q(to__in=[[email] for email in emails])


def account_deletion_plan(*, person: Person) -> DeletionPlan:
    """Counts of everything the deletion removes, by asking the ORM what a delete collects
    (so relations other apps add later are counted and removed too)."""
    refusal = ""
    try:
        staff_refusal(person)
    except ValidationError as exc:
        refusal = " ".join(exc.messages)
    counts: Counter[str] = Counter()
    for model, rows in _collect([person])[1].items():
        counts[str(model._meta.verbose_name_plural)] += len(rows)
        for name in _file_fields(model):
            counts["Dateien"] += sum(1 for row in rows if row[name])
    participation_ids = list(
        Participation.objects.filter(person=person).values_list("pk", flat=True)
    )
    registrations_kept = sorted(
        set(Participation.objects.filter(person=person).values_list("registration_id", flat=True))
    )
    counts["E-Mails in der Ausgangsbox"] = _outbox_about([person], participation_ids).count()
    return DeletionPlan(
        person=person,
        counts=dict(counts),
        registrations_kept=registrations_kept,
        mail_to=address_for_secrets(person=person),
        refusal=refusal,
    )


# --- the records that stay, without the person ---------------------------------------------


def _anonymise_registrations(
    person: Person,
    registration_ids: list[int],
    *,
    contact_email: str,
    words: tuple[str, ...] = (),
) -> int:
    """The booking record stays for accounting (event, company, billing address, date), but
    keeps no name of the deleted person.

    - The person was the only participant: remarks are removed; a private address (the
      person's own home address) and a correspondence address that is the person's own
      e-mail are removed too. Without an own e-mail, the person's contact address (the
      latest correspondence address) counts as theirs unless it booked others too: then it
      is a booker's. A company address and a booker's address stay: they belong to
      the company or the booker, not to the deleted person.
    - Others remain on the registration: remarks that name the person are removed, and so is
      a correspondence address that is the person's own or contains a name (SPEC: "a shared
      booking's correspondence address included"); the others' mails then go to their own
      addresses. Company, billing address, event and date stay for accounting.
    """
    words = needles(
        [
            person.username,
            f"{person.first_name} {person.last_name}",
            person.last_name,
            *words,
        ]
    )
    own = {a.lower() for a in (person.email, contact_email) if a}
    changed = 0
    others = set(
        Participation.objects.filter(registration_id__in=registration_ids)
        .exclude(person=person)
        .values_list("registration_id", flat=True)
    )
    for registration in Registration.objects.filter(pk__in=registration_ids):
        updates: dict[str, Any] = {}
        remarks = registration.remarks.lower()
        if registration.pk not in others:
            if registration.remarks:
                updates["remarks"] = ""
            if registration.correspondence_email.lower() in own:
                updates["correspondence_email"] = ""
            if registration.is_private_address:
                updates.update(
                    street="", postal_code="", city="", phone="", correspondence_email=""
                )
        else:
            if any(n in remarks for n in words):
                updates["remarks"] = ""
            address = registration.correspondence_email.lower()
            if address and (address in own or any(n in address for n in words)):
                updates["correspondence_email"] = ""
        if updates:
            Registration.objects.filter(pk=registration.pk).update(**updates)
            changed += 1
    return changed


def _outbox_forget(
    people: list[Person],
    participation_ids: list[int],
    *,
    strong: tuple[str, ...],
    weak: tuple[str, ...],
    addresses: set[str],
) -> int:
    """Mails about the people leave the outbox; mails that name them among others (a receipt
    listing several participants, a booker's cancellation notice) keep the others' data and
    lose the people's names and addresses. Returns the number of mails deleted."""
    deleted = _outbox_about(people, participation_ids).delete()[0]
    pks = {p.pk for p in people}
    for mail in OutboxMail.objects.filter(template="password_reset").exclude(
        status__in=[OutboxMail.Status.SENDING, OutboxMail.Status.SENT]
    ):
        ids = mail.context.get("person_ids", [])
        if pks & set(ids):
            rest = [i for i in ids if i not in pks]
            if rest:
                OutboxMail.objects.filter(pk=mail.pk).update(
                    context={**mail.context, "person_ids": rest}
                )
            else:
                OutboxMail.objects.filter(pk=mail.pk).delete()
                deleted += 1
    outbox = OutboxMail.objects.exclude(status=OutboxMail.Status.SENDING)
    for mail in naming_any(outbox, ["context", "to"], strong):
        to = [a for a in mail.to if a.lower() not in addresses]
        if not to:
            mail.delete()
            deleted += 1
            continue
        OutboxMail.objects.filter(pk=mail.pk).update(to=to, context=scrub(mail.context, weak))
    return deleted


def _admin_log_forget(
    objects: dict[type[models.Model], list[Any]], *, strong: tuple[str, ...], weak, label: str
) -> int:
    """Django's admin log (``django_admin_log``, written beside the audit log by every admin
    save) keeps nothing of the people: entries about the erased rows go (the audit log is the
    record of what staff did), entries about other rows that name them lose the names.
    Returns the number of entries deleted or changed."""
    types = ContentType.objects.get_for_models(*objects, for_concrete_models=False)
    about = Q(pk__in=[])
    for model, pks in objects.items():
        if pks:
            about |= Q(content_type=types[model], object_id__any={str(pk) for pk in pks})
    count = LogEntry.objects.filter(about).delete()[0]
    for entry in naming_any(LogEntry.objects.all(), ["object_repr", "change_message"], strong):
        entry.object_repr = scrub(entry.object_repr, weak, label)
        try:
            # Django writes a JSON list ("added"/"changed" with inline objects' names).
            entry.change_message = json.dumps(scrub(json.loads(entry.change_message), weak))
        except ValueError:
            entry.change_message = scrub(entry.change_message, weak)
        entry.save(update_fields=["object_repr", "change_message"])
        count += 1
    return count


def records_forget(*, model: type[models.Model], pks: list[Any]) -> None:
    """Before rows of ``model`` (and what their delete takes along) are deleted on schedule:
    their entries in the audit log keep only the kind and number ("Teilnahme Nr. 7"), not the
    label that named the person, and their entries in Django's admin log go."""
    if not pks:
        return
    ids = [str(pk) for pk in pks]
    AuditEntry.objects.filter(object_type=model._meta.label_lower, object_id__any=set(ids)).update(
        object_label=Concat(
            Value(f"{model._meta.verbose_name} Nr. "),
            F("object_id"),
            output_field=models.CharField(),
        )
    )
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    LogEntry.objects.filter(content_type=content_type, object_id__any=set(ids)).delete()
    # Rows the delete takes along (a participation's certificate) are forgotten too.
    for relation in model._meta.related_objects:
        if relation.on_delete is models.CASCADE and not relation.many_to_many:
            related = relation.related_model
            children = related._default_manager.filter(
                **{f"{relation.field.attname}__any": set(pks)}
            ).values_list("pk", flat=True)
            records_forget(model=related, pks=list(children))


# --- the core -------------------------------------------------------------------------------


@dataclass
class DeletionResult:
    person_id: int
    counts: dict[str, int]
    registrations_kept: list[int]
    mail_sent_to: str
    sessions_ended: int


@dataclass
class _Erased:
    """One person of an erasure, with what identifies them."""

    person: Person
    mail_to: str = ""
    # Where the notice of a deletion on request goes: an address bound to the account only
    # (README, "Account binding"), never a mere booker's.
    notice_to: str = ""
    own_address: str = ""
    registrations: list[int] = field(default_factory=list)
    merged_ids: list[int] = field(default_factory=list)
    merged_usernames: list[str] = field(default_factory=list)
    addresses: set[str] = field(default_factory=set)

    @property
    def names(self) -> list[str]:
        p = self.person
        return [p.get_full_name(), f"{p.first_name} {p.last_name}"]

    @property
    def strong(self) -> list[str]:
        return [self.person.username, *self.merged_usernames, *self.names, *self.addresses]


def _owners(
    collected: dict[type[models.Model], list[Row]], pks: set[int]
) -> dict[tuple[type, Any], int]:
    """Which erased person each collected row belongs to (through a link to the person or to
    another collected row: a certificate through its participation)."""
    owner: dict[tuple[type, Any], int] = {}
    grew = True
    while grew:
        grew = False
        for model, rows in collected.items():
            links = [f for f in model._meta.concrete_fields if f.is_relation]
            for row in rows:
                if (model, row["pk"]) in owner:
                    continue
                for f in links:
                    value = row[f.attname]
                    found = (
                        value
                        if f.related_model is Person and value in pks
                        else owner.get((f.related_model, value))
                    )
                    if found is not None:
                        owner[(model, row["pk"])] = found
                        grew = True
                        break
    return owner


@dataclass
class ErasureBatch:
    """A group of people erased together, with what identifies them; each category of the
    register (``privacy.register``) erases its part of the whole group at once."""

    people: list[Person]
    actor: Any
    reason: str
    erased: dict[int, _Erased]
    participation_ids: list[int]
    # Strong identifiers find the rows that name a person; within those rows the names on
    # their own go too.
    strong: tuple[str, ...]
    weak: tuple[str, ...]
    addresses: set[str]
    # The deletion of the accounts, collected once before anything goes and run by the
    # accounts' erase step last: every row it takes along (primary key, foreign keys and file
    # names), and which person each belongs to.
    deletion: RowsDeletion
    collected: dict[type[models.Model], list[Row]]
    owner: dict[tuple[type, Any], int]
    # Deletion request id -> account id.
    request_owner: dict[int, int]
    outbox_deleted: int = 0
    sessions_ended: int = 0

    @property
    def pks(self) -> list[int]:
        return [p.pk for p in self.people]

    @property
    def on_request(self) -> bool:
        return self.reason == ErasureReason.REQUEST

    def files(self, model: type[models.Model]) -> list[tuple[str, str]]:
        """The stored files of ``model``'s rows that go with the accounts, as
        ("app.model.field", storage name) pairs."""
        return [
            (f"{model._meta.label_lower}.{name}", row[name])
            for name in _file_fields(model)
            for row in self.collected.get(model, [])
            if row[name]
        ]

    def files_per_person(self) -> Counter[int]:
        counts: Counter[int] = Counter()
        for model, rows in self.collected.items():
            for name in _file_fields(model):
                for row in rows:
                    if row[name]:
                        counts[self.owner.get((model, row["pk"]), 0)] += 1
        return counts

    def audit_labels(self) -> tuple[dict[tuple[str, str], str], dict[type[models.Model], list]]:
        """The labels the audit entries of the erased rows get, and the rows by model (for
        Django's admin log)."""
        labels: dict[tuple[str, str], str] = {}
        log_objects: dict[type[models.Model], list[Any]] = {Person: [], DeletionRequest: []}
        for one in self.erased.values():
            for pk in (one.person.pk, *one.merged_ids):
                labels[(Person._meta.label_lower, str(pk))] = erased_label(one.person.pk)
                log_objects[Person].append(pk)
        for model, rows in self.collected.items():
            for row in rows:
                person_id = self.owner.get((model, row["pk"]))
                prefix = erased_label(person_id) if person_id else "Gelöschtes Konto"
                labels[(model._meta.label_lower, str(row["pk"]))] = (
                    f"{prefix}: {model._meta.model_name} Nr. {row['pk']}"
                )
                log_objects.setdefault(model, []).append(row["pk"])
        for request_pk, person_id in self.request_owner.items():
            labels[(DeletionRequest._meta.label_lower, str(request_pk))] = (
                f"{erased_label(person_id)}: deletionrequest Nr. {request_pk}"
            )
            log_objects[DeletionRequest].append(request_pk)
        return labels, log_objects


def erasure_batch(*, people: list[Person], actor: Any, reason: str) -> ErasureBatch:
    """What identifies each of ``people`` (locked accounts), read before anything goes."""
    on_request = reason == ErasureReason.REQUEST
    pks = [p.pk for p in people]
    erased = {p.pk: _Erased(person=p) for p in people}
    participations = list(
        Participation.objects.filter(person_id__any=set(pks)).values_list(
            "pk", "person_id", "email", "registration_id"
        )
    )
    for _pk, person_id, email, registration_id in participations:
        if email:
            erased[person_id].addresses.add(email.lower())
        if registration_id not in erased[person_id].registrations:
            erased[person_id].registrations.append(registration_id)
    # Accounts merged into these earlier were the same people: their traces go too.
    for object_id, data in AuditEntry.objects.filter(
        action="person.merge",
        object_type=Person._meta.label_lower,
        object_id__any={str(pk) for pk in pks},
    ).values_list("object_id", "data"):
        erased[int(object_id)].merged_ids += data.get("merged_person_ids", [])
        erased[int(object_id)].merged_usernames += data.get("merged_usernames", [])
    for one in erased.values():
        person = one.person
        one.registrations.sort()
        one.mail_to = person_contact_email(person) if (on_request or one.registrations) else ""
        one.notice_to = address_for_secrets(person=person) if on_request else ""
        # A contact address that also booked other people is a booker's (HR), not the
        # person's own.
        one.own_address = person.email or (
            ""
            if not one.mail_to
            or Participation.objects.filter(registration__correspondence_email__iexact=one.mail_to)
            .exclude(person=person)
            .exists()
            else one.mail_to
        )
        one.addresses |= {a.lower() for a in (person.email, one.own_address) if a}
    strong = needles([w for one in erased.values() for w in one.strong])
    deletion, collected = _collect(people)
    return ErasureBatch(
        people=people,
        actor=actor,
        reason=reason,
        erased=erased,
        participation_ids=[row[0] for row in participations],
        strong=strong,
        weak=needles([*strong, *(n for p in people for n in (p.first_name, p.last_name))]),
        addresses={a for one in erased.values() for a in one.addresses},
        deletion=deletion,
        collected=collected,
        owner=_owners(collected, set(pks)),
        request_owner=dict(
            DeletionRequest.objects.filter(person_id__any=set(pks)).values_list("pk", "person_id")
        ),
    )


# The register's categories in the order their erase steps run. The register is built on this
# module's steps, so this module does not import it: ``PrivacyConfig.ready`` hands the order
# over (as the webhook outbox registers with the audit log).
_ERASE_ORDER: list = []


def erase_order_set(categories: list) -> None:
    _ERASE_ORDER[:] = categories


@transaction.atomic
def people_erase(*, people: list[Person], actor: Any, reason: str) -> list[DeletionResult]:
    """Erase ``people``: delete their accounts and everything that hangs on them, and remove
    their names from every record that stays. ``reason`` is an ``ErasureReason``.

    A loop over the register of personal-data categories (``privacy.register``): each
    category erases its part for the whole group at once, in the order of their
    ``erase_phase`` (mails first, then the records that stay without the name, the logs, the
    rows that go, the accounts last). On request the person is told by mail (queued with
    plain data before the data go, in this transaction) and their open deletion requests are
    marked done without name; by retention nobody is mailed and their deletion requests go.
    Each erasure is logged as ``person.delete`` with the account number, counts and a keyed
    hash of the username.
    """
    locked = list(
        Person.objects.select_for_update().filter(pk__any={p.pk for p in people}).order_by("pk")
    )
    for person in locked:
        staff_refusal(person)
    if not locked:
        return []
    batch = erasure_batch(people=locked, actor=actor, reason=reason)
    plans = (
        {pk: account_deletion_plan(person=batch.erased[pk].person) for pk in batch.pks}
        if batch.on_request
        else {}
    )
    files = batch.files_per_person()
    if not _ERASE_ORDER:  # pragma: no cover - set when the app is ready
        raise RuntimeError("The register's erase order is not set (PrivacyConfig.ready).")
    for category in _ERASE_ORDER:
        category.erase(batch)

    results = [
        DeletionResult(
            person_id=pk,
            counts=plans[pk].counts if pk in plans else {},
            registrations_kept=one.registrations,
            mail_sent_to=one.notice_to,
            sessions_ended=batch.sessions_ended,
        )
        for pk, one in batch.erased.items()
    ]
    audit_log_bulk(entries=_erasure_entries(batch, plans, files))
    return results


def _erasure_entries(batch: ErasureBatch, plans: dict, files: Counter[int]) -> list[dict]:
    """The ``person.delete`` entries of an erasure: per account its number, counts and a keyed
    hash of the username (the log's search finds it when given the username). A batch of the
    purge is one entry with the numbers and hashes of all its accounts: a thousand entries
    per chunk cost the purge more than the deletion, and would be searched by the next."""
    common = {
        "reason": str(batch.reason),
        "outbox_deleted": batch.outbox_deleted,
        "sessions_ended": batch.sessions_ended,
    }
    if batch.on_request or len(batch.erased) == 1:
        return [_person_entry(batch, pk, plans, files, common) for pk in sorted(batch.erased)]
    pks = sorted(batch.erased)
    data = common | {
        "person_ids": pks,
        "username_hashes": [audit_username_hash(batch.erased[pk].person.username) for pk in pks],
        "files": sum(files.values()),
        "registrations_kept_without_name": sorted(
            {r for one in batch.erased.values() for r in one.registrations}
        ),
    }
    return [
        {
            "actor": batch.actor,
            "action": "person.delete",
            "object_type": Person._meta.label_lower,
            "object_label": (
                f"{len(pks)} gelöschte Konten (kleinste Nr. {pks[0]}, größte Nr. {pks[-1]})"
            ),
            "data": data,
        }
    ]


def _person_entry(batch: ErasureBatch, pk: int, plans: dict, files: Counter[int], common):
    one = batch.erased[pk]
    requests = [r for r, owner in batch.request_owner.items() if owner == pk]
    return {
        "actor": batch.actor,
        "action": "person.delete",
        "object_type": Person._meta.label_lower,
        "object_id": str(pk),
        "object_label": erased_label(pk),
        "data": common
        | {
            "username_hash": audit_username_hash(one.person.username),
            "deleted": plans[pk].counts if pk in plans else {},
            "files": files.get(pk, 0),
            "registrations_kept_without_name": one.registrations,
            "deletion_request_ids": sorted(requests) if batch.on_request else [],
            "notice_mailed": bool(one.notice_to),
        },
    }


# --- the steps the register's categories call, each for a whole batch ------------------------


def erasure_notice_queue(batch: ErasureBatch) -> None:
    """On request, the person is told of the deletion (queued while the name is known)."""
    for one in batch.erased.values():
        if one.notice_to:
            mail_enqueue(
                template=DELETED_TEMPLATE,
                to=[one.notice_to],
                context={
                    "full_name": one.person.get_full_name(),
                    "username": one.person.username,
                    "deleted_at": date_text(timezone.localdate()),
                },
            )


def erasure_registrations(batch: ErasureBatch) -> None:
    """The booking records that stay lose the person's name."""
    for one in batch.erased.values():
        if one.registrations:
            _anonymise_registrations(
                one.person,
                one.registrations,
                contact_email=one.own_address,
                words=batch.strong,
            )


def erasure_deletion_requests(batch: ErasureBatch) -> None:
    """Requests keep what was done, not whom it named: on request they are marked done, by
    retention they go."""
    requests = DeletionRequest.objects.filter(pk__any=set(batch.request_owner))
    if not batch.on_request:
        requests.delete()
        return
    actor = batch.actor
    requests.filter(status=DeletionRequest.Status.OPEN).update(
        status=DeletionRequest.Status.DONE,
        handled_at=timezone.now(),
        handled_by=actor if getattr(actor, "pk", None) else None,
    )
    for request_pk, person_id in batch.request_owner.items():
        DeletionRequest.objects.filter(pk=request_pk).update(
            username=erased_label(person_id), reason=""
        )


def erasure_outbox(batch: ErasureBatch) -> None:
    batch.outbox_deleted = _outbox_forget(
        batch.people,
        batch.participation_ids,
        strong=batch.strong,
        weak=batch.weak,
        addresses=batch.addresses,
    )


def erasure_audit(batch: ErasureBatch) -> None:
    labels, _log_objects = batch.audit_labels()
    audit_entries_pseudonymise(
        objects=labels,
        actors={pk: erased_label(pk) for pk in batch.pks},
        actor_labels={
            name.lower(): erased_label(one.person.pk)
            for one in batch.erased.values()
            for name in one.merged_usernames
        },
        identifiers=[w for one in batch.erased.values() for w in one.strong],
        label="Gelöschtes Konto",
        # Entries about rows that are gone already (a certificate staff deleted) still
        # carry the name in their label or data.
        entry_ids=naming_any(
            # An erasure's own entry holds only a hash of the username.
            AuditEntry.objects.exclude(action="person.delete"),
            ["object_label", "data"],
            batch.strong,
        ).values_list("pk", flat=True),
    )


def erasure_admin_log(batch: ErasureBatch) -> None:
    _labels, log_objects = batch.audit_labels()
    pks = batch.pks
    label = erased_label(pks[0]) if len(pks) == 1 else "Gelöschtes Konto"
    _admin_log_forget(log_objects, strong=batch.strong, weak=batch.weak, label=label)


def erasure_login_records(batch: ErasureBatch) -> None:
    """Login throttling rows are keyed by the username; sessions end."""
    try:
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    except ImportError:  # pragma: no cover - axes is installed
        pass
    else:
        usernames = [p.username.lower() for p in batch.people]
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            model.objects.alias(lowered=Lower("username")).filter(
                lowered__any=set(usernames)
            ).delete()
    with_sessions = [p.pk for p in batch.people if _may_have_sessions(p)]
    batch.sessions_ended = sessions_end(person_ids=with_sessions) if with_sessions else 0


def erasure_files(batch: ErasureBatch, model: type[models.Model]) -> None:
    """Files go only once the deletion is committed (a rollback keeps both; a storage
    failure is finished by the worker)."""
    file_delete_after_commit(files=batch.files(model))


def person_erase(*, person: Person, actor: Any, reason: str) -> DeletionResult:
    """Erase one person (see ``people_erase``): on request ("Konto löschen") or by retention."""
    results = people_erase(people=[person], actor=actor, reason=reason)
    if not results:
        raise ValidationError(_("Das Konto besteht nicht mehr."))
    return results[0]


def _may_have_sessions(person: Person) -> bool:
    """A session ends at the latest SESSION_COOKIE_AGE after its last save, and the session
    limits end it SESSION_ABSOLUTE_SECONDS (the same age) after login: an account that has not
    logged in for twice that long has none. Spares the retention purge a scan of every
    session per account."""
    if person.last_login is None:
        return False
    return person.last_login >= timezone.now() - timedelta(seconds=2 * settings.SESSION_COOKIE_AGE)


def account_delete(*, person: Person, actor: Any) -> DeletionResult:
    """Delete an account on request ("Konto löschen"), with its participations, certificates
    and their files, address changes and sessions, in one transaction.

    SPEC: "Account deletion on request removes the account, its participations, certificates
    and files; a booking record that must stay for accounting keeps no name of the deleted
    person." Staff cannot delete their own account here.
    """
    staff_refusal(person)
    if actor is not None and getattr(actor, "pk", None) == person.pk:
        raise ValidationError(_("Sie können Ihr eigenes Konto nicht löschen."))
    return person_erase(person=person, actor=actor, reason=ErasureReason.REQUEST)


def merged_accounts_forget(*, merged: list[Person], survivor: Person) -> None:
    """After a merge the merged accounts are gone; no record keeps their usernames.

    The person lives on as ``survivor``: records that named a merged account by its username
    name the survivor instead (a remark "bisheriger Benutzername …", a queued mail, moved
    deletion requests), their entries in the audit log say "Zusammengeführt in …", Django's
    admin log loses the entries about the merged accounts, and login throttling rows keyed by
    their usernames go. Names and addresses stay: they are the survivor's too.
    """
    if not merged:
        return
    usernames = needles([p.username for p in merged])
    merged_ids = [p.pk for p in merged]
    into = f"Zusammengeführt in Konto Nr. {survivor.pk}"
    pattern = re.compile("|".join(re.escape(u) for u in usernames), re.IGNORECASE)

    def rename(value: Any) -> Any:
        if isinstance(value, str):
            return pattern.sub(survivor.username, value)
        if isinstance(value, list):
            return [rename(v) for v in value]
        if isinstance(value, dict):
            return {k: rename(v) for k, v in value.items()}
        return value

    for registration in naming_any(Registration.objects.all(), ["remarks"], usernames):
        Registration.objects.filter(pk=registration.pk).update(remarks=rename(registration.remarks))
    outbox = OutboxMail.objects.exclude(status=OutboxMail.Status.SENDING)
    for mail in naming_any(outbox, ["context", "to"], usernames):
        OutboxMail.objects.filter(pk=mail.pk).update(context=rename(mail.context))
    DeletionRequest.objects.filter(person=survivor).update(username=survivor.username)
    audit_entries_pseudonymise(
        objects={(Person._meta.label_lower, str(pk)): into for pk in merged_ids},
        actors=dict.fromkeys(merged_ids, into),
        actor_labels={},
        identifiers=list(usernames),
        label=into,
        entry_ids=naming_any(
            AuditEntry.objects.exclude(action="person.delete"),
            ["object_label", "data", "actor_label"],
            usernames,
        ).values_list("pk", flat=True),
    )
    _admin_log_forget({Person: merged_ids}, strong=usernames, weak=usernames, label=into)
    try:
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    except ImportError:  # pragma: no cover - axes is installed
        return
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.alias(lowered=Lower("username")).filter(lowered__any=set(usernames)).delete()
