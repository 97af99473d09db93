"""The civil-service holiday schedule: official notices 2013–2026, statutes, coverage, warnings."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.deadlines import HolidayKind, HolidaySchedule, official_schedule
from onestop.deadlines._statutes import (
    CIVIL_SERVICE_REST_DAYS,
    national_day_second_day,
    statutory_entries,
    tet_days_off,
)
from onestop.deadlines.lunar import from_lunar
from onestop.errors import (
    CalendarDataMissingError,
    InvalidInputError,
    ProvisionalCalendarWarning,
)

D = dt.date
OFFICIAL = range(2013, 2027)


@pytest.fixture(scope="module")
def cal() -> HolidaySchedule:
    return official_schedule()


def kinds(cal: HolidaySchedule, year: int) -> dict[dt.date, HolidayKind]:
    return {h.date: h.kind for h in cal.holidays(year, warn=False)}


# --------------------------------------------------------------------------- 2026 in detail


def test_2026_new_year_swap_cong_van_12729(cal):
    entries = {h.date: h for h in cal.holidays(2026)}
    swap, make_up = entries[D(2026, 1, 2)], entries[D(2026, 1, 10)]
    assert swap.kind is HolidayKind.SWAPPED_DAY_OFF
    assert make_up.kind is HolidayKind.MAKE_UP_WORKING_DAY
    assert "12729/VPCP-KGVX" in swap.basis and "12729/VPCP-KGVX" in make_up.basis
    assert swap.source_url and swap.source_url.startswith("https://")
    assert cal.is_day_off(D(2026, 1, 2)) and not cal.is_working_day(D(2026, 1, 2))
    assert cal.is_working_day(D(2026, 1, 10))  # a Saturday that is worked
    assert not cal.is_working_day(D(2026, 1, 3))  # an ordinary Saturday
    assert not cal.is_day_off(D(2026, 1, 3))  # weekly rest, not a "day off" entry


def test_2026_tet_binh_ngo_is_16_to_20_february(cal):
    tet = sorted(
        d for d, h in ((h.date, h) for h in cal.holidays(2026)) if h.name_en.startswith("Lunar")
    )
    assert tet == [D(2026, 2, d) for d in range(16, 21)]
    # the break is 14–22 February: every day of it is a non-working day
    assert not any(cal.is_working_day(D(2026, 2, d)) for d in range(14, 23))
    assert cal.is_working_day(D(2026, 2, 13)) and cal.is_working_day(D(2026, 2, 23))


def test_2026_national_day_swap_and_make_up_saturday(cal):
    k = kinds(cal, 2026)
    assert k[D(2026, 8, 31)] is HolidayKind.SWAPPED_DAY_OFF
    assert k[D(2026, 8, 22)] is HolidayKind.MAKE_UP_WORKING_DAY
    assert k[D(2026, 9, 1)] is HolidayKind.STATUTORY and k[D(2026, 9, 2)] is HolidayKind.STATUTORY
    assert [cal.is_working_day(D(2026, 8, d)) for d in (22, 28, 29, 30, 31)] == [
        True,
        True,
        False,
        False,
        False,
    ]


def test_2026_hung_kings_sunday_compensated_monday(cal):
    k = kinds(cal, 2026)
    assert D(2026, 4, 26) == from_lunar(2026, 3, 10)
    assert k[D(2026, 4, 26)] is HolidayKind.STATUTORY
    assert k[D(2026, 4, 27)] is HolidayKind.COMPENSATORY
    # 30/4–1/5/2026: Thursday–Friday, no swap (3383/BNV-CVL)
    assert k[D(2026, 4, 30)] is HolidayKind.STATUTORY and D(2026, 4, 29) not in k
    assert cal.is_working_day(D(2026, 5, 4))


def test_2026_culture_day_is_switchable():
    on = HolidaySchedule.bundled()
    off = HolidaySchedule.bundled(culture_day=False)
    assert on.is_day_off(D(2026, 11, 24))
    assert not off.is_day_off(D(2026, 11, 24)) and off.is_working_day(D(2026, 11, 24))
    assert len(on.holidays(2026)) == len(off.holidays(2026)) + 1
    assert on.with_options(culture_day=False).days_off(2026) == off.days_off(2026)


# --------------------------------------------------------------------------- other years


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        (D(2015, 1, 2), HolidayKind.SWAPPED_DAY_OFF),
        (D(2015, 2, 14), HolidayKind.MAKE_UP_WORKING_DAY),
        (D(2015, 2, 16), HolidayKind.SWAPPED_DAY_OFF),
        (D(2015, 2, 21), HolidayKind.STATUTORY),  # mùng 3 on a Saturday...
        (D(2015, 2, 23), HolidayKind.COMPENSATORY),  # ...compensated on Monday
        (D(2015, 4, 25), HolidayKind.MAKE_UP_WORKING_DAY),
        (D(2015, 4, 29), HolidayKind.SWAPPED_DAY_OFF),
        (D(2018, 12, 31), HolidayKind.SWAPPED_DAY_OFF),  # 6519/VPCP-KGVX
        (D(2019, 1, 5), HolidayKind.MAKE_UP_WORKING_DAY),
        (D(2019, 4, 29), HolidayKind.SWAPPED_DAY_OFF),
        (D(2019, 5, 4), HolidayKind.MAKE_UP_WORKING_DAY),
        (D(2022, 5, 3), HolidayKind.COMPENSATORY),  # 30/4 Sat + 1/5 Sun -> 2/5, 3/5
        (D(2023, 5, 2), HolidayKind.COMPENSATORY),  # Giỗ Tổ Sat 29/4
        (D(2023, 5, 3), HolidayKind.COMPENSATORY),  # 30/4 Sun
        (D(2023, 9, 4), HolidayKind.COMPENSATORY),  # 2/9 Sat
        (D(2024, 4, 29), HolidayKind.SWAPPED_DAY_OFF),  # 2450/VPCP-KGVX
        (D(2024, 5, 4), HolidayKind.MAKE_UP_WORKING_DAY),
        (D(2025, 4, 26), HolidayKind.MAKE_UP_WORKING_DAY),  # 6150/TB-BLĐTBXH
        (D(2025, 5, 2), HolidayKind.SWAPPED_DAY_OFF),
    ],
)
def test_official_entries(cal, day, kind):
    assert kinds(cal, day.year)[day] is kind
    assert cal.is_working_day(day) is (kind is HolidayKind.MAKE_UP_WORKING_DAY)


def test_cross_year_entries_land_in_their_own_year():
    # 31/12/2012 belongs to the 2013 notice but is a date of 2012 (a provisional year)
    cal = HolidaySchedule.bundled()
    with pytest.warns(ProvisionalCalendarWarning, match="2012"):
        assert not cal.is_working_day(D(2012, 12, 31))  # a Monday off, worked on 5/1/2013
    with pytest.warns(ProvisionalCalendarWarning, match="2012"):
        entries = cal.holidays(2012)
    swap = [h for h in entries if h.date == D(2012, 12, 31)]
    assert len(swap) == 1 and not swap[0].provisional
    assert swap[0].kind is HolidayKind.SWAPPED_DAY_OFF
    assert all(h.provisional for h in entries if h.date != D(2012, 12, 31))
    # and 27/12/2014, of the 2015 notice, lands in the (official) year 2014
    assert cal.is_working_day(D(2014, 12, 27))  # a Saturday worked for 2/1/2015
    assert D(2014, 12, 27) in cal.make_up_days(2014)


@pytest.mark.parametrize("year", OFFICIAL)
def test_official_year_invariants(cal, year):
    entries = cal.holidays(year)
    dates = [h.date for h in entries]
    assert dates == sorted(set(dates))
    assert all(h.date.year == year and not h.provisional and h.basis for h in entries)
    assert not cal.is_provisional(year)
    by_kind: dict[HolidayKind, list[dt.date]] = {}
    for h in entries:
        by_kind.setdefault(h.kind, []).append(h.date)
    # make-up days are weekly rest days; swaps and nghỉ bù fall on weekdays
    assert all(d.weekday() >= 5 for d in by_kind.get(HolidayKind.MAKE_UP_WORKING_DAY, []))
    assert all(d.weekday() < 5 for d in by_kind.get(HolidayKind.SWAPPED_DAY_OFF, []))
    assert all(d.weekday() < 5 for d in by_kind.get(HolidayKind.COMPENSATORY, []))
    # the law's number of paid holidays = weekdays off that are not swaps (nghỉ bù included)
    paid = 9 if year == 2013 else 10 if year < 2021 else 11  # Tết 2013: 4 days (BLLĐ 1994)
    if year >= 2026:
        paid += 1  # 24/11, from 1 July 2026
    weekday_off = [h for h in entries if h.is_day_off and h.date.weekday() < 5]
    assert len([h for h in weekday_off if h.kind is not HolidayKind.SWAPPED_DAY_OFF]) == paid


def test_swaps_balance_over_the_official_years(cal):
    swaps = [
        h.date
        for y in range(2012, 2027)
        for h in cal.holidays(y, warn=False)
        if h.kind is HolidayKind.SWAPPED_DAY_OFF
    ]
    make_ups = [
        h.date
        for y in range(2012, 2027)
        for h in cal.holidays(y, warn=False)
        if h.kind is HolidayKind.MAKE_UP_WORKING_DAY
    ]
    assert len(swaps) == len(make_ups) == 16  # 2013: 3, 2014: 4, 2015–2026: 9


# --------------------------------------------------------------------------- statutes vs data


@pytest.mark.parametrize("year", range(2016, 2027))
def test_statutes_reproduce_the_notices_except_swaps(cal, year):
    """The usual-pattern rules give every official year 2016–2026, apart from the swaps.

    Weekdays off must match exactly; entries other than Tết must match kind by kind (the
    2017 notice counted Saturday/Sunday mùng 1–2 as Tết days compensated on mùng 4–5, where
    the rules place the five days on weekdays directly: same days off, other labels).
    """
    statutes = HolidaySchedule.statutes_only()
    swaps = (HolidayKind.SWAPPED_DAY_OFF, HolidayKind.MAKE_UP_WORKING_DAY)
    official = {h.date: h for h in cal.holidays(year) if h.kind not in swaps}
    computed = {h.date: h for h in statutes.holidays(year, warn=False)}
    assert {d for d in official if d.weekday() < 5} == {d for d in computed if d.weekday() < 5}
    not_tet = {d: h.kind for d, h in official.items() if not h.name_en.startswith("Lunar")}
    assert not_tet == {d: h.kind for d, h in computed.items() if not h.name_en.startswith("Lunar")}


def test_2015_is_the_one_year_the_tet_pattern_differs(cal):
    # The 2015 notice counted 17–21/2 (29 Chạp–mùng 3, Saturday included) and compensated
    # mùng 3 on Monday 23/2; from 2016 the five Tết days are always weekdays.
    computed = {d for d, k in kinds(HolidaySchedule.statutes_only(), 2015).items()}
    assert D(2015, 2, 21) not in computed and D(2015, 2, 23) in computed
    assert tet_days_off(D(2015, 2, 19)) == [D(2015, 2, d) for d in (17, 18, 19, 20, 23)]


@pytest.mark.parametrize(
    ("year", "second"),
    [(2021, 3), (2022, 1), (2023, 1), (2024, 3), (2025, 1), (2026, 1)],
)
def test_national_day_second_day_pattern(year, second):
    assert national_day_second_day(year) == D(year, 9, second)


def _paid_days(year: int, *, culture_day: bool) -> int:
    n = 8  # BLLĐ 1994 Art. 73: 1/1, Tết 4, 30/4, 1/5, 2/9
    if year >= 2007:
        n += 1  # Giỗ Tổ
    if year >= 2014:
        n += 1  # Tết 5 days (BLLĐ 2012, in force from 1 May 2013)
    if year >= 2021:
        n += 1  # Quốc khánh 2 days
    if culture_day and year >= 2026:
        n += 1
    return n


@settings(max_examples=60, deadline=None)
@given(year=st.integers(1995, 2199), culture_day=st.booleans())
def test_statutes_give_the_paid_days_of_the_law(year, culture_day):
    """Nghỉ bù keeps the number of working days off equal to the law's count."""
    entries = statutory_entries(year, lunar=from_lunar, culture_day=culture_day)
    dates = [e.holiday.date for e in entries]
    assert dates == sorted(set(dates)) and all(d.year == year for d in dates)
    assert all(e.holiday.provisional for e in entries)
    working_off = [d for d in dates if not CIVIL_SERVICE_REST_DAYS.is_rest_day(d)]
    assert len(working_off) == _paid_days(year, culture_day=culture_day)
    for e in entries:
        if e.holiday.kind is HolidayKind.COMPENSATORY:
            assert not CIVIL_SERVICE_REST_DAYS.is_rest_day(e.holiday.date)
    # fixed-date holidays are always listed, on their own date
    for m, d in ((1, 1), (4, 30), (5, 1), (9, 2)):
        assert D(year, m, d) in dates
    new_year = from_lunar(year, 1, 1)
    if year >= 2014:
        tet = [e.holiday.date for e in entries if e.key == "tet"]
        assert len(tet) == 5 and all(d.weekday() < 5 for d in tet)
        assert min(tet) <= new_year + dt.timedelta(days=3) and max(tet) >= new_year
        assert (max(tet) - min(tet)).days in (4, 6)  # one break, at most one weekend inside
    if year >= 2007:
        assert from_lunar(year, 3, 10) in dates


