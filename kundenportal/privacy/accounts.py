"""Staff work on accounts: merge several accounts into one, delete an account on request,
send the access data again.

FAQ: "Ich habe mehrere Konten, kann ich diese zusammenführen? Ja, bitte melden Sie sich dazu
telefonisch im Marketing. Halten Sie dafür bitte Ihre zusammenzuführenden Benutzernamen
bereit." — "Kann ich mein Konto löschen? ... eine Löschung über das Marketing ... beantragen."

These services sit above every app that keeps data about a person, so they can move or
remove all of it in one transaction. What an erasure keeps, and why, is in the README
("Accounts: merge, deletion, credentials, audit").
"""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.db.models.deletion import Collector
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from kundenportal.accounts.addresses import address_for_secrets
from kundenportal.accounts.models import Person
from kundenportal.audit.models import AuditEntry
from kundenportal.audit.services import (
    audit_entries_pseudonymise,
    audit_log,
    audit_username_hash,
)
from kundenportal.companies.models import AddressChange
from kundenportal.documents.models import Certificate
from kundenportal.notifications.models import OutboxMail
from kundenportal.notifications.services import mail_enqueue
from kundenportal.registrations.models import Participation, Registration
from kundenportal.registrations.selectors import person_contact_email

from .models import DeletionRequest

CREDENTIALS_TEMPLATE = "credentials"
DELETED_TEMPLATE = "account_deleted"


# --- shared helpers -------------------------------------------------------------------------


def sessions_end(*, person_ids: list[int]) -> int:
    """End every session of these accounts (after commit: the cache is not transactional).

    Sessions carry no index by user, so this reads the unexpired ones in chunks; it runs for
    a staff action on a few accounts, not per request.
    """
    wanted = {str(pk) for pk in person_ids}
    keys = []
    sessions = Session.objects.filter(expire_date__gt=timezone.now()).only(
        "session_key", "session_data"
    )
    for session in sessions.iterator(chunk_size=1000):
        data = session.get_decoded()  # {} for a session it cannot read
        if str(data.get("_auth_user_id", "")) in wanted:
            keys.append(session.session_key)
    if keys:
        Session.objects.filter(session_key__in=keys).delete()
        store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")

        def end() -> None:
            # cached_db: the cached copy goes too, once the deletion is committed.
            for key in keys:
                store(session_key=key).delete()

        transaction.on_commit(end)
    return len(keys)


def _staff_refusal(person: Person) -> None:
    if person.is_staff or person.is_superuser:
        raise ValidationError(
            _("Das Konto %(username)s gehört zur Verwaltung und wird hier nicht bearbeitet.")
            % {"username": person.username}
        )


# --- resend credentials ---------------------------------------------------------------------


@transaction.atomic
def credentials_resend(*, person: Person, actor: Any) -> OutboxMail:
    """Staff action "Zugangsdaten erneut senden".

    The mail carries a fresh initial password while the person has never set an own one
    (made at send time, the earlier one stops working once the mail has gone out), otherwise
    the username, the hint that the own password applies and the "Passwort vergessen" link —
    the same credentials as the Durchführungsbestätigung (``credentials_for_mail``).
    """
    person = Person.objects.select_for_update().get(pk=person.pk)
    _staff_refusal(person)
    if not person.is_active:
        raise ValidationError(
            _("Das Konto %(username)s ist deaktiviert.") % {"username": person.username}
        )
    # Credentials go only to an address bound to the account, never a mere booker's.
    address = address_for_secrets(person=person)
    if not address:
        raise ValidationError(
            _(
                "Für %(username)s ist keine E-Mail-Adresse bekannt (weder eine eigene noch "
                "eine an das Konto gebundene Korrespondenzadresse). Bitte tragen Sie zuerst eine E-Mail-Adresse ein."
            )
            % {"username": person.username}
        )
    # No dedupe key: every resend is a new mail with a new password (a new outbox nonce).
    mail = mail_enqueue(
        template=CREDENTIALS_TEMPLATE, to=[address], context={"person_id": person.pk}
    )
    audit_log(
        actor=actor,
        action="person.credentials_resent",
        obj=person,
        data={
            "mail_id": mail.pk,
            "recipient": "own" if address == person.email else "correspondence",
            "kind": "username_hint" if person.has_own_password else "initial_password",
        },
    )
    return mail


# --- delete on request ----------------------------------------------------------------------


def _file_fields(model) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


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


