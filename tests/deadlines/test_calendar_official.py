"""The golden scenarios again, on the official calendar (the shipped holiday schedule)."""

from __future__ import annotations

import datetime as dt

import pytest

from onestop.deadlines import civil_service_calendar
from onestop.deadlines.calendar import VN_TZ, DayKind
from onestop.deadlines.policies import SameDayPolicy, WorkingDaysPolicy
from onestop.errors import CalendarDataMissingError, ProvisionalCalendarWarning

D = dt.date
CAL = civil_service_calendar()


def test_official_2026_golden_days():
    # Tết 2026: Sat 14 – Sun 22 February off, Mon 23 February the first working day
    assert [CAL.is_working_day(D(2026, 2, d)) for d in range(13, 24)] == [True] + [False] * 9 + [
        True
    ]
    assert CAL.add_working_days(D(2026, 2, 13), 5) == D(2026, 2, 27)
    # 1 Jan holiday, 2 Jan swapped off, 10 Jan make-up Saturday (Công văn 12729/VPCP-KGVX)
    assert CAL.add_working_days(D(2025, 12, 31), 1) == D(2026, 1, 5)
    info = CAL.day_info(D(2026, 1, 10))
    assert info.kind is DayKind.MAKE_UP
    assert "12729/VPCP-KGVX" in info.basis
    assert CAL.add_working_days(D(2026, 1, 9), 1) == D(2026, 1, 10)


def test_official_policies_golden():
    received = dt.datetime(2026, 1, 9, 15, 30, tzinfo=VN_TZ)
    assert SameDayPolicy().due(CAL, received, 0).due == dt.datetime(2026, 1, 10, 17, tzinfo=VN_TZ)
    d = WorkingDaysPolicy().due(CAL, dt.datetime(2025, 12, 31, 10, tzinfo=VN_TZ), 7)
    assert d.due == dt.datetime(2026, 1, 12, 17, tzinfo=VN_TZ)
    assert "Thứ Bảy 10/01/2026 là ngày làm việc bù theo Công văn 12729/VPCP-KGVX" in d.explain()


def test_official_range_and_provisional_years():
    with pytest.raises(CalendarDataMissingError):
        CAL.is_working_day(D(CAL.first_year - 1, 6, 1))
    with pytest.warns(ProvisionalCalendarWarning):
        CAL.add_working_days(D(2026, 12, 28), 10)
    assert not CAL.is_provisional(2026)


def test_plugin_fixture_is_the_official_calendar(work_calendar):
    assert work_calendar.add_working_days(D(2026, 2, 13), 5) == D(2026, 2, 27)
    assert work_calendar.closing_time(D(2026, 2, 27)).time() == dt.time(17)


def test_zero_days_on_a_day_off_explains_without_numbering():
    d = WorkingDaysPolicy().due(CAL, dt.datetime(2026, 1, 1, 9, tzinfo=VN_TZ), 0)
    assert d.due == dt.datetime(2026, 1, 5, 17, tzinfo=VN_TZ)
    text = d.explain("en")
    assert "working day 1" not in text
    assert "New Year" in text
