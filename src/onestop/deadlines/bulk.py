"""The vectorized (NumPy) path: due dates, working-day counts and timeliness for arrays.

Needs the ``numpy`` extra (``pip install 'onestop-vn[numpy]'``); :mod:`onestop.deadlines` never
imports this module by itself. Every kernel here reads the calendar's precomputed index (the
:class:`~onestop.deadlines.CalendarIndex` of :meth:`WorkCalendar.index
<onestop.deadlines.WorkCalendar.index>`, ``numpy.frombuffer`` over its arrays, no copy) — the
same numbers the scalar methods of :class:`~onestop.deadlines.WorkCalendar` read — so both paths
give identical answers; the test-suite checks it. The functions take the same arguments in the
same order as their scalar twins (:func:`due_dates` as :func:`~onestop.deadlines.compute_due`),
with ``calendar=None`` meaning the shared civil-service calendar.

NumPy datetimes carry no time zone: every ``datetime64`` given to or returned by this module
is a **Vietnam local wall-clock time** (Asia/Ho_Chi_Minh, UTC+7, no DST). Convert UTC
``datetime64`` values with ``values + numpy.timedelta64(7, "h")`` first. Sequences of aware
``datetime`` objects and ISO strings with an offset (``"2026-02-13T03:00Z"``) are converted to
Vietnam local time row by row (slower than ``datetime64`` arrays, but never misread as UTC).

Missing values: a batch from another system's export often has a row without a receipt time.
The functions that return dates, instants or durations pass missing values through, as NumPy
and pandas do: ``NaT`` (or ``None``) in → ``NaT`` out, for that row only
(:func:`add_working_days`, :func:`due_dates`, :func:`remaining_working_time`), and
:func:`classify` gives such a row the code :data:`MISSING`. Functions that return integers or
booleans (:func:`is_working_day`, :func:`working_days_between`, :func:`working_position`) have
no missing value to return and refuse ``NaT`` with :class:`~onestop.errors.InvalidInputError`
(select the present rows first, e.g. ``days[~numpy.isnat(days)]``).

Example:
    >>> import numpy as np
    >>> from onestop.deadlines.bulk import add_working_days, due_dates
    >>> add_working_days(np.array(["2026-02-13", "2026-01-09"], "datetime64[D]"), 5)
    array(['2026-02-27', '2026-01-15'], dtype='datetime64[D]')
    >>> due_dates(np.array(["2026-02-13T10:00"], "datetime64[m]"), [5])
    array(['2026-02-27T17:00:00.000000'], dtype='datetime64[us]')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from onestop.deadlines._index import MAKE_UP, US_PER_DAY, US_PER_MINUTE, WORKING, CalendarIndex
from onestop.deadlines.hours import OfficeHours
from onestop.deadlines.policies import (
    CalendarDaysPolicy,
    CountingPolicy,
    MonthsPolicy,
    SameDayPolicy,
    WorkingDaysPolicy,
    WorkingHoursPolicy,
    check_calendar,
    parse_unit,
    policy_for,
    resolve_policy,
)
from onestop.deadlines.timeliness import Timeliness
from onestop.errors import CalendarDataMissingError, DeadlineError, InvalidInputError
from onestop.models import ProcessingTime, TimeUnit
from onestop.tz import to_vn

if TYPE_CHECKING:
    from onestop.deadlines.calendar import WorkCalendar

__all__ = [
    "BEFORE_RECEIPT",
    "CODE_NAMES",
    "EARLY",
    "IN_PROGRESS_ON_TIME",
    "IN_PROGRESS_OVERDUE",
    "LATE",
    "MISSING",
    "ON_TIME",
    "TIMELINESS",
    "add_working_days",
    "classify",
    "due_dates",
    "is_working_day",
    "remaining_working_time",
    "working_days_between",
    "working_position",
]

DateArray = npt.NDArray[np.datetime64]
IntArray = npt.NDArray[np.int64]

#: Codes returned by :func:`classify` for a judged row, indexes into :data:`TIMELINESS`.
EARLY, ON_TIME, LATE, IN_PROGRESS_ON_TIME, IN_PROGRESS_OVERDUE = 0, 1, 2, 3, 4
#: :func:`classify`'s code for a row that cannot be judged: its due instant is missing
#: (``NaT``, e.g. the receipt time was missing), or its receipt when ``received_at=`` is given.
MISSING = 5
#: :func:`classify`'s code for a row that finished before it was received (or, unfinished, is
#: judged at an ``at`` before its receipt), when ``received_at=`` is given. The scalar
#: :class:`~onestop.deadlines.clock.DossierClock` refuses such a dossier with
#: :class:`~onestop.errors.InvalidInputError`; the bulk path marks the row instead, so that one
#: bad row of an export does not stop the batch. Find them with ``codes == BEFORE_RECEIPT``.
BEFORE_RECEIPT = 6
#: ``TIMELINESS[code]`` is the :class:`~onestop.deadlines.timeliness.Timeliness` of a judged
#: row's code (0–4); :data:`MISSING` and :data:`BEFORE_RECEIPT` are outside it on purpose
#: (``TIMELINESS[MISSING]`` raises ``IndexError`` instead of naming a wrong verdict).
TIMELINESS: tuple[Timeliness, ...] = (
    Timeliness.EARLY,
    Timeliness.ON_TIME,
    Timeliness.LATE,
    Timeliness.IN_PROGRESS_ON_TIME,
    Timeliness.IN_PROGRESS_OVERDUE,
)
#: A name for every code, ``CODE_NAMES[code]``: the :class:`Timeliness` values, then
#: ``"missing"`` and ``"before_receipt"`` (e.g. ``pandas.Categorical.from_codes(codes,
#: CODE_NAMES)``).
CODE_NAMES: tuple[str, ...] = (*(t.value for t in TIMELINESS), "missing", "before_receipt")

_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_US_PER_MINUTE = US_PER_MINUTE
_US_PER_DAY = US_PER_DAY


# ---------------------------------------------------------------------- inputs


_NAT = np.datetime64("NaT", "us")


def _local_one(value: object, field: str) -> np.datetime64:
    """One date, date-time, ISO string or ``None`` as a local wall-clock ``datetime64[us]``.

    An aware datetime (or an ISO string with an offset) is converted to Vietnam local time
    first, so that ``10:00+07:00`` stays 10:00 and ``03:00Z`` becomes 10:00; ``None`` and
    ``"NaT"`` are missing values.
    """
    if value is None:
        return _NAT
    if isinstance(value, np.datetime64):
        native: np.datetime64 = value.astype("datetime64[us]")
        return native
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if isinstance(value, str):
        text = value.strip()
        if text.lower() == "nat":
            return _NAT
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            raise InvalidInputError(
                f"{field}: {text[:40]!r} is not an ISO 8601 date or date-time (e.g. "
                "2026-02-13T10:00 or 2026-02-13T10:00+07:00)",
                field=field,
            ) from None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            # aware (or a tzinfo without an offset: refused, never read as local time)
            value = to_vn(value, field=field)
        return np.datetime64(value.replace(tzinfo=None), "us")
    if isinstance(value, dt.date):
        day: np.datetime64 = np.datetime64(value, "D").astype("datetime64[us]")
        return day
    raise InvalidInputError(
        f"{field}: expected dates or date-times (numpy datetime64, datetime, date or ISO "
        f"strings), got {type(value).__name__}",
        field=field,
    )


def _as_local(values: Any, field: str) -> npt.NDArray[np.datetime64]:
    """``values`` as a local wall-clock ``datetime64`` array (NumPy datetimes pass through).

    Objects and strings are converted one by one (:func:`_local_one`), so aware datetimes and
    ISO strings with an offset are read in Vietnam time instead of NumPy's UTC conversion.
    """
    if isinstance(values, np.ndarray) and values.dtype.kind == "M":
        return values
    if isinstance(values, dt.date | str | bytes | np.datetime64) or values is None:
        return np.array(_local_one(values, field))
    try:
        arr = np.asarray(values)
    except (TypeError, ValueError):
        raise InvalidInputError(
            f"{field}: expected an array of dates or date-times", field=field
        ) from None
    if arr.dtype.kind == "M":
        return arr
    if arr.dtype.kind not in "OUS":
        raise InvalidInputError(
            f"{field}: expected dates or date-times (numpy datetime64, datetime, date or ISO "
            f"strings), got an array of {arr.dtype}",
            field=field,
        )
    out = np.empty(arr.shape, dtype="datetime64[us]")
    flat = out.reshape(-1)
    for i, item in enumerate(arr.reshape(-1).tolist()):
        flat[i] = _local_one(item, field)
    return out


def _refuse_missing(missing: npt.NDArray[np.bool_], field: str, what: str) -> None:
    if missing.any():
        raise InvalidInputError(
            f"{field} contains {int(missing.sum())} NaT (missing {what}); this function returns "
            "numbers, which have no missing value: select the present rows first",
            field=field,
        )


def _fill(values: IntArray, missing: npt.NDArray[np.bool_]) -> IntArray:
    """``values`` with missing rows replaced by a present row's value.

    A placeholder, so that index look-ups stay in range; the result of those rows is replaced
    by ``NaT`` afterwards.
    """
    if not missing.any():
        return values
    present = values[~missing]
    filled: IntArray = np.where(missing, present[0] if present.size else 0, values)
    return filled


def _days_or_missing(values: Any, field: str) -> tuple[IntArray, npt.NDArray[np.bool_]]:
    """(proleptic ordinals of local dates, missing mask); missing rows hold a placeholder."""
    days = _as_local(values, field).astype("datetime64[D]")
    missing = np.isnat(days)
    return _fill(days.view(np.int64) + _EPOCH_ORDINAL, missing), missing


def _days(values: Any, field: str) -> IntArray:
    """Proleptic ordinals of local dates (``datetime64`` of any unit, dates, ISO strings)."""
    days, missing = _days_or_missing(values, field)
    _refuse_missing(missing, field, "dates")
    return days


def _instants_or_missing(
    values: Any, field: str
) -> tuple[IntArray, IntArray, npt.NDArray[np.bool_]]:
    """(ordinal, µs since local midnight, missing mask) of local wall-clock instants."""
    us = _as_local(values, field).astype("datetime64[us]")
    missing = np.isnat(us)
    raw = _fill(us.view(np.int64), missing)
    day, tod = np.divmod(raw, _US_PER_DAY)
    return day + _EPOCH_ORDINAL, tod, missing


def _instants(values: Any, field: str) -> tuple[IntArray, IntArray]:
    """(ordinal, microseconds since local midnight) of local wall-clock ``datetime64`` values."""
    o, tod, missing = _instants_or_missing(values, field)
    _refuse_missing(missing, field, "instants")
    return o, tod


def _ints(values: Any, field: str) -> IntArray:
    arr = np.asarray(values)
    if arr.dtype.kind not in "iu":
        raise InvalidInputError(f"{field} must be an integer array", field=field)
    return arr.astype(np.int64, copy=False)


def _broadcast(field: str, *arrays: npt.NDArray[Any]) -> list[npt.NDArray[Any]]:
    """``numpy.broadcast_arrays``, with a shape mismatch reported as bad input."""
    try:
        return list(np.broadcast_arrays(*arrays))
    except ValueError:
        shapes = " and ".join(dict.fromkeys(str(a.shape) for a in arrays))
        raise InvalidInputError(
            f"{field}: arrays of shapes {shapes} cannot be paired row by row; give arrays of "
            "the same length (or a single value)",
            field=field,
        ) from None


def _to_dates(ordinals: IntArray) -> DateArray:
    return (ordinals - _EPOCH_ORDINAL).astype("datetime64[D]")


def _with_nat(values: npt.NDArray[Any], missing: npt.NDArray[np.bool_]) -> npt.NDArray[Any]:
    """``values`` (datetime64 or timedelta64) with ``NaT`` in the missing rows."""
    if missing.any():
        values = values.copy()
        values[missing] = np.array("NaT", dtype=values.dtype)
    return values


def _to_instants(ordinals: IntArray, tod_us: IntArray) -> DateArray:
    raw = (ordinals - _EPOCH_ORDINAL) * _US_PER_DAY + tod_us
    return raw.astype("datetime64[us]")


# ---------------------------------------------------------------------- index access


class _View:
    """NumPy views over one :class:`CalendarIndex` (no copies but the µs positions)."""

    __slots__ = (
        "base",
        "closing_us",
        "cum_days",
        "cum_us",
        "day_minutes",
        "hours",
        "hours_of_day",
        "idx",
        "status",
        "workdays",
    )

    def __init__(self, idx: CalendarIndex) -> None:
        self.idx = idx
        self.base = idx.base
        self.status = np.frombuffer(idx.status, dtype=np.uint8)
        self.cum_days = np.frombuffer(idx.cum_days, dtype=np.int64)
        self.workdays = np.frombuffer(idx.workdays, dtype=np.int64)
        self.day_minutes = np.frombuffer(idx.day_minutes, dtype=np.int64)
        self.cum_us = np.frombuffer(idx.cum_minutes, dtype=np.int64) * _US_PER_MINUTE
        self.hours = idx.hours
        self.hours_of_day = np.frombuffer(idx.hours_of_day, dtype=np.uint8)
        self.closing_us = np.array(
            [(h.closing.hour * 60 + h.closing.minute) * _US_PER_MINUTE for h in idx.hours],
            np.int64,
        )

    def which_hours(self, o: IntArray) -> IntArray:
        """Per ordinal, the position of its office hours in :attr:`hours`."""
        if len(self.hours) == 1:
            return np.zeros(o.shape, dtype=np.int64)
        which: IntArray = self.hours_of_day[o - self.base].astype(np.int64)
        return which


def _view(calendar: WorkCalendar, lo: int, hi: int) -> _View:
    """A view of the calendar's index covering ordinals ``lo .. hi``."""
    return _View(calendar.index(dt.date.fromordinal(int(lo)), dt.date.fromordinal(int(hi))))


