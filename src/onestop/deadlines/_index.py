"""The precomputed cumulative working-day and working-minute index of a calendar window.

Private. A :class:`CalendarIndex` covers a contiguous window of whole years. Day ``i`` of the
window is the date whose proleptic ordinal is ``base + i``. The arrays are plain
:mod:`array` arrays (no NumPy needed); the bulk path wraps the very same buffers with
``numpy.frombuffer`` so that scalar and vectorized answers cannot differ.

* ``status[i]``: :data:`WORKING`, :data:`REST` (weekly rest day), :data:`DAY_OFF` (holiday,
  compensatory or swapped day off, other closure) or :data:`MAKE_UP` (a rest day that is worked);
* ``cum_days[i]``: number of working days among days ``0 .. i-1`` (length ``n + 1``), so the
  working days in days ``[i, j)`` number ``cum_days[j] - cum_days[i]``;
* ``workdays[k]``: the day index of the ``k``-th working day (0-based) of the window, and
  ``workday_dates[k]`` the same day as a :class:`datetime.date` (so that the scalar path
  returns a shared object instead of building one);
* ``day_minutes[i]``: working minutes of day ``i`` (0 on non-working days);
* ``cum_minutes[i]``: working minutes of days ``0 .. i-1`` (length ``n + 1``).
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Callable

import attrs

__all__ = ["DAY_OFF", "MAKE_UP", "REST", "WORKING", "CalendarIndex", "build_index"]

WORKING = 0
REST = 1
DAY_OFF = 2
MAKE_UP = 3


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

    @property
    def size(self) -> int:
        """Number of days in the window."""
        return len(self.status)

    @property
    def end(self) -> int:
        """Ordinal one past the last day of the window."""
        return self.base + len(self.status)

    def covers_ordinal(self, ordinal: int) -> bool:
        """Whether the day with this ordinal is inside the window."""
        return self.base <= ordinal < self.base + len(self.status)


def build_index(
    first_year: int,
    last_year: int,
    status_of_year: Callable[[int], bytes],
    minutes_of_day: Callable[[dt.date], int],
) -> CalendarIndex:
    """Build the index of the years ``first_year .. last_year``.

    Args:
        first_year: first year of the window.
        last_year: last year of the window (inclusive).
        status_of_year: returns the per-day status codes of one year (365 or 366 bytes).
        minutes_of_day: working minutes of a working day (office hours in force that day).

    Returns:
        The index.
    """
    base = dt.date(first_year, 1, 1).toordinal()
    status = b"".join(status_of_year(y) for y in range(first_year, last_year + 1))
    n = len(status)
    cum_days = array("q", bytes(8 * (n + 1)))
    cum_minutes = array("q", bytes(8 * (n + 1)))
    day_minutes = array("q", bytes(8 * n))
    workdays = array("q")
    count = 0
    minutes = 0
    for i, code in enumerate(status):
        if code in (WORKING, MAKE_UP):
            day = minutes_of_day(dt.date.fromordinal(base + i))
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
    )
