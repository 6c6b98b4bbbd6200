"""Retention conditions: what the daily purge deletes, and when. Each category of the register
(``privacy.register``) owns its policies; they are built from the conditions here.

Why this exists. The provider promises its participants in the FAQ:

- "...zur Dokumentensammlung": "Kursbezogene Dokumente, wie z.B. Veranstaltungsskripte,
  bleiben 42 Tage nach dem letzten Veranstaltungstag online und werden anschließend gelöscht."
  and "Bescheinigungen können Sie 10 Jahre einsehen und herunterladen."
- "...zur Datenspeicherung": "In Anlehnung an die gesetzlichen Aufbewahrungsfristen speichern
  wir Ihre Daten 10 Jahre lang. Alle älteren Daten, Veranstaltungsbesuche und Bescheinigungen,
  werden automatisch gelöscht."

So deletion is a promise, not housekeeping: nothing about a person may outlive its period.
Each policy below is a condition on one model, a function of the day the purge runs. The dates
come from ``documents.rules``, the same functions the portal uses to decide what it shows, so
an item disappears from the portal and from the database on the same day (tests travel across
every boundary to hold that).

Rules that the conditions encode (in the order the purge runs them):

1. Course documents and online links: online through the 42nd day after the event's last day,
   deleted (file and record) from the 43rd on. Cancelled events too, by the same date.
2. Certificates: 10 years from the issue date (29 February → 28 February), with their files.
3. Participations (every status): 10 years after the event's last day, but never while their
   certificate is still within its own 10 years: a certificate issued weeks after the course
   belongs to its participation and the FAQ promises the certificate for 10 years. The portal
   stops listing the participation under "Meine Teilnahmen" on time either way.
4. Registrations (booker's address, remarks): 10 years after the event's last day, once none
   of their participations is left.
5. Address changes from registrations: 10 years after they came in, once the event of their
   registration ended more than 10 years ago. Addresses bound to an account (a booker's):
   10 years after the last booking of the account from that address.
6. Deletion requests already handled: 10 years after they were handled.
7. Audit entries: 10 years after they were written.
8. Django's admin log (``django_admin_log``, beside the audit log): 10 years, like the audit.
9. Accounts: a participant's account (never staff) with no participation left and no
   activity (login, creation) for 10 years is erased by ``privacy.erasure.person_erase``, the
   same core as a deletion on request, so nothing that names the person stays. Its username
   stays reserved: only the keyed hash in ``UsernameSeries`` outlives it.
10. Mails: sent and cancelled ones after ``OUTBOX_KEEP_DAYS`` (the notifications app's
    ``outbox_purge`` deletes by the same rule), failed ones after ``OUTBOX_FAILED_KEEP_DAYS``.
11. Technical data: expired sessions, login attempts past their cool-off, old login logs.

Rows of person data that a policy deletes first lose their labels in the audit log and their
entries in the admin log (``privacy.erasure.records_forget``). Every model with personal data
belongs to exactly one category of the register, which states its rule (a test holds that).

Every condition is monotonic in the day (what is due today is due tomorrow too), which the
preview in the admin relies on.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.db import connection, models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from kundenportal.accounts.models import Person
from kundenportal.core.formatting import date_text
from kundenportal.core.locks import advisory_locks_try, person_lock_key
from kundenportal.documents import rules
from kundenportal.documents.models import Certificate
from kundenportal.notifications.models import OutboxMail
from kundenportal.registrations.models import Participation, Registration

from .erasure import ErasureReason, people_erase, records_forget
from .models import DeletionRequest


@dataclass(frozen=True)
class Moment:
    """When a purge runs: its local day (for the date rules) and its instant."""

    today: dt.date
    now: dt.datetime

    @classmethod
    def current(cls) -> "Moment":
        return cls(today=timezone.localdate(), now=timezone.now())

    @classmethod
    def planned(cls, day: dt.date) -> "Moment":
        """The moment of the daily run on ``day`` (at RETENTION_RUN_AT, local time)."""
        hour, minute = (int(part) for part in settings.RETENTION_RUN_AT.split(":"))
        return cls(
            today=day, now=timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))
        )


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def person_data_cutoff(moment: Moment) -> dt.date:
    """Data dated before this day (event's last day, creation, last activity) is past its
    10 years on ``moment``; the portal uses the same date for "Meine Teilnahmen"."""
    return rules.participations_visible_last_day_from(moment.today)


def participation_kept(moment: Moment, prefix: str = "") -> Q:
    """Participations that must stay on ``moment``: their event ended less than 10 years ago,
    or their certificate is still within its 10 years."""
    return Q(**{f"{prefix}event__last_day__gte": person_data_cutoff(moment)}) | Q(
        **{
            f"{prefix}certificate__issued_on__gte": rules.certificates_visible_issued_from(
                moment.today
            )
        }
    )


# --- conditions: one per category -----------------------------------------------------------


def course_documents_due(moment: Moment) -> Q:
    # FAQ: "... bleiben 42 Tage nach dem letzten Veranstaltungstag online und werden
    # anschließend gelöscht."
    return Q(event__last_day__lt=rules.course_documents_visible_last_day_from(moment.today))


def certificates_due(moment: Moment) -> Q:
    # FAQ: "Bescheinigungen können Sie 10 Jahre einsehen und herunterladen."
    return Q(issued_on__lt=rules.certificates_visible_issued_from(moment.today))


def participations_due(moment: Moment) -> Q:
    # FAQ: "Alle älteren Daten, Veranstaltungsbesuche und Bescheinigungen, werden automatisch
    # gelöscht." A participation stays while its certificate does (see the header).
    # A participation may have several certificates (revoked ones beside a re-issued one):
    # it stays while any of them does.
    recent_certificate = Certificate.objects.filter(
        participation=OuterRef("pk"),
        issued_on__gte=rules.certificates_visible_issued_from(moment.today),
    )
    return Q(event__last_day__lt=person_data_cutoff(moment)) & ~Q(Exists(recent_certificate))


def registrations_due(moment: Moment) -> Q:
    # FAQ: "... speichern wir Ihre Daten 10 Jahre lang." A registration goes with the last of
    # its participations.
    surviving = Participation.objects.filter(registration=OuterRef("pk")).filter(
        participation_kept(moment)
    )
    return Q(event__last_day__lt=person_data_cutoff(moment)) & ~Q(Exists(surviving))


def address_changes_due(moment: Moment) -> Q:
    # FAQ: "... speichern wir Ihre Daten 10 Jahre lang." Counted from the event of the
    # registration the data came with, and never before the change itself is 10 years old.
    recent_event = Registration.objects.filter(
        pk=OuterRef("source_registration_id"),
        event__last_day__gte=person_data_cutoff(moment),
    )
    return Q(created_at__lt=_start_of(person_data_cutoff(moment))) & ~Q(Exists(recent_event))


def qualification_reminders_due(moment: Moment) -> Q:
    # A reminder record only keeps a reminder from going twice before the qualification
    # lapses; once that day has passed it has no purpose left.
    return Q(valid_until__lt=moment.today)


def deletion_requests_due(moment: Moment) -> Q:
    # Handled requests are a record of what was done; 10 years, like everything else.
    limit = _start_of(person_data_cutoff(moment))
    return ~Q(status=DeletionRequest.Status.OPEN) & (
        Q(handled_at__lt=limit) | Q(handled_at__isnull=True, created_at__lt=limit)
    )


def audit_entries_due(moment: Moment) -> Q:
    # Entries name the person they concern; the 10 years apply to them as well.
    return Q(created_at__lt=_start_of(person_data_cutoff(moment)))


def admin_log_due(moment: Moment) -> Q:
    # Django's admin log names the objects staff changed (a participant's name); 10 years.
    return Q(action_time__lt=_start_of(person_data_cutoff(moment)))


def sent_mails_due(moment: Moment) -> Q:
    # Sent and cancelled mails hold addresses and names (the notifications app's rule).
    limit = moment.now - dt.timedelta(days=settings.OUTBOX_KEEP_DAYS)
    return Q(status__in=[OutboxMail.Status.SENT, OutboxMail.Status.CANCELLED], created_at__lt=limit)


def failed_mails_due(moment: Moment) -> Q:
    # Staff may send a failed mail again for a while; then it goes like a sent one.
    limit = moment.now - dt.timedelta(days=settings.OUTBOX_FAILED_KEEP_DAYS)
    return Q(status=OutboxMail.Status.FAILED, created_at__lt=limit)


def accounts_due(moment: Moment) -> Q:
    # FAQ: "... speichern wir Ihre Daten 10 Jahre lang." An account with nothing left and no
    # login for 10 years goes; staff accounts never.
    limit = _start_of(person_data_cutoff(moment))
    surviving = Participation.objects.filter(person=OuterRef("pk")).filter(
        participation_kept(moment)
    )
    return (
        Q(is_staff=False, is_superuser=False, date_joined__lt=limit)
        & (Q(last_login__isnull=True) | Q(last_login__lt=limit))
        & ~Q(Exists(surviving))
    )


def sessions_due(moment: Moment) -> Q:
    # What ``manage.py clearsessions`` deletes.
    return Q(expire_date__lt=moment.now)


def login_attempts_due(moment: Moment) -> Q:
    # Failed attempts lock nothing once their cool-off has passed (README: "kept only until
    # their cool-off has passed").
    from axes.helpers import get_cool_off

    cool_off = get_cool_off() or dt.timedelta(0)
    return Q(attempt_time__lte=moment.now - cool_off)


def login_logs_due(moment: Moment) -> Q:
    return Q(attempt_time__lt=moment.now - dt.timedelta(days=settings.LOGIN_LOG_KEEP_DAYS))


# --- what staff see of the next items (the first few only, see the admin page) -------------


def _d(day: dt.date | None) -> str:
    return date_text(day) if day else "–"


def _describe_documents(qs: models.QuerySet) -> list[str]:
    return [
        f"{row['title']} – {row['event__number']} (letzter Tag {_d(row['event__last_day'])})"
        for row in qs.values("title", "event__number", "event__last_day")
    ]


def _describe_certificates(qs: models.QuerySet) -> list[str]:
    return [
        f"{row['participation__person__username']} – {row['participation__event__number']}"
        f" (ausgestellt {_d(row['issued_on'])})"
        for row in qs.values(
            "issued_on", "participation__person__username", "participation__event__number"
        )
    ]


def _describe_participations(qs: models.QuerySet) -> list[str]:
    return [
        f"{row['person__username']} – {row['event__number']}"
        f" (letzter Tag {_d(row['event__last_day'])})"
        for row in qs.values("person__username", "event__number", "event__last_day")
    ]


def _describe_registrations(qs: models.QuerySet) -> list[str]:
    return [
        f"Anmeldung {row['pk']} – {row['event__number']} (letzter Tag {_d(row['event__last_day'])})"
        for row in qs.values("pk", "event__number", "event__last_day")
    ]


def _describe_accounts(qs: models.QuerySet) -> list[str]:
    rows = qs.values("username", "last_login", "date_joined")
    return [
        f"{row['username']} (zuletzt aktiv "
        f"{_d(timezone.localdate(row['last_login'] or row['date_joined']))})"
        for row in rows
    ]


# --- the policies ---------------------------------------------------------------------------


def _session_model() -> type[models.Model] | None:
    from django.contrib.sessions.backends.db import SessionStore as DatabaseStore

    store = import_module(settings.SESSION_ENGINE).SessionStore
    return store.get_model_class() if issubclass(store, DatabaseStore) else None


def _axes_model(name: str) -> Callable[[], type[models.Model] | None]:
    def model() -> type[models.Model] | None:
        from django.apps import apps

        return apps.get_model("axes", name) if apps.is_installed("axes") else None

    return model


def _files(label: str, model: type[models.Model], lookup: str):
    def files(pks: list) -> list[tuple[str, str]]:
        return [
            (label, name)
            for name in model._default_manager.filter(**{f"{lookup}__any": set(pks)})
            .exclude(file="")
            .values_list("file", flat=True)
        ]

    return files


@dataclass(frozen=True)
class Policy:
    key: str
    label: str
    model: Callable[[], type[models.Model] | None]
    condition: Callable[[Moment], Q]
    # Shown in the admin's 30-day schedule (technical data that come and go are not).
    in_schedule: bool = True
    describe: Callable[[models.QuerySet], list[str]] | None = None
    # Called inside the chunk's transaction with the primary keys about to be deleted;
    # returns those that may go (the others stay for the next run).
    lock: Callable[[list], list] | None = None
    before_delete: Callable[[list], None] | None = None
    # Deletes the rows itself instead of a plain delete of the queryset.
    delete: Callable[[list], None] | None = None
    # Files of the rows about to be deleted (and of rows their deletion cascades to), as
    # ("app.model.field", storage name) pairs.
    files: Callable[[list], list[tuple[str, str]]] | None = None


def _lock_account_names(pks: list) -> list:
    """Skip accounts a registration is reusing right now.

    ``registrations.services.resolution.person_resolve`` holds the transaction-level advisory lock
    "person:<name key>:<company>" while it looks for and reuses an account. We try the same
    lock without waiting: if a registration holds it, the account is left for the next run;
    a registration that comes after us waits for our commit and then finds no account to
    reuse (so it creates a new one). Key and lock number come from the same functions the
    registration uses.
    """
    if connection.vendor != "postgresql" or not pks:
        return pks  # SQLite admits one writing transaction at a time.
    rows = Person.objects.filter(pk__any=set(pks)).values_list("pk", "name_key", "company_id")
    keys = {
        pk: person_lock_key(name_key=name_key, company_id=company_id)
        for pk, name_key, company_id in rows
    }
    taken = advisory_locks_try(keys=list(keys.values()))
    return [pk for pk, key in keys.items() if key in taken]


def _accounts_erase(pks: list) -> None:
    # The same erasure as on request: nothing that names the person stays. One call for the
    # whole chunk: its searches of the logs and the outbox run once per chunk.
    people_erase(
        people=list(Person.objects.filter(pk__any=set(pks)).order_by("pk")),
        actor=None,
        reason=ErasureReason.RETENTION,
    )


def _forget(model: type[models.Model]) -> Callable[[list], None]:
    return lambda pks: records_forget(model=model, pks=pks)


def _admin_log_model() -> type[models.Model] | None:
    from django.apps import apps

    return (
        apps.get_model("admin", "LogEntry") if apps.is_installed("django.contrib.admin") else None
    )


def bound_addresses_due(moment: Moment) -> Q:
    # FAQ: "... speichern wir Ihre Daten 10 Jahre lang." An address bound to an account (a
    # booker's, often a colleague's) stays 10 years after the last booking of that account
    # from it, never longer than the account.
    cutoff = person_data_cutoff(moment)
    recent_booking = Participation.objects.filter(
        person=OuterRef("person"),
        registration__correspondence_email__iexact=OuterRef("email"),
        event__last_day__gte=cutoff,
    )
    return Q(created_at__lt=_start_of(cutoff)) & ~Q(Exists(recent_booking))