def _bounds(*arrays: IntArray) -> tuple[int, int]:
    lo = min(int(a.min()) for a in arrays if a.size)
    hi = max(int(a.max()) for a in arrays if a.size)
    if lo < 1 or hi > dt.date.max.toordinal():
        raise CalendarDataMissingError("a date is outside the supported range", field="date")
    return lo, hi


def _grow(calendar: WorkCalendar, view: _View, *, forward: bool) -> _View:
    return _View(calendar.grow_index(view.idx, forward=forward))


def _warn(calendar: WorkCalendar, *ordinals: IntArray) -> None:
    """Warn once when the rows looked at a year without an official notice."""
    if not calendar.warn_provisional:
        return
    present = [a for a in ordinals if a.size]
    if present:
        lo, hi = _bounds(*present)
        calendar.warn_if_provisional(dt.date.fromordinal(lo), dt.date.fromordinal(hi))


# ---------------------------------------------------------------------- days


def is_working_day(days: Any, *, calendar: WorkCalendar | None = None) -> npt.NDArray[np.bool_]:
    """Whether each date is a working day (vectorized :meth:`WorkCalendar.is_working_day`).

    Args:
        days: local dates.
        calendar: the working calendar; ``None`` is the civil-service calendar.
    """
    calendar = check_calendar(calendar)
    o = _days(days, "days")
    if not o.size:
        return np.zeros(o.shape, dtype=bool)
    return _is_working(_view(calendar, *_bounds(o)), o)