def test_before_october_1999_saturday_is_a_working_day():
    cal = HolidaySchedule.statutes_only()
    with pytest.warns(ProvisionalCalendarWarning):
        assert cal.is_working_day(D(1998, 3, 7))  # a Saturday
    with pytest.warns(ProvisionalCalendarWarning):
        assert not cal.is_working_day(D(2000, 3, 4))


# --------------------------------------------------------------------------- coverage, warnings


def test_coverage(cal):
    assert (cal.first_year, cal.last_year) == (1995, 2199)
    assert cal.covers(1995) and cal.covers(2199) and not cal.covers(1994) and not cal.covers(2200)
    assert not cal.covers("2026") and not cal.covers(True)
    assert cal.official_years == tuple(OFFICIAL)
    assert cal.is_provisional(2027) and cal.is_provisional(2012) and not cal.is_provisional(2026)


@pytest.mark.parametrize("year", [1994, 2200, -1])
def test_outside_the_range_raises(cal, year):
    with pytest.raises(CalendarDataMissingError, match="1995–2199") as info:
        cal.holidays(year)
    assert info.value.field == "year"


def test_day_outside_the_range_raises(cal):
    with pytest.raises(CalendarDataMissingError):
        cal.is_day_off(D(1994, 12, 31))
    with pytest.raises(CalendarDataMissingError):
        cal.is_working_day(D(2200, 1, 1))


