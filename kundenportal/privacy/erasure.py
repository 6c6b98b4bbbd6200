"""Erasure of a person: one core for the deletion on request and for the retention purge.

FAQ: "Kann ich mein Konto löschen? ... eine Löschung über das Marketing ... beantragen." and
"Alle älteren Daten ... werden automatisch gelöscht." Both end in ``person_erase``: staff
delete an account on request (``account_delete``), the daily purge erases accounts whose
10 years have passed (``retention.policies``). Either way the account, its participations,
certificates (files durably, after commit), address changes, sessions and login-throttling
rows go, and what stays as a record — booking records, deletion requests, the audit log,
Django's admin log, the outbox — keeps no name, username, e-mail or address of the person.
What an erasure keeps, and why, is in the README ("Accounts: merge, deletion, credentials,
audit").
"""

import json
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.deletion import Collector
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kundenportal.accounts.models import Person
from kundenportal.accounts.sessions import sessions_end
from kundenportal.audit.models import AuditEntry
from kundenportal.audit.services import (
    audit_entries_pseudonymise,
    audit_log,
    audit_username_hash,
)
from kundenportal.core.files import file_delete_after_commit
from kundenportal.core.scrub import contains_any, needles, scrub
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


def _collect(objs: list[models.Model]) -> dict[type[models.Model], list[models.Model]]:
    """Every row a delete of ``objs`` removes, by model (``objs`` themselves excluded).

    Asks the ORM's deletion collector, so a relation another app adds later is found
    without a change here; rows it would "fast delete" are read too (for counts and files).
    """
    if not objs:
        return {}
    collector = Collector(using="default")
    collector.collect(objs)
    own = {(type(o), o.pk) for o in objs}
    rows: dict[type[models.Model], list[models.Model]] = {}
    for model, instances in collector.data.items():
        rest = [i for i in instances if (model, i.pk) not in own]
        if rest:
            rows.setdefault(model, []).extend(rest)
    for qs in collector.fast_deletes:
        instances = list(qs)
        if instances:
            rows.setdefault(qs.model, []).extend(instances)
    return rows


def _outbox_about(person: Person, participation_ids: list[int]) -> models.QuerySet[OutboxMail]:
    """Mails (not in flight) that are about the person: their confirmations, notices to them,
    the deletion request to marketing. Password-reset mails for a shared address, and mails
    that only mention the person among others, are handled separately."""
    query = Q(context__person_id=person.pk) | Q(context__username=person.username)
    if participation_ids:
        query |= Q(context__participation_id__in=participation_ids)
    if person.email:
        query |= Q(to=[person.email])
    return OutboxMail.objects.filter(query).exclude(status=OutboxMail.Status.SENDING)


def account_deletion_plan(*, person: Person) -> DeletionPlan:
    """Counts of everything the deletion removes, by asking the ORM what a delete collects
    (so relations other apps add later are counted and removed too)."""
    refusal = ""
    try:
        staff_refusal(person)
    except ValidationError as exc:
        refusal = " ".join(exc.messages)
    counts: Counter[str] = Counter()
    for model, instances in _collect([person]).items():
        counts[str(model._meta.verbose_name_plural)] += len(instances)
        for name in _file_fields(model):
            counts["Dateien"] += sum(1 for i in instances if getattr(i, name))
    participation_ids = list(
        Participation.objects.filter(person=person).values_list("pk", flat=True)
    )
    registrations_kept = sorted(
        set(Participation.objects.filter(person=person).values_list("registration_id", flat=True))
    )
    counts["E-Mails in der Ausgangsbox"] = _outbox_about(person, participation_ids).count()
    return DeletionPlan(
        person=person,
        counts=dict(counts),
        registrations_kept=registrations_kept,
        mail_to=person_contact_email(person),
        refusal=refusal,
    )


# --- the records that stay, without the person ---------------------------------------------


def _anonymise_registrations(
    person: Person, registration_ids: list[int], *, contact_email: str
) -> int:
    """The booking record stays for accounting (event, company, billing address, date), but
    keeps no name of the deleted person.

    - The person was the only participant: remarks are removed; a private address (the
      person's own home address) and a correspondence address that is the person's own
      e-mail are removed too. Without an own e-mail, the person's contact address (the
      latest correspondence address) counts as theirs unless it booked others too: then it
      is a booker's. A company address and a booker's address stay: they belong to
      the company or the booker, not to the deleted person.
    - Others remain on the registration: only remarks that name the person are removed.
    """
    words = needles([person.username, f"{person.first_name} {person.last_name}", person.last_name])
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
        elif any(n in remarks for n in words):
            updates["remarks"] = ""
        if updates:
            Registration.objects.filter(pk=registration.pk).update(**updates)
            changed += 1
    return changed