def _is_working(view: _View, o: IntArray) -> npt.NDArray[np.bool_]:
    code = view.status[o - view.base]
    result: npt.NDArray[np.bool_] = (code == WORKING) | (code == MAKE_UP)
    return result


def _add_ordinals(calendar: WorkCalendar, o: IntArray, n: IntArray) -> IntArray:
    o, n = _broadcast("n", o, n)
    if not o.size:
        return o.copy()
    view = _view(calendar, *_bounds(o))
    while True:
        i = o - view.base
        k = np.where(n > 0, view.cum_days[i + 1] + n - 1, view.cum_days[i] + n)
        if k.max() >= view.workdays.size:
            view = _grow(calendar, view, forward=True)
        elif k.min() < 0:
            view = _grow(calendar, view, forward=False)
        else:
            break
    kk = np.clip(k, 0, view.workdays.size - 1)
    result: IntArray = np.where(n == 0, o, view.base + view.workdays[kk])
    return result


def add_working_days(days: Any, n: Any, *, calendar: WorkCalendar | None = None) -> DateArray:
    """The ``n``-th working day strictly after each date (vectorized).

    Same rules as :meth:`WorkCalendar.add_working_days`: the start day is not counted,
    ``n == 0`` returns the date unchanged, negative ``n`` counts backwards.

    Args:
        days: local dates (``datetime64[D]`` array or anything NumPy converts to one);
            ``NaT`` rows give ``NaT``.
        n: an integer or an integer array broadcastable with ``days``.
        calendar: the working calendar; ``None`` is the civil-service calendar.

    Returns:
        A ``datetime64[D]`` array of the broadcast shape.
    """
    calendar = check_calendar(calendar)
    o, missing = _days_or_missing(days, "days")
    o, missing, amounts = _broadcast("n", o, missing, _ints(n, "n"))
    if missing.size and missing.all():
        return np.full(o.shape, np.datetime64("NaT"), dtype="datetime64[D]")
    result = _add_ordinals(calendar, o, np.where(missing, 0, amounts) if missing.any() else amounts)
    _warn(calendar, o[~missing], result[~missing])
    return _with_nat(_to_dates(result), missing)


