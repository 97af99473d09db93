"""WorkCalendar: golden days from the 2026 civil-service notices, and calendar properties.

The calendar under test (:data:`tests._helpers.calendars.CAL`) is hand-built from the notices
of 2025–2026, so that these tests do not depend on the shipped holiday data;
``test_calendar_official.py`` repeats the golden checks against :func:`civil_service_calendar`.
"""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.deadlines import HolidayKind, WorkingTime
from onestop.deadlines.calendar import (
    DayKind,
    StaticHolidaySource,
    WorkCalendar,
)
from onestop.deadlines.hours import OfficeHours
from onestop.errors import CalendarDataMissingError, InvalidInputError, ProvisionalCalendarWarning
from onestop.tz import VN_TZ
from tests._helpers.calendars import CAL, N2026, SOURCE, D, holiday
from tests._helpers.calendars import days as _days


def test_weekly_rest_days_and_holidays():
    assert CAL.is_working_day(D(2026, 1, 5))  # Monday
    assert not CAL.is_working_day(D(2026, 1, 3))  # Saturday
    assert not CAL.is_working_day(D(2026, 1, 4))  # Sunday
    assert not CAL.is_working_day(D(2026, 1, 1))
    assert not CAL.is_working_day(D(2026, 1, 2))  # swapped day off
    assert CAL.is_working_day(D(2026, 1, 10))  # make-up Saturday
    assert CAL.day_info(D(2026, 1, 10)).kind is DayKind.MAKE_UP
    assert CAL.day_info(D(2026, 1, 10)).basis == N2026
    assert CAL.day_info(D(2026, 1, 3)).basis.startswith("QĐ 188/1999")


def test_tet_2026_break_is_nine_days():
    # 14–22 Feb 2026: Sat 14 .. Sun 22 are all off, Fri 13 and Mon 23 are working days
    assert [CAL.is_working_day(d) for d in _days(D(2026, 2, 13), D(2026, 2, 23))] == (
        [True] + [False] * 9 + [True]
    )
    assert CAL.working_days_between(D(2026, 2, 13), D(2026, 2, 23)) == 1


def test_add_working_days_golden():
    # received Fri 13 Feb 2026, 5 working days: 23, 24, 25, 26, 27 Feb
    assert CAL.add_working_days(D(2026, 2, 13), 5) == D(2026, 2, 27)
    assert CAL.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 23)
    # New Year 2026: Wed 31 Dec 2025 + 1 → Mon 5 Jan (1 Jan holiday, 2 Jan swapped)
    assert CAL.add_working_days(D(2025, 12, 31), 1) == D(2026, 1, 5)
    # Fri 9 Jan + 1 → the make-up Saturday 10 Jan
    assert CAL.add_working_days(D(2026, 1, 9), 1) == D(2026, 1, 10)
    assert CAL.add_working_days(D(2026, 1, 9), 2) == D(2026, 1, 12)
    # received on a Sunday: Monday is the first working day
    assert CAL.add_working_days(D(2026, 1, 11), 1) == D(2026, 1, 12)
    # backwards
    assert CAL.add_working_days(D(2026, 1, 5), -1) == D(2025, 12, 31)
    assert CAL.add_working_days(D(2026, 2, 23), -1) == D(2026, 2, 13)
    assert CAL.previous_working_day(D(2026, 1, 11)) == D(2026, 1, 10)
    assert CAL.next_working_day(D(2026, 1, 9)) == D(2026, 1, 10)
    assert CAL.add_working_days(D(2026, 1, 3), 0) == D(2026, 1, 3)


def test_working_days_between_ends():
    a, b = D(2026, 1, 5), D(2026, 1, 9)  # Mon .. Fri
    assert CAL.working_days_between(a, b) == 4
    assert CAL.working_days_between(a, b, include_start=True) == 5
    assert CAL.working_days_between(a, b, include_end=False) == 3
    assert CAL.working_days_between(a, a) == 0
    assert CAL.working_days_between(a, a, include_start=True) == 1
    assert CAL.working_days_between(b, a) == -4
    # all of 2026 (Jan–Dec) = 261 weekdays - 15 weekday days off + 2 make-up Saturdays
    weekdays = sum(1 for d in _days(D(2026, 1, 1), D(2026, 12, 31)) if d.weekday() < 5)
    off = sum(1 for h in SOURCE.holidays(2026) if h.is_day_off and h.date.weekday() < 5)
    assert CAL.working_days_between(D(2026, 1, 1), D(2026, 12, 31), include_start=True) == (
        weekdays - off + 2
    )


def test_holidays_merge_extra_entries():
    closure = holiday(D(2026, 3, 9), HolidayKind.EXTRA_DAY_OFF, "Quyết định của UBND tỉnh")
    cal = CAL.replace(extra_holidays=(closure,))
    assert closure in cal.holidays(2026)
    assert not cal.is_working_day(D(2026, 3, 9))
    assert CAL.is_working_day(D(2026, 3, 9))
    assert [h.date for h in cal.holidays(2026)] == sorted(h.date for h in cal.holidays(2026))


