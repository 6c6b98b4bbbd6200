"""One presentation of events and dates for pages and mails (events.presentation, core.formatting)."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.template.defaultfilters import filesizeformat
from django.utils import translation

from kundenportal.core.formatting import (
    clock_text,
    date_range_compact,
    date_range_prose,
    date_range_text,
    date_text,
    datetime_compact,
    datetime_text,
    file_size_text,
)
from kundenportal.events.models import Event
from kundenportal.events.presentation import event_mail_context
from kundenportal.notifications.models import OutboxMail
from kundenportal.notifications.rendering import mail_render
from tests.factories import EventFactory

D1 = dt.date(2026, 12, 3)  # a Thursday
D2 = dt.date(2026, 12, 5)
NEXT_YEAR = dt.date(2027, 1, 2)


def test_dates_in_german():
    assert date_text(dt.date(2026, 3, 1)) == "01.03.2026"
    assert date_range_text(D1, D1) == "03.12.2026"
    assert date_range_text(D1, D2) == "03.12.2026 bis 05.12.2026"
    assert date_range_compact(D1, D1) == "03.12.2026"
    assert date_range_compact(D1, D1, weekday=True) == "Do, 03.12.2026"
    assert date_range_compact(D1, D2) == "03.12.–05.12.2026"
    assert date_range_compact(D1, NEXT_YEAR) == "03.12.2026–02.01.2027"
    # In a sentence: never "am 03.12.–05.12.2026".
    assert date_range_prose(D1, D1) == "am 03.12.2026"
    assert date_range_prose(D1, D2) == "vom 03.12. bis 05.12.2026"
    assert date_range_prose(D1, NEXT_YEAR) == "vom 03.12.2026 bis 02.01.2027"


def test_local_time_and_file_sizes():
    moment = dt.datetime(2026, 11, 29, 9, 15, tzinfo=dt.UTC)  # 10:15 in Berlin
    assert datetime_text(moment) == "29.11.2026 um 10:15 Uhr"
    assert datetime_compact(moment) == "29.11.2026 10:15"
    assert clock_text(moment.replace(second=7), seconds=True) == "10:15:07"
    # Summer time, and the local date differs from the UTC one.
    assert datetime_compact(dt.datetime(2026, 6, 30, 22, 30, tzinfo=dt.UTC)) == "01.07.2026 00:30"
    # filesizeformat keeps number and unit together with a no-break space.
    assert file_size_text(512) == "512\xa0Bytes"
    assert file_size_text(1536) == "1,5\xa0KB"
    assert file_size_text(3 * 1024 * 1024) == "3,0\xa0MB"


def test_file_sizes_read_as_djangos_filesizeformat_in_german():
    sizes = [None, 0, 1, 2, 1023, 1024, 1025, 1024**2 - 1, 1024**2, 10**9, 2**40, 2**50, 2**60]
    sizes += [int(1024**e * (k / 20 + 0.05)) for e in (1, 2, 3) for k in range(20 * 1024)][::7]
    with translation.override("de"):
        for size in sizes:
            assert file_size_text(size) == str(filesizeformat(int(size or 0))), size


@pytest.mark.django_db
def test_event_mail_context_is_plain_text():
    online = EventFactory(
        number="O-1", title="Online-Kurs", first_day=D1, last_day=D2, format=Event.Format.ONLINE
    )
    assert event_mail_context(online) == {
        "number": "O-1",
        "title": "Online-Kurs",
        "first_day": "03.12.2026",
        "last_day": "05.12.2026",
        "dates": "03.12.2026 bis 05.12.2026",
        "is_online": True,
        "place": "Online",
    }
    one_day = EventFactory(first_day=D1, last_day=D1, place="Essen")
    assert event_mail_context(one_day)["dates"] == "03.12.2026"
    assert event_mail_context(one_day)["place"] == "Essen"


@pytest.mark.django_db
def test_template_filters_use_the_same_formats():
    event = EventFactory(first_day=D1, last_day=D2, place="Wesel")
    html = Template(
        "{% load event_format %}{{ e|event_dates }}|{{ e|event_days }}|{{ e|event_place }}|"
        "{% date_range a b %}"
    ).render(Context({"e": event, "a": D1, "b": D1}))
    assert html == "03.12.2026 bis 05.12.2026|03.12.–05.12.2026|Wesel|03.12.2026"


@pytest.mark.django_db
@pytest.mark.parametrize("template", ["registration_receipt", "waitlist_promoted"])
def test_booking_mails_show_the_shared_date_range(template):
    event = EventFactory(first_day=D1, last_day=D2)
    row = OutboxMail.objects.create(
        template=template,
        to=["x@example.org"],
        context={
            "registration_id": 1,
            "name": "Max Mustermann",
            "event": event_mail_context(event),
            "participants": [{"name": "Max Mustermann", "waitlisted": False}],
        },
    )
    message = mail_render(row)
    assert "Termin: 03.12.2026 bis 05.12.2026" in message.body
    assert "03.12.2026 bis 05.12.2026" in message.alternatives[0][0]
