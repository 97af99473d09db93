"""The deadline kernel: Arrow record batch in, the same batch with deadline columns out.

This is the only non-relational step of a report. It is a pure function of one batch (plus the
calendar), so DuckDB runs it over a table here and a cluster engine can run it per batch (for
example Spark's ``mapInArrow``) before the same indicator queries.

Columns added (instants are Vietnam local wall-clock ``timestamp[us]``):

* ``computed_due_at``: the due instant onestop computes from ``received_at`` and the
  processing time (``processing_amount`` in ``processing_unit``, default working days), with
  the unit's default counting policy; null without a processing time, or when the dates fall
  outside the calendar's years.
* ``due_used`` and ``due_source``: the due instant the indicators judge against, and
  ``"stored"`` or ``"computed"``. With ``due="stored"`` (the default) the exporting system's
  own ``due_at`` is trusted and the computed one fills the gaps; with ``due="recompute"`` the
  computed one is used and the stored one fills the gaps.
* ``end_at``: when a resolved dossier was finished: ``finished_at``, else ``returned_at``
  (Decision 766 indicator 2.1's order: completion, else return of the result); null for open
  dossiers and for those refused, withdrawn, stopped or never accepted.
* ``outcome``: 0 early, 1 on time, 2 late (the date rule of Circular 01/2018/TT-VPCP
  Art. 13) for rows with ``end_at`` and ``due_used``.
* ``working_days_taken``: working days from the receipt date (excluded) to ``end_at``'s date
  (included).
* ``elapsed_days``: ``end_at - received_at`` in days (fractional, calendar time).
"""

from __future__ import annotations

import functools
from typing import Any, Literal

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from onestop.models import DossierStatus, TimeUnit
from onestop.records._arrow import (
    arrow_array,
    arrow_scalar,
    arrow_strings,
    numpy_bools,
    numpy_instants,
    numpy_valid,
    numpy_values,
)
from onestop.reports import _engine

__all__ = [
    "CLOSED",
    "KERNEL_FIELDS",
    "NOT_ACCEPTED",
    "NOT_RESOLVED",
    "DeadlineArrays",
    "DueMode",
    "append_deadline_columns",
    "computed_due",
    "deadline_arrays",
    "deadline_columns",
]

DueMode = Literal["stored", "recompute"]

#: Statuses of a dossier never accepted (submitted online or by post, then refused or not yet
#: accepted): not counted as received.
NOT_ACCEPTED = frozenset({DossierStatus.NEW, DossierStatus.REFUSED})
#: Statuses of a dossier closed without a result: withdrawn by the applicant, or stopped.
CLOSED = frozenset({DossierStatus.WITHDRAWN, DossierStatus.STOPPED})
#: Statuses whose finish date does not make the dossier resolved.
NOT_RESOLVED = NOT_ACCEPTED | CLOSED

_TS = pa.timestamp("us")
_NOT_RESOLVED_VALUES = arrow_strings(sorted(s.value for s in NOT_RESOLVED))
#: The columns :func:`deadline_columns` appends.
KERNEL_FIELDS = (
    pa.field("computed_due_at", _TS),
    pa.field("due_used", _TS),
    pa.field("due_source", pa.string()),
    pa.field("end_at", _TS),
    pa.field("outcome", pa.int8()),
    pa.field("working_days_taken", pa.int64()),
    pa.field("elapsed_days", pa.float64()),
)


_NAT = np.datetime64("NaT", "us")
#: ``due_source`` values, by code (0 stored, 1 computed).
_SOURCES = arrow_strings(["stored", "computed"])


def _ts(values: np.ndarray[Any, Any]) -> pa.Array:
    """A ``timestamp[us]`` array with ``NaT`` as null (shares ``values``' memory)."""
    return arrow_array(values, _TS, mask=np.isnat(values))


