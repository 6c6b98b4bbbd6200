"""The retention dates of the FAQ, computed in one place.

The portal shows only what these dates allow, even before the purge job has run; the purge
job deletes by the same dates.

FAQ: "Kursbezogene Dokumente, wie z.B. Veranstaltungsskripte, bleiben 42 Tage nach dem letzten
Veranstaltungstag online und werden anschließend gelöscht."
FAQ: "Bescheinigungen können Sie 10 Jahre einsehen und herunterladen."
FAQ: "... speichern wir Ihre Daten 10 Jahre lang."
"""

import calendar
import datetime as dt

from django.conf import settings


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` plus whole years; 29 February becomes 28 February in a common year (as
    ``dateutil.relativedelta`` counts; plain arithmetic, as lists compute it for every row)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months; a day the target month lacks becomes its last day
    (31 August + 6 months → 28/29 February, 29 February + 24 months → 28 February), as
    ``dateutil.relativedelta`` counts. ``add_years(d, n) == add_months(d, 12 * n)``."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def qualification_valid_until(*, last_day: dt.date, refresh_months: int) -> dt.date:
    """Last day (inclusive) on which a course ending ``last_day`` keeps its qualification
    (Fachkunde) valid; the rule and why: ``kundenportal/qualifications/rules.py``."""
    # § 9 Abs. 2 AbfBeauftrV: "regelmäßig, mindestens alle zwei Jahre" — from the latest course.
    return add_months(last_day, refresh_months)


def course_document_online_until(last_day: dt.date) -> dt.date:
    """Last day (inclusive) on which an event's documents and online links are online."""
    return last_day + dt.timedelta(days=settings.COURSE_DOCUMENT_RETENTION_DAYS)


def course_documents_visible_last_day_from(today: dt.date) -> dt.date:
    """Events whose last day is on or after this date still have their documents online."""
    return today - dt.timedelta(days=settings.COURSE_DOCUMENT_RETENTION_DAYS)


def certificate_available_until(issued_on: dt.date) -> dt.date:
    """Last day (inclusive) on which a certificate can be seen and downloaded."""
    return add_years(issued_on, settings.CERTIFICATE_RETENTION_YEARS)


def _earliest_start(today: dt.date, years: int) -> dt.date:
    # The smallest start date whose "start + years" is still today or later. Going back whole
    # years and stepping forward is exact also around 29 February.
    start = add_years(today, -years)
    while add_years(start, years) < today:
        start += dt.timedelta(days=1)
    return start


def certificates_visible_issued_from(today: dt.date) -> dt.date:
    """Certificates issued on or after this date are still available."""
    return _earliest_start(today, settings.CERTIFICATE_RETENTION_YEARS)


def participations_visible_last_day_from(today: dt.date) -> dt.date:
    """Participations in events that ended on or after this date are still kept."""
    return _earliest_start(today, settings.PARTICIPATION_RETENTION_YEARS)


def whole_years_between(start: dt.date, end: dt.date) -> int:
    """Whole years from ``start`` to ``end`` (0 if ``end`` is less than a year away): the
    most years that, added to ``start``, do not pass ``end``."""
    years = end.year - start.year
    if add_years(start, years) > end:
        years -= 1
    return max(years, 0)
