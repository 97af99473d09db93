"""Edges of the deadline engine that a mutation run found untested: defaults of the public
index, a source with a gap, dated office hours when looking back, the clock's JSON, and
explanation texts (the end of a calendar period in Vietnamese, a late apology letter in English).
"""

from __future__ import annotations

import datetime as dt

import pytest

from onestop.deadlines import (
    DossierClock,
    Holiday,
    HolidayKind,
    StaticHolidaySource,
    WorkCalendar,
    WorkingTime,
    civil_service_calendar,
    compute_due,
)
from onestop.deadlines.clock import ExtensionSpan
from onestop.deadlines.hours import OfficeHours, OfficeHoursSchedule
from onestop.errors import ProvisionalCalendarWarning
from onestop.models import ProcessingTime
from onestop.tz import VN_TZ
from tests._helpers.calendars import CAL, ENTRIES_2025_2026

R = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)  # Monday


def test_the_index_counts_the_last_day_by_default_as_the_calendar_does():
    monday, friday = dt.date(2026, 3, 2), dt.date(2026, 3, 6)
    idx = CAL.index(monday, friday)
    lo, hi = monday.toordinal(), friday.toordinal()
    assert idx.working_days_between(lo, hi) == CAL.working_days_between(monday, friday) == 4
    assert idx.working_days_between(lo, hi, include_end=False) == 3


class _GapSource:
    """A holiday source whose range says 2025-2026 but which has data for 2025 only."""

    first_year, last_year = 2025, 2026

    def covers(self, year: int) -> bool:
        return year == 2025

    def is_provisional(self, year: int) -> bool:
        return False

    def holidays(self, year: int):
        return StaticHolidaySource(ENTRIES_2025_2026, first_year=2025, last_year=2026).holidays(
            year
        )


def test_a_calendar_covers_only_the_years_its_source_covers():
    cal = WorkCalendar(_GapSource())
    assert cal.covers(2025)
    assert not cal.covers(2026)  # inside first_year..last_year, but the source has no data
    assert not cal.covers(2027)


def test_looking_back_uses_the_office_hours_of_that_day():
    half = OfficeHours.parse("07:30-11:30")
    cal = CAL.replace(
        office_hours=OfficeHoursSchedule(
            [(dt.date(2025, 1, 1), OfficeHours.parse("07:30-11:30, 13:00-17:00")),
             (dt.date(2026, 3, 1), half)]
        )
    )  # fmt: skip
    afternoon = dt.datetime(2026, 3, 3, 15, 0, tzinfo=VN_TZ)  # Tuesday, closed after 11:30
    assert not cal.is_working_time(afternoon)
    assert cal.previous_working_instant(afternoon) == afternoon.replace(hour=11, minute=30)


def test_the_clock_json_carries_its_finish():
    finished = R + dt.timedelta(days=2)
    clock = DossierClock(R, ProcessingTime.working_days(5), calendar=CAL, finished_at=finished)
    assert clock.to_dict()["finished_at"] == finished.isoformat()
    assert (
        DossierClock(R, ProcessingTime.working_days(5), calendar=CAL).to_dict()["finished_at"]
        is None
    )


def test_a_calendar_period_ends_at_the_end_of_its_last_day_in_vietnamese():
    for time in (ProcessingTime.calendar_days(10), ProcessingTime.months(1)):
        last = compute_due(R, time, calendar=CAL).explain("vi").splitlines()[-1]
        assert last.endswith("— kết thúc thời hạn"), last


def test_a_late_apology_letter_is_explained_in_english_with_both_dates():
    due = DossierClock(R, ProcessingTime.working_days(5), calendar=CAL).due_at  # Mon 09/03
    extension = ExtensionSpan(new_due_at=due + dt.timedelta(days=7), apology_at=due)
    clock = DossierClock(R, ProcessingTime.working_days(5), calendar=CAL, extension=extension)
    (flag,) = clock.flags()
    assert flag.message("en") == (
        "The apology letter was issued on Monday 09/03/2026, later than Friday 06/03/2026 "
        "(one working day before the due date)"
    )


def test_a_weekday_entry_that_stays_a_working_day_is_explained_with_its_notice():
    entry = Holiday(
        dt.date(2026, 3, 4), "Làm việc", "Working", HolidayKind.MAKE_UP_WORKING_DAY, "CV 1/UBND"
    )
    cal = WorkCalendar(StaticHolidaySource([entry], first_year=2026, last_year=2026))
    due = compute_due(R, ProcessingTime.working_days(5), calendar=cal)
    [en] = [line for line in due.explain("en").splitlines() if "04/03/2026" in line]
    assert "Wednesday 04/03/2026 is a working day under CV 1/UBND, working day 2" in en
    [vi] = [line for line in due.explain("vi").splitlines() if "04/03/2026" in line]
    assert "CV 1/UBND" in vi


def test_working_time_is_added_across_the_end_of_the_first_indexed_year():
    fresh = WorkCalendar(CAL.source)  # nothing indexed yet
    start = dt.datetime(2025, 12, 31, 16, 0, tzinfo=VN_TZ)
    # 1 h on 31/12, then 1/1 (holiday), 2/1 (swapped day off), the weekend, 1 h on Monday 5/1
    assert fresh.add_working_time(start, WorkingTime.of(hours=2)) == dt.datetime(
        2026, 1, 5, 8, 30, tzinfo=VN_TZ
    )


def test_working_time_longer_than_the_index_window_adds_up_step_by_step():
    # fourteen years of office time: past the ten-year block the calendar indexes at a time
    cal = civil_service_calendar()
    start = dt.datetime(2001, 3, 1, 9, 0, tzinfo=VN_TZ)
    year = WorkingTime.of(hours=8 * 250)
    with pytest.warns(ProvisionalCalendarWarning):
        at_once = cal.add_working_time(start, WorkingTime.of(hours=8 * 250 * 14))
        step = start
        for _ in range(14):
            step = cal.add_working_time(step, year)
    assert at_once == step == dt.datetime(2015, 1, 12, 9, 0, tzinfo=VN_TZ)