def computed_due(
    calendar: _engine.WorkCalendar,
    received: np.ndarray[Any, Any],
    amounts: pa.ChunkedArray,
    units: pa.ChunkedArray,
) -> np.ndarray[Any, Any]:
    """``computed_due_at`` alone: each row's due instant under its unit's default policy.

    ``NaT`` without a processing time, for a same-day amount other than 0, a period over five
    years, or a receipt outside the calendar's years (less the year a deadline may run into).
    """
    n = len(received)
    due = np.full(n, _NAT)
    if amounts.null_count == n:
        return due
    amount = np.where(numpy_valid(amounts), numpy_values(amounts, np.int64), -1)
    # leave a year of room: a deadline may run into the year after the receipt
    first, last = _year_bounds(calendar)
    usable = (amount >= 0) & (received >= first) & (received < last - np.timedelta64(366, "D"))
    # a missing unit is working days
    given = numpy_valid(units)
    present = {TimeUnit(str(v)) for v in pc.unique(units).to_pylist() if v is not None}
    if not given.all():
        present.add(TimeUnit.WORKING_DAYS)
    for time_unit in sorted(present, key=lambda u: u.value):
        if given.all() and len(present) == 1:
            rows = usable.copy()
        else:
            rows = usable & numpy_bools(pc.equal(units, arrow_scalar(time_unit.value, pa.string())))
            if time_unit is TimeUnit.WORKING_DAYS:
                rows |= usable & ~given
        if time_unit is TimeUnit.SAME_DAY:
            rows &= amount == 0  # a same-day deadline has amount 0
        elif time_unit is TimeUnit.MONTHS:
            rows &= amount <= 12 * 5
        if rows.all():
            due = _engine.due_dates(calendar, received, amount, time_unit)
        elif rows.any():
            due[rows] = _engine.due_dates(calendar, received[rows], amount[rows], time_unit)
    return due


def _year_bounds(calendar: _engine.WorkCalendar) -> tuple[np.datetime64, np.datetime64]:
    """The first instant the calendar covers and the first one after it (local)."""
    return (
        np.datetime64(f"{calendar.first_year:04d}-01-01", "us"),
        np.datetime64(f"{calendar.last_year + 1:04d}-01-01", "us"),
    )


@functools.lru_cache(maxsize=8)
def _provisional_bounds(calendar: _engine.WorkCalendar) -> np.ndarray[Any, Any]:
    """Start and end instants of the runs of provisional years: ``[s0, e0, s1, e1, …]``."""
    years = sorted(_engine.provisional_years(calendar))
    bounds: list[np.datetime64] = []
    for year in years:
        start, stop = (
            np.datetime64(f"{year:04d}-01-01", "us"),
            np.datetime64(f"{year + 1:04d}-01-01", "us"),
        )
        if bounds and bounds[-1] == start:
            bounds[-1] = stop  # the run goes on
        else:
            bounds += [start, stop]
    return np.array(bounds, dtype="datetime64[us]")


def _spans_provisional(
    calendar: _engine.WorkCalendar,
    start: np.ndarray[Any, Any],
    end: np.ndarray[Any, Any],
) -> bool:
    """Whether some row's years, ``start``'s to ``end``'s, include a provisional year.

    A provisional year has no official civil-service notice; rows with ``NaT`` are skipped.
    """
    bounds = _provisional_bounds(calendar)
    if not bounds.size or not len(start):
        return False
    # fmin and fmax skip NaT: the hull of every row's span
    first, last = np.fmin.reduce(np.fmin(start, end)), np.fmax.reduce(np.fmax(start, end))
    if np.isnat(first):
        return False
    # past an odd number of bounds: inside a run; a bound between two instants: entering one
    hull = np.searchsorted(bounds, np.array([first, last]), side="right")
    if hull[0] == hull[1] and hull[0] % 2 == 0:  # every row between two runs
        return False
    rows = ~np.isnat(start) & ~np.isnat(end)
    lo = np.minimum(start[rows], end[rows])
    hi = np.maximum(start[rows], end[rows])
    before_lo = np.searchsorted(bounds, lo, side="right")
    before_hi = np.searchsorted(bounds, hi, side="right")
    return bool(((before_lo % 2 == 1) | (before_hi > before_lo)).any())


@attrs.frozen(slots=True, eq=False)
class DeadlineArrays:
    """The deadline kernel's results for a batch, as NumPy arrays (instants ``datetime64[us]``).

    Attributes:
        received: ``received_at``.
        finished: ``finished_at``.
        returned: ``returned_at``.
        not_resolved: the status never resolves (:data:`NOT_RESOLVED`).
        computed: ``computed_due_at``.
        used: ``due_used``.
        source: ``due_source`` as 0 stored, 1 computed, −1 neither.
        end: ``end_at``.
        outcome: ``outcome`` (−1 for null).
        taken: ``working_days_taken`` (−1 for null).
        elapsed: ``elapsed_days`` (meaningless where ``end`` is ``NaT``).
    """

    received: np.ndarray[Any, Any]
    finished: np.ndarray[Any, Any]
    returned: np.ndarray[Any, Any]
    not_resolved: np.ndarray[Any, Any]
    computed: np.ndarray[Any, Any]
    used: np.ndarray[Any, Any]
    source: np.ndarray[Any, Any]
    end: np.ndarray[Any, Any]
    outcome: np.ndarray[Any, Any]
    taken: np.ndarray[Any, Any]
    elapsed: np.ndarray[Any, Any]

    def columns(self) -> list[pa.Array]:
        """The :data:`KERNEL_FIELDS` as Arrow arrays."""
        return [
            _ts(self.computed),
            _ts(self.used),
            _SOURCES.take(arrow_array(self.source, pa.int64(), mask=self.source < 0)),
            _ts(self.end),
            arrow_array(self.outcome.astype(np.int8, copy=False), pa.int8(), mask=self.outcome < 0),
            arrow_array(self.taken.astype(np.int64, copy=False), pa.int64(), mask=self.taken < 0),
            arrow_array(self.elapsed, pa.float64(), mask=np.isnat(self.end)),
        ]


