import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def at():
    """``with at(date(...)):`` — the clock stands at 03:00 local time on that day (the time of
    the daily run)."""
    return lambda day, hour=3: time_machine.travel(
        dt.datetime.combine(day, dt.time(hour, 0), tzinfo=BERLIN), tick=False
    )


@pytest.fixture
def purge(django_capture_on_commit_callbacks):
    """Run the purge with its after-commit work (file deletion) executed."""
    from kundenportal.retention.services import retention_purge

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return retention_purge(**kwargs)

    return run
