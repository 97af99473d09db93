"""The precomputed cumulative working-day and working-minute index of a calendar window.

A :class:`CalendarIndex` covers a contiguous window of whole years. Day ``i`` of the window is
the date whose proleptic ordinal is ``base + i``. It holds everything the arithmetic needs, so
that the scalar methods of :class:`~onestop.deadlines.WorkCalendar` and the NumPy kernels of
:mod:`onestop.deadlines.bulk` read the same numbers and cannot differ. The arrays are plain
:mod:`array` arrays (no NumPy needed); the bulk path wraps the very same buffers with
``numpy.frombuffer``.

* ``status[i]``: :data:`WORKING`, :data:`REST` (weekly rest day), :data:`DAY_OFF` (holiday,
  compensatory or swapped day off, other closure) or :data:`MAKE_UP` (a rest day that is worked);
* ``cum_days[i]``: number of working days among days ``0 .. i-1`` (length ``n + 1``), so the
  working days in days ``[i, j)`` number ``cum_days[j] - cum_days[i]``;
* ``workdays[k]``: the day index of the ``k``-th working day (0-based) of the window, and
  ``workday_dates[k]`` the same day as a :class:`datetime.date` (so that the scalar path
  returns a shared object instead of building one);
* ``day_minutes[i]``: working minutes of day ``i`` (0 on non-working days);
* ``cum_minutes[i]``: working minutes of days ``0 .. i-1`` (length ``n + 1``);
* ``hours[hours_of_day[i]]``: the office hours in force on day ``i`` (working or not).

Positions on the working-time axis are microseconds of office time since the start of the
window.
"""

from __future__ import annotations

import bisect
import datetime as dt
from array import array
from collections.abc import Callable

import attrs

from onestop.deadlines.hours import OfficeHours, OfficeHoursSchedule
from onestop.errors import InvalidInputError

__all__ = [
    "DAY_OFF",
    "MAKE_UP",
    "REST",
    "US_PER_DAY",
    "US_PER_MINUTE",
    "WORKING",
    "CalendarIndex",
    "build_index",
]

WORKING = 0
REST = 1
DAY_OFF = 2
MAKE_UP = 3

#: Microseconds in a minute and in a day (positions and times of day are integers of µs).
US_PER_MINUTE = 60_000_000
US_PER_DAY = 86_400_000_000


@attrs.frozen(slots=True, eq=False)
class CalendarIndex:
    """Cumulative working-day and working-minute counts over a window of whole years.

    Attributes:
        first_year: first year of the window.
        last_year: last year of the window (inclusive).
        base: proleptic Gregorian ordinal of 1 January of ``first_year``.
        status: per-day status code.
        cum_days: cumulative working days before each day (length ``n + 1``).
        workdays: day index of each working day.
        workday_dates: each working day as a date object.
        day_minutes: working minutes of each day.
        cum_minutes: cumulative working minutes before each day (length ``n + 1``).
        hours: the distinct office hours in force in the window.
        hours_of_day: per day, the position in :attr:`hours` of that day's office hours.
    """

    first_year: int
    last_year: int
    base: int
    status: bytes
    cum_days: array[int]
    workdays: array[int]
    workday_dates: list[dt.date]
    day_minutes: array[int]
    cum_minutes: array[int]
    hours: tuple[OfficeHours, ...]
    hours_of_day: bytes

    @property
    def size(self) -> int:
        """Number of days in the window."""
        return len(self.status)

    @property
    def end(self) -> int:
        """Ordinal one past the last day of the window."""
        return self.base + len(self.status)

    @property
    def working_days(self) -> int:
        """Number of working days in the window."""
        return len(self.workdays)

    @property
    def end_position(self) -> int:
        """The working position (µs) at the end of the window's last day."""
        return self.cum_minutes[len(self.cum_minutes) - 1] * US_PER_MINUTE

    def covers_ordinal(self, ordinal: int) -> bool:
        """Whether the day with this ordinal is inside the window."""
        return self.base <= ordinal < self.base + len(self.status)

    def is_working(self, ordinal: int) -> bool:
        """Whether the day with this ordinal (inside the window) is a working day."""
        return self.status[ordinal - self.base] in (WORKING, MAKE_UP)

    def hours_on(self, ordinal: int) -> OfficeHours:
        """The office hours in force on the day with this ordinal (inside the window)."""
        return self.hours[self.hours_of_day[ordinal - self.base]]

    def add_working_days(self, ordinal: int, n: int) -> int | None:
        """The ordinal of the ``n``-th working day strictly after ``ordinal`` (``n != 0``).

        Negative ``n`` counts backwards. ``None`` when the result falls outside the window
        (the caller grows the window and asks again).
        """
        i = ordinal - self.base
        k = self.cum_days[i + 1] + n - 1 if n > 0 else self.cum_days[i] + n
        if not 0 <= k < len(self.workdays):
            return None
        return self.base + self.workdays[k]

    def working_day_at(self, ordinal: int, n: int) -> dt.date | None:
        """As :meth:`add_working_days`, as the shared :class:`datetime.date` object."""
        i = ordinal - self.base
        k = self.cum_days[i + 1] + n - 1 if n > 0 else self.cum_days[i] + n
        if not 0 <= k < len(self.workdays):
            return None
        return self.workday_dates[k]

    def working_days_between(
        self, lo: int, hi: int, *, include_start: bool = False, include_end: bool = True
    ) -> int:
        """Working days among the days ``lo .. hi`` (ordinals, ``lo <= hi``), ends as flagged."""
        i = lo - self.base + (0 if include_start else 1)
        j = hi - self.base + (1 if include_end else 0)
        return max(0, self.cum_days[j] - self.cum_days[i]) if j >= i else 0

    def position(self, ordinal: int, time_us: int) -> int:
        """Working position (µs) at ``time_us`` microseconds after midnight of ``ordinal``."""
        i = ordinal - self.base
        pos = self.cum_minutes[i] * US_PER_MINUTE
        if self.day_minutes[i]:
            pos += self.hours[self.hours_of_day[i]].worked_before_us(time_us)
        return pos

    def instant_at(self, position: int) -> tuple[int, int]:
        """The earliest ``(ordinal, µs after midnight)`` at which ``position`` is reached.

        Args:
            position: a working position, ``0 < position <= end_position``.
        """
        target_min, rem = divmod(position, US_PER_MINUTE)
        # the day j with cum_minutes[j] < position <= cum_minutes[j + 1]
        j = bisect.bisect_left(self.cum_minutes, target_min + (1 if rem else 0)) - 1
        worked = position - self.cum_minutes[j] * US_PER_MINUTE
        return self.base + j, self.hours[self.hours_of_day[j]].time_at_us(worked)


