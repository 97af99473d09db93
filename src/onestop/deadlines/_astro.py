"""Astronomy behind the lunar tables: new moons, solar longitude, ΔT, and month building.

This module is used by ``scripts/gen_lunar_tables.py`` (and by the tests that regenerate the
tables); conversions at run time never call it, they look up the generated tables.

Two series are implemented:

* **precise** (the default calendars): new moons by Meeus, *Astronomical Algorithms*
  (2nd ed., 1998), chapter 49, with all 25 periodic terms and the 14 additional corrections;
  the Sun's apparent longitude from the VSOP87D theory of the Earth (Bretagnon & Francou 1988;
  the terms of the complete series with amplitude at least 1e-7 rad, and their
  ``τ``-powers, are kept), with the FK5 correction, nutation in longitude (the 21 largest
  terms of the IAU 1980 series, Meeus table 22.A) and aberration (Meeus ch. 25, "higher
  accuracy"); dynamical time is turned into UT with the ΔT polynomials of Espenak & Meeus
  (2006), see :func:`delta_t`. For the few new moons whose Meeus instant lies within a minute
  of local midnight, the instant computed from the JPL DE423 ephemeris is used instead
  (:func:`precise_new_moon_td`).
* **compat**: the simplified series popularised by Hồ Ngọc Đức's lunar-calendar programs
  (a short new-moon series and a three-term solar longitude), kept only to reproduce
  calendars printed by software that uses it.

Dates inside this module are Julian Day Numbers (JDN, integers, the day that starts at local
midnight) or Julian Dates (floats, UT or TD as named).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Literal, NamedTuple

__all__ = [
    "MonthStart",
    "NearMidnight",
    "Series",
    "apparent_solar_longitude",
    "build_months",
    "compat_new_moon_day",
    "compat_term_index",
    "delta_t",
    "jdn_from_ordinal",
    "near_midnight_months",
    "new_moon_jde",
    "new_moon_seconds_after_midnight",
    "nutation_in_longitude",
    "ordinal_from_jdn",
    "precise_new_moon_day",
    "precise_new_moon_td",
    "precise_term_index",
    "solar_term_jde",
]

Series = Literal["precise", "compat"]

_DEG = math.pi / 180.0
_JDN_ORDINAL_OFFSET = (
    1721425  # JDN of proleptic Gregorian ordinal 0 (date.toordinal() = 1 is JDN 1721426)
)


def jdn_from_ordinal(ordinal: int) -> int:
    """Julian Day Number of a proleptic Gregorian ordinal (``datetime.date.toordinal()``)."""
    return ordinal + _JDN_ORDINAL_OFFSET


def ordinal_from_jdn(jdn: int) -> int:
    """Proleptic Gregorian ordinal (``datetime.date.fromordinal`` input) of a Julian Day Number."""
    return jdn - _JDN_ORDINAL_OFFSET


# --------------------------------------------------------------------------------------------
# ΔT = TD - UT
# --------------------------------------------------------------------------------------------


def delta_t(year: float) -> float:
    """ΔT = TD − UT in seconds, after Espenak & Meeus (2006).

    The polynomials are those published with NASA's *Five Millennium Canon of Solar Eclipses*
    (Espenak & Meeus, NASA/TP-2006-214141), valid here for 1700–2300. They fit the observed
    values up to 2005; from 2005 to 2050 the published extrapolation
    ``62.92 + 0.32217 t + 0.005589 t²`` is used, then the long-term parabola of Morrison &
    Stephenson (2004) joined to it. The model is stated, not tuned: the observed ΔT of 2025
    (about 69 s) is some 5 s below it, which is far inside the margins listed in the
    documentation for the months whose first day depends on ΔT.

    Args:
        year: decimal year (e.g. ``1944.47``).

    Returns:
        ΔT in seconds.
    """
    y = year
    if y < 1700:
        msg = "delta_t is only modelled from 1700 on"
        raise ValueError(msg)
    if y < 1800:
        t = y - 1700
        return 8.83 + 0.1603 * t - 0.0059285 * t**2 + 0.00013336 * t**3 - t**4 / 1174000
    if y < 1860:
        t = y - 1800
        return (
            13.72
            - 0.332447 * t
            + 0.0068612 * t**2
            + 0.0041116 * t**3
            - 0.00037436 * t**4
            + 0.0000121272 * t**5
            - 0.0000001699 * t**6
            + 0.000000000875 * t**7
        )
    if y < 1900:
        t = y - 1860
        return (
            7.62
            + 0.5737 * t
            - 0.251754 * t**2
            + 0.01680668 * t**3
            - 0.0004473624 * t**4
            + t**5 / 233174
        )
    if y < 1920:
        t = y - 1900
        return -2.79 + 1.494119 * t - 0.0598939 * t**2 + 0.0061966 * t**3 - 0.000197 * t**4
    if y < 1941:
        t = y - 1920
        return 21.20 + 0.84493 * t - 0.076100 * t**2 + 0.0020936 * t**3
    if y < 1961:
        t = y - 1950
        return 29.07 + 0.407 * t - t**2 / 233 + t**3 / 2547
    if y < 1986:
        t = y - 1975
        return 45.45 + 1.067 * t - t**2 / 260 - t**3 / 718
    if y < 2005:
        t = y - 2000
        return (
            63.86
            + 0.3345 * t
            - 0.060374 * t**2
            + 0.0017275 * t**3
            + 0.000651814 * t**4
            + 0.00002373599 * t**5
        )
    if y < 2050:
        t = y - 2000
        return 62.92 + 0.32217 * t + 0.005589 * t**2
    u = (y - 1820) / 100
    if y < 2150:
        return -20 + 32 * u * u - 0.5628 * (2150 - y)
    return -20 + 32 * u * u


def _decimal_year(jd: float) -> float:
    return 2000.0 + (jd - 2451545.0) / 365.2425


def _ut_from_td(jde: float) -> float:
    return jde - delta_t(_decimal_year(jde)) / 86400.0


def _td_from_ut(jd_ut: float) -> float:
    return jd_ut + delta_t(_decimal_year(jd_ut)) / 86400.0


# --------------------------------------------------------------------------------------------
# New moon, Meeus chapter 49
# --------------------------------------------------------------------------------------------

# (coefficient in days, power of E, multipliers of M, M', F, Ω); Meeus table for new moon.
_NEW_MOON_TERMS: tuple[tuple[float, int, int, int, int, int], ...] = (
    (-0.40720, 0, 0, 1, 0, 0),
    (0.17241, 1, 1, 0, 0, 0),
    (0.01608, 0, 0, 2, 0, 0),
    (0.01039, 0, 0, 0, 2, 0),
    (0.00739, 1, -1, 1, 0, 0),
    (-0.00514, 1, 1, 1, 0, 0),
    (0.00208, 2, 2, 0, 0, 0),
    (-0.00111, 0, 0, 1, -2, 0),
    (-0.00057, 0, 0, 1, 2, 0),
    (0.00056, 1, 1, 2, 0, 0),
    (-0.00042, 0, 0, 3, 0, 0),
    (0.00042, 1, 1, 0, 2, 0),
    (0.00038, 1, 1, 0, -2, 0),
    (-0.00024, 1, -1, 2, 0, 0),
    (-0.00017, 0, 0, 0, 0, 1),
    (-0.00007, 0, 2, 1, 0, 0),
    (0.00004, 0, 0, 2, -2, 0),
    (0.00004, 0, 3, 0, 0, 0),
    (0.00003, 0, 1, 1, -2, 0),
    (0.00003, 0, 0, 2, 2, 0),
    (-0.00003, 0, 1, 1, 2, 0),
    (0.00003, 0, -1, 1, 2, 0),
    (-0.00002, 0, -1, 1, -2, 0),
    (-0.00002, 0, 1, 3, 0, 0),
    (0.00002, 0, 0, 4, 0, 0),
)

# Additional corrections A1..A14: (constant, rate per lunation, coefficient in days).
_PLANETARY_TERMS: tuple[tuple[float, float, float], ...] = (
    (251.88, 0.016321, 0.000165),
    (251.83, 26.651886, 0.000164),
    (349.42, 36.412478, 0.000126),
    (84.66, 18.206239, 0.000110),
    (141.74, 53.303771, 0.000062),
    (207.14, 2.453732, 0.000060),
    (154.84, 7.306860, 0.000056),
    (34.52, 27.261239, 0.000047),
    (207.19, 0.121824, 0.000042),
    (291.34, 1.844379, 0.000040),
    (161.72, 24.198154, 0.000037),
    (239.56, 25.513099, 0.000035),
    (331.55, 3.592518, 0.000023),
)


def new_moon_jde(k: int) -> float:
    """Instant of the new moon of lunation ``k``, in Julian Ephemeris Days (TD).

    Meeus, *Astronomical Algorithms*, ch. 49, eq. 49.1 with the periodic terms for the new moon
    and the 14 additional corrections. Lunation 0 is the new moon of 6 January 2000.
    Meeus states a mean error of 3.7 s and a maximum of 16 s over 1980–2020 against ELP-2000/82.

    Args:
        k: lunation number (integer; negative before 2000).

    Returns:
        The Julian Ephemeris Day of the true (geocentric) new moon.
    """
    t = k / 1236.85
    t2 = t * t
    t3 = t2 * t
    t4 = t3 * t
    jde = 2451550.09766 + 29.530588861 * k + 0.00015437 * t2 - 0.000000150 * t3 + 0.00000000073 * t4
    e = 1.0 - 0.002516 * t - 0.0000074 * t2
    m = (2.5534 + 29.10535670 * k - 0.0000014 * t2 - 0.00000011 * t3) * _DEG
    mp = (201.5643 + 385.81693528 * k + 0.0107582 * t2 + 0.00001238 * t3 - 0.000000058 * t4) * _DEG
    f = (160.7108 + 390.67050284 * k - 0.0016118 * t2 - 0.00000227 * t3 + 0.000000011 * t4) * _DEG
    om = (124.7746 - 1.56375588 * k + 0.0020672 * t2 + 0.00000215 * t3) * _DEG
    powers_of_e = (1.0, e, e * e)
    corr = 0.0
    for coef, pe, cm, cmp_, cf, co in _NEW_MOON_TERMS:
        corr += coef * powers_of_e[pe] * math.sin(cm * m + cmp_ * mp + cf * f + co * om)
    corr += 0.000325 * math.sin((299.77 + 0.107408 * k - 0.009173 * t2) * _DEG)
    for a0, rate, coef in _PLANETARY_TERMS:
        corr += coef * math.sin((a0 + rate * k) * _DEG)
    return jde + corr


def _lunation_near(jdn: float) -> int:
    return round((jdn - 2451550.09766) / 29.530588861)


_EPHEMERIS_NEW_MOONS: dict[int, float] | None = None


def precise_new_moon_td(k: int) -> float:
    """Instant (TD) of new moon ``k`` used by the precise calendars.

    This is :func:`new_moon_jde` (Meeus ch. 49), except for the few lunations whose Meeus
    instant falls within a minute of local midnight at UTC+7 or UTC+8: there Meeus' error
    (up to 18 s over 1800–2200) could put the month on the wrong day, so the instant computed
    from the JPL DE423 ephemeris (``_data/vn_lunar_de423.py``, written by
    ``scripts/gen_lunar_tables.py --de423``) is used instead.
    """
    global _EPHEMERIS_NEW_MOONS
    if _EPHEMERIS_NEW_MOONS is None:
        from onestop.deadlines._data.vn_lunar_de423 import NEAR_MIDNIGHT_NEW_MOONS

        _EPHEMERIS_NEW_MOONS = dict(NEAR_MIDNIGHT_NEW_MOONS)
    jde = _EPHEMERIS_NEW_MOONS.get(k)
    return new_moon_jde(k) if jde is None else jde


def precise_new_moon_day(k: int, tz_hours: float) -> int:
    """Local civil day (JDN) of the new moon of lunation ``k`` at UTC offset ``tz_hours``."""
    jd_ut = _ut_from_td(precise_new_moon_td(k))
    return math.floor(jd_ut + 0.5 + tz_hours / 24.0)


def new_moon_seconds_after_midnight(k: int, tz_hours: float, *, jde: float | None = None) -> float:
    """Seconds between local midnight and new moon ``k`` (0 ≤ s < 86400).

    Args:
        k: lunation number.
        tz_hours: UTC offset in hours.
        jde: the instant to use (TD); by default :func:`precise_new_moon_td`.
    """
    jd_ut = _ut_from_td(precise_new_moon_td(k) if jde is None else jde)
    local = jd_ut + 0.5 + tz_hours / 24.0
    return (local - math.floor(local)) * 86400.0


# --------------------------------------------------------------------------------------------
# Solar longitude: VSOP87D (Earth), FK5, nutation, aberration (Meeus ch. 25, 32, 22)
# --------------------------------------------------------------------------------------------

# VSOP87D heliocentric ecliptic longitude of the Earth, equinox of date: for each power of τ
# (Julian millennia from J2000.0 TD), terms (A, B, C) meaning A·cos(B + C·τ) in 1e-8 rad.
# Terms with A ≥ 10 (L0–L2) or A ≥ 2.5 (L3–L5) of the complete series are kept: the omitted
# terms add up to at most 1.3" over 1800–2200 (bound); against DE423 the result is within 0.3".
_VSOP_L: tuple[tuple[tuple[float, float, float], ...], ...] = (
    (  # _VSOP_L0
        (175347045.673, 0.0, 0.0),
        (3341656.456, 4.66925680417, 6283.0758499914),
        (34894.275, 4.62610241759, 12566.1516999828),
        (3417.571, 2.82886579606, 3.523118349),
        (3497.056, 2.74411800971, 5753.3848848968),
        (3135.896, 3.62767041758, 77713.7714681205),
        (2676.218, 4.41808351397, 7860.4193924392),
        (2342.687, 6.13516237631, 3930.2096962196),
        (1273.166, 2.03709655772, 529.6909650946),
        (1324.292, 0.74246356352, 11506.7697697936),
        (901.855, 2.04505443513, 26.2983197998),
        (1199.167, 1.10962944315, 1577.3435424478),
        (857.223, 3.50849156957, 398.1490034082),
        (779.786, 1.17882652114, 5223.6939198022),
        (990.25, 5.23268129594, 5884.9268465832),
        (753.141, 2.53339053818, 5507.5532386674),
        (505.264, 4.58292563052, 18849.2275499742),
        (492.379, 4.20506639861, 775.522611324),
        (356.655, 2.91954116867, 0.0673103028),
        (284.125, 1.89869034186, 796.2980068164),
        (242.81, 0.34481140906, 5486.777843175),
        (317.087, 5.84901952218, 11790.6290886588),
        (271.039, 0.31488607649, 10977.078804699),
        (206.16, 4.80646606059, 2544.3144198834),
        (205.385, 1.86947813692, 5573.1428014331),
        (202.261, 2.45767795458, 6069.7767545534),
        (126.184, 1.0830263021, 20.7753954924),
        (155.516, 0.83306073807, 213.299095438),
        (115.132, 0.64544911683, 0.9803210682),
        (102.851, 0.63599846727, 4694.0029547076),
        (101.724, 4.26679821365, 7.1135470008),
        (99.206, 6.20992940258, 2146.1654164752),
        (132.212, 3.41118275555, 2942.4634232916),
        (97.607, 0.6810127227, 155.4203994342),
        (85.128, 1.29870743025, 6275.9623029906),
        (74.651, 1.75508916159, 5088.6288397668),
        (101.895, 0.97569221824, 15720.8387848784),
        (84.711, 3.67080093025, 71430.69561812909),
        (73.547, 4.67926565481, 801.8209311238),
        (73.874, 3.50319443167, 3154.6870848956),
        (78.756, 3.03698313141, 12036.4607348882),
        (79.637, 1.807913307, 17260.1546546904),
        (85.803, 5.98322631256, 161000.6857376741),
        (56.963, 2.78430398043, 6286.5989683404),
        (61.148, 1.81839811024, 7084.8967811152),
        (69.627, 0.83297596966, 9437.762934887),
        (56.116, 4.38694880779, 14143.4952424306),
        (62.449, 3.97763880587, 8827.3902698748),
        (51.145, 0.28306864501, 5856.4776591154),
        (55.577, 3.47006009062, 6279.5527316424),
        (41.036, 5.36817351402, 8429.2412664666),
        (51.605, 1.33282746983, 1748.016413067),
        (51.992, 0.18914945834, 12139.5535091068),
        (49.0, 0.48735065033, 1194.4470102246),
        (39.2, 6.16832995016, 10447.3878396044),
        (35.566, 1.77597314691, 6812.766815086),
        (36.77, 6.04133859347, 10213.285546211),
        (36.596, 2.56955238628, 1059.3819301892),
        (33.291, 0.59309499459, 17789.845619785),
        (35.954, 1.70876111898, 2352.8661537718),
        (40.938, 2.39850881707, 19651.048481098),
        (30.047, 2.73975123935, 1349.8674096588),
        (30.412, 0.44294464135, 83996.84731811189),
        (23.663, 0.48473567763, 8031.0922630584),
        (23.574, 2.06527720049, 3340.6124266998),
        (21.089, 4.14825464101, 951.7184062506),
        (24.738, 0.21484762138, 3.5904286518),
        (25.352, 3.16470953405, 4690.4798363586),
        (22.82, 5.22197888032, 4705.7323075436),
        (21.419, 1.42563735525, 16730.4636895958),
        (21.891, 5.55594302562, 553.5694028424),
        (17.481, 4.56052900359, 135.0650800354),
        (19.925, 5.22208471269, 12168.0026965746),
        (19.86, 5.77470167653, 6309.3741697912),
        (20.3, 0.37133792946, 283.8593188652),
        (14.421, 4.19315332546, 242.728603974),
        (16.225, 5.98837722564, 11769.8536931664),
        (15.077, 4.19567181073, 6256.7775301916),
        (19.124, 3.82219996949, 23581.2581773176),
        (18.888, 5.38626880969, 149854.4001348079),
        (14.346, 3.72355084422, 38.0276726358),
        (17.898, 2.21490735647, 13367.9726311066),
        (12.054, 2.62229588349, 955.5997416086),
        (11.287, 0.17739328092, 4164.311989613),
        (13.971, 4.40138139996, 6681.2248533996),
        (13.621, 1.88934471407, 7632.9432596502),
        (12.503, 1.13052412208, 5.5229243074),
        (10.498, 5.35909518669, 1592.5960136328),
        (10.327, 6.19982566125, 6438.4962494256),
        (12.003, 1.003514567, 632.7837393132),
        (10.827, 0.32734520222, 103.0927742186),
        (10.005, 6.0291496328, 5746.271337896),
        (10.523, 0.93871805506, 11926.2544136688),
    ),
    (  # _VSOP_L1
        (628331966747.491, 0.0, 0.0),
        (206058.863, 2.67823455584, 6283.0758499914),
        (4303.43, 2.63512650414, 12566.1516999828),
        (425.264, 1.59046980729, 3.523118349),
        (108.977, 2.96618001993, 1577.3435424478),
        (93.478, 2.59212835365, 18849.2275499742),
        (119.261, 5.79557487799, 26.2983197998),
        (72.122, 1.13846158196, 529.6909650946),
        (67.768, 1.87472304791, 398.1490034082),
        (67.327, 4.40918235168, 5507.5532386674),
        (59.027, 2.8879703846, 5223.6939198022),
        (55.976, 2.17471680261, 155.4203994342),
        (45.407, 0.39803079805, 796.2980068164),
        (36.369, 0.46624739835, 775.522611324),
        (28.958, 2.64707383882, 7.1135470008),
        (19.097, 1.84628332577, 5486.777843175),
        (20.844, 5.34138275149, 0.9803210682),
        (18.508, 4.96855124577, 213.299095438),
        (16.233, 0.03216483047, 2544.3144198834),
        (17.293, 2.99116864949, 6275.9623029906),
        (15.832, 1.43049285325, 2146.1654164752),
        (14.615, 1.20532366323, 10977.078804699),
        (11.877, 3.25804815607, 5088.6288397668),
        (11.514, 2.07502418155, 4694.0029547076),
        (12.461, 2.83432285512, 1748.016413067),
        (11.808, 5.2737979048, 1194.4470102246),
        (10.641, 0.76614199202, 553.5694028424),
    ),
    (  # _VSOP_L2
        (52918.87, 0.0, 0.0),
        (8719.837, 1.07209665242, 6283.0758499914),
        (309.125, 0.86728818832, 12566.1516999828),
        (27.339, 0.05297871691, 3.523118349),
        (16.334, 5.18826691036, 26.2983197998),
        (15.752, 3.6845788943, 155.4203994342),
    ),
    (  # _VSOP_L3
        (289.226, 5.84384198723, 6283.0758499914),
        (34.955, 0.0, 0.0),
        (16.819, 5.48766912348, 12566.1516999828),
        (2.962, 5.19577265202, 155.4203994342),
    ),
    (  # _VSOP_L4
        (114.084, 3.14159265359, 0.0),
        (7.717, 4.13446589358, 6283.0758499914),
    ),
    (  # _VSOP_L5
    ),
)
_VSOP_R: tuple[tuple[tuple[float, float, float], ...], ...] = (
    (  # _VSOP_R0
        (100013988.799, 0.0, 0.0),
        (1670699.626, 3.09846350771, 6283.0758499914),
        (13956.023, 3.0552460962, 12566.1516999828),
        (3083.72, 5.19846674381, 77713.7714681205),
    ),
    (  # _VSOP_R1
        (103018.608, 1.10748969588, 6283.0758499914),
    ),
    (  # _VSOP_R2
        (4359.385, 5.78455133738, 6283.0758499914),
    ),
)

# IAU 1980 nutation, the 21 largest terms of Meeus table 22.A:
# (multipliers of D, M, M', F, Ω; Δψ coefficient and its rate per century, in 0.0001").
_NUTATION_TERMS: tuple[tuple[int, int, int, int, int, float, float], ...] = (
    (0, 0, 0, 0, 1, -171996.0, -174.2),
    (-2, 0, 0, 2, 2, -13187.0, -1.6),
    (0, 0, 0, 2, 2, -2274.0, -0.2),
    (0, 0, 0, 0, 2, 2062.0, 0.2),
    (0, 1, 0, 0, 0, 1426.0, -3.4),
    (0, 0, 1, 0, 0, 712.0, 0.1),
    (-2, 1, 0, 2, 2, -517.0, 1.2),
    (0, 0, 0, 2, 1, -386.0, -0.4),
    (0, 0, 1, 2, 2, -301.0, 0.0),
    (-2, -1, 0, 2, 2, 217.0, -0.5),
    (-2, 0, 1, 0, 0, -158.0, 0.0),
    (-2, 0, 0, 2, 1, 129.0, 0.1),
    (0, 0, -1, 2, 2, 123.0, 0.0),
    (2, 0, 0, 0, 0, 63.0, 0.0),
    (0, 0, 1, 0, 1, 63.0, 0.1),
    (2, 0, -1, 2, 2, -59.0, 0.0),
    (0, 0, -1, 0, 1, -58.0, -0.1),
    (0, 0, 1, 2, 1, -51.0, 0.0),
    (-2, 0, 2, 0, 0, 48.0, 0.0),
    (0, 0, -2, 2, 1, 46.0, 0.0),
    (2, 0, 0, 2, 2, -38.0, 0.0),
)


def nutation_in_longitude(jde: float) -> float:
    """Nutation in longitude Δψ in arc-seconds (IAU 1980 theory, Meeus ch. 22).

    The 21 largest terms are summed; the remaining ones add up to less than 0.1".

    Args:
        jde: Julian Ephemeris Day (TD).

    Returns:
        Δψ in arc-seconds.
    """
    t = (jde - 2451545.0) / 36525.0
    t2 = t * t
    t3 = t2 * t
    d = (297.85036 + 445267.111480 * t - 0.0019142 * t2 + t3 / 189474) * _DEG
    m = (357.52772 + 35999.050340 * t - 0.0001603 * t2 - t3 / 300000) * _DEG
    mp = (134.96298 + 477198.867398 * t + 0.0086972 * t2 + t3 / 56250) * _DEG
    f = (93.27191 + 483202.017538 * t - 0.0036825 * t2 + t3 / 327270) * _DEG
    om = (125.04452 - 1934.136261 * t + 0.0020708 * t2 + t3 / 450000) * _DEG
    total = 0.0
    for cd, cm, cmp_, cf, co, coef, rate in _NUTATION_TERMS:
        total += (coef + rate * t) * math.sin(cd * d + cm * m + cmp_ * mp + cf * f + co * om)
    return total * 1e-4


def _vsop(series: tuple[tuple[tuple[float, float, float], ...], ...], tau: float) -> float:
    total = 0.0
    power = 1.0
    for terms in series:
        s = 0.0
        for a, b, c in terms:
            s += a * math.cos(b + c * tau)
        total += s * power
        power *= tau
    return total * 1e-8


def apparent_solar_longitude(jde: float) -> float:
    """Apparent geocentric ecliptic longitude of the Sun, in degrees in ``[0, 360)``.

    Meeus ch. 25 ("higher accuracy"): the Earth's heliocentric longitude from VSOP87D, plus
    180°, the conversion to the FK5 frame (−0.09033"), nutation in longitude and aberration
    (−20.4898"/R).

    Args:
        jde: Julian Ephemeris Day (TD).

    Returns:
        The longitude in degrees, referred to the true equinox of date.
    """
    tau = (jde - 2451545.0) / 365250.0
    big_l = _vsop(_VSOP_L, tau)
    r = _vsop(_VSOP_R, tau)
    theta = math.degrees(big_l) + 180.0
    arcsec = -0.09033 + nutation_in_longitude(jde) - 20.4898 / r
    return (theta + arcsec / 3600.0) % 360.0


def solar_term_jde(year: int, longitude: float) -> float:
    """Instant (TD) at which the Sun's apparent longitude reaches ``longitude`` in ``year``.

    Newton iteration on :func:`apparent_solar_longitude` from a mean-motion first guess
    (Meeus ch. 27 method); converges to well under a second.

    Args:
        year: Gregorian year of the event.
        longitude: a multiple of 15° for the 24 solar terms (270 = December solstice).

    Returns:
        The Julian Ephemeris Day of the event.
    """
    # Mean longitude 280.46° at J2000.0; 0.98564736 degrees per day.
    jde = 2451545.0 + 365.2422 * (year - 2000) + ((longitude - 280.46) % 360.0) / 0.98564736
    for _ in range(10):
        diff = (longitude - apparent_solar_longitude(jde) + 180.0) % 360.0 - 180.0
        jde += diff / 0.98564736
        if abs(diff) < 1e-8:
            break
    return jde


def precise_term_index(jdn: int, tz_hours: float) -> int:
    """Index ``floor(λ/30°)`` of the Sun at the local midnight that starts day ``jdn``.

    A month has no major solar term (zhongqi) exactly when this index is the same on its first
    day and on the first day of the next month.
    """
    jd_ut = jdn - 0.5 - tz_hours / 24.0
    return int(apparent_solar_longitude(_td_from_ut(jd_ut)) // 30.0)


# --------------------------------------------------------------------------------------------
# The simplified series of Hồ Ngọc Đức's programs ("compat")
# --------------------------------------------------------------------------------------------


def compat_new_moon_day(k: int, tz_hours: float) -> int:
    """Local day (JDN) of new moon ``k`` with the simplified series of Hồ Ngọc Đức's programs.

    Lunation 0 of this series is the new moon of 1 January 1900 (lunation 0 of
    :func:`new_moon_jde` is that of 6 January 2000, i.e. compat ``k`` = precise ``k`` + 1237).
    The series is the truncated form of Meeus' older algorithm used by those programs, with
    their own small ΔT formula; it is reproduced only for compatibility.
    """
    t = k / 1236.85
    t2 = t * t
    t3 = t2 * t
    jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3
    jd1 += 0.00033 * math.sin((166.56 + 132.87 * t - 0.009173 * t2) * _DEG)
    m = (359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3) * _DEG
    mpr = (306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3) * _DEG
    f = (21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3) * _DEG
    c1 = (0.1734 - 0.000393 * t) * math.sin(m) + 0.0021 * math.sin(2 * m)
    c1 += -0.4068 * math.sin(mpr) + 0.0161 * math.sin(2 * mpr) - 0.0004 * math.sin(3 * mpr)
    c1 += 0.0104 * math.sin(2 * f) - 0.0051 * math.sin(m + mpr) - 0.0074 * math.sin(m - mpr)
    c1 += 0.0004 * math.sin(2 * f + m) - 0.0004 * math.sin(2 * f - m)
    c1 += -0.0006 * math.sin(2 * f + mpr) + 0.0010 * math.sin(2 * f - mpr)
    c1 += 0.0005 * math.sin(2 * mpr + m)
    if t < -11:
        dt = 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    else:
        dt = -0.000278 + 0.000265 * t + 0.000262 * t2
    return math.floor(jd1 + c1 - dt + 0.5 + tz_hours / 24.0)


def compat_term_index(jdn: int, tz_hours: float) -> int:
    """Sector ``floor(λ/30°)`` of the Sun at local midnight, by the compat three-term series."""
    t = (jdn - 2451545.5 - tz_hours / 24.0) / 36525.0
    t2 = t * t
    m = (357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2) * _DEG
    l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2
    dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * math.sin(m)
    dl += (0.019993 - 0.000101 * t) * math.sin(2 * m) + 0.000290 * math.sin(3 * m)
    return int(((l0 + dl) % 360.0) // 30.0)


# --------------------------------------------------------------------------------------------
# Building the months of the lunisolar calendar
# --------------------------------------------------------------------------------------------

_COMPAT_K_OFFSET = 1237  # compat lunation number of the new moon of 6 January 2000


class MonthStart(NamedTuple):
    """First day of one lunar month.

    Attributes:
        jdn: Julian Day Number of day 1 (local civil day).
        year: lunar year (the Gregorian year in which its month 1 begins).
        month: 1–12.
        leap: whether the month is the leap (intercalary, nhuận) month of the year.
    """

    jdn: int
    year: int
    month: int
    leap: bool


def _series_functions(
    series: Series,
) -> tuple[Callable[[int, float], int], Callable[[int, float], int]]:
    if series == "precise":
        return precise_new_moon_day, precise_term_index

    def new_moon_day(k: int, tz_hours: float) -> int:
        return compat_new_moon_day(k + _COMPAT_K_OFFSET, tz_hours)

    return new_moon_day, compat_term_index


def _month_11_lunation(
    year: int,
    tz_hours: float,
    new_moon_day: Callable[[int, float], int],
    term_index: Callable[[int, float], int],
) -> int:
    """Lunation of month 11 of ``year``: the month in which the December solstice falls.

    It is the last month whose first local midnight comes before the Sun reaches 270°, i.e.
    still has the Sun in a sector below 9 (the sectors near the solstice are 6–11 and 0).
    """
    dec31 = 2451545 + round(365.2425 * (year - 2000)) + 364
    k = _lunation_near(dec31)
    past = (9, 10, 11, 0)
    while term_index(new_moon_day(k, tz_hours), tz_hours) in past:
        k -= 1
    while term_index(new_moon_day(k + 1, tz_hours), tz_hours) not in past:
        k += 1
    return k


def _sui_months(
    year: int,
    tz_hours: float,
    new_moon_day: Callable[[int, float], int],
    term_index: Callable[[int, float], int],
    k11: int,
    k11_next: int,
) -> Iterator[MonthStart]:
    """The months from month 11 of ``year - 1`` (lunation ``k11``) to before ``k11_next``."""
    count = k11_next - k11
    if count not in (12, 13):  # pragma: no cover - astronomical invariant
        msg = f"{count} lunations between the solstice months of {year - 1} and {year}"
        raise AssertionError(msg)
    starts = [new_moon_day(k, tz_hours) for k in range(k11, k11_next + 1)]
    leap_at = -1
    if count == 13:
        sectors = [term_index(s, tz_hours) for s in starts]
        for i in range(1, 13):
            if sectors[i] == sectors[i + 1]:
                leap_at = i
                break
        if leap_at < 0:  # pragma: no cover - astronomical invariant
            msg = f"no month without a major solar term in the 13-month year after {year - 1}"
            raise AssertionError(msg)
    label_year = year - 1
    previous_month = 10
    for i in range(count):
        leap = i == leap_at
        month = previous_month if leap else previous_month % 12 + 1
        if month == 1 and not leap:
            label_year = year
        yield MonthStart(starts[i], label_year, month, leap)
        previous_month = month


def build_months(
    first_year: int,
    last_year: int,
    *,
    tz_hours: float,
    series: Series = "precise",
) -> list[MonthStart]:
    """Every month of the lunar years ``first_year``–``last_year``, plus the next month 1.

    Rules (the Chinese/Vietnamese lunisolar calendar as used since 1645/1813): a month starts
    on the local civil day of the new moon; month 11 is the month in which the December
    solstice falls; when 13 months separate two months 11, the first of them without a major
    solar term (no multiple of 30° of solar longitude reached) is the leap month and repeats
    the number of the month before it.

    Args:
        first_year: first lunar year wanted.
        last_year: last lunar year wanted (inclusive).
        tz_hours: UTC offset of the civil day in hours (7 for Vietnam, 8 for China).
        series: ``"precise"`` or ``"compat"`` (the simplified series).

    Returns:
        Month starts in order; the last element is month 1 of ``last_year + 1``.
    """
    new_moon_day, term_index = _series_functions(series)
    k11 = {
        y: _month_11_lunation(y, tz_hours, new_moon_day, term_index)
        for y in range(first_year - 1, last_year + 2)
    }
    months: list[MonthStart] = []
    for y in range(first_year, last_year + 2):
        months.extend(_sui_months(y, tz_hours, new_moon_day, term_index, k11[y - 1], k11[y]))
    first = next(i for i, m in enumerate(months) if m.year == first_year and m.month == 1)
    end = next(
        i for i, m in enumerate(months) if m.year == last_year + 1 and m.month == 1 and not m.leap
    )
    return months[first : end + 1]


# --------------------------------------------------------------------------------------------
# The calendars offered and their compact table rows
# --------------------------------------------------------------------------------------------

#: First and last lunar years of the generated tables.
FIRST_TABLE_YEAR = 1799
LAST_TABLE_YEAR = 2200

#: Year from which the ``vn-historical`` calendar follows UTC+7 instead of China's calendar.
HISTORICAL_SWITCH_YEAR = 1968


def calendar_months(
    calendar: str,
    first_year: int = FIRST_TABLE_YEAR,
    last_year: int = LAST_TABLE_YEAR,
) -> list[MonthStart]:
    """The months of an offered calendar: ``vn``, ``cn``, ``vn-historical`` or ``vn-compat``.

    ``vn-historical`` takes China's months (UTC+8) up to the eve of month 1 of
    :data:`HISTORICAL_SWITCH_YEAR` in the UTC+7 calendar, and the UTC+7 months from then on.
    """
    if calendar == "vn":
        return build_months(first_year, last_year, tz_hours=7.0)
    if calendar == "cn":
        return build_months(first_year, last_year, tz_hours=8.0)
    if calendar == "vn-compat":
        return build_months(first_year, last_year, tz_hours=7.0, series="compat")
    if calendar == "vn-historical":
        vn = build_months(first_year, last_year, tz_hours=7.0)
        if last_year < HISTORICAL_SWITCH_YEAR:
            return build_months(first_year, last_year, tz_hours=8.0)
        switch = next(m.jdn for m in vn if m.year == HISTORICAL_SWITCH_YEAR and m.month == 1)
        if first_year >= HISTORICAL_SWITCH_YEAR:
            return vn
        cn = build_months(first_year, HISTORICAL_SWITCH_YEAR, tz_hours=8.0)
        return [m for m in cn if m.jdn < switch] + [m for m in vn if m.jdn >= switch]
    msg = f"unknown calendar {calendar!r}"
    raise ValueError(msg)


def encode_years(months: list[MonthStart]) -> list[tuple[int, int, int, int]]:
    """Compact rows ``(year, ordinal of day 1 of month 1, leap month or 0, length bits)``.

    Bit ``i`` of the length bits is set when the ``i``-th month of the year (in order, the leap
    month included) has 30 days rather than 29. ``months`` must end with a month 1 that closes
    the last year.
    """
    rows: list[tuple[int, int, int, int]] = []
    i = 0
    while i < len(months) - 1:
        year = months[i].year
        first = i
        leap = 0
        bits = 0
        while i < len(months) - 1 and months[i].year == year:
            length = months[i + 1].jdn - months[i].jdn
            if length not in (29, 30):  # pragma: no cover - astronomical invariant
                msg = f"a month of {length} days in lunar year {year}"
                raise AssertionError(msg)
            if length == 30:
                bits |= 1 << (i - first)
            if months[i].leap:
                leap = months[i].month
            i += 1
        rows.append((year, ordinal_from_jdn(months[first].jdn), leap, bits))
    return rows


class NearMidnight(NamedTuple):
    """A month whose first day is decided by a new moon close to local midnight.

    Attributes:
        month: the month.
        lunation: its lunation number (0 = new moon of 6 January 2000).
        seconds: signed seconds between the new moon and the nearest local midnight
            (negative: the new moon is late on day 1 itself; positive: just after the midnight
            that starts day 1).
        delta_t: the model ΔT (s) at that instant.
        jde: the instant used (TD).
    """

    month: MonthStart
    lunation: int
    seconds: float
    delta_t: float
    jde: float


#: Margins listed by :func:`near_midnight_months`: through 2025 (ΔT observed) and after.
NEAR_MIDNIGHT_PAST = 60.0
NEAR_MIDNIGHT_FUTURE = 180.0


def near_midnight_months(months: list[MonthStart], tz_hours: float) -> list[NearMidnight]:
    """The months of ``months`` whose new moon falls close to local midnight at ``tz_hours``.

    "Close" is :data:`NEAR_MIDNIGHT_PAST` seconds for new moons up to 2025 and
    :data:`NEAR_MIDNIGHT_FUTURE` after, when ΔT is extrapolated. ``seconds`` is negative when
    the new moon comes late on day 1 itself, just before midnight (with a ΔT smaller by that
    much, day 1 would move one day later), positive when it comes just after the midnight that
    starts day 1 (with a larger ΔT, day 1 would move one day earlier).
    """
    by_day = {m.jdn: m for m in months}
    out: list[NearMidnight] = []
    for k in range(_lunation_near(months[0].jdn) - 1, _lunation_near(months[-1].jdn) + 2):
        jde = precise_new_moon_td(k)
        secs = new_moon_seconds_after_midnight(k, tz_hours)
        off = secs if secs < 43200 else secs - 86400
        year = _decimal_year(jde)
        limit = NEAR_MIDNIGHT_PAST if year < 2026 else NEAR_MIDNIGHT_FUTURE
        month = by_day.get(precise_new_moon_day(k, tz_hours))
        if abs(off) < limit and month is not None:
            out.append(NearMidnight(month, k, off, delta_t(year), jde))
    return out