def _collect(person: Person) -> dict[type[models.Model], list[models.Model]]:
    """Every row a delete of ``person`` removes, by model (the person's own row excluded).

    Asks the ORM's deletion collector, so a relation another app adds later is found
    without a change here; rows it would "fast delete" are read too (for counts and files).
    """
    collector = Collector(using="default")
    collector.collect([person])
    rows: dict[type[models.Model], list[models.Model]] = {}
    for model, instances in collector.data.items():
        if model is not Person and instances:
            rows.setdefault(model, []).extend(instances)
    for qs in collector.fast_deletes:
        instances = list(qs)
        if instances:
            rows.setdefault(qs.model, []).extend(instances)
    return rows


def _outbox_about(person: Person, participation_ids: list[int]) -> models.QuerySet[OutboxMail]:
    """Mails (not in flight) that name the person: their confirmations, notices to them,
    the deletion request to marketing. Password-reset mails for a shared address are
    handled separately (they may list other accounts)."""
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
        _staff_refusal(person)
    except ValidationError as exc:
        refusal = " ".join(exc.messages)
    counts: Counter[str] = Counter()
    for model, instances in _collect(person).items():
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
    needles = [
        n.lower()
        for n in (person.username, f"{person.first_name} {person.last_name}", person.last_name)
        if n and len(n) >= 3
    ]
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
        elif any(n in remarks for n in needles):
            updates["remarks"] = ""
        if updates:
            Registration.objects.filter(pk=registration.pk).update(**updates)
            changed += 1
    return changed


@dataclass
class DeletionResult:
    person_id: int
    counts: dict[str, int]
    registrations_kept: list[int]
    mail_sent_to: str
    sessions_ended: int


@transaction.atomic
def account_delete(*, person: Person, actor: Any) -> DeletionResult:
    """Delete an account on request, with its participations, certificates and their files,
    address changes and sessions, in one transaction.

    SPEC: "Account deletion on request removes the account, its participations, certificates
    and files; a booking record that must stay for accounting keeps no name of the deleted
    person." The ``account_deleted`` mail is queued (with plain data) before the data go, in
    the same transaction; the audit entry keeps only the account number and a keyed hash of
    the username.
    """
    person = Person.objects.select_for_update().filter(pk=person.pk).first()
    if person is None:
        raise ValidationError(_("Das Konto besteht nicht mehr."))
    _staff_refusal(person)
    if actor is not None and getattr(actor, "pk", None) == person.pk:
        raise ValidationError(_("Sie können Ihr eigenes Konto nicht löschen."))
    plan = account_deletion_plan(person=person)
    pk, username = person.pk, person.username
    label = f"Gelöschtes Konto Nr. {pk}"
    participation_ids = list(
        Participation.objects.filter(person=person).values_list("pk", flat=True)
    )

    # 1. Mails about the person that have not gone out (or sit in the outbox with their
    #    name) go; then the notice of the deletion is queued while the name is still known.
    outbox_deleted = _outbox_about(person, participation_ids).delete()[0]
    for mail in OutboxMail.objects.filter(template="password_reset").exclude(
        status__in=[OutboxMail.Status.SENDING, OutboxMail.Status.SENT]
    ):
        ids = mail.context.get("person_ids", [])
        if pk in ids:
            rest = [i for i in ids if i != pk]
            if rest:
                OutboxMail.objects.filter(pk=mail.pk).update(
                    context={**mail.context, "person_ids": rest}
                )
            else:
                OutboxMail.objects.filter(pk=mail.pk).delete()
                outbox_deleted += 1
    mail_to = plan.mail_to
    # A contact address that also booked other people is a booker's (HR), not the person's.
    own_address = person.email or (
        ""
        if Participation.objects.filter(registration__correspondence_email__iexact=mail_to)
        .exclude(person=person)
        .exists()
        else mail_to
    )
    if mail_to:
        mail_enqueue(
            template=DELETED_TEMPLATE,
            to=[mail_to],
            context={
                "full_name": person.get_full_name(),
                "username": username,
                "deleted_at": timezone.localdate().strftime("%d.%m.%Y"),
            },
        )

    # 2. The booking records that stay lose the person's name.
    registration_ids = plan.registrations_kept
    _anonymise_registrations(person, registration_ids, contact_email=own_address)

    # 3. Requests and the log keep what was done, not whom it named.
    requests = DeletionRequest.objects.filter(person=person)
    requests.filter(status=DeletionRequest.Status.OPEN).update(
        status=DeletionRequest.Status.DONE,
        handled_at=timezone.now(),
        handled_by=actor if getattr(actor, "pk", None) else None,
    )
    request_ids = list(requests.values_list("pk", flat=True))
    requests.update(username=label, reason="")
    collected = _collect(person)
    erased: dict[str, list[Any]] = {Person._meta.label_lower: [pk]}
    for model, instances in collected.items():
        erased.setdefault(model._meta.label_lower, []).extend(i.pk for i in instances)
    erased.setdefault(DeletionRequest._meta.label_lower, []).extend(request_ids)
    # Accounts merged into this one earlier were the same person: their entries go too.
    merged_ids, merged_usernames = [], []
    for data in AuditEntry.objects.filter(
        action="person.merge", object_type=Person._meta.label_lower, object_id=str(pk)
    ).values_list("data", flat=True):
        merged_ids += data.get("merged_person_ids", [])
        merged_usernames += data.get("merged_usernames", [])
    erased[Person._meta.label_lower] += merged_ids
    audit_entries_pseudonymise(
        objects=erased,
        actor_id=pk,
        identifiers=[
            *merged_usernames,
            username,
            person.get_full_name(),
            f"{person.first_name} {person.last_name}",
            person.email,
        ],
        label=label,
    )
    # Login throttling rows are keyed by the username.
    try:
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    except ImportError:  # pragma: no cover - axes is installed
        pass
    else:
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            model.objects.filter(username__iexact=username).delete()

    # 4. Files go only once the deletion is committed (a rollback keeps both).
    files = []
    for model, instances in collected.items():
        for name in _file_fields(model):
            for instance in instances:
                file = getattr(instance, name)
                if file:
                    files.append((file.storage, file.name))
    for storage, name in files:
        transaction.on_commit(lambda s=storage, n=name: s.delete(n))
    ended = sessions_end(person_ids=[pk])
    person.delete()

    audit_log(
        actor=actor,
        action="person.delete",
        object_type=Person._meta.label_lower,
        object_id=str(pk),
        object_label=label,
        data={
            "username_hash": audit_username_hash(username),
            "deleted": plan.counts,
            "files": len(files),
            "registrations_kept_without_name": registration_ids,
            "outbox_deleted": outbox_deleted,
            "sessions_ended": ended,
            "deletion_request_ids": request_ids,
            "notice_mailed": bool(mail_to),
        },
    )
    return DeletionResult(
        person_id=pk,
        counts=plan.counts,
        registrations_kept=registration_ids,
        mail_sent_to=mail_to,
        sessions_ended=ended,
    )