def test_uncovered_years_raise():
    with pytest.raises(CalendarDataMissingError) as err:
        CAL.is_working_day(D(2030, 1, 1))
    assert err.value.field == "date"
    assert "2030" in str(err.value)
    with pytest.raises(CalendarDataMissingError):
        CAL.holidays(2024)
    with pytest.raises(CalendarDataMissingError):
        CAL.add_working_days(D(2026, 12, 20), 30)
    with pytest.raises(CalendarDataMissingError):
        CAL.add_working_days(D(2025, 1, 10), -30)


def test_provisional_years_warn():
    src = StaticHolidaySource((), first_year=2026, last_year=2027, provisional_years={2027})
    cal = WorkCalendar(src)
    assert cal.add_working_days(D(2026, 6, 1), 1) == D(2026, 6, 2)
    with pytest.warns(ProvisionalCalendarWarning, match="2027"):
        cal.add_working_days(D(2026, 12, 31), 1)
    quiet = WorkCalendar(src, warn_provisional=False)
    assert quiet.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 1)


def test_bad_inputs_raise_typed_errors():
    with pytest.raises(InvalidInputError) as err:
        CAL.is_working_time(dt.datetime(2026, 1, 5, 9, 0))  # naive
    assert err.value.field == "instant"
    assert "naive" in str(err.value)
    with pytest.raises(InvalidInputError):
        CAL.add_working_days("2026-01-05", 1)  # type: ignore[call-overload]
    with pytest.raises(InvalidInputError):
        CAL.add_working_days(D(2026, 1, 5), 1.5)  # type: ignore[call-overload]
    with pytest.raises(InvalidInputError):
        WorkCalendar(object())  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError):
        WorkCalendar(SOURCE, rest_days={7})


def test_aware_datetime_uses_vietnam_local_date():
    # 20:00 UTC on 9 Jan is 03:00 on Sat 10 Jan in Vietnam
    instant = dt.datetime(2026, 1, 9, 20, 0, tzinfo=dt.UTC)
    assert CAL.add_working_days(instant, 1) == D(2026, 1, 12)
    assert CAL.is_working_day(instant)  # the make-up Saturday


def test_civil_code_periods():
    # 31 Jan + 1 month = 28 Feb 2026 (Sat) -> moved to Mon 2 Mar (Art. 148(3), 148(5))
    assert CAL.add_months(D(2026, 1, 31), 1) == D(2026, 3, 2)
    assert CAL.add_months(D(2025, 12, 15), 1) == D(2026, 1, 15)
    # 10 calendar days after 7 Feb 2026 = 17 Feb (Tết) -> Mon 23 Feb
    assert CAL.add_calendar_days(D(2026, 2, 7), 10) == D(2026, 2, 23)
    assert CAL.add_calendar_days(D(2026, 3, 2), 3) == D(2026, 3, 5)
    # a period ending on the make-up Saturday ends that day
    assert CAL.add_calendar_days(D(2026, 1, 3), 7) == D(2026, 1, 10)
    with pytest.raises(InvalidInputError):
        CAL.add_months(D(2026, 1, 1), -1)


def test_office_hours_instants():
    t = lambda d, h, m=0: dt.datetime(d.year, d.month, d.day, h, m, tzinfo=VN_TZ)  # noqa: E731
    mon = D(2026, 1, 5)
    assert CAL.is_working_time(t(mon, 7, 30))
    assert not CAL.is_working_time(t(mon, 11, 30))
    assert not CAL.is_working_time(t(mon, 12, 0))
    assert CAL.next_working_instant(t(mon, 12, 0)) == t(mon, 13)
    assert CAL.next_working_instant(t(mon, 18, 0)) == t(D(2026, 1, 6), 7, 30)
    assert CAL.previous_working_instant(t(mon, 12, 0)) == t(mon, 11, 30)
    assert CAL.previous_working_instant(t(mon, 6, 0)) == t(D(2025, 12, 31), 17)
    # 4 working hours from Fri 9 Jan 15:00: 2 h Friday, 2 h on the make-up Saturday
    assert CAL.add_working_time(t(D(2026, 1, 9), 15), dt.timedelta(hours=4)) == t(
        D(2026, 1, 10), 9, 30
    )
    # a full day from opening ends at closing the same day
    assert CAL.add_working_time(t(mon, 7, 30), 480) == t(mon, 17)
    assert CAL.working_time_between(t(mon, 7, 30), t(mon, 17)) == WorkingTime.of(hours=8)
    assert CAL.working_time_between(t(mon, 17), t(mon, 7, 30)) == WorkingTime.of(hours=-8)
    # over the Tết break: Fri 13 Feb 16:00 -> Mon 23 Feb 08:30 is 2 hours
    assert CAL.working_time_between(t(D(2026, 2, 13), 16), t(D(2026, 2, 23), 8, 30)) == (
        WorkingTime.of(hours=2)
    )


