"""Statutory public holidays of Vietnam by era, for years without an official notice.

The civil-service calendar of a year is normally fixed by the Prime Minister's yearly notice
(days off, swapped days, make-up Saturdays), stored as data in ``_data/civil_service.toml``.
This module computes what the *statutes alone* give for a year, which is what onestop uses
(flagged provisional) when no notice is available:

======================  ===========================================================  ==========
era (effective)         rule                                                         source
======================  ===========================================================  ==========
1 Jan 1995              Tết Dương lịch 1, Tết Âm lịch 4 (last day of the old year +  BLLĐ 1994
                        mùng 1–3), 30/4, 1/5, 2/9; nghỉ bù on the next day when a    Art. 73
                        holiday falls on the weekly rest day
2007                    + Giỗ Tổ Hùng Vương (10/3 lunar)                             Luật
                                                                                     84/2007/QH11
1 May 2013 (Tết 2014)   Tết Âm lịch 5 days, placed by the Prime Minister             BLLĐ 2012
                                                                                     Art. 115
1 Jan 2021              Quốc khánh 2 days (2/9 + 1/9 or 3/9, chosen by the PM);      BLLĐ 2019
                        nghỉ bù on the next working day                              Art. 111(3),
                                                                                     112
1 Jul 2026 (option)     + 24/11 Ngày Văn hóa Việt Nam                                NQ 28/2026/
                                                                                     QH16 Art. 2
======================  ===========================================================  ==========

BLLĐ 2012 took effect on 1 May 2013, so Tết 2013 (10 February) still had the 4 days of the 1994
code: the 2013 notice (9-day break 9–17/2/2013) gives 29 Chạp–mùng 3, two nghỉ bù days for the
Saturday and Sunday among them, and one swapped day, which only adds up with 4 Tết days.

Where the law leaves a choice to the Prime Minister (which 5 days are Tết from 2014, which
adjacent day is the 2nd National Day day from 2021) the *usual pattern* of the notices of
2016–2026 is applied; the result is provisional by nature.

The civil-service weekly rest days are Saturday and Sunday from 2 October 1999 (QĐ 188/1999/
QĐ-TTg, 40-hour week); before that, Sunday only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

import attrs

from onestop.deadlines._types import Holiday, HolidayKind, RestDayRule, WeeklyRest

__all__ = [
    "CIVIL_SERVICE_REST_DAYS",
    "CULTURE_DAY_EFFECTIVE",
    "FIRST_YEAR",
    "HOLIDAY_NAMES",
    "LABOR_CODE_2012_FROM",
    "LABOR_CODE_2019_FROM",
    "LAST_YEAR",
    "STATUTES",
    "TWO_DAY_WEEKEND_FROM",
    "Entry",
    "LunarToSolar",
    "Statute",
    "entry_names",
    "national_day_second_day",
    "statutory_entries",
    "tet_days_off",
]

#: First year onestop covers: the 1994 Labor Code took effect on 1 January 1995.
FIRST_YEAR = 1995
#: Last year covered: the end of the lunar tables (1800–2199).
LAST_YEAR = 2199

#: BLLĐ 2012 (10/2012/QH13) in force: Tết has 5 days from the first Tết after it (2014).
LABOR_CODE_2012_FROM = dt.date(2013, 5, 1)
#: BLLĐ 2019 (45/2019/QH14) in force.
LABOR_CODE_2019_FROM = dt.date(2021, 1, 1)
#: QĐ 188/1999/QĐ-TTg: the 40-hour, Monday–Friday week of state agencies [M: start date].
TWO_DAY_WEEKEND_FROM = dt.date(1999, 10, 2)
#: NQ 28/2026/QH16 (on the development of Vietnamese culture) Art. 2: "Ngày 24 tháng 11 hằng
#: năm là Ngày Văn hóa Việt Nam; người lao động được nghỉ làm việc và hưởng nguyên lương", in
#: force from 1 July 2026 (first: Tuesday 24/11/2026). The day is granted by the resolution,
#: outside the list of BLLĐ 2019 Art. 112(1); whether Art. 111(3)'s compensatory day applies
#: when it falls on a weekly rest day is not settled (the statutory fallback compensates it,
#: an inference; a year's notice decides).
CULTURE_DAY_EFFECTIVE = dt.date(2026, 7, 1)

#: The weekly rest days of the civil service, by era: the one source that the holiday schedule
#: (compensatory days, make-up days, the placement of Tết) and every civil-service
#: :class:`~onestop.deadlines.WorkCalendar` read. Sunday only while state agencies worked a
#: six-day week (the weekly rest day of BLLĐ 1994 Art. 72); Saturday and Sunday from 2 October
#: 1999, the 40-hour week of QĐ 188/1999/QĐ-TTg Art. 1.
CIVIL_SERVICE_REST_DAYS = WeeklyRest(
    (
        RestDayRule(dt.date(FIRST_YEAR, 1, 1), frozenset({6}), "BLLĐ 1994 Điều 72"),
        RestDayRule(TWO_DAY_WEEKEND_FROM, frozenset({5, 6}), "QĐ 188/1999/QĐ-TTg Điều 1"),
    )
)

#: Holiday key -> (Vietnamese name, English name).
HOLIDAY_NAMES: dict[str, tuple[str, str]] = {
    "new_year": ("Tết Dương lịch", "New Year's Day"),
    "tet": ("Tết Nguyên đán", "Lunar New Year (Tết)"),
    "hung_kings": ("Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day"),
    "reunification": ("Ngày Chiến thắng", "Reunification Day"),
    "labour_day": ("Ngày Quốc tế Lao động", "International Labour Day"),
    "national_day": ("Quốc khánh", "National Day"),
    "culture_day": ("Ngày Văn hóa Việt Nam", "Vietnamese Culture Day"),
}

#: ``from_lunar(year, month, day) -> date`` (Vietnamese calendar, UTC+7, non-leap month).
LunarToSolar = Callable[[int, int, int], dt.date]


@attrs.frozen(slots=True)
class Statute:
    """A legal text a statutory entry rests on.

    Attributes:
        key: short stable identifier (also usable as a ``source`` in notice files).
        citation: how the entry's ``basis`` cites it.
        url: where the text can be read, when known.
    """

    key: str
    citation: str
    url: str | None = None


_VBPL_1994 = (
    "https://web.archive.org/web/20160630110506/"
    "http://vbpl.vn/TW/Pages/vbpqen-toanvan.aspx?ItemID=2835"
)
_VBPL_2012 = (
    "https://web.archive.org/web/20240917113133/"
    "https://vbpl.vn/TW/Pages/vbpq-toanvan.aspx?ItemID=27615"
)
_VBPL_2019 = (
    "https://web.archive.org/web/20250221171552/"
    "https://vbpl.vn/TW/Pages/vbpq-van-ban-goc.aspx?ItemID=139264"
)
_NQ28 = (
    "https://xaydungchinhsach.chinhphu.vn/"
    "toan-van-nghi-quyet-so-28-2026-qh16-ve-phat-trien-van-hoa-viet-nam-119260508142130402.htm"
)

#: The statutes, by key.
STATUTES: dict[str, Statute] = {
    s.key: s
    for s in (
        Statute("BLLD1994-73", "BLLĐ 1994 (35-L/CTN) Điều 73", _VBPL_1994),
        Statute("LUAT84-2007", "Luật 84/2007/QH11 sửa đổi Điều 73 BLLĐ", None),
        Statute("BLLD2012-115", "BLLĐ 2012 (10/2012/QH13) Điều 115", _VBPL_2012),
        Statute("BLLD2019-112", "BLLĐ 2019 (45/2019/QH14) Điều 112", _VBPL_2019),
        Statute("BLLD2019-111", "BLLĐ 2019 (45/2019/QH14) Điều 111(3)", _VBPL_2019),
        Statute("NQ28-2026", "NQ 28/2026/QH16 Điều 2", _NQ28),
    )
}


@attrs.frozen(slots=True)
class Entry:
    """A :class:`Holiday` with the key of the holiday it belongs to (internal bookkeeping).

    Attributes:
        holiday: the public entry.
        key: a :data:`HOLIDAY_NAMES` key, or ``"other"``.
    """

    holiday: Holiday
    key: str


def _dmy(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def entry_names(key: str, kind: HolidayKind, *, other: dt.date | None = None) -> tuple[str, str]:
    """Vietnamese and English names of an entry of ``kind`` for the holiday ``key``.

    Args:
        key: a :data:`HOLIDAY_NAMES` key.
        kind: the entry kind.
        other: for a swapped day off, its make-up working day; for a make-up day, the day off
            it pays back (named in the result when given).

    Returns:
        ``(name_vi, name_en)``.
    """
    vi, en = HOLIDAY_NAMES[key]
    if kind is HolidayKind.COMPENSATORY:
        return f"Nghỉ bù {vi}", f"{en} (compensatory day off)"
    if kind is HolidayKind.SWAPPED_DAY_OFF:
        if other is None:
            return f"Nghỉ hoán đổi dịp {vi}", f"Swapped day off ({en})"
        return (
            f"Nghỉ hoán đổi dịp {vi} (làm bù {_dmy(other)})",
            f"Swapped day off ({en}; worked on {other.isoformat()})",
        )
    if kind is HolidayKind.MAKE_UP_WORKING_DAY:
        if other is None:
            return f"Làm bù dịp {vi}", f"Make-up working day ({en})"
        return (
            f"Làm bù dịp {vi} (cho ngày nghỉ {_dmy(other)})",
            f"Make-up working day ({en}; for the day off on {other.isoformat()})",
        )
    return vi, en


def _is_rest(day: dt.date) -> bool:
    return CIVIL_SERVICE_REST_DAYS.is_rest_day(day)


#: Weekday of mùng 1 Tết -> working days off placed before it (usual pattern of 2016–2026;
#: Thursday has no example in that period and is an inference).
_TET_DAYS_BEFORE = {0: 0, 1: 1, 2: 2, 3: 2, 4: 2, 5: 2, 6: 1}


def tet_days_off(new_year: dt.date) -> list[dt.date]:
    """The five Tết days off of the usual pattern (Labor Code 2012/2019 era).

    The Prime Minister places the five days (BLLĐ 2019 Art. 112(3)). The notices of 2016–2026
    all put them on five consecutive working days around mùng 1, with a number of days before
    mùng 1 that depends on its weekday: Monday 0, Tuesday and Sunday 1, otherwise 2.

    Args:
        new_year: mùng 1 tháng Giêng (the lunar new year's day), Gregorian.

    Returns:
        Five consecutive Monday–Friday dates.
    """
    start = new_year
    before = _TET_DAYS_BEFORE[new_year.weekday()]
    while before:
        start -= dt.timedelta(days=1)
        if not _is_rest(start):
            before -= 1
    while _is_rest(start):
        start += dt.timedelta(days=1)
    days: list[dt.date] = []
    day = start
    while len(days) < 5:
        if not _is_rest(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


#: Weekday of 2/9 -> offset of the second National Day day (usual pattern of 2021–2026;
#: Sunday has no example in that period and is an inference).
_NATIONAL_DAY_SECOND = {0: 1, 1: -1, 2: -1, 3: 1, 4: -1, 5: -1, 6: 1}


def national_day_second_day(year: int) -> dt.date:
    """The second National Day day of the usual pattern (BLLĐ 2019 Art. 112(1)(đ), 112(3)).

    The law gives 2/9 plus 1/9 or 3/9, chosen yearly by the Prime Minister; the notices of
    2021–2026 pick the day that joins the break to a weekend, and 1/9 when both are equal.
    """
    sep2 = dt.date(year, 9, 2)
    return sep2 + dt.timedelta(days=_NATIONAL_DAY_SECOND[sep2.weekday()])


def _statutory(
    day: dt.date, key: str, statute: Statute, *, kind: HolidayKind = HolidayKind.STATUTORY
) -> Entry:
    vi, en = entry_names(key, kind)
    return Entry(
        Holiday(
            date=day,
            name_vi=vi,
            name_en=en,
            kind=kind,
            basis=statute.citation,
            source_url=statute.url,
            provisional=True,
        ),
        key,
    )


def _code_on(day: dt.date) -> tuple[Statute, Statute]:
    """(holiday article, compensatory-day article) of the Labor Code in force on ``day``."""
    if day >= LABOR_CODE_2019_FROM:
        return STATUTES["BLLD2019-112"], STATUTES["BLLD2019-111"]
    if day >= LABOR_CODE_2012_FROM:
        return STATUTES["BLLD2012-115"], STATUTES["BLLD2012-115"]
    return STATUTES["BLLD1994-73"], STATUTES["BLLD1994-73"]


def statutory_entries(year: int, *, lunar: LunarToSolar, culture_day: bool) -> list[Entry]:
    """Every day off the statutes alone give in ``year`` (all flagged provisional).

    Statutory holidays falling on a weekly rest day are listed too, followed by their
    compensatory day (nghỉ bù) on the next working day that is not already a day off. The
    five Tết days (from Tết 2014) and the second National Day day (from 2021) follow the usual
    pattern (:func:`tet_days_off`, :func:`national_day_second_day`).

    Args:
        year: a Gregorian year from :data:`FIRST_YEAR` to :data:`LAST_YEAR`.
        lunar: lunar-to-solar conversion for the Vietnamese calendar.
        culture_day: include 24 November (from 1 July 2026).

    Returns:
        Entries sorted by date; one entry per date.
    """

    def article(day: dt.date) -> Statute:
        return _code_on(day)[0]

    new_years_day = dt.date(year, 1, 1)
    fixed: list[Entry] = [_statutory(new_years_day, "new_year", article(new_years_day))]
    new_year = lunar(year, 1, 1)
    tet: list[Entry]
    five_day_tet = new_year >= LABOR_CODE_2012_FROM
    if five_day_tet:
        tet = [_statutory(d, "tet", article(d)) for d in tet_days_off(new_year)]
    else:
        four = [new_year + dt.timedelta(days=k) for k in range(-1, 3)]
        tet = [_statutory(d, "tet", article(d)) for d in four]
    if year >= 2007:
        hung_day = lunar(year, 3, 10)
        hung = STATUTES["LUAT84-2007"] if hung_day < LABOR_CODE_2012_FROM else article(hung_day)
        fixed.append(_statutory(hung_day, "hung_kings", hung))
    for m, d, key in ((4, 30, "reunification"), (5, 1, "labour_day"), (9, 2, "national_day")):
        fixed_day = dt.date(year, m, d)
        fixed.append(_statutory(fixed_day, key, article(fixed_day)))
    if year >= 2021:
        second = national_day_second_day(year)
        fixed.append(_statutory(second, "national_day", article(second)))
    culture = dt.date(year, 11, 24)
    if culture_day and culture >= CULTURE_DAY_EFFECTIVE:
        fixed.append(_statutory(culture, "culture_day", STATUTES["NQ28-2026"]))
    # Under the 1994 code the four Tết days are fixed lunar days and are compensated like the
    # others; from Tết 2014 the PM places the five days on working days, so none needs it.
    compensated = fixed + ([] if five_day_tet else tet)
    entries = fixed + tet
    taken = {e.holiday.date for e in entries}
    for entry in sorted(compensated, key=lambda e: e.holiday.date):
        if not _is_rest(entry.holiday.date):
            continue
        day = entry.holiday.date + dt.timedelta(days=1)
        while _is_rest(day) or day in taken:
            day += dt.timedelta(days=1)
        taken.add(day)
        basis = STATUTES["NQ28-2026"] if entry.key == "culture_day" else _code_on(day)[1]
        entries.append(_statutory(day, entry.key, basis, kind=HolidayKind.COMPENSATORY))
    return _dedupe(entries)


def _dedupe(entries: Iterable[Entry]) -> list[Entry]:
    by_date: dict[dt.date, Entry] = {}
    for entry in entries:
        by_date.setdefault(entry.holiday.date, entry)
    return [by_date[d] for d in sorted(by_date)]
