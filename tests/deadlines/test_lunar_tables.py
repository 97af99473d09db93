"""The committed lunar tables are what the generator computes, and the astronomy is right."""

from __future__ import annotations

import datetime as dt
import importlib
import math
import subprocess
import sys
from pathlib import Path

import pytest

from onestop.deadlines import _astro
from onestop.deadlines.lunar import CALENDARS, lunar_new_year, to_lunar

ROOT = Path(__file__).resolve().parents[2]
MODULES = {
    "vn": "vn_lunar",
    "cn": "vn_lunar_cn",
    "vn-historical": "vn_lunar_historical",
    "vn-compat": "vn_lunar_compat",
}


@pytest.mark.parametrize("calendar", CALENDARS)
def test_committed_table_matches_regeneration(calendar):
    data = importlib.import_module(f"onestop.deadlines._data.{MODULES[calendar]}")
    assert calendar == data.CALENDAR
    assert list(data.YEARS) == _astro.encode_years(_astro.calendar_months(calendar))


def test_generator_check_mode_reports_clean():
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_lunar_tables.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr


# --- golden values from Meeus, Astronomical Algorithms (2nd ed.) -----------------------------


def test_meeus_example_49a_new_moon_february_1977():
    # JDE 2443192.65118 = 1977 Feb 18, 3h37m42s TD
    assert math.isclose(_astro.new_moon_jde(-283), 2443192.65118, abs_tol=2e-5)


def test_meeus_example_22a_nutation():
    # 1987 April 10, 0h TD: Δψ = -3.788"
    assert math.isclose(_astro.nutation_in_longitude(2446895.5), -3.788, abs_tol=0.005)


def test_meeus_example_27a_june_solstice_1962():
    # Meeus: the exact instant, from the complete VSOP87, is 1962 June 21, 21h24m42s TD
    jde = _astro.solar_term_jde(1962, 90.0)
    exact = 2437837.5 - (2 * 3600 + 35 * 60 + 18) / 86400  # 21:24:42 TD on 21 June 1962
    assert abs(jde - exact) * 86400 < 2.0


def test_meeus_example_25b_apparent_solar_longitude():
    # 1992 October 13.0 TD: apparent λ = 199°54'21.818" (VSOP87)
    lam = _astro.apparent_solar_longitude(2448908.5)
    assert abs(lam - (199 + 54 / 60 + 21.818 / 3600)) * 3600 < 0.5


@pytest.mark.parametrize(
    ("iso", "hhmm"),
    [
        # USNO / NASA (Espenak) published new-moon times, UT, rounded to the minute
        ("1999-08-11", "11:08"),
        ("2000-01-06", "18:14"),
        ("2009-07-22", "02:35"),
        ("2012-05-20", "23:47"),
        ("2017-08-21", "18:30"),
        ("2019-07-02", "19:16"),
        ("2020-06-21", "06:41"),
        ("2023-04-20", "04:12"),
        ("2024-04-08", "18:21"),
    ],
)
def test_published_new_moon_times(iso, hhmm):
    day = dt.date.fromisoformat(iso)
    k = round((day.toordinal() + 1721425 - 2451550.1) / 29.530588861)
    jd_ut = _astro.precise_new_moon_td(k) - _astro.delta_t(day.year + 0.5) / 86400
    when = dt.datetime(2000, 1, 1, 12) + dt.timedelta(days=jd_ut - 2451545.0)
    published = dt.datetime.fromisoformat(f"{iso}T{hhmm}")
    # rounding to the minute (30 s) + the model ΔT being ahead of the observed one since 2005
    assert abs((when - published).total_seconds()) <= 30 + 10