def _outbox_forget(
    person: Person,
    participation_ids: list[int],
    *,
    strong: tuple[str, ...],
    weak: tuple[str, ...],
    addresses: set[str],
) -> int:
    """Mails about the person leave the outbox; mails that name them among others (a receipt
    listing several participants, a booker's cancellation notice) keep the others' data and
    lose the person's name and address. Returns the number of mails deleted."""
    deleted = _outbox_about(person, participation_ids).delete()[0]
    for mail in OutboxMail.objects.filter(template="password_reset").exclude(
        status__in=[OutboxMail.Status.SENDING, OutboxMail.Status.SENT]
    ):
        ids = mail.context.get("person_ids", [])
        if person.pk in ids:
            rest = [i for i in ids if i != person.pk]
            if rest:
                OutboxMail.objects.filter(pk=mail.pk).update(
                    context={**mail.context, "person_ids": rest}
                )
            else:
                OutboxMail.objects.filter(pk=mail.pk).delete()
                deleted += 1
    naming = OutboxMail.objects.filter(contains_any("context", strong) | contains_any("to", strong))
    for mail in naming.exclude(status=OutboxMail.Status.SENDING):
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
    save) keeps nothing of the person: entries about the erased rows go (the audit log is the
    record of what staff did), entries about other rows that name the person lose the name.
    Returns the number of entries deleted or changed."""
    types = ContentType.objects.get_for_models(*objects, for_concrete_models=False)
    about = Q(pk__in=[])
    for model, pks in objects.items():
        if pks:
            about |= Q(content_type=types[model], object_id__in=[str(pk) for pk in pks])
    count = LogEntry.objects.filter(about).delete()[0]
    naming = contains_any("object_repr", strong) | contains_any("change_message", strong)
    for entry in LogEntry.objects.filter(naming):
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
    instances = list(model._default_manager.filter(pk__in=pks))
    groups = {model: instances, **_collect(instances)}
    types = ContentType.objects.get_for_models(*groups, for_concrete_models=False)
    about = Q(pk__in=[])
    for related, rows in groups.items():
        ids = [str(row.pk) for row in rows]
        if not ids:
            continue
        AuditEntry.objects.filter(object_type=related._meta.label_lower, object_id__in=ids).update(
            object_label=Concat(
                Value(f"{related._meta.verbose_name} Nr. "),
                F("object_id"),
                output_field=models.CharField(),
            )
        )
        about |= Q(content_type=types[related], object_id__in=ids)
    LogEntry.objects.filter(about).delete()


# --- the core -------------------------------------------------------------------------------


@dataclass
class DeletionResult:
    person_id: int
    counts: dict[str, int]
    registrations_kept: list[int]
    mail_sent_to: str
    sessions_ended: int


@transaction.atomic
def person_erase(*, person: Person, actor: Any, reason: str) -> DeletionResult:
    """Erase ``person``: delete the account and everything that hangs on it, and remove their
    name from every record that stays. ``reason`` is an ``ErasureReason``.

    On request the person is told by mail (queued with plain data before the data go, in
    this transaction) and their open deletion requests are marked done without name; by
    retention nobody is mailed and their deletion requests go. The audit entry
    ``person.delete`` keeps the account number, counts and a keyed hash of the username.
    """
    person = Person.objects.select_for_update().filter(pk=person.pk).first()
    if person is None:
        raise ValidationError(_("Das Konto besteht nicht mehr."))
    staff_refusal(person)
    on_request = reason == ErasureReason.REQUEST
    plan = account_deletion_plan(person=person)
    pk, username = person.pk, person.username
    label = erased_label(pk)
    participations = Participation.objects.filter(person=person)
    participation_ids = list(participations.values_list("pk", flat=True))
    participation_emails = [e for e in participations.values_list("email", flat=True) if e]

    # Accounts merged into this one earlier were the same person: their traces go too.
    merged_ids, merged_usernames = [], []
    for data in AuditEntry.objects.filter(
        action="person.merge", object_type=Person._meta.label_lower, object_id=str(pk)
    ).values_list("data", flat=True):
        merged_ids += data.get("merged_person_ids", [])
        merged_usernames += data.get("merged_usernames", [])

    mail_to = plan.mail_to
    # A contact address that also booked other people is a booker's (HR), not the person's.
    own_address = person.email or (
        ""
        if Participation.objects.filter(registration__correspondence_email__iexact=mail_to)
        .exclude(person=person)
        .exists()
        else mail_to
    )
    addresses = {a.lower() for a in (person.email, own_address, *participation_emails) if a}
    full_names = [person.get_full_name(), f"{person.first_name} {person.last_name}"]
    # Strong identifiers find the rows that name the person; within those rows the names
    # on their own go too.
    strong = needles([username, *merged_usernames, *full_names, *addresses])
    weak = needles([*strong, person.first_name, person.last_name])

    # 1. Mails about the person that have not gone out (or sit in the outbox with their
    #    name) go; then the notice of the deletion is queued while the name is still known.
    outbox_deleted = _outbox_forget(
        person, participation_ids, strong=strong, weak=weak, addresses=addresses
    )
    notice_to = mail_to if on_request else ""
    if notice_to:
        mail_enqueue(
            template=DELETED_TEMPLATE,
            to=[notice_to],
            context={
                "full_name": person.get_full_name(),
                "username": username,
                "deleted_at": timezone.localdate().strftime("%d.%m.%Y"),
            },
        )

    # 2. The booking records that stay lose the person's name.
    registration_ids = plan.registrations_kept
    _anonymise_registrations(person, registration_ids, contact_email=own_address)

    # 3. Requests and the logs keep what was done, not whom it named.
    requests = DeletionRequest.objects.filter(person=person)
    request_ids = list(requests.values_list("pk", flat=True))
    if on_request:
        requests.filter(status=DeletionRequest.Status.OPEN).update(
            status=DeletionRequest.Status.DONE,
            handled_at=timezone.now(),
            handled_by=actor if getattr(actor, "pk", None) else None,
        )
        requests.update(username=label, reason="")
    else:
        requests.delete()
    collected = _collect([person])
    erased: dict[str, list[Any]] = {Person._meta.label_lower: [pk, *merged_ids]}
    erased_models: dict[type[models.Model], list[Any]] = {Person: [pk, *merged_ids]}
    for model, instances in collected.items():
        erased.setdefault(model._meta.label_lower, []).extend(i.pk for i in instances)
        erased_models.setdefault(model, []).extend(i.pk for i in instances)
    erased.setdefault(DeletionRequest._meta.label_lower, []).extend(request_ids)
    erased_models.setdefault(DeletionRequest, []).extend(request_ids)
    audit_entries_pseudonymise(
        objects=erased,
        actor_id=pk,
        identifiers=[*merged_usernames, username, *full_names, *addresses],
        label=label,
    )
    _admin_log_forget(erased_models, strong=strong, weak=weak, label=label)
    # Login throttling rows are keyed by the username.
    try:
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    except ImportError:  # pragma: no cover - axes is installed
        pass
    else:
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            model.objects.filter(username__iexact=username).delete()

    # 4. Files go only once the deletion is committed (a rollback keeps both; a storage
    #    failure is finished by the worker).
    files = [
        getattr(instance, name)
        for model, instances in collected.items()
        for name in _file_fields(model)
        for instance in instances
        if getattr(instance, name)
    ]
    file_delete_after_commit(files=files)
    ended = sessions_end(person_ids=[pk]) if _may_have_sessions(person) else 0
    person.delete()

    audit_log(
        actor=actor,
        action="person.delete",
        object_type=Person._meta.label_lower,
        object_id=str(pk),
        object_label=label,
        data={
            "reason": str(reason),
            "username_hash": audit_username_hash(username),
            "deleted": plan.counts,
            "files": len(files),
            "registrations_kept_without_name": registration_ids,
            "outbox_deleted": outbox_deleted,
            "sessions_ended": ended,
            "deletion_request_ids": request_ids if on_request else [],
            "notice_mailed": bool(notice_to),
        },
    )
    return DeletionResult(
        person_id=pk,
        counts=plan.counts,
        registrations_kept=registration_ids,
        mail_sent_to=notice_to,
        sessions_ended=ended,
    )


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