def test_effective_dated_office_hours():
    from onestop.deadlines.hours import DEFAULT_OFFICE_HOURS, OfficeHoursSchedule

    summer = OfficeHours.parse("07:00-11:30, 13:30-17:00")
    sched = OfficeHoursSchedule([(D(2025, 1, 1), DEFAULT_OFFICE_HOURS), (D(2026, 5, 1), summer)])
    cal = CAL.replace(office_hours=sched)
    assert cal.closing_time(D(2026, 4, 29)).time() == dt.time(17)
    assert cal.opening_time(D(2026, 5, 4)).time() == dt.time(7)
    mon = dt.datetime(2026, 5, 4, 7, 0, tzinfo=VN_TZ)
    end = cal.add_working_time(mon, dt.timedelta(hours=4, minutes=30))
    assert end == mon.replace(hour=11, minute=30)
    end = cal.add_working_time(mon, dt.timedelta(hours=4, minutes=31))
    assert end == mon.replace(hour=13, minute=31)


dates_2025_2026 = st.dates(min_value=D(2025, 1, 1), max_value=D(2026, 9, 30))


@settings(max_examples=300, deadline=None)
@given(dates_2025_2026, st.integers(min_value=0, max_value=45))
def test_add_lands_on_working_day_and_is_inverse(d, n):
    r = CAL.add_working_days(d, n)
    if n > 0:
        assert r > d
        assert CAL.is_working_day(r)
        # every day strictly between d and r that is a working day is one of the n-1 before
        assert sum(CAL.is_working_day(x) for x in _days(d + dt.timedelta(days=1), r)) == n
    assert CAL.working_days_between(d, r) == n


@settings(max_examples=200, deadline=None)
@given(dates_2025_2026, st.integers(min_value=0, max_value=44))
def test_add_is_monotonic(d, n):
    assert CAL.add_working_days(d, n) <= CAL.add_working_days(d, n + 1)
    if n > 0:
        assert CAL.add_working_days(d, n) < CAL.add_working_days(d, n + 1)


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=D(2025, 4, 1), max_value=D(2026, 12, 31)), st.integers(1, 45))
def test_backwards_from_working_day_is_inverse(d, n):
    d = CAL.add_working_days(d, 0) if CAL.is_working_day(d) else CAL.previous_working_day(d)
    back = CAL.add_working_days(d, -n)
    assert CAL.is_working_day(back)
    assert CAL.add_working_days(back, n) == d
    assert CAL.working_days_between(d, back) == -n


@settings(max_examples=200, deadline=None)
@given(dates_2025_2026, dates_2025_2026)
def test_between_matches_day_by_day_count(a, b):
    lo, hi = min(a, b), max(a, b)
    expected = sum(CAL.is_working_day(x) for x in _days(lo, hi)) - CAL.is_working_day(lo)
    assert CAL.working_days_between(lo, hi) == expected
    assert CAL.working_days_between(hi, lo) == -expected


def test_provisional_year_inside_a_span_warns():
    src = StaticHolidaySource((), first_year=2025, last_year=2028, provisional_years={2026})
    cal = WorkCalendar(src)
    with pytest.warns(ProvisionalCalendarWarning, match="2026"):
        cal.working_days_between(D(2025, 6, 1), D(2027, 6, 1))
    with pytest.warns(ProvisionalCalendarWarning, match="2026"):
        cal.add_working_days(D(2025, 6, 2), 400)
    assert cal.working_days_between(D(2027, 1, 4), D(2027, 1, 8)) == 4


weird = st.one_of(
    st.none(),
    st.text(max_size=5),
    st.floats(allow_nan=True),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.dates(),
    st.datetimes(),
    st.datetimes(timezones=st.just(dt.UTC)),
    st.booleans(),
)


@settings(max_examples=100, deadline=None)
@given(weird, weird)
def test_random_input_raises_only_onestop_errors(a, b):
    from onestop.errors import OneStopError

    for call in (
        lambda: CAL.add_working_days(a, b),
        lambda: CAL.working_days_between(a, b),
        lambda: CAL.add_calendar_days(a, b),
        lambda: CAL.add_months(a, b),
        lambda: CAL.add_working_time(a, b),
        lambda: CAL.working_time_between(a, b),
        lambda: CAL.is_working_day(a),
        lambda: CAL.next_working_instant(a),
    ):
        with contextlib.suppress(OneStopError):
            call()


def test_a_calendar_pickles_with_its_index():
    # a cluster engine broadcasts the calendar to its executors: it must pickle, and carry
    # the index it has built so that each executor does not build it again
    import pickle

    from onestop.deadlines import civil_service_calendar

    calendar = civil_service_calendar()
    unused = pickle.dumps(civil_service_calendar())
    due = calendar.add_working_days(dt.date(2026, 2, 13), 5)
    built = pickle.dumps(calendar)
    assert len(built) > len(unused) + 10_000  # the index travels with the calendar
    copy = pickle.loads(built)  # noqa: S301 - bytes this test just made
    assert copy.add_working_days(dt.date(2026, 2, 13), 5) == due == dt.date(2026, 2, 27)
    assert copy.working_days_between(dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == (
        calendar.working_days_between(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    )
