"""Events created and updated by the provider's own systems (the API's upsert by number)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kundenportal.audit.services import audit_log

from .models import Event

# The fields a system may set; status only between draft and published (confirming and
# cancelling have their own actions with their mails).
SYNCED_FIELDS = (
    "title",
    "description",
    "first_day",
    "last_day",
    "format",
    "place",
    "capacity",
    "price",
)
SETTABLE_STATUSES = (Event.Status.DRAFT, Event.Status.PUBLISHED)


@dataclass(frozen=True)
class EventData:
    title: str
    first_day: dt.date
    last_day: dt.date
    capacity: int
    price: Decimal
    description: str = ""
    format: str = Event.Format.PRESENCE
    place: str = ""
    status: str = Event.Status.PUBLISHED


@transaction.atomic
def event_upsert(*, number: str, data: EventData, actor: Any) -> tuple[Event, bool, bool]:
    """Create the event ``number`` or bring it up to ``data``; idempotent.

    Returns ``(event, created, changed)``: sending the same data again changes nothing (and
    leaves ``updated_at`` alone, so a sync by ``updated_since`` does not see it again).
    """
    number = (number or "").strip()
    event = Event.objects.select_for_update().filter(number=number).first()
    created = event is None
    if created:
        event = Event(number=number)
    if data.status not in SETTABLE_STATUSES:
        raise ValidationError({"status": _("Erlaubt sind nur „draft“ und „published“.")})
    changed = [f for f in SYNCED_FIELDS if getattr(event, f, None) != getattr(data, f)]
    # A confirmed event keeps its status (confirming has its own action with its mails).
    status = data.status if created or event.status in SETTABLE_STATUSES else event.status
    if not created and status != event.status:
        changed.append("status")
    if event.status == Event.Status.CANCELLED and changed:
        raise ValidationError(_("Eine abgesagte Veranstaltung kann nicht mehr geändert werden."))
    if not created and not changed:
        return event, False, False
    for name in SYNCED_FIELDS:
        setattr(event, name, getattr(data, name))
    event.status = status
    event.full_clean()
    event.save()
    audit_log(
        actor=actor,
        action="event.create" if created else "event.update",
        obj=event,
        data={"fields": sorted(changed)},
    )
    return event, created, True