@pytest.mark.parametrize("bad", [dt.datetime(2026, 1, 2, 8, 0), "2026-01-02", 20260102])
def test_non_dates_are_refused(cal, bad):
    with pytest.raises(InvalidInputError, match=r"datetime\.date"):
        cal.is_day_off(bad)
    with pytest.raises(InvalidInputError, match=r"datetime\.date"):
        cal.is_working_day(bad)


def test_non_integer_year_is_refused(cal):
    with pytest.raises(InvalidInputError, match="integer year"):
        cal.holidays("2026")  # type: ignore[arg-type]


def test_provisional_year_warns_and_flags_entries(holiday_schedule):
    cal = holiday_schedule  # fresh per test (onestop pytest plugin)
    with pytest.warns(ProvisionalCalendarWarning, match="2027 has no official"):
        entries = cal.holidays(2027)
    assert entries and all(h.provisional for h in entries)
    with pytest.warns(ProvisionalCalendarWarning):
        cal.days_off(2027)
    with pytest.warns(ProvisionalCalendarWarning):
        cal.make_up_days(2027)
    # per-year queries can be silenced; per-day queries warn once per year and schedule
    assert cal.holidays(2027, warn=False) == entries
    with pytest.warns(ProvisionalCalendarWarning) as record:
        cal.is_day_off(D(2027, 2, 4))
        cal.is_day_off(D(2027, 2, 5))
        cal.is_working_day(D(2027, 3, 1))
    assert len(record) == 1
    # official years never warn (filterwarnings=error would fail this test)
    cal.is_day_off(D(2026, 2, 16))
    cal.holidays(2026)


