"""Cross-checks of the lunar tables against independent installed implementations.

* ``vnlunar`` (a port of Hồ Ngọc Đức's programs) with ``time_zone=7``: its simplified series
  must agree with ``calendar="vn-compat"`` on every day of 1900–2100, and with the precise
  ``calendar="vn"`` except in the months listed in ``VN_VS_VNLUNAR``.
* ``vnlunar``'s default conversion (Hồ Ngọc Đức's published tables TK20/TK21, China-aligned
  before 1968): compared with ``calendar="vn-historical"``, differences in ``HISTORICAL``.
* ``lunardate`` (the Chinese calendar table of the Hong Kong Observatory era, 1900–2099):
  compared month by month with ``calendar="cn"``, differences in ``CN_VS_LUNARDATE``.

Every expected difference carries its reason; the new-moon times quoted are ours (Meeus ch. 49,
DE423 near midnight, Espenak–Meeus ΔT).
"""

from __future__ import annotations

import datetime as dt

import pytest

from onestop.deadlines.lunar import from_lunar, leap_month, to_lunar

vnlunar = pytest.importorskip("vnlunar")

D = dt.date

#: Months where the precise calendar differs from the simplified series at UTC+7:
#: (Gregorian year, month) of the days that differ -> reason.
VN_VS_VNLUNAR = {
    (1944, 6): "5/1944 starts 20 Jun: new moon 23:59:33 UTC+7 (27 s before midnight)",
    (1944, 7): "5/1944 is a day longer, so 6/1944 continues the shift",
    (2072, 12): "11/2072 starts 9 Dec: new moon 23:58:48 UTC+7 with the model ΔT",
    (2073, 1): "11/2072 is a day longer",
    (2077, 11): "10/2077 starts 15 Nov: new moon 23:59:52 UTC+7 with the model ΔT",
    (2077, 12): "10/2077 is a day longer",
}

#: vn-historical against Hồ Ngọc Đức's published tables (vnlunar's default conversion).
HISTORICAL = {
    # Before 1929 China reckoned the day at Beijing local mean time (UTC+7:45:40), and these
    # new moons fell a few minutes after midnight UTC+8, i.e. before Beijing local midnight.
    (1906, 4): "new moon 1906-04-24 00:06:30 UTC+8; published calendar 23 Apr",
    (1906, 5): "continuation of 1906-04",
    (1914, 11): "new moon 1914-11-18 00:01:42 UTC+8; published calendar 17 Nov",
    (1914, 12): "continuation of 1914-11",
    (1916, 2): "new moon 1916-02-04 00:05:16 UTC+8; published Tết 3 Feb",
    (1916, 3): "continuation of 1916-02",
    (1920, 11): "new moon 1920-11-11 00:04:49 UTC+8; published calendar 10 Nov",
    (1920, 12): "continuation of 1920-11",
    # The TK20 table has Tết 1925 on 25 Jan, but the new moon was at 22:44:52 UTC+8 on 24 Jan
    # (and 21:44 UTC+7): both China's calendar and the UTC+7 computation give 24 Jan.
    (1925, 1): "TK20 entry: Tết 1925 on 25 Jan; new moon 24 Jan 22:44:52 UTC+8",
    (1925, 2): "continuation of 1925-01",
    # From 1968 vn-historical is the UTC+7 calendar; TK21 differs from Hồ's own algorithm here.
    (2054, 5): "TK21 entry: 4/2054 on 7 May; new moon 2054-05-08 00:00:27 UTC+7 (ΔT-sensitive)",
    (2054, 6): "continuation of 2054-05",
}

#: cn against lunardate's table: (lunar year, month, leap) -> reason.
CN_VS_LUNARDATE = {
    (1914, 10, False): "new moon 1914-11-18 00:01:42 UTC+8, before Beijing local midnight",
    (1916, 1, False): "new moon 1916-02-04 00:05:16 UTC+8, before Beijing local midnight",
    (1920, 10, False): "new moon 1920-11-11 00:04:49 UTC+8, before Beijing local midnight",
    (1933, 6, False): "new moon 1933-07-23 00:03:03 UTC+8; the table has 22 Jul",
    (1954, 11, False): "new moon 1954-11-25 20:30:31 UTC+8, the table has 26 Nov (table error)",
    (1978, 8, False): "new moon 1978-09-03 00:08:54 UTC+8; the table has 2 Sep",
    (2057, 9, False): "new moon 2057-09-29 00:00:04 UTC+8 (DE423; ΔT-sensitive); table 28 Sep",
}


