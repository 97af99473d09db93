"""The golden scenarios again, on the official calendar (the shipped holiday schedule)."""

from __future__ import annotations

import datetime as dt

import pytest

from onestop.deadlines import civil_service_calendar
from onestop.deadlines.calendar import DayKind
from onestop.deadlines.policies import SameDayPolicy, WorkingDaysPolicy
from onestop.errors import CalendarDataMissingError, ProvisionalCalendarWarning
from onestop.models import ProcessingTime
from onestop.tz import VN_TZ

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
    assert SameDayPolicy().due(
        received, ProcessingTime.same_day(), calendar=CAL
    ).due_at == dt.datetime(2026, 1, 10, 17, tzinfo=VN_TZ)
    d = WorkingDaysPolicy().due(
        dt.datetime(2025, 12, 31, 10, tzinfo=VN_TZ), ProcessingTime.working_days(7), calendar=CAL
    )
    assert d.due_at == dt.datetime(2026, 1, 12, 17, tzinfo=VN_TZ)
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
    d = WorkingDaysPolicy().due(
        dt.datetime(2026, 1, 1, 9, tzinfo=VN_TZ), ProcessingTime.working_days(0), calendar=CAL
    )
    assert d.due_at == dt.datetime(2026, 1, 5, 17, tzinfo=VN_TZ)
    text = d.explain("en")
    assert "working day 1" not in text
    assert "New Year" in text


def test_cross_check_against_workalendar_and_a_day_loop():
    """Independent implementations given the same days off and make-up Saturdays agree."""
    import random

    from workalendar.core import SAT, SUN, Calendar

    entries = [h for y in range(2019, 2027) for h in CAL.holidays(y)]
    off = {h.date for h in entries if h.is_day_off}
    makeup = tuple(sorted(h.date for h in entries if not h.is_day_off))

    class Reference(Calendar):
        WEEKEND_DAYS = (SAT, SUN)

        def get_calendar_holidays(self, year):
            return [(d, "off") for d in sorted(off) if d.year == year]

    ref = Reference()
    rng = random.Random(2026)
    for _ in range(300):
        d = D(2019, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 7 + 300))
        n = rng.randint(1, 45)
        want = ref.add_working_days(d, n, extra_working_days=makeup)
        assert CAL.add_working_days(d, n) == want, (d, n)
        # and counting back from the result with a plain loop gives n
        count = sum(
            1
            for k in range(1, (want - d).days + 1)
            if ref.is_working_day(d + dt.timedelta(days=k), extra_working_days=makeup)
        )
        assert CAL.working_days_between(d, want) == count == n
