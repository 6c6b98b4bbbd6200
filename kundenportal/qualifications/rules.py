"""Until when a qualification (Fachkunde) is valid, computed in one place.

The rule. A qualification is valid until ``refresh_months`` months after the last day of the
latest course that grants or refreshes it (Grundlehrgang or Fortbildungslehrgang), day-exact:
a course ending 29 February with 24 months is valid until 28 February two years later.

§ 9 Absatz 2 AbfBeauftrV (and alike § 11 EfbV, § 4 DepV) asks for the Fortbildung
"regelmäßig, mindestens alle zwei Jahre": the gap between two courses must not exceed the
interval. So a refresher taken before the qualification lapsed extends it to its own last day
plus the interval (the unused rest is not carried forward: that would allow a gap longer
than the interval), and a refresher after the lapse starts anew from its own last day; the
days in between were lapsed. Either way the latest course decides, which is also what lets
the reminder job find due qualifications by the courses' last days (an index), not by reading
every certificate's history.
"""

import datetime as dt

from kundenportal.documents.rules import add_months, qualification_valid_until

__all__ = ["days_left", "last_days_for_valid_until", "qualification_valid_until"]


def last_days_for_valid_until(
    *, first: dt.date, last: dt.date, refresh_months: int
) -> tuple[dt.date, dt.date]:
    """The range of course last days whose validity ends between ``first`` and ``last``
    (inclusive); empty (start after end) if none does. ``qualification_valid_until`` is
    monotonic, so the range is contiguous."""
    start = add_months(first, -refresh_months)
    while qualification_valid_until(last_day=start, refresh_months=refresh_months) >= first:
        start -= dt.timedelta(days=1)
    while qualification_valid_until(last_day=start, refresh_months=refresh_months) < first:
        start += dt.timedelta(days=1)
    end = add_months(last, -refresh_months)
    while qualification_valid_until(last_day=end, refresh_months=refresh_months) <= last:
        end += dt.timedelta(days=1)
    while qualification_valid_until(last_day=end, refresh_months=refresh_months) > last:
        end -= dt.timedelta(days=1)
    return start, end


def days_left(*, valid_until: dt.date, today: dt.date) -> int:
    """Days until the qualification lapses (0 on its last valid day, negative once lapsed)."""
    return (valid_until - today).days
