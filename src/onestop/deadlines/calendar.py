"""The civil-service working calendar: working days, office hours and period arithmetic.

A :class:`WorkCalendar` combines

* the weekly rest days, effective-dated (:class:`~onestop.deadlines.WeeklyRest`): for the civil
  service Sunday, then Saturday and Sunday from 2 October 1999 (QĐ 188/1999/QĐ-TTg Art. 1) —
  the same rule the holiday schedule follows (:data:`CIVIL_SERVICE_REST_DAYS`);
* the days off and make-up working days of a :class:`HolidaySource` (by default the official
  schedule of :mod:`onestop.deadlines.holidays`: Labor Code holidays, compensatory days, the
  yearly swaps and make-up Saturdays with their notices);
* optional extra entries (a province's own closure, a notice not yet shipped) that override the
  source on their dates;
* effective-dated office hours (:class:`~onestop.deadlines.hours.OfficeHoursSchedule`).

Every instant is a timezone-aware :class:`datetime.datetime`, interpreted in Vietnam local time
(Asia/Ho_Chi_Minh, UTC+7); a naive datetime raises :class:`~onestop.errors.InvalidInputError`.
Dates are Vietnam local dates. Arithmetic runs on a precomputed cumulative index
(:mod:`onestop.deadlines._index`) built lazily, per window of years, the first time it is needed;
the NumPy bulk path (:mod:`onestop.deadlines.bulk`) shares the same arrays.

Conventions (Civil Code 2015, 91/2015/QH13, Arts. 147–148):

* ``add_working_days(d, n)`` is the ``n``-th working day strictly after ``d``: the start day is
  not counted (Art. 147(2)), whether or not it is a working day;
* ``working_days_between(a, b)`` counts the working days in ``(a, b]`` by default, so that
  ``working_days_between(d, add_working_days(d, n)) == n``;
* ``add_calendar_days`` and ``add_months`` end on the same day-number (or the month's last day,
  Art. 148(3)); a last day that is a rest day or holiday moves to the next working day
  (Art. 148(5)).
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import threading
import warnings
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

import attrs
from dateutil.relativedelta import relativedelta

from onestop.deadlines._index import (
    DAY_OFF,
    MAKE_UP,
    REST,
    US_PER_MINUTE,
    WORKING,
    CalendarIndex,
    build_index,
)
from onestop.deadlines._statutes import CIVIL_SERVICE_REST_DAYS
from onestop.deadlines._types import Holiday, HolidayKind, WeeklyRest, WorkingTime
from onestop.deadlines._warn import warn_caller
from onestop.deadlines.hours import DEFAULT_OFFICE_HOURS, OfficeHours, OfficeHoursSchedule
from onestop.errors import (
    CalendarDataMissingError,
    InvalidInputError,
    ProvisionalCalendarWarning,
)
from onestop.tz import VN_TZ, to_vn, vn_date

__all__ = [
    "DayInfo",
    "DayKind",
    "HolidaySource",
    "StaticHolidaySource",
    "WorkCalendar",
    "civil_service_calendar",
    "days_after",
    "default_calendar",
    "months_after",
]


_WINDOW = 10  # years per index block


@runtime_checkable
class HolidaySource(Protocol):
    """What a :class:`WorkCalendar` needs from a holiday schedule.

    :func:`onestop.deadlines.holidays.official_schedule` returns one; tests and provinces can
    supply their own (any object with these members).
    """

    @property
    def first_year(self) -> int:
        """First year with data."""
        ...

    @property
    def last_year(self) -> int:
        """Last year with data (inclusive)."""
        ...

    def covers(self, year: int) -> bool:
        """Whether ``year`` has data."""
        ...

    def is_provisional(self, year: int) -> bool:
        """Whether ``year`` has no official notice yet (derived from the statutes alone)."""
        ...

    def holidays(self, year: int) -> Sequence[Holiday]:
        """The dated entries of ``year``: days off and make-up working days."""
        ...


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _holiday_entries(value: Iterable[Holiday], field: str) -> tuple[Holiday, ...]:
    try:
        entries = tuple(value)
    except TypeError:
        raise InvalidInputError(
            f"{field} must be an iterable of Holiday objects, got {type(value).__name__}",
            field=field,
        ) from None
    for h in entries:
        if not isinstance(h, Holiday):
            raise InvalidInputError(
                f"{field} must contain Holiday objects, got {type(h).__name__}", field=field
            )
    return entries


def _holidays_converter(value: Iterable[Holiday]) -> tuple[Holiday, ...]:
    return _holiday_entries(value, "extra_holidays")


def _entries_converter(value: Iterable[Holiday]) -> tuple[Holiday, ...]:
    return _holiday_entries(value, "entries")


@attrs.frozen(slots=True)
class StaticHolidaySource:
    """A :class:`HolidaySource` made of a fixed list of entries (tests, a province's own data).

    Attributes:
        entries: the dated entries (days off and make-up working days).
        first_year: first covered year.
        last_year: last covered year (inclusive).
        provisional_years: years to report as provisional.

    Example:
        >>> import datetime as dt
        >>> src = StaticHolidaySource((), first_year=2026, last_year=2026)
        >>> WorkCalendar(src).is_working_day(dt.date(2026, 1, 1))
        True
    """

    entries: tuple[Holiday, ...] = attrs.field(converter=_entries_converter)
    first_year: int = attrs.field(kw_only=True)
    last_year: int = attrs.field(kw_only=True)
    provisional_years: frozenset[int] = attrs.field(
        default=frozenset(), converter=frozenset, kw_only=True
    )

    def __attrs_post_init__(self) -> None:
        for field in ("first_year", "last_year"):
            if not _is_int(getattr(self, field)):
                raise InvalidInputError(
                    f"{field} must be an integer year such as 2026, got "
                    f"{type(getattr(self, field)).__name__}",
                    field=field,
                )
        if not 1 <= self.first_year <= self.last_year <= 9998:
            raise InvalidInputError(
                "first_year and last_year must satisfy 1 <= first_year <= last_year <= 9998",
                field="first_year",
            )
        for h in self.entries:
            if not self.first_year <= h.date.year <= self.last_year:
                raise InvalidInputError(
                    f"entry dated {h.date.isoformat()} is outside {self.first_year}–"
                    f"{self.last_year}",
                    field="entries",
                )

    def covers(self, year: int) -> bool:
        """Whether ``year`` is inside ``first_year .. last_year``."""
        return self.first_year <= year <= self.last_year

    def is_provisional(self, year: int) -> bool:
        """Whether ``year`` is listed in ``provisional_years``."""
        return year in self.provisional_years

    def holidays(self, year: int) -> list[Holiday]:
        """The entries dated in ``year``, in the given order."""
        return [h for h in self.entries if h.date.year == year]


class DayKind(StrEnum):
    """Why a date is, or is not, a working day."""

    WORKING = "working"
    """An ordinary working day."""
    REST = "rest"
    """A weekly rest day (Saturday and Sunday since QĐ 188/1999/QĐ-TTg; Sunday before)."""
    DAY_OFF = "day_off"
    """A holiday, compensatory or swapped day off, or another official closure."""
    MAKE_UP = "make_up"
    """A weekly rest day that is worked (ngày làm bù)."""

    @property
    def is_working(self) -> bool:
        """Whether days of this kind are working days."""
        return self is DayKind.WORKING or self is DayKind.MAKE_UP


_KIND_OF_CODE = {
    WORKING: DayKind.WORKING,
    REST: DayKind.REST,
    DAY_OFF: DayKind.DAY_OFF,
    MAKE_UP: DayKind.MAKE_UP,
}


@attrs.frozen(slots=True)
class DayInfo:
    """One date of a :class:`WorkCalendar` with the reason for its status.

    Attributes:
        date: the local date.
        kind: working, weekly rest, day off or make-up working day.
        holiday: the calendar entry that decided the status (``None`` for ordinary days).
        rest_basis: the text setting the weekly rest days in force on ``date`` (e.g.
            ``"QĐ 188/1999/QĐ-TTg Điều 1"``), from the calendar's :class:`WeeklyRest`.
    """

    date: dt.date
    kind: DayKind
    holiday: Holiday | None = None
    rest_basis: str = ""

    @property
    def is_working(self) -> bool:
        """Whether the date is a working day."""
        return self.kind.is_working

    @property
    def basis(self) -> str:
        """The rule or notice behind the status (empty for an ordinary working day).

        The holiday's notice, or for a weekly rest day the text that sets the rest days in
        force on that date (:attr:`rest_basis`).
        """
        if self.holiday is not None:
            return self.holiday.basis
        return self.rest_basis if self.kind is DayKind.REST else ""


class _Cache:
    """Mutable, lazily filled state behind an immutable calendar (thread-safe)."""

    __slots__ = ("entries", "index", "lock", "provisional", "status")

    def __init__(self) -> None:
        self.index: CalendarIndex | None = None
        self.status: dict[int, bytes] = {}
        self.entries: dict[int, dict[dt.date, Holiday]] = {}
        self.provisional: frozenset[int] | None = None
        self.lock = threading.RLock()

    def __getstate__(self) -> dict[str, object]:
        # A pickled calendar (e.g. broadcast to a cluster's executors) carries the index built
        # so far, so that the receiving process does not build it again; the lock is its own.
        with self.lock:
            return {
                "index": self.index,
                "status": dict(self.status),
                "entries": {year: dict(days) for year, days in self.entries.items()},
                "provisional": self.provisional,
            }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.index = state["index"]
        self.status = state["status"]
        self.entries = state["entries"]
        self.provisional = state["provisional"]
        self.lock = threading.RLock()


def _date_arg(value: object, field: str) -> dt.date:
    """A local date: a ``date`` as is, an aware ``datetime`` as its date in Vietnam time."""
    if type(value) is dt.date:
        return value
    if isinstance(value, dt.datetime):
        return vn_date(value, field=field)
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    raise InvalidInputError(
        f"{field} must be a datetime.date (or an aware datetime), got {type(value).__name__}",
        field=field,
    )


def days_after(day: dt.date, n: int) -> dt.date:
    """The nominal last day of a period of ``n`` calendar days starting after ``day``.

    Civil Code 2015 Art. 147(2), 148(1): ``day + n``, before Art. 148(5) moves a last day that
    is not a working day (:meth:`WorkCalendar.add_calendar_days` does both).

    Raises:
        InvalidInputError: ``n < 0``.
        CalendarDataMissingError: the day is past the end of the calendar (year 9999).
    """
    if n < 0:
        raise InvalidInputError("n must be >= 0 calendar days", field="n")
    try:
        return day + dt.timedelta(days=n)
    except OverflowError:
        raise CalendarDataMissingError("day + n is outside the calendar data", field="n") from None


def months_after(day: dt.date, n: int) -> dt.date:
    """The nominal last day of a period of ``n`` months starting after ``day``.

    Civil Code 2015 Art. 148(3): the same day-number of the ``n``-th month, or that month's
    last day when the day-number does not exist (31 January + 1 month = 28 or 29 February);
    before Art. 148(5) (:meth:`WorkCalendar.add_months` does both).

    Raises:
        InvalidInputError: ``n < 0``.
        CalendarDataMissingError: the day is past the end of the calendar (year 9999).
    """
    if n < 0:
        raise InvalidInputError("n must be >= 0 months", field="n")
    try:
        return day + relativedelta(months=n)
    except (OverflowError, ValueError):
        raise CalendarDataMissingError(
            "day + n months is outside the calendar data", field="n"
        ) from None


def _position(local: dt.datetime, idx: CalendarIndex) -> int:
    """The working position of a Vietnam local instant on the index."""
    return idx.position(
        local.toordinal(),
        ((local.hour * 60 + local.minute) * 60 + local.second) * 1_000_000 + local.microsecond,
    )


def _instant(ordinal: int, time_us: int) -> dt.datetime:
    """The aware Vietnam instant ``time_us`` microseconds after midnight of ``ordinal``."""
    seconds, micro = divmod(time_us, 1_000_000)
    return dt.datetime.combine(
        dt.date.fromordinal(ordinal),
        dt.time(seconds // 3600, seconds // 60 % 60, seconds % 60, micro),
        VN_TZ,
    )


def _int_arg(value: object, field: str) -> int:
    """An integer argument (``bool`` refused; NumPy integer scalars accepted)."""
    if not isinstance(value, bool):
        try:
            return operator.index(value)  # type: ignore[arg-type]
        except TypeError:
            pass
    raise InvalidInputError(
        f"{field} must be an integer, got {type(value).__name__} (for arrays, use "
        "onestop.deadlines.bulk)",
        field=field,
    )


def _year_arg(year: object, field: str = "year") -> int:
    if not isinstance(year, int) or isinstance(year, bool):
        raise InvalidInputError(
            f"{field} must be an integer year such as 2026, got {type(year).__name__}",
            field=field,
        )
    return year


def _hours_converter(
    value: OfficeHours | OfficeHoursSchedule | str | None,
) -> OfficeHoursSchedule:
    if value is None:
        return OfficeHoursSchedule.constant(DEFAULT_OFFICE_HOURS)
    if isinstance(value, str):
        return OfficeHoursSchedule.constant(OfficeHours.parse(value))
    if isinstance(value, OfficeHours):
        return OfficeHoursSchedule.constant(value)
    if isinstance(value, OfficeHoursSchedule):
        return value
    raise InvalidInputError(
        "office_hours must be an OfficeHours, an OfficeHoursSchedule or text such as "
        f"'07:30-11:30, 13:00-17:00', got {type(value).__name__}",
        field="office_hours",
    )


def _check_source(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, HolidaySource):
        raise InvalidInputError(
            "source must provide first_year, last_year, covers(year), is_provisional(year) "
            f"and holidays(year); got {type(value).__name__}",
            field="source",
        )


def _rest_days_converter(value: WeeklyRest | Iterable[int]) -> WeeklyRest:
    if isinstance(value, WeeklyRest):
        return value
    return WeeklyRest.constant(value)


@attrs.frozen(eq=False)
class WorkCalendar:
    """An immutable working calendar in Vietnam local time.

    Build the official one with :func:`civil_service_calendar`; build others (a province's
    extra closures, an agency's office hours) with :meth:`replace` or the constructor.

    Attributes:
        source: where days off and make-up working days come from.
        office_hours: the agency's office hours, effective-dated (an :class:`OfficeHours`, or
            text such as ``"07:30-11:30, 13:00-17:00"``, is accepted and made constant).
        rest_days: the weekly rest days, effective-dated (:class:`WeeklyRest`; default
            :data:`CIVIL_SERVICE_REST_DAYS`: Sunday, then Saturday and Sunday from 2 October
            1999, QĐ 188/1999/QĐ-TTg Art. 1 — the same rule the holiday schedule follows). A set
            of weekday numbers (``0`` = Monday … ``6`` = Sunday) is accepted and applies on
            every date.
        extra_holidays: entries that override the source on their dates (a province's notice).
        warn_provisional: emit :class:`~onestop.errors.ProvisionalCalendarWarning` when an
            answer depends on a year that has no official notice yet.

    Example:
        >>> import datetime as dt
        >>> cal = civil_service_calendar()
        >>> cal.add_working_days(dt.date(2026, 2, 13), 5)
        datetime.date(2026, 2, 27)
    """

    source: HolidaySource = attrs.field(validator=_check_source)
    office_hours: OfficeHoursSchedule = attrs.field(
        default=None, converter=_hours_converter, kw_only=True
    )
    rest_days: WeeklyRest = attrs.field(
        default=CIVIL_SERVICE_REST_DAYS,
        converter=_rest_days_converter,
        kw_only=True,
    )
    extra_holidays: tuple[Holiday, ...] = attrs.field(
        default=(), converter=_holidays_converter, kw_only=True
    )
    warn_provisional: bool = attrs.field(default=True, kw_only=True)
    _cache: _Cache = attrs.field(factory=_Cache, init=False, repr=False)

    # ------------------------------------------------------------------ coverage and data

    @property
    def first_year(self) -> int:
        """First year the calendar can answer for."""
        return self.source.first_year

    @property
    def last_year(self) -> int:
        """Last year the calendar can answer for (inclusive)."""
        return self.source.last_year

    def covers(self, year: int) -> bool:
        """Whether the calendar has data for ``year``.

        Raises:
            InvalidInputError: ``year`` is not an integer.
        """
        _year_arg(year)
        return self.first_year <= year <= self.last_year and self.source.covers(year)

    def is_provisional(self, year: int) -> bool:
        """Whether ``year`` has no official notice yet (its days off come from the statutes)."""
        self._check_year(year, "year")
        return self.source.is_provisional(year)

    def replace(self, **changes: Any) -> WorkCalendar:
        """A copy with some attributes changed (e.g. ``office_hours=...``), with its own caches.

        Raises:
            InvalidInputError: an unknown attribute name or an unacceptable value.
        """
        known = {"source", "office_hours", "rest_days", "extra_holidays", "warn_provisional"}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise InvalidInputError(
                f"{unknown[0]}: not a WorkCalendar attribute; expected one of "
                f"{', '.join(sorted(known))}",
                field=unknown[0],
            )
        return attrs.evolve(self, **changes)

    def holidays(self, year: int) -> list[Holiday]:
        """The entries of ``year`` (days off and make-up working days), sorted by date.

        Extra entries given to the calendar replace the source's entries of the same date.

        Raises:
            CalendarDataMissingError: when the year is not covered.
        """
        self._check_year(year, "year")
        merged = {h.date: h for h in self.source.holidays(year)}
        merged.update({h.date: h for h in self.extra_holidays if h.date.year == year})
        return sorted(merged.values(), key=lambda h: h.date)

    def _check_year(self, year: int, field: str) -> None:
        _year_arg(year, field)
        if not self.covers(year):
            raise CalendarDataMissingError(
                f"{field}: year {year} is outside the calendar data (covered: "
                f"{self.first_year}–{self.last_year}); load the official notice for that year "
                "or use a date inside the covered range",
                field=field,
            )

    # ------------------------------------------------------------------ the index

    def _year_status(self, year: int) -> bytes:
        cache = self._cache
        status = cache.status.get(year)
        if status is not None:
            return status
        self._check_year(year, "date")
        start = dt.date(year, 1, 1).toordinal()
        codes = bytearray()
        for first, last, rule in self.rest_days.segments(
            dt.date(year, 1, 1), dt.date(year, 12, 31)
        ):
            rest, weekday = rule.weekdays, first.weekday()
            n = last.toordinal() - first.toordinal() + 1
            codes += bytes(REST if (weekday + i) % 7 in rest else WORKING for i in range(n))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ProvisionalCalendarWarning)
            entries = self.holidays(year)
        by_date: dict[dt.date, Holiday] = {}
        for h in entries:
            i = h.date.toordinal() - start
            if h.kind is HolidayKind.MAKE_UP_WORKING_DAY:
                codes[i] = MAKE_UP if codes[i] == REST else WORKING
            else:
                codes[i] = DAY_OFF
            by_date[h.date] = h
        cache.entries[year] = by_date
        status = bytes(codes)
        cache.status[year] = status
        return status

    def _index(self, lo_year: int, hi_year: int) -> CalendarIndex:
        """The index, grown if needed so that it covers ``lo_year .. hi_year``."""
        idx = self._cache.index
        if idx is not None and idx.first_year <= lo_year and hi_year <= idx.last_year:
            return idx
        with self._cache.lock:
            idx = self._cache.index
            if idx is not None and idx.first_year <= lo_year and hi_year <= idx.last_year:
                return idx
            self._check_year(lo_year, "date")
            self._check_year(hi_year, "date")
            lo = max(self.first_year, lo_year - lo_year % _WINDOW)
            hi = min(self.last_year, hi_year - hi_year % _WINDOW + _WINDOW - 1)
            if idx is not None:
                lo, hi = min(lo, idx.first_year), max(hi, idx.last_year)
            idx = build_index(lo, hi, self._year_status, self.office_hours)
            self._cache.index = idx
            return idx

    def _index_for(self, ordinal: int) -> CalendarIndex:
        idx = self._cache.index
        if idx is not None and idx.base <= ordinal < idx.base + len(idx.status):
            return idx
        if not 1 <= ordinal <= dt.date.max.toordinal():
            raise CalendarDataMissingError(
                "date is outside the calendar data", field="date"
            )  # pragma: no cover - unreachable through date objects
        year = dt.date.fromordinal(ordinal).year
        return self._index(year, year)

    def grow_index(self, idx: CalendarIndex, *, forward: bool) -> CalendarIndex:
        """The index extended one block (ten years) past the end of ``idx``, or before its start.

        For arithmetic on the index (the bulk kernels) whose result falls outside the window.

        Raises:
            CalendarDataMissingError: the window already reaches the calendar's last (or first)
                covered year.
        """
        if forward:
            if idx.last_year >= self.last_year:
                raise CalendarDataMissingError(
                    f"the result falls after {self.last_year}, the last year of the calendar "
                    "data; load the notices for later years",
                    field="n",
                )
            return self._index(idx.first_year, min(self.last_year, idx.last_year + _WINDOW))
        if idx.first_year <= self.first_year:
            raise CalendarDataMissingError(
                f"the result falls before {self.first_year}, the first year of the calendar data",
                field="n",
            )
        return self._index(max(self.first_year, idx.first_year - _WINDOW), idx.last_year)

    def index(self, first: dt.date, last: dt.date) -> CalendarIndex:
        """The precomputed index, built (or grown) to cover ``first .. last``.

        The one source of the arithmetic: the scalar methods and the NumPy kernels of
        :mod:`onestop.deadlines.bulk` read it. For tools that need the raw cumulative counts.

        Raises:
            CalendarDataMissingError: a year outside the calendar data.
        """
        a, b = _date_arg(first, "first"), _date_arg(last, "last")
        return self._index(min(a, b).year, max(a, b).year)

    def _provisional_years(self) -> frozenset[int]:
        prov = self._cache.provisional
        if prov is None:
            prov = frozenset(
                y
                for y in range(self.first_year, self.last_year + 1)
                if self.source.is_provisional(y)
            )
            self._cache.provisional = prov
        return prov

    def provisional_years(self, first: dt.date, last: dt.date) -> tuple[int, ...]:
        """The years from ``first``'s to ``last``'s (inclusive) without an official notice.

        An answer that looked at any day of these years (a deadline counted across them, a
        count of working days) is *provisional*: their days off are computed from the Labor
        Code alone and may move when the year's notice is published. The order of ``first``
        and ``last`` does not matter. This does not warn (whatever ``warn_provisional`` says).

        Args:
            first: a local date (or an aware datetime, read in Vietnam time).
            last: another local date.

        Returns:
            The provisional years, ascending; ``()`` when every year has its notice.

        Raises:
            InvalidInputError: an argument is not a date.
        """
        a = first if type(first) is dt.date else _date_arg(first, "first")
        b = last if type(last) is dt.date else _date_arg(last, "last")
        prov = self._cache.provisional
        if prov is None:
            prov = self._provisional_years()
        if not prov:
            return ()
        lo, hi = (a.year, b.year) if a <= b else (b.year, a.year)
        if lo == hi:  # the usual case, on the hot path of every deadline
            return (lo,) if lo in prov else ()
        return tuple(y for y in range(lo, hi + 1) if y in prov)

    def warn_if_provisional(self, first: dt.date, last: dt.date) -> None:
        """Warn when a year from ``first``'s to ``last``'s (inclusive) is provisional.

        Emits :class:`~onestop.errors.ProvisionalCalendarWarning` unless
        :attr:`warn_provisional` is off. The warning is attributed to the first caller outside
        onestop (the user's line), whichever path led here; under a counting policy's ``due()``
        it is left to the policy, which warns once for the whole deadline. The calendar's own
        methods and the bulk functions call it; so can tools that compute on :meth:`index`.
        """
        if not self.warn_provisional:
            return
        years = self.provisional_years(first, last)
        if years:
            warn_caller(
                f"the answer depends on {', '.join(map(str, years))}, which has no official "
                "civil-service notice yet; its days off come from the statutes alone",
                ProvisionalCalendarWarning,
                defer=True,
            )

    # ------------------------------------------------------------------ inputs

    # ------------------------------------------------------------------ days

    def day_info(self, day: dt.date) -> DayInfo:
        """The status of ``day`` and the entry (holiday, make-up day) that decided it."""
        day = _date_arg(day, "day")
        idx = self._index_for(day.toordinal())
        kind = _KIND_OF_CODE[idx.status[day.toordinal() - idx.base]]
        holiday = self._cache.entries.get(day.year, {}).get(day)
        rest = self.rest_days.basis_on(day) if kind is DayKind.REST else ""
        return DayInfo(day, kind, holiday, rest)

    def is_working_day(self, day: dt.date) -> bool:
        """Whether ``day`` is a working day (not a rest day or day off, or a make-up day).

        Raises:
            CalendarDataMissingError: when the year is not covered.
        """
        if type(day) is not dt.date:
            day = _date_arg(day, "day")
        o = day.toordinal()
        idx = self._index_for(o)
        code = idx.status[o - idx.base]
        return code in (WORKING, MAKE_UP)

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        return self.add_working_days(day, 1)

    def previous_working_day(self, day: dt.date) -> dt.date:
        """The last working day strictly before ``day``."""
        return self.add_working_days(day, -1)

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The ``n``-th working day strictly after ``day`` (the start day is not counted).

        ``n = 0`` returns ``day`` unchanged, even when it is not a working day. A negative
        ``n`` counts backwards: ``add_working_days(d, -1)`` is the last working day strictly
        before ``d``. Follows Civil Code 2015 Art. 147(2) (the first day of a period is not
        counted). For arrays, use :func:`onestop.deadlines.bulk.add_working_days`.

        Args:
            day: a local date (an aware datetime is converted to its Vietnam local date).
            n: number of working days.

        Returns:
            The date.

        Raises:
            CalendarDataMissingError: when the start or the result is outside the data.
            InvalidInputError: when an argument has the wrong type.
        """
        if type(day) is not dt.date:
            day = _date_arg(day, "day")
        if type(n) is not int:
            n = _int_arg(n, "n")
        if n == 0:
            return day
        o = day.toordinal()
        idx = self._cache.index
        if idx is None or not idx.base <= o < idx.base + len(idx.status):
            idx = self._index_for(o)
        result = idx.working_day_at(o, n)
        while result is None:
            idx = self.grow_index(idx, forward=n > 0)
            result = idx.working_day_at(o, n)
        if self.warn_provisional:
            prov = self._cache.provisional
            if prov is None:
                prov = self._provisional_years()
            if prov and (
                result.year in prov or day.year in prov or abs(result.year - day.year) > 1
            ):
                self.warn_if_provisional(day, result)
        return result

    def working_days_between(
        self,
        start: dt.date,
        end: dt.date,
        *,
        include_start: bool = False,
        include_end: bool = True,
    ) -> int:
        """Count the working days between two dates.

        By default the start is excluded and the end included — ``(start, end]`` — which makes
        this the inverse of :meth:`add_working_days`:
        ``working_days_between(d, add_working_days(d, n)) == n`` for every ``n >= 0`` (and for
        negative ``n`` when ``d`` is a working day). The count is antisymmetric: when
        ``end < start`` the result is ``-working_days_between(end, start)`` with the same flags.

        For arrays, use :func:`onestop.deadlines.bulk.working_days_between`.

        Args:
            start: first date (local).
            end: last date (local).
            include_start: count ``start`` when it is a working day.
            include_end: count ``end`` when it is a working day.

        Returns:
            The number of working days (negative when ``end < start``).
        """
        a = _date_arg(start, "start")
        b = _date_arg(end, "end")
        if b < a:
            return -self.working_days_between(
                b, a, include_start=include_start, include_end=include_end
            )
        idx = self._index(a.year, b.year)
        self.warn_if_provisional(a, b)
        return idx.working_days_between(
            a.toordinal(), b.toordinal(), include_start=include_start, include_end=include_end
        )

    def working_day_number(self, day: dt.date) -> int:
        """Working days from 1 January of the first covered year through ``day`` (inclusive).

        A stable absolute numbering, convenient for storing or comparing positions.
        """
        day = _date_arg(day, "day")
        o = day.toordinal()
        idx = self._index(self.first_year, day.year)
        return idx.cum_days[o - idx.base + 1]

    # ------------------------------------------------------------------ periods (Civil Code)

    def roll_forward(self, day: dt.date) -> dt.date:
        """``day`` itself if it is a working day, else the next working day (Art. 148(5))."""
        day = _date_arg(day, "day")
        return day if self.is_working_day(day) else self.add_working_days(day, 1)

    def add_calendar_days(self, day: dt.date, n: int) -> dt.date:
        """Last day of a period of ``n`` calendar days starting after ``day``.

        The first day is not counted (Civil Code 2015 Art. 147(2)): the period ends on
        ``day + n``; when that day is a weekly rest day or a day off, it ends on the next
        working day (Art. 148(5)).

        Args:
            day: the day of the event that starts the period (e.g. receipt), local.
            n: number of calendar days, ``n >= 0``.

        Returns:
            The last day of the period.
        """
        return self.roll_forward(days_after(_date_arg(day, "day"), _int_arg(n, "n")))

    def add_months(self, day: dt.date, n: int) -> dt.date:
        """Last day of a period of ``n`` months starting after ``day``.

        Civil Code 2015 Art. 148(3): the period ends on the same day-number of the last month,
        or on that month's last day when the day-number does not exist (31 January + 1 month =
        28 or 29 February); Art. 148(5): a last day that is not a working day moves to the next
        working day.

        Args:
            day: the day of the event that starts the period, local.
            n: number of months, ``n >= 0``.

        Returns:
            The last day of the period.
        """
        return self.roll_forward(months_after(_date_arg(day, "day"), _int_arg(n, "n")))

    # ------------------------------------------------------------------ instants

    def hours_on(self, day: dt.date) -> OfficeHours:
        """The office hours in force on ``day`` (whether or not it is a working day)."""
        return self.office_hours.for_date(_date_arg(day, "day"))

    def closing_time(self, day: dt.date) -> dt.datetime:
        """The aware instant at which office hours close on ``day``."""
        day = _date_arg(day, "day")
        return dt.datetime.combine(day, self.office_hours.for_date(day).closing, VN_TZ)

    def opening_time(self, day: dt.date) -> dt.datetime:
        """The aware instant at which office hours open on ``day``."""
        day = _date_arg(day, "day")
        return dt.datetime.combine(day, self.office_hours.for_date(day).opening, VN_TZ)

    def is_working_time(self, instant: dt.datetime) -> bool:
        """Whether ``instant`` falls inside office hours of a working day.

        Session starts count as working time, session ends do not.
        """
        local = to_vn(instant, field="instant")
        day = local.date()
        return self.is_working_day(day) and self.office_hours.for_date(day).is_open(
            local.timetz().replace(tzinfo=None)
        )

    def working_position(self, instant: dt.datetime) -> int:
        """Office time from 1 January of the first covered year to ``instant``, in microseconds.

        An absolute position on the working-time axis: differences of positions are working
        time (see :meth:`working_time_between`). Equal to
        :func:`onestop.deadlines.bulk.working_position`.
        """
        local = to_vn(instant, field="instant")
        return _position(local, self._index(self.first_year, local.year))

    def add_working_time(
        self, instant: dt.datetime, amount: WorkingTime | dt.timedelta | int
    ) -> dt.datetime:
        """The instant at which ``amount`` of office time has elapsed after ``instant``.

        Only time inside office hours of working days counts: an instant outside office hours
        starts counting at the next opening. The result is the earliest instant reaching the
        amount, so a count that ends exactly at a session's end returns that end (e.g. 17:00),
        not the next opening.

        Args:
            instant: an aware start instant.
            amount: a :class:`WorkingTime`, a :class:`datetime.timedelta` (read as office time),
                or an integer number of minutes; ``>= 0``.

        Returns:
            The aware instant (in Asia/Ho_Chi_Minh).
        """
        local = to_vn(instant, field="instant")
        if isinstance(amount, WorkingTime):
            us = amount.microseconds
        elif isinstance(amount, dt.timedelta):
            us = WorkingTime.from_timedelta(amount).microseconds
        else:
            us = _int_arg(amount, "amount") * US_PER_MINUTE
        if us < 0:
            raise InvalidInputError(
                "amount must be a non-negative duration of working time", field="amount"
            )
        if us == 0:
            return self.next_working_instant(local)
        idx = self._index_for(local.toordinal())
        target = _position(local, idx) + us
        while target > idx.end_position:
            idx = self.grow_index(idx, forward=True)
            target = _position(local, idx) + us
        result = _instant(*idx.instant_at(target))
        self.warn_if_provisional(local.date(), result.date())
        return result

    def working_time_between(self, start: dt.datetime, end: dt.datetime) -> WorkingTime:
        """Office time (working days, inside sessions) elapsed from ``start`` to ``end``.

        Negative when ``end`` is before ``start``.
        """
        a = to_vn(start, field="start")
        b = to_vn(end, field="end")
        lo, hi = (a, b) if a <= b else (b, a)
        idx = self._index(lo.year, hi.year)
        us = _position(b, idx) - _position(a, idx)
        self.warn_if_provisional(a.date(), b.date())
        return WorkingTime(us)

    def next_working_instant(self, instant: dt.datetime) -> dt.datetime:
        """``instant`` itself if it is working time, else the next opening of office hours."""
        local = to_vn(instant, field="instant")
        if self.is_working_time(local):
            return local
        day = local.date()
        if self.is_working_day(day):
            hours = self.office_hours.for_date(day)
            t = local.time()
            for s in hours.sessions:
                if t < s.start:
                    return dt.datetime.combine(day, s.start, VN_TZ)
        return self.opening_time(self.add_working_days(day, 1))

    def previous_working_instant(self, instant: dt.datetime) -> dt.datetime:
        """``instant`` itself if it is working time, else the last closing of a session before it.

        The result of a closed office is the end of the last session (e.g. 17:00), the instant
        at which the last working time elapsed.
        """
        local = to_vn(instant, field="instant")
        if self.is_working_time(local):
            return local
        day = local.date()
        if self.is_working_day(day):
            hours = self.office_hours.for_date(day)
            t = local.time()
            for s in reversed(hours.sessions):
                if t >= s.end:
                    return dt.datetime.combine(day, s.end, VN_TZ)
        return self.closing_time(self.add_working_days(day, -1))

    def days(self, first: dt.date, last: dt.date) -> Iterable[DayInfo]:
        """Each date from ``first`` to ``last`` (inclusive) with its status."""
        a = _date_arg(first, "first")
        b = _date_arg(last, "last")
        for o in range(a.toordinal(), b.toordinal() + 1):
            yield self.day_info(dt.date.fromordinal(o))


@functools.cache
def default_calendar() -> WorkCalendar:
    """The shared official civil-service calendar (built once, then reused).

    What every ``calendar=None`` in onestop means (:func:`~onestop.deadlines.compute_due`,
    :class:`~onestop.deadlines.DossierClock`, the bulk functions...): the
    :func:`civil_service_calendar` with its defaults. Its index is built on first use and kept,
    instead of being rebuilt (milliseconds) on every call; it is immutable, so sharing it is
    safe, also across threads.
    """
    return civil_service_calendar()


def civil_service_calendar(
    *,
    schedule: HolidaySource | None = None,
    office_hours: OfficeHours | OfficeHoursSchedule | str | None = None,
    extra_holidays: Iterable[Holiday] = (),
    rest_days: WeeklyRest | Iterable[int] = CIVIL_SERVICE_REST_DAYS,
    warn_provisional: bool = True,
) -> WorkCalendar:
    """The working calendar of Vietnam's civil service (state agencies).

    The weekly rest days by era (:data:`CIVIL_SERVICE_REST_DAYS`: Saturday and Sunday since
    QĐ 188/1999/QĐ-TTg Art. 1, Sunday before), the public holidays of the Labor Code
    with compensatory days, and each year's official swaps and make-up Saturdays (by default from
    :func:`onestop.deadlines.holidays.official_schedule`).

    Args:
        schedule: the holiday source; default the official schedule shipped with onestop.
        office_hours: the agency's office hours (default 07:30–11:30, 13:00–17:00), as an
            :class:`OfficeHours`, an effective-dated :class:`OfficeHoursSchedule` or text such as
            ``"07:00-11:30, 13:30-17:00"``.
        extra_holidays: entries overriding the schedule on their dates (a province's closure).
        rest_days: the weekly rest days (default :data:`CIVIL_SERVICE_REST_DAYS`, the
            effective-dated civil-service rule the holiday schedule follows too); a set of
            weekday numbers applies on every date.
        warn_provisional: warn when an answer depends on a year without an official notice.

    Returns:
        The calendar.
    """
    if schedule is None:
        # imported here: the holiday data loads only when the official calendar is asked for
        from onestop.deadlines.holidays import official_schedule

        schedule = official_schedule()
    return WorkCalendar(
        schedule,
        office_hours=office_hours,
        rest_days=rest_days,
        extra_holidays=extra_holidays,
        warn_provisional=warn_provisional,
    )
