"""Office hours: sessions, parsing, effective dates, and the worked-time mapping."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.deadlines.hours import (
    DEFAULT_OFFICE_HOURS,
    OfficeHours,
    OfficeHoursSchedule,
    Session,
)
from onestop.errors import InvalidInputError

US_MIN = 60_000_000
T = dt.time


def test_default_hours_are_eight_hours():
    assert DEFAULT_OFFICE_HOURS.minutes == 480
    assert DEFAULT_OFFICE_HOURS.opening == T(7, 30)
    assert DEFAULT_OFFICE_HOURS.closing == T(17, 0)
    assert str(DEFAULT_OFFICE_HOURS) == "07:30–11:30, 13:00–17:00"


def test_parse_sorts_and_validates():
    h = OfficeHours.parse("13:30-17:00, 7:00 - 11:30")
    assert [str(s) for s in h.sessions] == ["07:00–11:30", "13:30–17:00"]
    assert h.minutes == 270 + 210
    for bad in ("7-11", "07:30-11:30;13:00-17:00", "25:00-26:00", "11:30-07:30", ""):
        with pytest.raises(InvalidInputError) as err:
            OfficeHours.parse(bad)
        assert err.value.field is not None
        assert "office_hours" in err.value.field or "session" in err.value.field
    with pytest.raises(InvalidInputError, match="overlap"):
        OfficeHours.parse("07:30-12:00, 11:00-17:00")
    with pytest.raises(InvalidInputError):
        Session(T(7, 30, 15), T(11, 30))
    with pytest.raises(InvalidInputError):
        OfficeHours(())


def test_is_open_boundaries():
    h = DEFAULT_OFFICE_HOURS
    assert h.is_open(T(7, 30))
    assert h.is_open(T(11, 29, 59, 999_999))
    assert not h.is_open(T(11, 30))
    assert not h.is_open(T(12, 0))
    assert h.is_open(T(13, 0))
    assert not h.is_open(T(17, 0))
    assert not h.is_open(T(7, 29, 59))


def test_worked_before_and_time_at_golden():
    h = DEFAULT_OFFICE_HOURS
    assert h.worked_before(T(6, 0)) == 0
    assert h.worked_before(T(9, 30)) == 120 * US_MIN
    assert h.worked_before(T(12, 15)) == 240 * US_MIN  # lunch: the morning is done
    assert h.worked_before(T(18, 0)) == 480 * US_MIN
    assert h.time_at(0) == T(7, 30)
    assert h.time_at(240 * US_MIN) == T(11, 30)  # a session's end, not the next opening
    assert h.time_at(240 * US_MIN + 1) == T(13, 0, 0, 1)
    assert h.time_at(480 * US_MIN) == T(17, 0)
    with pytest.raises(InvalidInputError):
        h.time_at(480 * US_MIN + 1)


times = st.times()
hours_strategy = st.sampled_from(
    [
        DEFAULT_OFFICE_HOURS,
        OfficeHours.parse("07:00-11:30, 13:30-17:00"),
        OfficeHours.parse("08:00-12:00"),
        OfficeHours.parse("07:30-11:30, 13:00-17:00, 18:00-20:00"),
    ]
)


@settings(max_examples=300, deadline=None)
@given(hours_strategy, times)
def test_time_at_inverts_worked_before(h, t):
    w = h.worked_before(t)
    assert 0 <= w <= h.minutes * US_MIN
    back = h.time_at(w)
    # the earliest instant with that much work done is never later than t
    assert back <= t or w == 0
    assert h.worked_before(back) == w
    if h.is_open(t) and t not in {s.start for s in h.sessions[1:]}:
        # inside a session the mapping is exact; at a later session's start the same amount
        # of work was already reached at the previous session's end
        assert back == t


@settings(max_examples=200, deadline=None)
@given(hours_strategy, times, times)
def test_worked_before_is_monotonic(h, a, b):
    lo, hi = min(a, b), max(a, b)
    assert h.worked_before(lo) <= h.worked_before(hi)


def test_schedule_effective_dates():
    summer = OfficeHours.parse("07:00-11:30, 13:30-17:00")
    s = OfficeHoursSchedule(
        [(dt.date(2026, 4, 15), summer), (dt.date(2020, 1, 1), DEFAULT_OFFICE_HOURS)],
        agency="000.00.00.H29",
    )
    assert s.entries[0][0] == dt.date(2020, 1, 1)  # sorted
    assert s.for_date(dt.date(2019, 5, 1)) is DEFAULT_OFFICE_HOURS  # before the first entry
    assert s.for_date(dt.date(2026, 4, 14)) is DEFAULT_OFFICE_HOURS
    assert s.for_date(dt.date(2026, 4, 15)) is summer
    assert not s.is_constant
    assert s.distinct() == (DEFAULT_OFFICE_HOURS, summer)
    assert OfficeHoursSchedule.constant(summer).is_constant
    with pytest.raises(InvalidInputError):
        OfficeHoursSchedule([])
    with pytest.raises(InvalidInputError):
        OfficeHoursSchedule([(dt.date(2020, 1, 1), summer), (dt.date(2020, 1, 1), summer)])
    with pytest.raises(InvalidInputError):
        OfficeHoursSchedule([(dt.datetime(2020, 1, 1), summer)])  # type: ignore[list-item]
    with pytest.raises(InvalidInputError):
        OfficeHoursSchedule([(dt.date(2020, 1, 1), "07:30-11:30")])  # type: ignore[list-item]
