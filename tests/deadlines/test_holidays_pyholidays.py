"""Cross-check against python-holidays' Vietnam calendar (an independent implementation)."""

from __future__ import annotations

import datetime as dt
import warnings

import holidays

from onestop.deadlines import HolidaySchedule, official_schedule
from onestop.errors import ProvisionalCalendarWarning

# Every day of 2013–2026 where python-holidays and onestop disagree on "is it a working day",
# with the reason. Anything else that differs fails the test.
EXPECTED_DIFFERENCES = {
    dt.date(2013, 1, 5): (True, "make-up Saturday for 31/12/2012 (VPCP, 23/11/2012)"),
    dt.date(2013, 2, 23): (True, "make-up Saturday for Fri 15/2/2013 (VPCP, 23/11/2012)"),
    dt.date(2014, 1, 25): (True, "make-up Saturday for 28/1/2014, CV 10525/VPCP-KGVX"),
    dt.date(2014, 1, 28): (False, "swapped day off (28 Chạp), CV 10525/VPCP-KGVX"),
    dt.date(2014, 2, 5): (
        False,
        "mùng 6: the 2014 break ran 28/1–5/2 (CV 10525/VPCP-KGVX); python-holidays works it",
    ),
    dt.date(2014, 2, 8): (True, "make-up Saturday for 29/1/2014, CV 10525/VPCP-KGVX"),
    dt.date(2026, 1, 2): (
        False,
        "swapped day off, Công văn 12729/VPCP-KGVX (25/12/2025); not in python-holidays",
    ),
    dt.date(2026, 1, 10): (
        True,
        "make-up Saturday for 2/1/2026, Công văn 12729/VPCP-KGVX; not in python-holidays",
    ),
}


def _days(first: int, last: int):
    day = dt.date(first, 1, 1)
    while day.year <= last:
        yield day
        day += dt.timedelta(days=1)


def test_official_years_agree_with_python_holidays_except_listed():
    ours = official_schedule()
    theirs = holidays.VN(years=range(2012, 2028))
    differences = {
        d: ours.is_working_day(d)
        for d in _days(2013, 2026)
        if ours.is_working_day(d) != theirs.is_working_day(d)
    }
    assert differences == {d: v for d, (v, _) in EXPECTED_DIFFERENCES.items()}


def test_statutory_rules_agree_with_python_holidays_2027_2100():
    """Provisional years: the usual-pattern rules and python-holidays' rules coincide."""
    ours = HolidaySchedule.statutes_only()
    theirs = holidays.VN(years=range(2027, 2101))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProvisionalCalendarWarning)  # every year is provisional
        differing = [
            d
            for y in range(2027, 2101)
            for d in _days(y, y)
            if ours.is_working_day(d) != theirs.is_working_day(d)
        ]
    assert differing == []


def test_python_holidays_has_no_tet_after_2100():
    """The gap onestop fills: python-holidays stops computing lunar holidays after 2100."""
    theirs = holidays.VN(years=2101)
    names = " ".join(theirs.values()).lower()
    ours = [
        h for h in official_schedule().holidays(2101, warn=False) if h.name_en.startswith("Lunar")
    ]
    assert len(ours) == 5
    assert "tết nguyên đán" not in names and "lunar new year" not in names