# --- merge ----------------------------------------------------------------------------------

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
        _staff_refusal(account)
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
    files = []
    for certificate in Certificate.objects.filter(participation__in=removed):
        if certificate.file:
            files.append((certificate.file.storage, certificate.file.name))
    if removed:
        Participation.objects.filter(pk__in=[p.pk for p in removed]).delete()
    for storage, name in files:
        transaction.on_commit(lambda s=storage, n=name: s.delete(n))
    moved["Bescheinigungen"] = (
        Certificate.objects.filter(participation__person_id__in=merged_ids)
        .exclude(participation__in=removed)
        .count()
    )
    moved["Teilnahmen"] = Participation.objects.filter(person_id__in=merged_ids).update(
        person=survivor, updated_at=timezone.now()
    )

    # Deletion requests: at most one open request per account.
    open_requests = DeletionRequest.objects.filter(
        person_id__in=[survivor.pk, *merged_ids], status=DeletionRequest.Status.OPEN
    ).order_by("created_at", "pk")
    keep_open = open_requests.filter(person=survivor).first() or open_requests.first()
    if keep_open is not None:
        open_requests.exclude(pk=keep_open.pk).update(
            status=DeletionRequest.Status.REJECTED,
            handled_at=timezone.now(),
            handled_by=actor if getattr(actor, "pk", None) else None,
            staff_note=_("Konten zusammengeführt; es gilt der Antrag Nr. %(pk)s.")
            % {"pk": keep_open.pk},
        )
    moved["Löschanträge"] = DeletionRequest.objects.filter(person_id__in=merged_ids).update(
        person=survivor
    )
    moved["Adressänderungen"] = AddressChange.objects.filter(person_id__in=merged_ids).update(
        person=survivor
    )
    # Whatever else other apps hang on an account moves too (the log stays as it was).
    handled = {Participation, DeletionRequest, AddressChange, AuditEntry}
    for relation in Person._meta.related_objects:
        if relation.many_to_many or relation.one_to_one or relation.related_model in handled:
            continue
        n = relation.related_model._default_manager.filter(
            **{f"{relation.field.name}__in": merged_ids}
        ).update(**{relation.field.name: survivor})
        if n:
            moved[str(relation.related_model._meta.verbose_name_plural)] += n

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
    for person in merged:
        person.delete()
    result.moved = {k: v for k, v in moved.items() if v}
    audit_log(
        actor=actor,
        action="person.merge",
        obj=survivor,
        data={
            "survivor_username": survivor.username,
            "merged_usernames": result.merged_usernames,
            "merged_person_ids": merged_ids,
            "moved": result.moved,
            "duplicates_removed": len(result.duplicates),
            "fields_filled": changed,
            "sessions_ended": result.sessions_ended,
        },
    )
    return result
