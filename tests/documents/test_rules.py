import datetime as dt

import pytest

from kundenportal.documents import rules

D = dt.date


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (D(2024, 2, 29), 10, D(2034, 2, 28)),
        (D(2024, 2, 29), 4, D(2028, 2, 29)),
        (D(2025, 3, 1), 10, D(2035, 3, 1)),
        (D(2024, 2, 29), -10, D(2014, 2, 28)),
    ],
)
def test_add_years_turns_29_february_into_28(day, years, expected):
    assert rules.add_years(day, years) == expected


def test_course_documents_are_online_until_the_42nd_day_inclusive():
    assert rules.course_document_online_until(D(2026, 3, 5)) == D(2026, 4, 16)
    # On 16 April the event of 5 March still shows; on 17 April it does not.
    assert rules.course_documents_visible_last_day_from(D(2026, 4, 16)) == D(2026, 3, 5)
    assert rules.course_documents_visible_last_day_from(D(2026, 4, 17)) == D(2026, 3, 6)


def test_certificate_dates_agree_with_visibility_on_every_day_around_29_february():
    # For every "today" in a window around leap days, a certificate is visible exactly while
    # today <= available_until(issued_on).
    issued_days = [D(2022, 2, 26) + dt.timedelta(days=i) for i in range(10)]
    issued_days += [D(2024, 2, 25) + dt.timedelta(days=i) for i in range(10)]
    for today in [D(2032, 2, 24) + dt.timedelta(days=i) for i in range(10)] + [
        D(2034, 2, 24) + dt.timedelta(days=i) for i in range(10)
    ]:
        cutoff = rules.certificates_visible_issued_from(today)
        for issued in issued_days:
            visible = issued >= cutoff
            assert visible == (rules.certificate_available_until(issued) >= today), (
                today,
                issued,
            )


def test_whole_years_between():
    assert rules.whole_years_between(D(2026, 11, 29), D(2036, 11, 29)) == 10
    assert rules.whole_years_between(D(2026, 11, 30), D(2036, 11, 29)) == 9
    assert rules.whole_years_between(D(2026, 11, 30), D(2027, 1, 1)) == 0
    assert rules.whole_years_between(D(2027, 1, 2), D(2027, 1, 1)) == 0


def test_year_arithmetic_counts_as_relativedelta_does_around_29_february():
    relativedelta = pytest.importorskip("dateutil.relativedelta").relativedelta
    starts = [D(2023, 12, 1) + dt.timedelta(days=i) for i in range(120)]
    ends = [D(2025, 1, 15) + dt.timedelta(days=i) for i in range(90)]
    ends += [D(2028, 2, 20) + dt.timedelta(days=i) for i in range(15)]
    for start in starts:
        for years in (-10, -1, 1, 4, 10):
            assert rules.add_years(start, years) == start + relativedelta(years=years)
        for end in ends:
            expected = max(relativedelta(end, start).years, 0)
            assert rules.whole_years_between(start, end) == expected, (start, end)


def test_periods_come_from_settings(settings):
    settings.COURSE_DOCUMENT_RETENTION_DAYS = 7
    settings.CERTIFICATE_RETENTION_YEARS = 5
    assert rules.course_document_online_until(D(2026, 1, 1)) == D(2026, 1, 8)
    assert rules.certificate_available_until(D(2026, 1, 1)) == D(2031, 1, 1)