def working_days_between(
    start: Any,
    end: Any,
    *,
    calendar: WorkCalendar | None = None,
    include_start: bool = False,
    include_end: bool = True,
) -> IntArray:
    """Working days between paired dates (vectorized :meth:`WorkCalendar.working_days_between`).

    ``(start, end]`` by default; negative where ``end < start`` (antisymmetric).

    Args:
        start: local dates.
        end: local dates, broadcast with ``start``.
        calendar: the working calendar; ``None`` is the civil-service calendar.
        include_start: count ``start`` when it is a working day.
        include_end: count ``end`` when it is a working day.
    """
    calendar = check_calendar(calendar)
    a, b = _broadcast("end", _days(start, "start"), _days(end, "end"))
    if not a.size:
        return np.zeros(a.shape, dtype=np.int64)
    view = _view(calendar, *_bounds(a, b))
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    i = lo - view.base + (0 if include_start else 1)
    j = hi - view.base + (1 if include_end else 0)
    count = np.where(j >= i, view.cum_days[j] - view.cum_days[np.minimum(i, j)], 0)
    _warn(calendar, a, b)
    result: IntArray = np.where(b < a, -count, count)
    return result


# ---------------------------------------------------------------------- office hours


def _closing_us(view: _View, o: IntArray) -> IntArray:
    """Per ordinal, the closing time of its office hours (µs after midnight)."""
    result: IntArray = view.closing_us[view.which_hours(o)]
    return result


