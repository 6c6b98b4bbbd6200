"""Reads: a person's qualifications, derived from their certificates (never stored twice),
the next refresher dates, and the staff overview.

Only valid certificates count (revoked ones do not; a corrected one replaces the revoked
original), and only those still within their 10 years, so the state leaves with the
certificate under the retention rules.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Window
from django.db.models.functions import ExtractMonth, ExtractYear, RowNumber

from kundenportal.documents.access import certificate_valid_q
from kundenportal.documents.models import Certificate
from kundenportal.events.models import Event, Qualification
from kundenportal.events.selectors import events_bookable
from kundenportal.registrations.models import Participation

from . import rules

# Places that count as "a refresher has been booked" (not the waiting list, not cancelled).
BOOKED_STATUSES = (Participation.Status.REGISTERED, Participation.Status.CONFIRMED)
# How many upcoming refresher dates a page or mail offers per qualification.
NEXT_DATES = 3


class State:
    VALID = "valid"
    EXPIRING = "expiring"
    LAPSED = "lapsed"


@dataclass
class QualificationState:
    qualification_id: int
    name: str
    legal_basis: str
    refresh_months: int
    last_course_day: dt.date
    valid_until: dt.date
    days_left: int
    state: str
    next_dates: list[dict] = field(default_factory=list)
    booked: list[dict] = field(default_factory=list)

    @property
    def lapsed_since(self) -> dt.date:
        return self.valid_until + dt.timedelta(days=1)


def _state(days_left: int) -> str:
    if days_left < 0:
        return State.LAPSED
    if days_left <= max(settings.QUALIFICATION_REMINDER_DAYS):
        return State.EXPIRING
    return State.VALID


def qualifications_for_person(*, person, today: dt.date) -> list[QualificationState]:
    """ "Meine Dokumente": each qualification the person's certificates prove, with its state,
    the refreshers the person has booked and the next bookable refresher dates. Three
    queries, however many certificates and events there are."""
    rows = (
        Participation.objects.filter(person=person, event__qualification__isnull=False)
        .filter(certificate_valid_q(today=today, prefix="certificate__"))
        .values(
            "event__qualification_id",
            "event__qualification__name",
            "event__qualification__legal_basis",
            "event__qualification__refresh_months",
        )
        .annotate(last_course_day=Max("event__last_day"))
        .order_by("event__qualification__name")
    )
    states = []
    for row in rows:
        valid_until = rules.qualification_valid_until(
            last_day=row["last_course_day"],
            refresh_months=row["event__qualification__refresh_months"],
        )
        left = rules.days_left(valid_until=valid_until, today=today)
        states.append(
            QualificationState(
                qualification_id=row["event__qualification_id"],
                name=row["event__qualification__name"],
                legal_basis=row["event__qualification__legal_basis"],
                refresh_months=row["event__qualification__refresh_months"],
                last_course_day=row["last_course_day"],
                valid_until=valid_until,
                days_left=left,
                state=_state(left),
            )
        )
    if not states:
        return states
    by_id = {s.qualification_id: s for s in states}
    for booked in (
        Participation.objects.filter(
            person=person,
            status__in=BOOKED_STATUSES,
            event__qualification_id__in=list(by_id),
            event__last_day__gte=today,
            event__status__in=Event.NOT_CANCELLED_STATUSES,
        )
        .order_by("event__first_day", "event__number")
        .values(*_EVENT_VALUES_OF("event__"))
    ):
        by_id[booked["event__qualification_id"]].booked.append(_event_dict(booked, "event__"))
    booked_numbers = {e["number"] for s in states for e in s.booked}
    for event in refresher_dates(qualification_ids=list(by_id)):
        if event["number"] not in booked_numbers:
            by_id[event["qualification_id"]].next_dates.append(event)
    return states


def _EVENT_VALUES_OF(prefix: str) -> tuple[str, ...]:
    return tuple(
        prefix + name
        for name in (
            "qualification_id",
            "number",
            "title",
            "first_day",
            "last_day",
            "format",
            "place",
        )
    )


def _event_dict(row: dict, prefix: str = "") -> dict:
    return {name: row[prefix + name] for name in _EVENT_VALUES_OF("")}


def refresher_dates(
    *, qualification_ids: list[int], per_qualification: int = NEXT_DATES
) -> list[dict]:
    """The next bookable refresher courses (Fortbildungslehrgänge) of these qualifications,
    at most ``per_qualification`` each, soonest first; one query."""
    if not qualification_ids:
        return []
    ranked = (
        events_bookable()
        .filter(
            qualification_id__in=qualification_ids,
            qualification_role=Event.QualificationRole.REFRESHES,
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("qualification_id")],
                order_by=[F("first_day").asc(), F("number").asc()],
            )
        )
        .filter(rank__lte=per_qualification)
        .order_by("first_day", "number")
        .values(*_EVENT_VALUES_OF(""))
    )
    return list(ranked)


def qualification_reminders_enabled(*, person) -> bool:
    from .models import ReminderOptOut

    return not ReminderOptOut.objects.filter(person=person).exists()


# --- the reminder job ------------------------------------------------------------------------


def _later_participations() -> QuerySet:
    """The person's participations in a later course of the same qualification than the
    participation at hand (the outer query's row), in events not cancelled."""
    return Participation.objects.filter(
        person=OuterRef("person_id"),
        event__qualification_id=OuterRef("event__qualification_id"),
        event__status__in=Event.NOT_CANCELLED_STATUSES,
    ).filter(
        Q(event__last_day__gt=OuterRef("event__last_day"))
        | Q(event__last_day=OuterRef("event__last_day"), pk__gt=OuterRef("pk"))
    )


def _later_valid_course(*, today: dt.date) -> Exists:
    """A later course with a valid certificate: the validity moved on."""
    valid = Certificate.objects.filter(participation=OuterRef("pk")).filter(
        certificate_valid_q(today=today)
    )
    return Exists(_later_participations().filter(Exists(valid)))


def _later_booked_course(*, today: dt.date) -> Exists:
    """A refresher has been booked: a later place (not the waiting list) in a course that has
    not ended yet (a place in a past course never marked attended is a no-show), or attended
    and still waiting for its certificate."""
    any_certificate = Certificate.objects.filter(participation=OuterRef("pk"))
    return Exists(
        _later_participations().filter(
            Q(status__in=BOOKED_STATUSES, event__last_day__gte=today)
            | Q(status=Participation.Status.ATTENDED) & ~Exists(any_certificate)
        )
    )


def _latest_courses(*, today: dt.date, courses: Q) -> QuerySet:
    """Participations in the events ``courses`` selects (a condition on the event, joined
    directly so the index on qualification and last day leads) with a valid certificate that
    are their person's latest course of the qualification (the one its validity rests on),
    of active accounts."""
    valid_certificate = Certificate.objects.filter(participation=OuterRef("pk")).filter(
        certificate_valid_q(today=today)
    )
    return (
        Participation.objects.filter(
            courses,
            event__status__in=Event.NOT_CANCELLED_STATUSES,
            person__is_active=True,
        )
        .filter(Exists(valid_certificate))
        .exclude(_later_valid_course(today=today))
    )


def reminder_candidates(
    *,
    qualification_id: int,
    refresh_months: int,
    first: dt.date,
    last: dt.date,
    lead_days: int,
    today: dt.date,
) -> QuerySet:
    """Participations whose course is the latest of its qualification for the person and whose
    validity ends between ``first`` and ``last``, not yet reminded at ``lead_days``, of an
    active person who has not switched reminders off and has booked no refresher.

    Found through the events of that qualification that ended on the matching days (an
    index on qualification and last day), so the work grows with the courses due, not with
    all certificates.
    """
    from .models import QualificationReminder, ReminderOptOut

    start, end = rules.last_days_for_valid_until(
        first=first, last=last, refresh_months=refresh_months
    )
    # The few events first (the index on qualification and last day), then their
    # participations by event (an index too): written as one join, the planner may take the
    # events' share of all participations for large and scan them all.
    event_ids = list(
        Event.objects.filter(
            qualification_id=qualification_id, last_day__gte=start, last_day__lte=end
        ).values_list("pk", flat=True)
    )
    courses = Q(event_id__in=event_ids)
    return (
        _latest_courses(today=today, courses=courses)
        .exclude(_later_booked_course(today=today))
        .exclude(Exists(ReminderOptOut.objects.filter(person=OuterRef("person_id"))))
        .exclude(
            Exists(
                QualificationReminder.objects.filter(
                    participation=OuterRef("pk"), lead_days=lead_days
                )
            )
        )
    )


# --- the staff overview "Fachkunde läuft ab" ---------------------------------------------------


def _month_start(index: int) -> dt.date:
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, 1)


