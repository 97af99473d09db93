"""The lunar calendar: regressions from issue 3, API behaviour and properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.deadlines.lunar import (
    CALENDARS,
    LunarDate,
    covered_range,
    from_lunar,
    hung_kings_day,
    leap_month,
    lunar_new_year,
    month_length,
    month_starts,
    to_lunar,
    year_can_chi,
)
from onestop.errors import (
    CalendarDataMissingError,
    ConfigurationError,
    InvalidInputError,
    LunarDateError,
    OneStopError,
)

D = dt.date


# --- regressions named in issue 3 ----------------------------------------------------------


def test_tet_1985_vietnam_vs_china():
    assert lunar_new_year(1985) == D(1985, 1, 21)
    assert lunar_new_year(1985, calendar="cn") == D(1985, 2, 20)
    # the same day is month 12 of 1984 in China
    cn = to_lunar(D(1985, 1, 21), calendar="cn")
    assert (cn.year, cn.month, cn.day) == (1984, 12, 1)


@pytest.mark.parametrize(
    ("year", "vn", "cn"),
    [
        (2007, D(2007, 2, 17), D(2007, 2, 18)),
        (2030, D(2030, 2, 2), D(2030, 2, 3)),
        (2053, D(2053, 2, 18), D(2053, 2, 19)),
    ],
)
def test_tet_one_day_before_china(year, vn, cn):
    assert lunar_new_year(year) == vn
    assert lunar_new_year(year, calendar="cn") == cn


def test_leap_months_1985_1987():
    assert leap_month(1985) == 2
    assert leap_month(1987) == 7
    # China: leap 10 in 1984 and leap 6 in 1987 (Hong Kong Observatory tables)
    assert leap_month(1984, calendar="cn") == 10
    assert leap_month(1987, calendar="cn") == 6


@pytest.mark.parametrize("iso", ["1877-04-13", "1885-03-16", "2054-05-07", "2062-04-09"])
def test_naive_port_day_zero_dates_are_valid(iso):
    ld = to_lunar(D.fromisoformat(iso))
    assert ld.day == 30  # the last day of a long month, never 0
    assert from_lunar(ld.year, ld.month, ld.day, leap=ld.leap) == D.fromisoformat(iso)
    nxt = to_lunar(D.fromisoformat(iso) + dt.timedelta(days=1))
    assert nxt.day == 1


def test_1944_month_5_starts_20_june_precise_21_june_compat():
    assert from_lunar(1944, 5, 1) == D(1944, 6, 20)
    assert from_lunar(1944, 5, 1, calendar="vn-compat") == D(1944, 6, 21)
    compat = to_lunar(D(1944, 6, 20), calendar="vn-compat")
    assert (compat.month, compat.day, compat.leap) == (4, 30, True)


def test_tet_1968_north_and_south():
    # North Vietnam's UTC+7 calendar put Tết Mậu Thân on 29 January, the South on 30 January.
    assert lunar_new_year(1968) == D(1968, 1, 29)
    assert lunar_new_year(1968, calendar="vn-historical") == D(1968, 1, 29)
    assert lunar_new_year(1968, calendar="cn") == D(1968, 1, 30)
    # before 1968 the historical calendar is China's
    assert lunar_new_year(1985 - 20, calendar="vn-historical") == lunar_new_year(
        1965, calendar="cn"
    )


@pytest.mark.parametrize(
    ("iso", "month", "day"),
    [
        # lunar dates printed beside the solar ones in the official notices (press copies cited
        # in src/onestop/deadlines/_data/civil_service.toml and docs/holidays.md)
        ("2013-02-09", 12, 29),  # 2013 Tết break: first day, 29 tháng Chạp
        ("2013-02-17", 1, 8),  # last day, mùng 8 tháng Giêng
        ("2013-02-15", 1, 6),  # the swapped Friday, mùng 6
        ("2013-02-23", 1, 14),  # the make-up Saturday, 14 tháng Giêng
        ("2014-01-28", 12, 28),  # 2014 Tết break: first day, 28 tháng Chạp
        ("2014-02-05", 1, 6),  # last day, mùng 6
        ("2020-01-23", 12, 29),  # 2020 Tết break: first day, 29 tháng Chạp năm Kỷ Hợi
        ("2020-01-29", 1, 5),  # last day, mùng 5 tháng Giêng năm Canh Tý
        ("2026-02-14", 12, 27),  # 2026 Tết break: first day, 27 tháng Chạp năm Ất Tỵ
        ("2026-02-22", 1, 6),  # last day, mùng 6 tháng Giêng năm Bính Ngọ
    ],
)
def test_lunar_dates_quoted_in_official_notices(iso, month, day):
    ld = to_lunar(D.fromisoformat(iso))
    assert (ld.month, ld.day, ld.leap) == (month, day, False)


def test_hung_kings_day_2026_and_tet_2026():
    assert lunar_new_year(2026) == D(2026, 2, 17)
    assert hung_kings_day(2026) == D(2026, 4, 26)
    assert hung_kings_day(2024) == D(2024, 4, 18)
    assert hung_kings_day(2007) == D(2007, 4, 26)


# --- can-chi ---------------------------------------------------------------------------------


def test_can_chi_names():
    ld = to_lunar(D(2026, 2, 17))
    assert ld.year_name == "Bính Ngọ"
    assert ld.month_name == "Canh Dần"
    assert year_can_chi(1985) == "Ất Sửu"
    assert year_can_chi(1968) == "Mậu Thân"
    assert year_can_chi(2024) == "Giáp Thìn"
    # a leap month takes the name of the month it repeats
    assert to_lunar(from_lunar(1985, 2, 1, leap=True)).month_name == (
        to_lunar(from_lunar(1985, 2, 1)).month_name
    )
    # day stems/branches cycle every 60 days
    a, b = to_lunar(D(2000, 1, 1)), to_lunar(D(2000, 3, 1))
    assert a.day_name == b.day_name
    assert a.day_name != to_lunar(D(2000, 1, 2)).day_name


def test_str_and_repr():
    ld = to_lunar(D(1985, 3, 21))
    assert str(ld) == "ngày 1 tháng 2 nhuận năm Ất Sửu (1985)"
    assert repr(ld) == "LunarDate(year=1985, month=2, day=1, leap=True, calendar='vn')"
    assert ld.solar == D(1985, 3, 21)


def test_equality_and_order():
    a = to_lunar(D(2020, 5, 1))
    assert a == to_lunar(D(2020, 5, 1))
    in_china = to_lunar(D(2020, 5, 1), calendar="cn")
    assert (in_china.year, in_china.month, in_china.day) == (a.year, a.month, a.day)
    assert a != in_china  # same numbers, different calendars
    assert a != tuple(a)  # not equal to a bare tuple
    assert a < to_lunar(D(2020, 5, 2))
    assert hash(a) == hash(to_lunar(D(2020, 5, 1)))
    with pytest.raises(TypeError):
        _ = a < to_lunar(D(2020, 5, 2), calendar="cn")


def test_a_day_converted_again_is_the_same_object():
    """Issue 9 (speed): the LunarDate of a day is built once per calendar, then reused."""
    first = to_lunar(D(2031, 7, 14))
    assert to_lunar(D(2031, 7, 14)) is first
    assert to_lunar(dt.datetime(2031, 7, 14, 3, tzinfo=dt.UTC)) is first  # 10:00 in Hà Nội
    assert to_lunar(D(2031, 7, 14), calendar="cn") is not first  # another calendar's day
    assert to_lunar(D(2031, 7, 14), calendar="cn") == to_lunar(D(2031, 7, 14), calendar="cn")
    assert from_lunar(first.year, first.month, first.day, leap=first.leap) == D(2031, 7, 14)


# --- errors ----------------------------------------------------------------------------------


def test_out_of_range():
    first, last = covered_range()
    assert first <= D(1800, 1, 1) and last >= D(2200, 12, 31)
    with pytest.raises(CalendarDataMissingError) as info:
        to_lunar(first - dt.timedelta(days=1))
    assert info.value.field == "date"
    with pytest.raises(CalendarDataMissingError):
        to_lunar(last + dt.timedelta(days=1))
    to_lunar(first)
    to_lunar(last)
    with pytest.raises(CalendarDataMissingError) as info2:
        from_lunar(1798, 1, 1)
    assert info2.value.field == "year"
    with pytest.raises(CalendarDataMissingError):
        lunar_new_year(2201)


def test_nonexistent_lunar_dates():
    with pytest.raises(LunarDateError) as info:
        from_lunar(2026, 1, 1, leap=True)
    assert info.value.field == "leap"
    assert "no leap month" in info.value.message
    short = next(
        (m, leap) for m, leap, _ in month_starts(2026) if month_length(2026, m, leap=leap) == 29
    )
    with pytest.raises(LunarDateError) as info2:
        from_lunar(2026, short[0], 30, leap=short[1])
    assert info2.value.field == "day"
    for bad_month in (0, 13, True):
        with pytest.raises(LunarDateError) as info3:
            from_lunar(2026, bad_month, 1)
        assert info3.value.field == "month"
    with pytest.raises(LunarDateError):
        from_lunar(2026, 1, 0)
    with pytest.raises(LunarDateError):
        from_lunar("2026", 1, 1)  # type: ignore[arg-type]
    for bad_leap in ("yes", "", None, 2, [True]):
        with pytest.raises(LunarDateError) as info4:
            from_lunar(1985, 2, 1, leap=bad_leap)  # type: ignore[arg-type]
        assert info4.value.field == "leap" and "True or False" in info4.value.message
    assert from_lunar(1985, 2, 1, leap=1) == from_lunar(1985, 2, 1, leap=True)  # type: ignore[arg-type]


def test_bad_calendar_and_bad_date():
    with pytest.raises(ConfigurationError) as info:
        to_lunar(D(2020, 1, 1), calendar="jp")  # type: ignore[arg-type]
    assert info.value.field == "calendar"
    for unhashable in ([], {}):
        with pytest.raises(ConfigurationError):
            to_lunar(D(2020, 1, 1), calendar=unhashable)  # type: ignore[arg-type]
        with pytest.raises(ConfigurationError):
            from_lunar(2020, 1, 1, calendar=unhashable)  # type: ignore[arg-type]
    for bad in ("2020-01-01", None, 20200101, 2020.5):
        with pytest.raises(InvalidInputError) as info2:
            to_lunar(bad)  # type: ignore[arg-type]
        assert info2.value.field == "date"
    with pytest.raises(LunarDateError) as info3:
        from_lunar(2026, 1, 1.0)  # type: ignore[arg-type]
    assert info3.value.field == "day" and "integer 1–30" in info3.value.message
    for bad_year in ("1985", None, 1985.0):
        with pytest.raises(LunarDateError) as info4:
            year_can_chi(bad_year)  # type: ignore[arg-type]
        assert info4.value.field == "year"


def test_datetimes_are_read_in_the_calendars_zone():
    # Tết Bính Ngọ: 17 Feb 2026 in both Vietnam and China. 16:30 UTC on the 16th is 23:30 in
    # Hà Nội (still the 30th of month 12) and 00:30 in Beijing (already Tết in China).
    evening = dt.datetime(2026, 2, 16, 16, 30, tzinfo=dt.UTC)
    assert to_lunar(evening) == to_lunar(D(2026, 2, 16))
    assert (to_lunar(evening).month, to_lunar(evening).day) == (12, 29)
    assert (to_lunar(evening, calendar="cn").month, to_lunar(evening, calendar="cn").day) == (1, 1)
    one_hour_later = evening + dt.timedelta(hours=1)  # 00:30 in Hà Nội
    assert to_lunar(one_hour_later) == to_lunar(D(2026, 2, 17))
    in_vietnam = dt.datetime(2026, 2, 17, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    assert to_lunar(in_vietnam) == to_lunar(D(2026, 2, 17))
    # at the ends of datetime's range the conversion overflows: still a typed error
    for extreme in (
        dt.datetime(9999, 12, 31, 23, tzinfo=dt.UTC),
        dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=10))),
    ):
        with pytest.raises(CalendarDataMissingError):
            to_lunar(extreme)
    # a naive datetime has no zone: refused rather than guessed
    with pytest.raises(InvalidInputError) as info:
        to_lunar(dt.datetime(2026, 2, 16, 23, 30))
    assert info.value.field == "date" and "naive" in info.value.message


@settings(max_examples=100, deadline=None)
@given(
    instant=st.datetimes(
        min_value=dt.datetime(1800, 1, 2),
        max_value=dt.datetime(2200, 12, 30),
        timezones=st.just(dt.UTC),
    ),
    calendar=st.sampled_from(CALENDARS),
)
def test_aware_datetime_is_its_local_date(instant, calendar):
    hours = 8 if calendar == "cn" else 7
    local = instant.astimezone(dt.timezone(dt.timedelta(hours=hours))).date()
    first, last = covered_range(calendar=calendar)
    if first <= local <= last:
        assert to_lunar(instant, calendar=calendar) == to_lunar(local, calendar=calendar)


def test_date_subclass_is_accepted():
    class Day(dt.date):
        pass

    assert to_lunar(Day(2026, 2, 17)) == to_lunar(D(2026, 2, 17))


# --- structure and properties ----------------------------------------------------------------


@pytest.mark.parametrize("calendar", CALENDARS)
def test_year_structure(calendar):
    for year in range(1799, 2201):
        months = month_starts(year, calendar=calendar)
        leap = leap_month(year, calendar=calendar)
        assert len(months) == (13 if leap else 12)
        assert [m for m, is_leap, _ in months if not is_leap] == list(range(1, 13))
        assert [m for m, is_leap, _ in months if is_leap] == ([leap] if leap else [])
        for (m, is_leap, start), nxt in zip(months, [*months[1:], None], strict=True):
            length = month_length(year, m, leap=is_leap, calendar=calendar)
            assert length in (29, 30)
            end = (
                nxt[2]
                if nxt
                else lunar_new_year(year + 1, calendar=calendar)
                if year < 2200
                else None
            )
            if end is not None:
                assert (end - start).days == length


_RANGE = covered_range()


@settings(max_examples=300, deadline=None)
@given(
    d=st.dates(min_value=_RANGE[0], max_value=_RANGE[1]),
    calendar=st.sampled_from(CALENDARS),
)
def test_round_trip(d, calendar):
    first, last = covered_range(calendar=calendar)
    if not first <= d <= last:
        with pytest.raises(CalendarDataMissingError):
            to_lunar(d, calendar=calendar)
        return
    ld = to_lunar(d, calendar=calendar)
    assert isinstance(ld, LunarDate)
    assert 1 <= ld.day <= 30
    assert from_lunar(ld.year, ld.month, ld.day, leap=ld.leap, calendar=calendar) == d
    # the day before is the previous lunar day, or day 29/30 of the previous month
    if d > first:
        prev = to_lunar(d - dt.timedelta(days=1), calendar=calendar)
        if ld.day > 1:
            assert (prev.year, prev.month, prev.leap, prev.day) == (
                ld.year,
                ld.month,
                ld.leap,
                ld.day - 1,
            )
        else:
            assert prev.day in (29, 30)


def test_every_day_round_trips_vn():
    first, last = covered_range()
    ordinal = first.toordinal()
    while ordinal <= last.toordinal():
        d = D.fromordinal(ordinal)
        ld = to_lunar(d)
        assert from_lunar(ld.year, ld.month, ld.day, leap=ld.leap) == d
        ordinal += 1


@settings(max_examples=200, deadline=None)
@given(st.integers(), st.integers(), st.integers(), st.booleans(), st.sampled_from(CALENDARS))
def test_from_lunar_fuzz_raises_only_onestop_errors(year, month, day, leap, calendar):
    try:
        d = from_lunar(year, month, day, leap=leap, calendar=calendar)
    except OneStopError as exc:
        assert isinstance(exc, ValueError)
        assert exc.field in ("year", "month", "day", "leap")
    else:
        ld = to_lunar(d, calendar=calendar)
        assert (ld.year, ld.month, ld.day, ld.leap) == (year, month, day, leap)


# --- vectorized path -------------------------------------------------------------------------


@pytest.mark.parametrize("calendar", CALENDARS)
def test_to_lunar_array_matches_scalar(calendar):
    np = pytest.importorskip("numpy")
    from onestop.deadlines.lunar import to_lunar_array

    first, last = covered_range(calendar=calendar)
    rng = np.random.default_rng(1985)
    ordinals = rng.integers(first.toordinal(), last.toordinal() + 1, size=3000)
    ordinals[:2] = (first.toordinal(), last.toordinal())
    dates = [D.fromordinal(int(o)) for o in ordinals]
    out = to_lunar_array(np.array(dates, dtype="datetime64[D]"), calendar=calendar)
    expected = [to_lunar(d, calendar=calendar) for d in dates]
    assert out.year.tolist() == [e.year for e in expected]
    assert out.month.tolist() == [e.month for e in expected]
    assert out.day.tolist() == [e.day for e in expected]
    assert out.leap.tolist() == [e.leap for e in expected]


def test_to_lunar_array_shapes_and_errors():
    np = pytest.importorskip("numpy")
    from onestop.deadlines.lunar import to_lunar_array

    grid = np.array([["2026-02-17", "1985-01-21"], ["2030-02-02", "2007-02-17"]], "datetime64[D]")
    out = to_lunar_array(grid)
    assert out.day.shape == (2, 2)
    assert out.day.tolist() == [[1, 1], [1, 1]]
    assert to_lunar_array(["2026-04-26"]).day.tolist() == [10]
    with pytest.raises(CalendarDataMissingError) as info:
        to_lunar_array(np.array(["2026-01-01", "1700-01-01"], dtype="datetime64[D]"))
    assert info.value.field == "dates"
    assert "1700-01-01" in info.value.message
    with pytest.raises(CalendarDataMissingError):
        to_lunar_array(np.array(["NaT"], dtype="datetime64[D]"))
    with pytest.raises(InvalidInputError):
        to_lunar_array(["not a date"])
    # numbers would be read by NumPy as days since 1970: refused
    for numbers in (5, None, np.array([20260217]), np.array([1.5]), [True]):
        with pytest.raises(InvalidInputError) as info2:
            to_lunar_array(numbers)
        assert info2.value.field == "dates"


# --- months decided by seconds -----------------------------------------------------------------


def test_near_midnight_months_cover_the_known_cases():
    from onestop.deadlines.lunar import near_midnight_months

    vn = {(y, m, leap): s for y, m, leap, s in near_midnight_months()}
    assert vn[(1944, 5, False)] == -27  # issue 3: "28 seconds before local midnight"
    assert (2072, 11, False) in vn
    assert (2077, 10, False) in vn
    for (y, m, leap), seconds in vn.items():
        assert abs(seconds) < (60 if y < 2026 else 180)
        from_lunar(y, m, 1, leap=leap)  # the month exists
    cn = {(y, m, leap) for y, m, leap, _ in near_midnight_months(calendar="cn")}
    assert (2057, 9, False) in cn
    assert near_midnight_months(calendar="vn-compat") == ()
    historical = near_midnight_months(calendar="vn-historical")
    since_1968 = [r for r in near_midnight_months() if r[0] >= 1968]
    assert [r for r in historical if r[0] >= 1968] == since_1968


def test_every_compat_disagreement_is_a_near_midnight_month():
    from onestop.deadlines.lunar import near_midnight_months

    near = {(y, m, leap) for y, m, leap, _ in near_midnight_months()}
    disagreements = set()
    for year in range(1799, 2201):
        precise = month_starts(year)
        compat = month_starts(year, calendar="vn-compat")
        assert [(m, leap) for m, leap, _ in precise] == [(m, leap) for m, leap, _ in compat]
        for (m, leap, a), (_, _, b) in zip(precise, compat, strict=True):
            if a != b:
                disagreements.add((year, m, leap))
    assert disagreements  # 1944, 2072, 2077, ... (docs/lunar.md)
    assert disagreements <= near


@settings(max_examples=200, deadline=None)
@given(
    value=st.one_of(
        st.none(),
        st.integers(),
        st.floats(),
        st.text(max_size=12),
        st.dates(),
        st.datetimes(),  # naive
        st.datetimes(timezones=st.timezones()),
        st.lists(st.dates(), max_size=2),
    ),
    calendar=st.sampled_from(CALENDARS),
)
def test_to_lunar_fuzz_raises_only_onestop_errors(value, calendar):
    try:
        ld = to_lunar(value, calendar=calendar)
    except OneStopError as exc:
        assert isinstance(exc, ValueError)
        assert exc.field == "date"
    else:
        assert isinstance(value, dt.date)
        assert not isinstance(value, dt.datetime) or value.utcoffset() is not None
        assert isinstance(ld, LunarDate) and 1 <= ld.day <= 30
