"""Hypothesis strategies for onestop's values, drawn where systems tend to disagree.

Needs Hypothesis (``pip install 'onestop-vn[testkit]'``); :mod:`onestop.testing` itself does
not import it.

* **identifiers**, valid and invalid, as text: :func:`citizen_ids` (CCCD), :func:`tax_codes`
  (MST), :func:`agency_codes`, :func:`procedure_codes`, :func:`dossier_codes`. The invalid
  ones are checked against onestop's own parser before they are given, so every value drawn
  from ``valid=False`` is refused by it (and every valid one accepted);
* **procedures and dossiers**: :func:`procedures`, and :func:`dossiers` at any point of their
  lifecycle, closed (đóng hồ sơ) and re-appointed ones included (built by
  :func:`~onestop.testing.make_dossier`); :func:`processing_times`;
* **receipt instants** clustered where the rules bite: :func:`receipt_instants` draws days
  around holidays, swapped days and make-up Saturdays of the official calendar and around
  the 1 July 2025 change of decree (NĐ 61/2018 → NĐ 118/2025, NĐ 118/2025 Art. 40(1)), at
  times around the opening and closing of office hours and the 15:00 same-day cut-off.

Example:
    >>> from hypothesis import given
    >>> from onestop.models import TaxCode
    >>> @given(tax_codes(valid=False))
    ... def test_my_form_refuses_bad_tax_codes(value): ...
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable, Iterable
from typing import Any

from hypothesis import strategies as st

from onestop.deadlines import RULES_118_2025, WorkCalendar, default_calendar
from onestop.errors import InvalidIdentifierError, InvalidInputError, ProvisionalCalendarWarning
from onestop.models import (
    SAME_DAY_CUTOFF,
    AgencyCode,
    CitizenId,
    Dossier,
    DossierCode,
    DossierStatus,
    Procedure,
    ProcedureCode,
    ProcessingTime,
    TaxCode,
    TimeUnit,
    provinces,
)
from onestop.models._identity import mst_check_digit
from onestop.testing._factories import (
    EXTENDABLE_STATUSES,
    dossier_status,
    make_dossier,
    make_procedure,
)
from onestop.tz import VN_TZ

__all__ = [
    "CCCD_PROVINCE_CODES",
    "agency_codes",
    "citizen_ids",
    "dossier_codes",
    "dossiers",
    "procedure_codes",
    "procedures",
    "processing_times",
    "receipt_instants",
    "tax_codes",
]


#: The birth-registration codes a CCCD starts with: ``"0"`` + the GSO code of one of the 63
#: provinces of 2008–2025 (TT 07/2016/TT-BCA Art. 7), e.g. ``"001"`` Hà Nội, ``"079"`` TP HCM.
CCCD_PROVINCE_CODES: tuple[str, ...] = tuple(
    sorted(p.cccd_code for p in provinces("2008") if p.cccd_code is not None)
)

#: Valid CCCD numbers are born at the latest this year unless ``today`` is given, so that they
#: stay valid whatever date the test runs on (a birth year after today is refused).
_LAST_BIRTH_YEAR = 2025

_DIGITS = "0123456789"
#: Characters that are never part of an identifier (Vietnamese letters, separators, space).
_FOREIGN = "aăđêôơư ĐÂ_/-,;:#@!"
#: Letters allowed as the first letter of a level-1 agency code (QĐ 20/2020/QĐ-TTg Art. 4).
_LEVEL1_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXY"


def _rejected(parse: Callable[[str], object]) -> Callable[[str], bool]:
    def rejected(value: str) -> bool:
        try:
            parse(value)
        except InvalidIdentifierError:
            return True
        return False

    return rejected


def _check_valid(valid: object) -> bool:
    if not isinstance(valid, bool):
        raise InvalidInputError(
            f"valid: expected True or False, got {type(valid).__name__}", field="valid"
        )
    return valid


def _with_foreign_character(values: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """``values`` with one character replaced by one no identifier contains."""
    return st.builds(
        lambda v, i, c: v[: i % len(v)] + c + v[i % len(v) + 1 :],
        values,
        st.integers(0, 40),
        st.sampled_from(_FOREIGN),
    )


# ---------------------------------------------------------------------------- identifiers


def citizen_ids(*, valid: bool = True, today: dt.date | None = None) -> st.SearchStrategy[str]:
    """12-digit personal ID numbers (CCCD, số định danh cá nhân), as text.

    Valid numbers follow ``PPP G YY NNNNNN`` (TT 07/2016/TT-BCA Art. 7, kept by TT
    59/2021/TT-BCA): a birth-registration code of :data:`CCCD_PROVINCE_CODES`, the century and
    sex digit (0–3: born in the 1900s or 2000s), the birth year (1900 to ``today``'s year, 2025
    when ``today`` is not given) and six digits. Invalid ones have a wrong length, a character
    other than a digit, an unknown province code or a birth year in the 22nd century.

    Args:
        valid: draw numbers :class:`~onestop.models.CitizenId` accepts, or ones it refuses.
        today: the reference date the numbers are checked against (``CitizenId(v, today=)``).
    """
    last = _LAST_BIRTH_YEAR if today is None else today.year
    good = st.builds(
        lambda code, year, female, serial: (
            f"{code}{2 * ((year - 1900) // 100) + female}{year % 100:02d}{serial:06d}"
        ),
        st.sampled_from(CCCD_PROVINCE_CODES),
        st.integers(1900, last),
        st.integers(0, 1),
        st.integers(0, 999_999),
    )
    if _check_valid(valid):
        return good
    unknown = sorted({f"{n:03d}" for n in range(1000)} - set(CCCD_PROVINCE_CODES))
    bad = st.one_of(
        st.text(_DIGITS, max_size=20).filter(lambda v: len(v) != 12),
        _with_foreign_character(good),
        st.builds(lambda v, code: code + v[3:], good, st.sampled_from(unknown)),
        st.builds(lambda v, digit: v[:3] + str(digit) + v[4:], good, st.integers(4, 9)),
    )
    return bad.filter(_rejected(lambda v: CitizenId(v, today=today)))


def tax_codes(*, valid: bool = True, today: dt.date | None = None) -> st.SearchStrategy[str]:
    """Tax codes (mã số thuế, MST), as text.

    Valid ones are 10-digit codes with their check digit (digits 3–9 not all zero), 13-digit
    branch codes written ``0100109106-001`` or ``0100109106001`` (TT 105/2020/TT-BTC), and
    12-digit personal IDs, the MST of individuals from 1 July 2025 (TT 86/2024/TT-BTC). Invalid
    ones have a wrong check digit, digits 3–9 all zero, branch ``000``, a wrong length or a
    foreign character.

    Args:
        valid: draw codes :class:`~onestop.models.TaxCode` accepts, or ones it refuses.
        today: the reference date for the personal IDs among them.
    """
    nine = st.integers(0, 10**9 - 1).map(lambda n: f"{n:09d}")
    issuable = nine.filter(lambda v: v[2:] != "0000000" and mst_check_digit(v) is not None)
    base = issuable.map(lambda v: f"{v}{mst_check_digit(v)}")
    branch = st.builds(lambda b, n: f"{b}-{n:03d}", base, st.integers(1, 999))
    good = st.one_of(
        base,
        branch,
        branch.map(lambda v: v.replace("-", "")),
        citizen_ids(today=today),
    )
    if _check_valid(valid):
        return good
    bad = st.one_of(
        st.builds(lambda b, d: b[:9] + str((int(b[9]) + d) % 10), base, st.integers(1, 9)),
        st.integers(0, 9).map(lambda d: f"010000000{d}"),
        base.map(lambda b: f"{b}-000"),
        st.text(_DIGITS, max_size=16).filter(lambda v: len(v) not in (10, 12, 13)),
        _with_foreign_character(base),
    )
    return bad.filter(_rejected(lambda v: TaxCode(v, today=today)))


def _legacy_agency() -> st.SearchStrategy[str]:
    return st.builds(
        lambda v, z, y, m, x: f"{v:03d}.{z:02d}.{y:02d}.{m}{x:02d}",
        st.integers(0, 999),
        st.integers(0, 99),
        st.integers(0, 99),
        st.sampled_from(_LEVEL1_LETTERS),
        st.integers(0, 99),
    )


def _qd20_agency() -> st.SearchStrategy[str]:
    group = st.text("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=4)
    return st.builds(
        # up to 3 + 8 × 5 = 43 characters, cut at the 35 allowed: the longest codes are drawn
        lambda m, x, rest: ".".join([f"{m}{x:02d}", *rest])[:35].rstrip("."),
        st.sampled_from(_LEVEL1_LETTERS),
        st.integers(0, 99),
        st.lists(group, max_size=8),
    )


def agency_codes(*, valid: bool = True, form: str | None = None) -> st.SearchStrategy[str]:
    """Agency codes (mã định danh điện tử), as text.

    Valid ones are in the legacy form ``VVV.ZZ.YY.MXX`` (QCVN of TT 10/2016/TT-BTTTT) or the
    QĐ 20/2020/QĐ-TTg form (Art. 4: at most 35 characters ``[0-9A-Z.]``, the level-1 code
    ``MXX`` first, ``M`` a letter A–Y). Invalid ones are empty, too long, hold a foreign
    character or an empty group, start with a digit without being legacy, or do not start
    with a level-1 code.

    Args:
        valid: draw codes :class:`~onestop.models.AgencyCode` accepts, or ones it refuses.
        form: ``"legacy"`` or ``"qd20"`` to draw valid codes of one form only.
    """
    forms = {"legacy": _legacy_agency(), "qd20": _qd20_agency()}
    if form is not None and form not in forms:
        raise InvalidInputError(
            f"form: expected 'legacy', 'qd20' or None, got {form!r}", field="form"
        )
    good = forms[form] if form is not None else st.one_of(*forms.values())
    if _check_valid(valid):
        return good
    bad = st.one_of(
        st.just(""),
        st.builds(lambda v, n: v + "." + "9" * n, _qd20_agency(), st.integers(33, 40)),
        _with_foreign_character(good),
        st.builds(lambda v, dots: v + dots, good, st.sampled_from([".", "..1", ".."])),
        st.builds(lambda v: "." + v, good),
        st.from_regex(r"[0-9]{1,3}(\.[0-9A-Z]{1,3}){0,2}", fullmatch=True),
        st.builds(lambda v, m: m + v[1:], _qd20_agency(), st.sampled_from("Z0")),
        st.builds(lambda m, x: f"{m}{x}", st.sampled_from(_LEVEL1_LETTERS), st.integers(0, 9)),
    )
    return bad.filter(_rejected(AgencyCode))


def procedure_codes(*, valid: bool = True) -> st.SearchStrategy[str]:
    """Procedure codes (mã thủ tục hành chính), as text.

    Valid ones are national codes ``D.DDDDDD`` of the national procedure database (e.g.
    ``1.000894``), optionally followed by ``.`` and the code of the agency that applies it
    (``1.000494.000.00.00.H29``). Invalid ones miss a digit, the dot, or have a bad agency
    part.

    Args:
        valid: draw codes :class:`~onestop.models.ProcedureCode` accepts, or ones it refuses.
    """
    national = st.builds(lambda d, n: f"{d}.{n:06d}", st.integers(0, 9), st.integers(0, 999_999))
    good = st.one_of(national, st.builds(lambda n, a: f"{n}.{a}", national, agency_codes()))
    if _check_valid(valid):
        return good
    bad = st.one_of(
        national.map(lambda v: v.replace(".", "", 1)),
        national.map(lambda v: v[:-1]),
        national.map(lambda v: v + "."),
        st.builds(lambda n, a: f"{n}-{a}", national, agency_codes()),
        st.builds(lambda n, a: f"{n}.{a}", national, agency_codes(valid=False)),
        _with_foreign_character(national),
    )
    return bad.filter(_rejected(ProcedureCode))


def dossier_codes(*, valid: bool = True) -> st.SearchStrategy[str]:
    """Dossier numbers (mã số hồ sơ) ``<agency code>-YYMMDD-NNNN``, as text.

    Valid ones join an agency code of either form, a receipt date of 2000–2099 and a daily
    number 0001–9999 (NĐ 61/2018/NĐ-CP Art. 26, TT 01/2018/TT-VPCP Art. 19). Invalid ones have
    number ``0000`` or five digits, an impossible date, a bad agency part or a missing part.

    Args:
        valid: draw codes :class:`~onestop.models.DossierCode` accepts, or ones it refuses.
    """
    good = st.builds(
        lambda agency, day, seq: f"{agency}-{day:%y%m%d}-{seq:04d}",
        agency_codes(),
        st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)),
        st.integers(1, 9999),
    )
    if _check_valid(valid):
        return good
    bad = st.one_of(
        good.map(lambda v: v[:-4] + "0000"),
        good.map(lambda v: v + "0"),
        good.map(lambda v: v.rsplit("-", 1)[0]),
        st.builds(
            lambda v, md: v[:-9] + md + v[-5:], good, st.sampled_from(["0230", "1301", "0000"])
        ),
        st.builds(lambda a, v: a + v[v.rindex("-", 0, -5) :], agency_codes(valid=False), good),
    )
    return bad.filter(_rejected(DossierCode))


# ---------------------------------------------------------------------------- procedures, dossiers


def processing_times() -> st.SearchStrategy[ProcessingTime]:
    """Published processing times of every unit, in the ranges procedures use.

    0–60 working days, 1–90 calendar days, 1–80 working hours, 1–12 months, and same-day
    times with the statutory 15:00 cut-off, another whole hour, or none.
    """
    return st.one_of(
        st.integers(0, 60).map(ProcessingTime.working_days),
        st.integers(1, 90).map(ProcessingTime.calendar_days),
        st.integers(1, 80).map(ProcessingTime.working_hours),
        st.integers(1, 12).map(ProcessingTime.months),
        st.sampled_from([SAME_DAY_CUTOFF, dt.time(11), dt.time(16), None]).map(
            lambda cutoff: ProcessingTime(amount=0, unit=TimeUnit.SAME_DAY, cutoff=cutoff)
        ),
    )


def procedures(**overrides: Any) -> st.SearchStrategy[Procedure]:
    """Procedures of :func:`~onestop.testing.make_procedure`'s catalogue.

    Args:
        **overrides: passed to :func:`~onestop.testing.make_procedure` for every example.
    """
    return st.builds(lambda seed: make_procedure(seed, **overrides), st.integers(0, 2**32 - 1))


def _statuses(statuses: Iterable[DossierStatus | str] | DossierStatus | str | None) -> list[Any]:
    if isinstance(statuses, str):  # one status ("processing" or DossierStatus.PROCESSING)
        return [dossier_status(statuses)]
    if statuses is None:
        return list(DossierStatus)
    if not isinstance(statuses, Iterable):
        raise InvalidInputError(
            f"statuses: expected an iterable of statuses, got a {type(statuses).__name__}",
            field="statuses",
        )
    chosen = [dossier_status(s) for s in statuses]
    if not chosen:
        raise InvalidInputError("statuses: give at least one status", field="statuses")
    return chosen


def _flag(value: object, name: str) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise InvalidInputError(
            f"{name}: expected True, False or None, got {type(value).__name__}", field=name
        )
    return value


def dossiers(
    statuses: Iterable[DossierStatus | str] | DossierStatus | str | None = None,
    *,
    extended: bool | None = None,
    closed: bool | None = None,
    **overrides: Any,
) -> st.SearchStrategy[Dossier]:
    """Dossiers at any point of their lifecycle (:func:`~onestop.testing.make_dossier`).

    Every status of the national list, with a history of events that reaches it; among them
    dossiers re-appointed once (``extension`` set) and dossiers closed for a supplement never
    received (status ``STOPPED`` with a ``close`` event).

    Args:
        statuses: the statuses to draw from (or one status); every status by default.
        extended: ``True`` only re-appointed dossiers, ``False`` none, ``None`` both.
        closed: ``True`` only closed dossiers, ``False`` none, ``None`` both.
        **overrides: Dossier fields, passed to :func:`~onestop.testing.make_dossier`.

    Raises:
        InvalidInputError: no status given, an unknown one, or flags that no chosen status
            fits (``extended=True`` with only ``NEW``/``REFUSED``, ``closed=True`` without
            ``STOPPED``).

    Example:
        >>> from hypothesis import given
        >>> @given(dossiers(statuses=["processing"], extended=True))
        ... def test_open(d): assert d.status.is_open and d.extension is not None
    """
    chosen = _statuses(statuses)
    want_extended, want_closed = _flag(extended, "extended"), _flag(closed, "closed")
    if want_closed:
        if DossierStatus.STOPPED not in chosen:
            raise InvalidInputError(
                "closed: closed dossiers have status stopped; include it in statuses",
                field="closed",
            )
        chosen = [DossierStatus.STOPPED]
    if want_extended:
        chosen = [s for s in chosen if s in EXTENDABLE_STATUSES]
        if not chosen:
            raise InvalidInputError(
                "extended: none of the statuses is reached after acceptance, so none can be "
                "re-appointed",
                field="extended",
            )

    def build(seed: int, status: DossierStatus, flags: tuple[bool, bool]) -> Dossier:
        ext, clo = flags
        ext = ext and status in EXTENDABLE_STATUSES
        clo = clo and status is DossierStatus.STOPPED
        return make_dossier(seed, status=status, extended=ext, closed=clo, **overrides)

    return st.builds(
        build,
        st.integers(0, 2**32 - 1),
        st.sampled_from(chosen),
        st.tuples(
            st.booleans() if want_extended is None else st.just(want_extended),
            st.booleans() if want_closed is None else st.just(want_closed),
        ),
    )


# ---------------------------------------------------------------------------- receipt instants


def _anchor_days(calendar: WorkCalendar, first: int, last: int) -> list[dt.date]:
    """Every dated entry of the calendar (days off, make-up days) and the change of decree."""
    days: set[dt.date] = set()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProvisionalCalendarWarning)
        for year in range(first, last + 1):
            days.update(h.date for h in calendar.holidays(year))
    boundary = RULES_118_2025.effective_from
    if boundary is not None and first <= boundary.year <= last:
        days.update({boundary - dt.timedelta(days=1), boundary})
    return sorted(days)


def _edge_times(calendar: WorkCalendar, day: dt.date) -> list[dt.time]:
    """Opening and closing of each session and the same-day cut-off, a minute either side."""
    edges = {dt.time(0), dt.time(23, 59, 59), SAME_DAY_CUTOFF, dt.time(15, 0, 1)}
    for session in calendar.office_hours.for_date(day).sessions:
        for edge in (session.start, session.end):
            for delta in (-1, 0, 1):
                minute = edge.hour * 60 + edge.minute + delta
                if 0 <= minute < 24 * 60:
                    edges.add(dt.time(minute // 60, minute % 60))
    for delta in (-1, 1):
        minute = SAME_DAY_CUTOFF.hour * 60 + SAME_DAY_CUTOFF.minute + delta
        edges.add(dt.time(minute // 60, minute % 60))
    return sorted(edges)


def receipt_instants(
    *,
    first_year: int = 2024,
    last_year: int = 2026,
    calendar: WorkCalendar | None = None,
    other_offsets: bool = True,
) -> st.SearchStrategy[dt.datetime]:
    """Aware receipt instants, most of them where deadline rules tend to be got wrong.

    About two draws in three fall within three days of a dated entry of ``calendar`` (a
    holiday, a swapped day off, a make-up Saturday, a compensatory day) or of the change of
    decree on 1 July 2025 00:00 (NĐ 118/2025 Art. 40(1)); the others are any day of the
    range. Times cluster likewise at the opening and closing of office hours and the 15:00
    same-day cut-off (a minute either side, and 15:00:01), midnight and 23:59:59, else any
    minute. The default range, 2024–2026, spans both decrees and only years with an official
    notice (a later year is provisional and its deadlines warn).

    Args:
        first_year: the first year drawn from.
        last_year: the last year drawn from.
        calendar: the calendar whose entries and office hours are the edges (default the
            civil-service calendar).
        other_offsets: also express some instants in UTC or at +09:00 (the same instant), to
            exercise conversions to Vietnam time; otherwise always at +07:00.

    Raises:
        InvalidInputError: ``first_year`` after ``last_year``, or not years.
    """
    for name, year in (("first_year", first_year), ("last_year", last_year)):
        if isinstance(year, bool) or not isinstance(year, int):
            raise InvalidInputError(
                f"{name}: expected a year as an int, got {type(year).__name__}", field=name
            )
    if first_year > last_year:
        raise InvalidInputError(
            f"first_year: {first_year} is after last_year {last_year}", field="first_year"
        )
    cal = default_calendar() if calendar is None else calendar
    lo, hi = dt.date(first_year, 1, 1), dt.date(last_year, 12, 31)
    anchors = _anchor_days(cal, first_year, last_year)
    any_day = st.dates(lo, hi)
    near = st.builds(
        lambda day, shift: day + dt.timedelta(days=shift),
        st.sampled_from(anchors),
        st.integers(-3, 3),
    ).filter(lambda day: lo <= day <= hi)
    day_strategy = st.one_of(near, near, any_day) if anchors else any_day

    @st.composite
    def instants(draw: st.DrawFn) -> dt.datetime:
        day = draw(day_strategy)
        edge = st.sampled_from(_edge_times(cal, day))
        any_minute = st.integers(0, 24 * 60 - 1).map(lambda m: dt.time(m // 60, m % 60))
        time = draw(st.one_of(edge, edge, any_minute))
        local = dt.datetime.combine(day, time, VN_TZ)
        if other_offsets:
            zone = draw(st.sampled_from([VN_TZ, VN_TZ, dt.UTC, dt.timezone(dt.timedelta(hours=9))]))
            return local.astimezone(zone)
        return local

    return instants()