def _by_hours(
    view: _View,
    o: IntArray,
    values: IntArray,
    fn: Callable[[OfficeHours, IntArray], IntArray],
) -> IntArray:
    """Apply ``fn(hours, values)`` per group of rows sharing the same office hours."""
    if len(view.hours) == 1:
        return fn(view.hours[0], values)
    which = view.which_hours(o)
    out = np.zeros(o.shape, dtype=np.int64)
    for k, h in enumerate(view.hours):
        mask = which == k
        if mask.any():
            out[mask] = fn(h, values[mask])
    return out


def _worked_in(hours: OfficeHours, tod: IntArray) -> IntArray:
    acc = np.zeros(tod.shape, dtype=np.int64)
    for s in hours.sessions:
        start = (s.start.hour * 60 + s.start.minute) * _US_PER_MINUTE
        acc += np.clip(tod - start, 0, s.minutes * _US_PER_MINUTE)
    return acc


def _time_in(hours: OfficeHours, worked: IntArray) -> IntArray:
    sessions = hours.sessions
    if len(sessions) == 1:
        s = sessions[0]
        tod = (s.start.hour * 60 + s.start.minute) * _US_PER_MINUTE + worked
    else:
        lengths = np.array([s.minutes * _US_PER_MINUTE for s in sessions], np.int64)
        ends = np.cumsum(lengths)
        starts = np.array(
            [(s.start.hour * 60 + s.start.minute) * _US_PER_MINUTE for s in sessions], np.int64
        )
        # index of the session in which ``worked`` ends (a session end belongs to it)
        s_idx = np.zeros(worked.shape, dtype=np.int64)
        for end in ends[:-1]:
            s_idx += worked > end
        tod = (starts - (ends - lengths))[s_idx] + worked
    result: IntArray = np.minimum(tod, _US_PER_DAY - 1)
    return result


def _worked_before(view: _View, o: IntArray, tod: IntArray) -> IntArray:
    return _by_hours(view, o, tod, _worked_in)


def _time_at(view: _View, o: IntArray, worked: IntArray) -> IntArray:
    """Local time of day (µs) at which ``worked`` µs of day ``o`` have been worked."""
    return _by_hours(view, o, worked, _time_in)


def _positions(view: _View, o: IntArray, tod: IntArray) -> IntArray:
    i = o - view.base
    pos = view.cum_us[i]
    working = view.day_minutes[i] > 0
    if working.any():
        pos = pos + np.where(working, _worked_before(view, o, tod), 0)
    result: IntArray = pos
    return result


def _instant_at(
    view: _View,
    pos: IntArray,
    guess: IntArray | None = None,
) -> tuple[IntArray, IntArray]:
    """Earliest (ordinal, time of day) reaching working position ``pos`` (``pos > 0``).

    Finds the day ``j`` with ``cum_us[j] < pos <= cum_us[j + 1]``. Given a ``guess`` of the
    working-day number (exact when every working day has the same length), a few vectorized
    corrections replace a binary search per row.
    """
    j: IntArray | None = None
    if guess is not None:
        wd = view.workdays
        k = np.clip(guess, 0, wd.size - 1)
        for _ in range(8):
            low = view.cum_us[wd[k]] >= pos
            high = view.cum_us[wd[k] + 1] < pos
            if not (low.any() or high.any()):
                j = wd[k]
                break
            k = np.clip(k - low + high, 0, wd.size - 1)
    if j is None:  # no guess, or uneven day lengths: binary search
        j = np.searchsorted(view.cum_us, pos, side="left") - 1
    o = view.base + j
    return o, _time_at(view, o, pos - view.cum_us[j])