def test_delta_t_model_values():
    # Espenak & Meeus (2006) tabulated values: 1900 ≈ -2.8 s, 1950 ≈ 29.1 s, 2000 ≈ 63.9 s
    assert math.isclose(_astro.delta_t(1900.0), -2.79, abs_tol=0.01)
    assert math.isclose(_astro.delta_t(1950.0), 29.07, abs_tol=0.01)
    assert math.isclose(_astro.delta_t(2000.0), 63.86, abs_tol=0.01)
    # continuity at the joins of the polynomials (within 1 s)
    for year in (1800, 1860, 1900, 1920, 1941, 1961, 1986, 2005, 2050, 2150):
        assert abs(_astro.delta_t(year - 1e-6) - _astro.delta_t(year)) < 1.0, year
    with pytest.raises(ValueError, match="1700"):
        _astro.delta_t(1600)


def test_compat_series_is_hos_series():
    # Hồ Ngọc Đức's series: lunation 0 of 1 January 1900 (JDN 2415021)
    assert _astro.compat_new_moon_day(0, 7.0) == 2415021
    # both series agree on the day of the new moon of 6 January 2000 at UTC+7
    assert _astro.compat_new_moon_day(1237, 7.0) == _astro.precise_new_moon_day(0, 7.0)


def test_tet_falls_between_21_january_and_20_february():
    # Tết always falls between 21 January and 20 February
    for year in range(1800, 2201):
        tet = lunar_new_year(year)
        assert dt.date(year, 1, 21) <= tet <= dt.date(year, 2, 20), year


def test_month_11_contains_december_solstice():
    for year in range(1800, 2200, 7):
        jde = _astro.solar_term_jde(year, 270.0)
        jd_local = jde - _astro.delta_t(year + 0.97) / 86400 + 0.5 + 7 / 24
        day = dt.date.fromordinal(math.floor(jd_local) - 1721425)
        ld = to_lunar(day)
        assert ld.month == 11, (year, ld)


def test_docstring_and_docs_examples_run():
    import doctest

    import onestop.deadlines.lunar as lunar_module

    result = doctest.testmod(lunar_module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted >= 8
    docs = doctest.testfile(str(ROOT / "docs" / "lunar.md"), module_relative=False)
    assert docs.failed == 0
    assert docs.attempted >= 6


def _has_major_term(start: dt.date, end: dt.date, tz_hours: int) -> bool:
    """Whether the Sun reaches a multiple of 30° between the two local midnights."""

    def sector(day: dt.date) -> int:
        jd_ut = day.toordinal() + 1721424.5 - tz_hours / 24
        jde = jd_ut + _astro.delta_t(day.year + (day.timetuple().tm_yday - 0.5) / 365.25) / 86400
        return int(_astro.apparent_solar_longitude(jde) // 30)

    return sector(start) != sector(end)


@pytest.mark.parametrize(("calendar", "tz_hours"), [("vn", 7), ("cn", 8)])
def test_leap_month_is_the_first_month_without_a_major_term(calendar, tz_hours):
    """Issue 3's rule, checked on the served calendar for every leap month of 1800–2199."""
    from onestop.deadlines.lunar import month_starts

    months = [
        (year, m, leap, start)
        for year in range(1799, 2201)
        for m, leap, start in month_starts(year, calendar=calendar)
    ]
    leap_months = 0
    for i, (year, m, leap, start) in enumerate(months[:-1]):
        if not leap or not 1800 <= year <= 2199:
            continue
        leap_months += 1
        # the sui: from the last month 11 before the leap month
        j = max(k for k in range(i) if months[k][1] == 11 and not months[k][2])
        assert not _has_major_term(start, months[i + 1][3], tz_hours), (year, m)
        for k in range(j, i):
            assert _has_major_term(months[k][3], months[k + 1][3], tz_hours), (year, m)
        # and 13 new moons separate the two months 11 around it
        nxt = next(k for k in range(i, len(months)) if months[k][1] == 11 and not months[k][2])
        assert nxt - j == 13, (year, m)
    # 7 leap months every 19 years (Metonic cycle): about 147.4 in 400 years
    assert abs(leap_months - 400 * 7 / 19) < 2