def qualification_expiry_overview(*, today: dt.date, months: int = 12) -> list[dict]:
    """Per qualification and month (this one and the next ``months - 1``): how many people's
    qualification lapses then, and how many of them have booked a refresher. Counts only;
    one query for all qualifications, whatever the number of certificates.

    The validity ends in the month ``refresh_months`` after the month of the latest course
    (the day may move to the month's end, never into another month), so each qualification
    reads the courses that ended ``refresh_months`` before the months shown.
    """
    qualifications = list(Qualification.objects.order_by("name"))
    first = today.year * 12 + today.month - 1
    shown = [_month_start(first + i) for i in range(months)]
    counts: dict[tuple[int, dt.date], dict] = {}
    if qualifications:
        courses = Q()
        for q in qualifications:
            start = _month_start(first - q.refresh_months)
            end = _month_start(first + months - q.refresh_months) - dt.timedelta(days=1)
            courses |= Q(
                event__qualification=q, event__last_day__gte=start, event__last_day__lte=end
            )
        rows = (
            _latest_courses(today=today, courses=courses)
            .values(
                "event__qualification_id",
                year=ExtractYear("event__last_day"),
                month=ExtractMonth("event__last_day"),
            )
            .annotate(
                lapsing=Count("person", distinct=True),
                booked=Count("person", filter=_later_booked_course(today=today), distinct=True),
            )
            .order_by()
        )
        months_of = {q.pk: q.refresh_months for q in qualifications}
        for row in rows:
            q_id = row["event__qualification_id"]
            month = _month_start(row["year"] * 12 + row["month"] - 1 + months_of[q_id])
            counts[(q_id, month)] = {
                "lapsing": row["lapsing"],
                "booked": row["booked"],
                "open": row["lapsing"] - row["booked"],
            }
    return [
        {
            "qualification": q,
            "months": [
                {
                    "month": month,
                    **counts.get((q.pk, month), {"lapsing": 0, "booked": 0, "open": 0}),
                }
                for month in shown
            ],
        }
        for q in qualifications
    ]
