"""The schedule's own ``is_working_day`` agrees with ``WorkCalendar`` built on it.

Two implementations of the same question: per-year sets here, the cumulative index of
:mod:`onestop.deadlines.calendar` there, both reading the one effective-dated weekly rest
(``CIVIL_SERVICE_REST_DAYS``). They agree on every covered date (``test_one_rule.py`` checks
each day of 1995–2199; this samples a schedule passed explicitly).
"""

from __future__ import annotations

import datetime as dt
import functools
import warnings

from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.deadlines import civil_service_calendar, official_schedule
from onestop.errors import ProvisionalCalendarWarning


@functools.cache
def _pair():
    schedule = official_schedule()
    return schedule, civil_service_calendar(schedule=schedule, warn_provisional=False)


@settings(max_examples=200, deadline=None)
@given(day=st.dates(dt.date(1995, 1, 1), dt.date(2199, 12, 31)))
def test_same_answer_as_work_calendar(day):
    schedule, calendar = _pair()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProvisionalCalendarWarning)
        assert schedule.is_working_day(day) == calendar.is_working_day(day)


def test_every_day_of_the_official_years():
    schedule = official_schedule()
    calendar = civil_service_calendar(schedule=schedule)
    day = dt.date(2013, 1, 1)
    while day.year <= 2026:
        assert schedule.is_working_day(day) == calendar.is_working_day(day), day
        day += dt.timedelta(days=1)
