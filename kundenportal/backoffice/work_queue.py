"""The back office's start page as a work queue: per kind of open work a count and a link to
the list that shows exactly those rows, and only the work the staff member's role may do
(the permissions of ``roles.py``). A fixed number of queries, however much data there is.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kundenportal.companies.models import AddressChange
from kundenportal.notifications.models import OutboxMail
from kundenportal.privacy.models import DeletionRequest
from kundenportal.registrations.models import Registration
from kundenportal.retention.selectors import retention_next_run, retention_schedule

from .selectors import CONFIRMATION_DUE_DAYS, event_work_conditions, event_work_counts

# The parameter of the event list's filter "Zu erledigen" (EventWorkFilter).
EVENT_WORK_PARAMETER = "zu_erledigen"
PURGE_PREVIEW_DAYS = 30


@dataclass(frozen=True)
class WorkItem:
    key: str
    text: str
    count: int
    url: str


class EventWorkFilter(admin.SimpleListFilter):
    """The event list's filter behind the work queue's event entries."""

    title = gettext_lazy("Zu erledigen")
    parameter_name = EVENT_WORK_PARAMETER

    def lookups(self, request, model_admin):
        return [
            ("bestaetigen", _("Durchführung bestätigen")),
            ("teilnahme", _("Teilnahme erfassen")),
            ("bescheinigungen", _("Bescheinigungen erzeugen")),
        ]

    def queryset(self, request, queryset):
        conditions = event_work_conditions(today=timezone.localdate())
        if self.value() in conditions:
            return queryset.filter(conditions[self.value()])
        return queryset


def _list(name: str, **filters) -> str:
    """The admin list ``app_model``, filtered."""
    url = reverse(f"admin:{name}_changelist")
    return f"{url}?{urlencode(filters)}" if filters else url


def _events(kind: str) -> str:
    return _list("events_event", **{EVENT_WORK_PARAMETER: kind})


def _purge_count() -> int:
    schedule = retention_schedule(first=retention_next_run(), days=PURGE_PREVIEW_DAYS)
    return sum(sum(row["per_day"]) for row in schedule["rows"])


@dataclass(frozen=True)
class _Entry:
    key: str
    permissions: tuple[str, ...]
    count: Callable[[dict], int]
    text: Callable[[int], str]
    url: Callable[[], str]


def _n(singular: str, plural: str) -> Callable[[int], str]:
    return lambda n: ngettext(singular, plural, n) % {"count": n}


ENTRIES = [
    _Entry(
        "registrations",
        ("registrations.change_registration",),
        lambda c: Registration.objects.filter(review=Registration.Review.PENDING).count(),
        _n(
            "%(count)d Anmeldung wartet auf Prüfung",
            "%(count)d Anmeldungen warten auf Prüfung",
        ),
        lambda: _list("registrations_registration", review__exact=Registration.Review.PENDING),
    ),
    _Entry(
        "address_changes",
        ("companies.change_addresschange",),
        lambda c: AddressChange.objects.filter(status=AddressChange.Status.PENDING).count(),
        _n(
            "%(count)d Adressänderung wartet auf Prüfung",
            "%(count)d Adressänderungen warten auf Prüfung",
        ),
        lambda: _list("companies_addresschange", status__exact=AddressChange.Status.PENDING),
    ),
    _Entry(
        "deletion_requests",
        ("privacy.change_deletionrequest",),
        lambda c: DeletionRequest.objects.filter(status=DeletionRequest.Status.OPEN).count(),
        _n("%(count)d offener Löschantrag", "%(count)d offene Löschanträge"),
        lambda: _list("privacy_deletionrequest", status__exact=DeletionRequest.Status.OPEN),
    ),
    _Entry(
        "failed_mails",
        ("notifications.change_outboxmail",),
        lambda c: OutboxMail.objects.filter(status=OutboxMail.Status.FAILED).count(),
        _n("%(count)d E-Mail fehlgeschlagen", "%(count)d E-Mails fehlgeschlagen"),
        lambda: _list("notifications_outboxmail", status__exact=OutboxMail.Status.FAILED),
    ),
    _Entry(
        "confirm_events",
        ("events.confirm_event",),
        lambda c: c["events"]()["bestaetigen"],
        lambda n: (
            ngettext(
                "%(count)d Veranstaltung beginnt in den nächsten %(days)d Tagen ohne "
                "Durchführungsbestätigung",
                "%(count)d Veranstaltungen beginnen in den nächsten %(days)d Tagen ohne "
                "Durchführungsbestätigung",
                n,
            )
            % {"count": n, "days": CONFIRMATION_DUE_DAYS}
        ),
        lambda: _events("bestaetigen"),
    ),
    _Entry(
        "record_attendance",
        ("events.record_attendance",),
        lambda c: c["events"]()["teilnahme"],
        _n(
            "%(count)d abgeschlossene Veranstaltung ohne erfasste Teilnahme",
            "%(count)d abgeschlossene Veranstaltungen ohne erfasste Teilnahme",
        ),
        lambda: _events("teilnahme"),
    ),
    _Entry(
        "certificates",
        ("events.view_event", "documents.add_certificate"),
        lambda c: c["events"]()["bescheinigungen"],
        _n(
            "%(count)d abgeschlossene Veranstaltung mit fehlenden Bescheinigungen",
            "%(count)d abgeschlossene Veranstaltungen mit fehlenden Bescheinigungen",
        ),
        lambda: _events("bescheinigungen"),
    ),
    _Entry(
        "purge",
        ("retention.view_retentionschedule",),
        lambda c: _purge_count(),
        lambda n: (
            ngettext(
                "%(count)d Eintrag wird in den nächsten %(days)d Tagen gelöscht",
                "%(count)d Einträge werden in den nächsten %(days)d Tagen gelöscht",
                n,
            )
            % {"count": n, "days": PURGE_PREVIEW_DAYS}
        ),
        lambda: _list("retention_retentionschedule"),
    ),
]


def work_queue(*, user) -> list[WorkItem]:
    """The open work the user may act on, in the order of ``ENTRIES``."""
    cache: dict = {}

    def events() -> dict[str, int]:
        # The three event entries share one query.
        if "events" not in cache:
            cache["events"] = event_work_counts(today=timezone.localdate())
        return cache["events"]

    shared = {"events": events}
    items = []
    for entry in ENTRIES:
        if not user.has_perms(entry.permissions):
            continue
        count = entry.count(shared)
        items.append(WorkItem(key=entry.key, text=entry.text(count), count=count, url=entry.url()))
    return items