def _hours_of_days(
    schedule: OfficeHoursSchedule, base: int, n: int
) -> tuple[tuple[OfficeHours, ...], bytes]:
    """The distinct office hours of the days ``base .. base + n - 1`` and each day's position."""
    distinct = schedule.distinct()
    if len(distinct) > 255:
        raise InvalidInputError(
            "office_hours: a schedule may hold at most 255 distinct timetables",
            field="office_hours",
        )
    if len(distinct) == 1:
        return distinct, bytes(n)
    out = bytearray(n)
    entries = schedule.entries
    for k, (start, hours) in enumerate(entries):
        lo = 0 if k == 0 else max(0, start.toordinal() - base)
        hi = n if k + 1 == len(entries) else min(n, entries[k + 1][0].toordinal() - base)
        if lo < hi:
            out[lo:hi] = bytes([distinct.index(hours)]) * (hi - lo)
    return distinct, bytes(out)


def build_index(
    first_year: int,
    last_year: int,
    status_of_year: Callable[[int], bytes],
    office_hours: OfficeHoursSchedule,
) -> CalendarIndex:
    """Build the index of the years ``first_year .. last_year``.

    Args:
        first_year: first year of the window.
        last_year: last year of the window (inclusive).
        status_of_year: returns the per-day status codes of one year (365 or 366 bytes).
        office_hours: the effective-dated office hours.

    Returns:
        The index.
    """
    base = dt.date(first_year, 1, 1).toordinal()
    status = b"".join(status_of_year(y) for y in range(first_year, last_year + 1))
    n = len(status)
    hours, hours_of_day = _hours_of_days(office_hours, base, n)
    minutes_of = [h.minutes for h in hours]
    cum_days = array("q", bytes(8 * (n + 1)))
    cum_minutes = array("q", bytes(8 * (n + 1)))
    day_minutes = array("q", bytes(8 * n))
    workdays = array("q")
    count = 0
    minutes = 0
    for i, code in enumerate(status):
        if code in (WORKING, MAKE_UP):
            day = minutes_of[hours_of_day[i]]
            workdays.append(i)
            count += 1
            minutes += day
            day_minutes[i] = day
        cum_days[i + 1] = count
        cum_minutes[i + 1] = minutes
    return CalendarIndex(
        first_year=first_year,
        last_year=last_year,
        base=base,
        status=status,
        cum_days=cum_days,
        workdays=workdays,
        workday_dates=[dt.date.fromordinal(base + i) for i in workdays],
        day_minutes=day_minutes,
        cum_minutes=cum_minutes,
        hours=hours,
        hours_of_day=hours_of_day,
    )