def deadline_arrays(
    table: pa.Table, calendar: _engine.WorkCalendar, due: DueMode
) -> tuple[DeadlineArrays, bool]:
    """The kernel on one batch, as NumPy arrays, and whether a provisional year was used.

    ``calendar`` should not warn (:func:`onestop.reports._engine.quiet`); see
    :func:`deadline_columns`.
    """
    received = numpy_instants(table.column("received_at"))
    computed = computed_due(
        calendar, received, table.column("processing_amount"), table.column("processing_unit")
    )
    stored = numpy_instants(table.column("due_at"))
    first, second = (stored, computed) if due == "stored" else (computed, stored)
    has_first, has_second = ~np.isnat(first), ~np.isnat(second)
    used = np.where(has_first, first, second)
    first_code, second_code = (0, 1) if due == "stored" else (1, 0)
    source = np.where(has_first, first_code, np.where(has_second, second_code, -1))
    finished = numpy_instants(table.column("finished_at"))
    returned = numpy_instants(table.column("returned_at"))
    not_resolved = numpy_bools(pc.is_in(table.column("status"), value_set=_NOT_RESOLVED_VALUES))
    done = (~np.isnat(finished) | ~np.isnat(returned)) & ~not_resolved
    end = np.where(done, np.where(np.isnat(finished), returned, finished), _NAT)
    judged = done & ~np.isnat(used)
    outcome = np.full(len(end), -1, dtype=np.int8)
    if judged.all():
        outcome = _engine.outcomes(end, used).astype(np.int8, copy=False)
    elif judged.any():
        outcome[judged] = _engine.outcomes(end[judged], used[judged])
    taken = np.full(len(end), -1, dtype=np.int64)
    lowest, beyond = _year_bounds(calendar)
    in_years = done & (received >= lowest) & (end < beyond)
    if in_years.any():
        start_days = received.astype("datetime64[D]")
        end_days = end.astype("datetime64[D]")
        if in_years.all():
            taken = _engine.working_days_taken(calendar, start_days, end_days)
        else:
            taken[in_years] = _engine.working_days_taken(
                calendar, start_days[in_years], end_days[in_years]
            )
    provisional = _spans_provisional(calendar, received, computed) or _spans_provisional(
        calendar, received, np.where(in_years, end, _NAT)
    )
    elapsed = (end - received).astype("timedelta64[us]").view(np.int64) / 86_400e6
    arrays = DeadlineArrays(
        received=received,
        finished=finished,
        returned=returned,
        not_resolved=not_resolved,
        computed=computed,
        used=used,
        source=source,
        end=end,
        outcome=outcome,
        taken=taken,
        elapsed=elapsed,
    )
    return arrays, provisional


def append_deadline_columns(table: pa.Table, arrays: DeadlineArrays) -> pa.Table:
    """``table`` with the :data:`KERNEL_FIELDS` of ``arrays`` appended."""
    for spec, column in zip(KERNEL_FIELDS, arrays.columns(), strict=True):
        table = table.append_column(spec, column)
    return table


def deadline_columns(
    batch: pa.Table | pa.RecordBatch,
    *,
    calendar: _engine.WorkCalendar | None = None,
    due: DueMode = "stored",
) -> tuple[pa.Table, bool]:
    """Append the deadline columns to a batch of validated records.

    Safe to run on several batches at once on different threads (no warning is emitted:
    provisional years are returned as a flag).

    Args:
        batch: rows in the schema of :attr:`onestop.records.Records.table`.
        calendar: the working calendar (default the civil-service calendar).
        due: ``"stored"`` trusts the export's due dates, ``"recompute"`` uses onestop's.

    Returns:
        ``(table, provisional)``: the rows with :data:`KERNEL_FIELDS` appended, and whether a
        computed date depends on a year without an official civil-service notice.
    """
    table = batch if isinstance(batch, pa.Table) else pa.Table.from_batches([batch])
    quiet = _engine.quiet(calendar or _engine.default_calendar())
    arrays, provisional = deadline_arrays(table, quiet, due)
    return append_deadline_columns(table, arrays), provisional