def working_position(instants: Any, *, calendar: WorkCalendar | None = None) -> IntArray:
    """Working time (µs) from the start of the calendar's first covered year to each instant.

    Differences of positions are working time; see :func:`remaining_working_time`.

    Args:
        instants: local wall-clock instants.
        calendar: the working calendar; ``None`` is the civil-service calendar.
    """
    calendar = check_calendar(calendar)
    o, tod = _instants(instants, "instants")
    if not o.size:
        return np.zeros(o.shape, dtype=np.int64)
    _, hi = _bounds(o)
    first = dt.date(calendar.first_year, 1, 1)
    view = _View(calendar.index(first, dt.date.fromordinal(hi)))
    return _positions(view, o, tod)


def remaining_working_time(
    at: Any, due_at: Any, *, calendar: WorkCalendar | None = None
) -> npt.NDArray[Any]:
    """Office time from each ``at`` to each ``due_at`` (negative once overdue).

    Vectorized :meth:`WorkCalendar.working_time_between`. Both are local wall-clock
    ``datetime64`` arrays (broadcast together); a row where either is ``NaT`` gives ``NaT``.

    Args:
        at: local wall-clock instants.
        due_at: local wall-clock due instants.
        calendar: the working calendar; ``None`` is the civil-service calendar.

    Returns:
        A ``timedelta64[us]`` array (office time, in microseconds).
    """
    calendar = check_calendar(calendar)
    ao, at_tod, at_missing = _instants_or_missing(at, "at")
    do, due_tod, due_missing = _instants_or_missing(due_at, "due_at")
    ao, at_tod, do, due_tod, at_missing, due_missing = _broadcast(
        "due_at", ao, at_tod, do, due_tod, at_missing, due_missing
    )
    missing = at_missing | due_missing
    if not ao.size:
        return np.zeros(ao.shape, dtype="timedelta64[us]")
    if missing.all():
        return np.full(ao.shape, np.timedelta64("NaT"), dtype="timedelta64[us]")
    ao, do = _fill(ao, missing), _fill(do, missing)
    view = _view(calendar, *_bounds(ao, do))
    diff = _positions(view, do, due_tod) - _positions(view, ao, at_tod)
    _warn(calendar, ao[~missing], do[~missing])
    return _with_nat(diff.astype("timedelta64[us]"), missing)


# ---------------------------------------------------------------------- due dates


def _resolve(policy: CountingPolicy | str | None, unit: TimeUnit) -> CountingPolicy:
    """The policy counting ``unit`` (the same resolution as :func:`~onestop.deadlines.compute_due`).

    Raises:
        DeadlineError: the policy does not count in ``unit``.
    """
    if policy is None:
        rule = policy_for(unit)
    elif isinstance(policy, CountingPolicy):
        rule = policy
    else:
        amount = 0  # any amount of the unit: only its kind matters to the resolution
        rule = resolve_policy(policy, ProcessingTime(amount=amount, unit=unit))
    rule.check_unit(unit)
    return rule


def _roll_forward(calendar: WorkCalendar, o: IntArray) -> IntArray:
    if not o.size:
        return o
    working = _is_working(_view(calendar, *_bounds(o)), o)
    if working.all():
        return o
    nxt = _add_ordinals(calendar, o, np.ones_like(o))
    result: IntArray = np.where(working, o, nxt)
    return result


def _add_months(o: IntArray, n: IntArray) -> IntArray:
    days = _to_dates(o)
    months = days.astype("datetime64[M]")
    day_of_month = (days - months.astype("datetime64[D]")).astype(np.int64)
    target = months + n.astype("timedelta64[M]")
    last_day = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(
        np.int64
    )
    result = target.astype("datetime64[D]") + np.minimum(day_of_month, last_day - 1)
    out: IntArray = result.view(np.int64) + _EPOCH_ORDINAL
    return out