def test_provisional_2027(cal):
    k = kinds(cal, 2027)
    # mùng 1 Tết Đinh Mùi is Saturday 6/2/2027: usual pattern Thu 4 – Wed 10 February
    assert from_lunar(2027, 1, 1) == D(2027, 2, 6)
    assert [d for d in k if d.month == 2] == [D(2027, 2, d) for d in (4, 5, 8, 9, 10)]
    assert k[D(2027, 4, 16)] is HolidayKind.STATUTORY  # Giỗ Tổ, Friday
    assert k[D(2027, 5, 3)] is HolidayKind.COMPENSATORY  # 1/5 is a Saturday
    assert k[D(2027, 9, 3)] is HolidayKind.STATUTORY  # 2/9 Thursday -> 3/9 Friday
    assert k[D(2027, 11, 24)] is HolidayKind.STATUTORY


def test_2026_breaks_total_25_days_as_reported_then_26_with_culture_day():
    """thanhnien.vn (13/1/2026) counts the 2026 civil-service breaks: New Year 4 days, Tết 9,
    Giỗ Tổ 3, 30/4–1/5 4, Quốc khánh 5 = 25, and 26 once 24/11 is added (source URL in the
    3383-BNV-CVL note of the bundled data). A break is a maximal run of non-working days that
    contains a day off."""

    def breaks(schedule: HolidaySchedule) -> list[int]:
        runs, current, has_off = [], 0, False
        day = D(2025, 12, 27)
        while day <= D(2026, 12, 31):  # a Thursday, worked: every run has ended
            if schedule.is_working_day(day):
                if current and has_off:
                    runs.append(current)
                current, has_off = 0, False
            elif day.year == 2026 or current:
                current += 1
                has_off = has_off or schedule.is_day_off(day)
            day += dt.timedelta(days=1)
        return runs

    with_culture = HolidaySchedule.bundled()
    without = HolidaySchedule.bundled(culture_day=False)
    assert breaks(without) == [4, 9, 3, 4, 5]
    assert breaks(with_culture) == [4, 9, 3, 4, 5, 1]
