"""A hand-built civil-service calendar of 2025–2026, independent of the shipped holiday data.

It transcribes the schedule of 2025–2026 from the notices 6150/TB-BLĐTBXH, 12729/VPCP-KGVX and
9441/TB-BNV, so that the deadline tests that use it do not depend on the shipped holiday data;
``tests/deadlines/test_calendar_official.py`` repeats the golden checks against
:func:`onestop.deadlines.civil_service_calendar`. It covers 2025 and 2026 only: a date outside
is a :class:`~onestop.errors.CalendarDataMissingError`, which the tests also rely on.
"""

from __future__ import annotations

import datetime as dt

from onestop.deadlines import Holiday, HolidayKind, StaticHolidaySource, WorkCalendar

D = dt.date
OFF = HolidayKind.STATUTORY
SWAP = HolidayKind.SWAPPED_DAY_OFF
MAKEUP = HolidayKind.MAKE_UP_WORKING_DAY


def holiday(d: dt.date, kind: HolidayKind, basis: str, name: str = "Nghỉ lễ") -> Holiday:
    """One entry of the schedule (the English name is not used by these tests)."""
    return Holiday(d, name, "Holiday", kind, basis)


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every date from ``first`` to ``last``, both included."""
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


N2025 = "Thông báo 6150/TB-BLĐTBXH"
N2026 = "Công văn 12729/VPCP-KGVX"
ENTRIES_2025_2026 = (
    [holiday(D(2025, 1, 1), OFF, "BLLĐ 2019 Điều 112")]
    + [holiday(d, OFF, N2025, "Tết Nguyên đán") for d in days(D(2025, 1, 27), D(2025, 1, 31))]
    + [holiday(D(2025, 4, 7), OFF, "BLLĐ 2019 Điều 112", "Giỗ Tổ Hùng Vương")]
    + [holiday(D(2025, 4, 30), OFF, "BLLĐ 2019 Điều 112"), holiday(D(2025, 5, 1), OFF, "BLLĐ 2019")]
    + [holiday(D(2025, 5, 2), SWAP, N2025), holiday(D(2025, 4, 26), MAKEUP, N2025)]
    + [holiday(D(2025, 9, 1), OFF, N2025), holiday(D(2025, 9, 2), OFF, "BLLĐ 2019 Điều 112")]
    + [holiday(D(2026, 1, 1), OFF, "BLLĐ 2019 Điều 112", "Tết Dương lịch")]
    + [
        holiday(D(2026, 1, 2), SWAP, N2026, "Nghỉ hoán đổi"),
        holiday(D(2026, 1, 10), MAKEUP, N2026),
    ]
    + [
        holiday(d, OFF, "Thông báo 9441/TB-BNV", "Tết Nguyên đán")
        for d in days(D(2026, 2, 16), D(2026, 2, 20))
    ]
    + [holiday(D(2026, 4, 27), HolidayKind.COMPENSATORY, "BLLĐ 2019 Điều 111(3)", "Giỗ Tổ (bù)")]
    + [holiday(D(2026, 4, 30), OFF, "BLLĐ 2019"), holiday(D(2026, 5, 1), OFF, "BLLĐ 2019")]
    + [
        holiday(D(2026, 8, 31), SWAP, "Thông báo 9441/TB-BNV"),
        holiday(D(2026, 8, 22), MAKEUP, "9441"),
    ]
    + [holiday(D(2026, 9, 1), OFF, "BLLĐ 2019"), holiday(D(2026, 9, 2), OFF, "BLLĐ 2019")]
)
#: The schedule above as a holiday source, and the calendar read from it.
SOURCE = StaticHolidaySource(ENTRIES_2025_2026, first_year=2025, last_year=2026)
CAL = WorkCalendar(SOURCE)