def due_dates(
    received_at: Any,
    amounts: Any,
    *,
    unit: TimeUnit | str = TimeUnit.WORKING_DAYS,
    calendar: WorkCalendar | None = None,
    policy: CountingPolicy | str | None = None,
) -> DateArray:
    """Due instants for arrays of receipts: the vectorized :func:`~onestop.deadlines.compute_due`.

    Args:
        received_at: receipt instants, local wall-clock ``datetime64`` (any unit), or aware
            datetimes / ISO strings with an offset (read in Vietnam time); a missing receipt
            (``NaT`` or ``None``) gives a missing due instant (``NaT``) for that row only.
        amounts: processing-time amounts (integers, broadcast with ``received_at``).
        unit: the unit of the amounts (a :class:`~onestop.models.TimeUnit` or its name).
        calendar: the working calendar; ``None`` is the civil-service calendar.
        policy: a policy object or name; default the unit's default policy (as
            :func:`~onestop.deadlines.policy_for`; for ``same_day`` the cut-off
            :data:`~onestop.models.SAME_DAY_CUTOFF`).

    Returns:
        Local wall-clock due instants, ``datetime64[us]``.
    """
    calendar = check_calendar(calendar)
    unit = parse_unit(unit)
    rule = _resolve(policy, unit)
    o, tod, missing = _instants_or_missing(received_at, "received_at")
    n = _ints(amounts, "amounts")
    o, tod, n, missing = _broadcast("amounts", o, tod, n, missing)
    if not o.size:
        return np.zeros(o.shape, dtype="datetime64[us]")
    if (n < 0).any():
        raise InvalidInputError("amounts must be non-negative", field="amounts")
    if unit is TimeUnit.SAME_DAY and (n != 0).any():
        raise InvalidInputError(
            "amounts: a same-day deadline has amount 0 (the same working day, or the next one "
            "after the cut-off)",
            field="amounts",
        )
    if missing.any():
        if missing.all():
            return np.full(o.shape, np.datetime64("NaT"), dtype="datetime64[us]")
        # a missing row is computed on a present row's receipt with amount 0, then set to NaT
        n = np.where(missing, 0, n)
    return _with_nat(_due_rows(calendar, rule, unit, o, tod, n), missing)


def _due_rows(
    calendar: WorkCalendar,
    rule: CountingPolicy,
    unit: TimeUnit,
    o: IntArray,
    tod: IntArray,
    n: IntArray,
) -> DateArray:
    """:func:`due_dates` of checked rows (``o``, ``tod``: receipt day and time of day)."""
    if isinstance(rule, WorkingHoursPolicy):
        return _due_hours(calendar, rule, o, tod, n, unit)
    if isinstance(rule, WorkingDaysPolicy):
        if rule.receipt_day_counts:
            working = _is_working(_view(calendar, *_bounds(o)), o)
            steps = np.where(working & (n > 0), n - 1, n)
        else:
            steps = n
        last = _add_ordinals(calendar, o, steps)
        if (n == 0).any():
            last = np.where(n == 0, _roll_forward(calendar, o), last)
    elif isinstance(rule, SameDayPolicy):
        view = _view(calendar, *_bounds(o))
        in_time = _is_working(view, o) & (tod < _closing_us(view, o))
        if rule.cutoff is not None:
            c = rule.cutoff
            cut = ((c.hour * 60 + c.minute) * 60 + c.second) * 1_000_000 + c.microsecond
            in_time &= tod <= cut  # "sau 15 giờ": strictly after the cut-off
        last = np.where(in_time, o, _add_ordinals(calendar, o, np.ones_like(o)))
    elif isinstance(rule, CalendarDaysPolicy | MonthsPolicy):
        raw = o + n if isinstance(rule, CalendarDaysPolicy) else _add_months(o, n)
        last = _roll_forward(calendar, raw)
        if rule.day_end == "midnight":
            _warn(calendar, o, last)
            return _to_instants(last, np.full(last.shape, _US_PER_DAY - 1, np.int64))
    else:
        raise DeadlineError(
            f"policy: {type(rule).__name__} has no vectorized form; use it per row",
            field="policy",
        )
    _warn(calendar, o, last)
    return _to_instants(last, _closing_us(_view(calendar, *_bounds(last)), last))