def _every_day(first: D, last: D):
    o = first.toordinal()
    while o <= last.toordinal():
        yield D.fromordinal(o)
        o += 1


def test_vnlunar_every_day_1900_2100():
    compat_diffs = []
    vn_months: set[tuple[int, int]] = set()
    hist_months: set[tuple[int, int]] = set()
    for d in _every_day(D(1900, 1, 31), D(2100, 12, 31)):
        v = vnlunar.get_lunar_date(d.day, d.month, d.year, 7)
        ref = (v["year"], v["month"], v["day"], bool(v["leap"]))
        c = to_lunar(d, calendar="vn-compat")
        if (c.year, c.month, c.day, c.leap) != ref:
            compat_diffs.append(d)
        p = to_lunar(d)
        if (p.year, p.month, p.day, p.leap) != ref:
            vn_months.add((d.year, d.month))
        t = vnlunar.get_lunar_date(d.day, d.month, d.year)
        h = to_lunar(d, calendar="vn-historical")
        if (h.year, h.month, h.day, h.leap) != (t["year"], t["month"], t["day"], bool(t["leap"])):
            hist_months.add((d.year, d.month))
    assert compat_diffs == []
    assert vn_months == set(VN_VS_VNLUNAR)
    assert hist_months == set(HISTORICAL)


def test_lunardate_every_month_1900_2099():
    lunardate = pytest.importorskip("lunardate")
    diffs = set()
    for year in range(1900, 2100):
        leap = leap_month(year, calendar="cn")
        table_leap = lunardate.LunarDate.leap_month_for_year(year)
        months = [(m, False) for m in range(1, 13)]
        if leap:
            months.append((leap, True))
        if table_leap and table_leap != leap:
            months.append((table_leap, True))
        for month, is_leap in months:
            ours = None
            theirs = None
            if not is_leap or leap == month:
                ours = from_lunar(year, month, 1, leap=is_leap, calendar="cn")
            if not is_leap or table_leap == month:
                theirs = lunardate.LunarDate(year, month, 1, is_leap).to_solar_date()
            if ours != theirs:
                diffs.add((year, month, is_leap))
    assert diffs == set(CN_VS_LUNARDATE)


def test_holidays_library_tet_and_hung_kings():
    from holidays.calendars.chinese import (
        CHINESE_CALENDAR,
        VIETNAMESE_CALENDAR,
        _ChineseLunisolar,
    )

    vn = _ChineseLunisolar(VIETNAMESE_CALENDAR)
    cn = _ChineseLunisolar(CHINESE_CALENDAR)
    mismatches = []
    for year in range(1901, 2100):
        if vn.lunar_new_year_date(year)[0] != from_lunar(year, 1, 1):
            mismatches.append(("vn tet", year))
        if cn.lunar_new_year_date(year)[0] != from_lunar(year, 1, 1, calendar="cn"):
            mismatches.append(("cn tet", year))
        if vn.hung_kings_date(year)[0] != from_lunar(year, 3, 10):
            mismatches.append(("hung kings", year))
    assert mismatches == []


def test_can_chi_names_match_vnlunar():
    mismatches = []
    for d in _every_day(D(1900, 2, 1), D(2100, 12, 31)):
        if d.toordinal() % 5:
            continue
        ld = to_lunar(d, calendar="vn-compat")
        names = vnlunar.get_can_chi(vnlunar.get_lunar_date(d.day, d.month, d.year, 7))
        ours = {"year": ld.year_name, "month": ld.month_name, "day": ld.day_name}
        # vnlunar marks a leap month's name with " (nhuận)"; we keep it in LunarDate.leap
        month = names["month"].removesuffix(" (nhuận)")
        theirs = {"year": names["year"], "month": month, "day": names["day"]}
        if ours != theirs or ld.leap != names["month"].endswith(" (nhuận)"):
            mismatches.append((d, ours, names))
    assert mismatches == []
