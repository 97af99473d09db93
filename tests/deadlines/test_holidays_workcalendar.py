"""The schedule's own ``is_working_day`` agrees with ``WorkCalendar`` built on it.

Two implementations of the same question: per-year sets here, the cumulative index of
:mod:`onestop.deadlines.calendar` there. They must agree on every date from 2 October 1999
(before that, this module rests on Sunday only; ``WorkCalendar`` uses a fixed weekly rest).
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
@given(day=st.dates(dt.date(1999, 10, 2), dt.date(2199, 12, 31)))
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