def _due_hours(
    calendar: WorkCalendar,
    rule: WorkingHoursPolicy,
    o: IntArray,
    tod: IntArray,
    n: IntArray,
    unit: TimeUnit,
) -> DateArray:
    view = _view(calendar, *_bounds(o))
    if unit is TimeUnit.WORKING_HOURS:
        minutes = n * 60
    elif rule.hours_per_day is not None:
        minutes = n * rule.hours_per_day * 60
    else:  # the office hours in force on the receipt day (WorkingHoursPolicy.minutes_per_day)
        per_day = np.array([h.minutes for h in view.hours], np.int64)[view.which_hours(o)]
        minutes = n * per_day
    while True:
        start = _positions(view, o, tod)
        # amount 0 means "the next working instant": reach start + 1 µs, then step back 1 µs
        target = start + np.where(minutes == 0, 1, minutes * _US_PER_MINUTE)
        if target.max() > view.cum_us[-1]:
            view = _grow(calendar, view, forward=True)
        else:
            break
    # first guess of the working day reached: whole days of the mean working-day length
    i = o - view.base
    mean_day = max(1, int(view.cum_us[-1]) // max(1, view.workdays.size))
    guess = view.cum_days[i] + (target - view.cum_us[i] - 1) // mean_day
    do, dtod = _instant_at(view, target, guess)
    dtod = dtod - (minutes == 0)
    _warn(calendar, o, do)
    return _to_instants(do, dtod)


# ---------------------------------------------------------------------- timeliness


def classify(
    finished_at: Any, due_at: Any, *, at: Any = None, received_at: Any = None
) -> npt.NDArray[np.int8]:
    """Early / on-time / late codes for arrays (Circular 01/2018/TT-VPCP Art. 13).

    Finished rows compare **local dates**: finish date before the due date → :data:`EARLY`,
    the same date → :data:`ON_TIME`, a later date → :data:`LATE`. Rows whose ``finished_at`` is
    ``NaT`` are unfinished: :data:`IN_PROGRESS_OVERDUE` when ``at`` is strictly after the due
    instant, else :data:`IN_PROGRESS_ON_TIME` (``at`` is then required). Same rules as
    :func:`onestop.deadlines.timeliness.classify`; ``TIMELINESS[code]`` gives the enum.

    Rows that cannot be judged get codes outside :data:`TIMELINESS`, so that one bad row does
    not stop a batch: :data:`MISSING` when the due instant is ``NaT`` (e.g. from
    :func:`due_dates` on a missing receipt); with ``received_at=``, :data:`MISSING` when the
    receipt is ``NaT`` and :data:`BEFORE_RECEIPT` when the finish (or, for an unfinished
    row, ``at``) is before the receipt, which the scalar
    :class:`~onestop.deadlines.DossierClock` refuses. Pass ``received_at=`` whenever the
    receipts are known: without it a result recorded before its receipt (a data-entry error)
    would be judged :data:`EARLY`.

    Args:
        finished_at: local wall-clock finish instants (``NaT`` = unfinished).
        due_at: local wall-clock due instants (``NaT`` = unknown: :data:`MISSING`).
        at: the local instant(s) at which unfinished rows are judged.
        received_at: the local receipt instants, to find rows finished (or judged) before
            their receipt; optional.

    Returns:
        An ``int8`` array of codes (``CODE_NAMES[code]`` names each one).
    """
    f = _as_local(finished_at, "finished_at").astype("datetime64[us]")
    d = _as_local(due_at, "due_at").astype("datetime64[us]")
    arrays = [f, d]
    if received_at is not None:
        arrays.append(_as_local(received_at, "received_at").astype("datetime64[us]"))
    f, d, *rest = _broadcast("due_at", *arrays)
    fd = f.astype("datetime64[D]")
    dd = d.astype("datetime64[D]")
    codes = np.where(fd < dd, EARLY, np.where(fd == dd, ON_TIME, LATE)).astype(np.int8)
    unknown = np.isnat(d)
    any_unknown = bool(unknown.any())
    open_rows = np.isnat(f)
    if any_unknown:
        open_rows &= ~unknown
    a: npt.NDArray[np.datetime64] | None = None
    if open_rows.any():
        if at is None:
            raise InvalidInputError(
                "at: unfinished rows (finished_at = NaT) are judged at an instant; pass at=",
                field="at",
            )
        at_local = _as_local(at, "at").astype("datetime64[us]")
        try:
            a = np.broadcast_to(at_local, d.shape)
        except ValueError:
            raise InvalidInputError(
                "at: expected a local date-time (numpy datetime64) or an array of them, one "
                "per row",
                field="at",
            ) from None
        if np.isnat(a[open_rows]).any():
            raise InvalidInputError("at contains NaT (missing instants)", field="at")
        codes[open_rows] = np.where(
            a[open_rows] > d[open_rows], IN_PROGRESS_OVERDUE, IN_PROGRESS_ON_TIME
        )
    if rest:
        r = rest[0]
        unknown |= np.isnat(r)
        any_unknown = bool(unknown.any())
        # the instant each row is judged at: its finish, or ``at`` while unfinished (NaT
        # compares false, so rows without one are never marked)
        judged = f if a is None else np.where(open_rows, a, f)
        codes[judged < r] = BEFORE_RECEIPT
    if any_unknown:
        codes[unknown] = MISSING
    return codes
