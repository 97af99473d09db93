"""One rule per fact: every public answer to "is this a working day?" agrees, on every day.

The weekly rest days come from one effective-dated source (``CIVIL_SERVICE_REST_DAYS``: Sunday,
then Saturday and Sunday from 2 October 1999), read by the holiday schedule and the working
calendar alike. Before, the calendar hard-coded Saturday and Sunday while the schedule followed
the era, and the two disagreed on the 244 working Saturdays of January 1995 – September 1999.
"""

from __future__ import annotations

import datetime as dt
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.deadlines import (
    CIVIL_SERVICE_REST_DAYS,
    RestDayRule,
    SameDayPolicy,
    WeeklyRest,
    bulk,
    civil_service_calendar,
    compute_due,
    official_schedule,
)
from onestop.errors import InvalidInputError, ProvisionalCalendarWarning
from onestop.models import ProcessingTime, TimeUnit
from onestop.tz import VN_TZ

FIRST = dt.date(1995, 1, 1)
LAST = dt.date(2199, 12, 31)
CAL = civil_service_calendar(warn_provisional=False)


@pytest.fixture(scope="module")
def answers():
    """Each public answer for every day of the covered range, in date order."""
    days = [dt.date.fromordinal(o) for o in range(FIRST.toordinal(), LAST.toordinal() + 1)]
    schedule = official_schedule()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProvisionalCalendarWarning)
        return {
            "days": days,
            "WorkCalendar.is_working_day": [CAL.is_working_day(d) for d in days],
            "HolidaySchedule.is_working_day": [schedule.is_working_day(d) for d in days],
            "bulk.is_working_day": bulk.is_working_day(
                np.array(days, dtype="datetime64[D]"), calendar=CAL
            ).tolist(),
            "day_info().is_working": [info.is_working for info in CAL.days(FIRST, LAST)],
        }


def test_every_is_working_day_answer_agrees_on_every_covered_day(answers):
    reference = answers["WorkCalendar.is_working_day"]
    for name in ("HolidaySchedule.is_working_day", "bulk.is_working_day", "day_info().is_working"):
        wrong = [
            d for d, a, b in zip(answers["days"], reference, answers[name], strict=True) if a != b
        ]
        assert wrong == [], f"{name} disagrees on {len(wrong)} days, first {wrong[:3]}"


def test_saturdays_before_the_40_hour_week_were_worked(answers):
    # QĐ 188/1999/QĐ-TTg: the two-day weekend from 2 October 1999; before, Saturday was worked
    assert CAL.is_working_day(dt.date(1999, 9, 25))
    assert not CAL.is_working_day(dt.date(1999, 10, 2))
    saturdays = [
        d
        for d, working in zip(answers["days"], answers["WorkCalendar.is_working_day"], strict=True)
        if d.weekday() == 5 and d < dt.date(1999, 10, 2) and working
    ]
    assert len(saturdays) == 244
    info = CAL.day_info(dt.date(1999, 9, 26))  # a Sunday: rest under the 1994 code
    assert (info.kind.value, info.basis) == ("rest", "BLLĐ 1994 Điều 72")
    assert CAL.day_info(dt.date(2026, 3, 7)).basis == "QĐ 188/1999/QĐ-TTg Điều 1"


def test_working_day_counts_agree_with_the_day_answers(answers):
    cumulative = np.cumsum(answers["WorkCalendar.is_working_day"])
    days = np.array(answers["days"], dtype="datetime64[D]")
    counts = bulk.working_days_between(
        np.datetime64(FIRST, "D"), days, calendar=CAL, include_start=True
    )
    assert (counts == cumulative).all()
    for i in range(0, len(answers["days"]), 997):
        day = answers["days"][i]
        assert CAL.working_days_between(FIRST, day, include_start=True) == cumulative[i]
        assert CAL.working_day_number(day) == cumulative[i]


@settings(max_examples=200, deadline=None)
@given(
    st.dates(min_value=FIRST, max_value=LAST),
    st.dates(min_value=FIRST, max_value=LAST),
)
def test_counts_are_sums_of_day_answers(a, b):
    lo, hi = min(a, b), max(a, b)
    if (hi - lo).days > 800:
        hi = lo + dt.timedelta(days=800)
    expected = sum(info.is_working for info in CAL.days(lo + dt.timedelta(days=1), hi))
    assert CAL.working_days_between(lo, hi) == expected
    assert int(bulk.working_days_between(np.datetime64(lo), np.datetime64(hi), calendar=CAL)) == (
        expected
    )


def test_an_agency_week_is_effective_dated_too():
    # an agency that starts receiving on Saturdays from 2027 (a six-day week)
    week = WeeklyRest(
        (
            *CIVIL_SERVICE_REST_DAYS.rules,
            RestDayRule(dt.date(2027, 1, 1), frozenset({6}), "Quyết định của UBND tỉnh"),
        )
    )
    cal = civil_service_calendar(rest_days=week, warn_provisional=False)
    assert not cal.is_working_day(dt.date(2026, 3, 7))  # Saturday, civil-service week
    assert cal.is_working_day(dt.date(2027, 3, 6))  # Saturday, the agency's own week
    assert cal.day_info(dt.date(2027, 3, 7)).basis == "Quyết định của UBND tỉnh"
    # a plain set is one rule on every date
    assert civil_service_calendar(rest_days={6}).is_working_day(dt.date(2026, 3, 7))


@pytest.mark.parametrize("bad", [None, {7}, set(range(7)), {"5"}, {True}])
def test_bad_rest_days_name_the_field(bad):
    with pytest.raises(InvalidInputError) as info:
        civil_service_calendar(rest_days=bad)
    assert info.value.field == "rest_days"


def test_a_same_day_time_without_a_cutoff_counts_with_the_15h_cutoff():
    # Mon 2 Mar 2026 15:30: after the cut-off, so due the next working day (before, a same-day
    # ProcessingTime built without its cut-off was counted with none: due the same day)
    received = dt.datetime(2026, 3, 2, 15, 30, tzinfo=VN_TZ)
    implicit = ProcessingTime(amount=0, unit=TimeUnit.SAME_DAY)
    next_day = dt.datetime(2026, 3, 3, 17, tzinfo=VN_TZ)
    assert compute_due(received, implicit, calendar=CAL).due_at == next_day
    assert bulk.due_dates(
        np.array(["2026-03-02T15:30"], "datetime64[m]"), 0, unit="same_day", calendar=CAL
    )[0] == np.datetime64(next_day.replace(tzinfo=None), "us")
    none = ProcessingTime(amount=0, unit=TimeUnit.SAME_DAY, cutoff=None)
    assert compute_due(received, none, calendar=CAL).due_at == dt.datetime(
        2026, 3, 2, 17, tzinfo=VN_TZ
    )
    # a policy name keeps the processing time's own cut-off; a policy object is itself
    later = ProcessingTime.same_day(dt.time(16))
    assert compute_due(received, later, calendar=CAL, policy="same-day").due_at.day == 2
    assert compute_due(received, later, calendar=CAL, policy=SameDayPolicy()).due_at.day == 3
