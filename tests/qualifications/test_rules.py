"""The interval arithmetic of qualifications: day-exact months, leap days, year ends."""

import datetime as dt

from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from kundenportal.documents.rules import add_months, add_years
from kundenportal.qualifications.rules import (
    days_left,
    last_days_for_valid_until,
    qualification_valid_until,
)

days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2200, 12, 31))
months = st.integers(min_value=-240, max_value=240)
intervals = st.integers(min_value=1, max_value=120)


@given(day=days, n=months)
def test_add_months_counts_like_relativedelta(day, n):
    assert add_months(day, n) == day + relativedelta(months=n)


@given(day=days, years=st.integers(min_value=-20, max_value=20))
def test_add_years_is_twelve_months(day, years):
    assert add_years(day, years) == add_months(day, 12 * years)


@given(day=days, n=intervals)
def test_validity_is_monotonic_and_never_shorter_than_the_interval_allows(day, n):
    until = qualification_valid_until(last_day=day, refresh_months=n)
    assert until > day
    assert qualification_valid_until(last_day=day + dt.timedelta(days=1), refresh_months=n) >= until
    # Day-exact: the same day of the month, or the month's last day when it has no such day.
    assert until.day == day.day or (until + dt.timedelta(days=1)).day == 1


def test_leap_day_and_month_ends():
    assert qualification_valid_until(last_day=dt.date(2024, 2, 29), refresh_months=24) == dt.date(
        2026, 2, 28
    )
    assert qualification_valid_until(last_day=dt.date(2024, 2, 29), refresh_months=48) == dt.date(
        2028, 2, 29
    )
    assert qualification_valid_until(last_day=dt.date(2025, 8, 31), refresh_months=6) == dt.date(
        2026, 2, 28
    )
    assert qualification_valid_until(last_day=dt.date(2025, 12, 31), refresh_months=36) == dt.date(
        2028, 12, 31
    )
    assert qualification_valid_until(last_day=dt.date(2026, 12, 15), refresh_months=1) == dt.date(
        2027, 1, 15
    )


@given(first=days, width=st.integers(min_value=0, max_value=120), n=intervals)
def test_last_days_for_valid_until_is_exactly_the_inverse(first, width, n):
    last = first + dt.timedelta(days=width)
    start, end = last_days_for_valid_until(first=first, last=last, refresh_months=n)

    def inside(day):
        return first <= qualification_valid_until(last_day=day, refresh_months=n) <= last

    if start <= end:
        assert inside(start) and inside(end)
    assert not inside(start - dt.timedelta(days=1))
    assert not inside(end + dt.timedelta(days=1))
    # Every day between belongs too (the validity is monotonic).
    if start <= end and (end - start).days < 200:
        assert all(inside(start + dt.timedelta(days=i)) for i in range((end - start).days + 1))


def test_the_inverse_around_29_february():
    # 2025 has no 29 February: a validity ending 28 February 2027 comes from 28 February 2025.
    start, end = last_days_for_valid_until(
        first=dt.date(2027, 2, 28), last=dt.date(2027, 2, 28), refresh_months=24
    )
    assert (start, end) == (dt.date(2025, 2, 28), dt.date(2025, 2, 28))
    # 28 Feb 2026 comes from 28 and 29 February 2024.
    start, end = last_days_for_valid_until(
        first=dt.date(2026, 2, 28), last=dt.date(2026, 2, 28), refresh_months=24
    )
    assert (start, end) == (dt.date(2024, 2, 28), dt.date(2024, 2, 29))


def test_days_left():
    assert days_left(valid_until=dt.date(2027, 1, 1), today=dt.date(2026, 12, 31)) == 1
    assert days_left(valid_until=dt.date(2027, 1, 1), today=dt.date(2027, 1, 1)) == 0
    assert days_left(valid_until=dt.date(2027, 1, 1), today=dt.date(2027, 1, 2)) == -1
