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

import warnings
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from onestop.errors import ProvisionalCalendarWarning
from onestop.models import DossierStatus, TimeUnit
from onestop.reports import _engine

__all__ = [
    "CLOSED",
    "KERNEL_FIELDS",
    "NOT_ACCEPTED",
    "NOT_RESOLVED",
    "DueMode",
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


def _ts(values: np.ndarray[Any, Any]) -> pa.Array:
    """A ``timestamp[us]`` array with ``NaT`` as null."""
    return pa.array(values.astype("datetime64[us]"), _TS, mask=np.isnat(values))


def _np(column: Any) -> np.ndarray[Any, Any]:
    """A timestamp column as ``datetime64[us]`` (``NaT`` for nulls)."""
    out: np.ndarray[Any, Any] = np.asarray(column.to_numpy(zero_copy_only=False)).astype(
        "datetime64[us]", copy=False
    )
    return out


def _computed_due(
    calendar: _engine.WorkCalendar,
    received: np.ndarray[Any, Any],
    amounts: pa.ChunkedArray,
    units: pa.ChunkedArray,
) -> np.ndarray[Any, Any]:
    n = len(received)
    due = np.full(n, np.datetime64("NaT", "us"))
    if amounts.null_count == n:
        return due
    amount = np.asarray(pc.fill_null(amounts, -1).to_numpy(zero_copy_only=False), np.int64)
    unit = pc.fill_null(units, TimeUnit.WORKING_DAYS.value)
    # leave a year of room: a deadline may run into the year after the receipt
    first, last = _year_bounds(calendar)
    usable = (amount >= 0) & (received >= first) & (received < last - np.timedelta64(366, "D"))
    for value in pc.unique(unit).to_pylist():
        time_unit = TimeUnit(str(value))
        rows = usable & _flag(pc.equal(unit, value))
        if time_unit is TimeUnit.SAME_DAY:
            rows &= amount == 0  # a same-day deadline has amount 0
        elif time_unit is TimeUnit.MONTHS:
            rows &= amount <= 12 * 5
        if rows.any():
            due[rows] = _engine.due_dates(calendar, received[rows], amount[rows], time_unit)
    return due


def _year_bounds(calendar: _engine.WorkCalendar) -> tuple[np.datetime64, np.datetime64]:
    """The first instant the calendar covers and the first one after it (local)."""
    return (
        np.datetime64(f"{calendar.first_year:04d}-01-01", "us"),
        np.datetime64(f"{calendar.last_year + 1:04d}-01-01", "us"),
    )


def _flag(values: Any) -> np.ndarray[Any, Any]:
    """A boolean Arrow array as a NumPy mask (null = False)."""
    out: np.ndarray[Any, Any] = np.asarray(
        pc.fill_null(values, fill_value=False).to_numpy(zero_copy_only=False), dtype=bool
    )
    return out


def deadline_columns(
    batch: pa.Table | pa.RecordBatch,
    *,
    calendar: _engine.WorkCalendar | None = None,
    due: DueMode = "stored",
) -> tuple[pa.Table, bool]:
    """Append the deadline columns to a batch of validated records.

    Args:
        batch: rows in the schema of :attr:`onestop.records.Records.table`.
        calendar: the working calendar (default the civil-service calendar).
        due: ``"stored"`` trusts the export's due dates, ``"recompute"`` uses onestop's.

    Returns:
        ``(table, provisional)``: the rows with :data:`KERNEL_FIELDS` appended, and whether a
        computed date depends on a year without an official civil-service notice.
    """
    table = batch if isinstance(batch, pa.Table) else pa.Table.from_batches([batch])
    calendar = calendar or _engine.default_calendar()
    received = _np(table.column("received_at"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ProvisionalCalendarWarning)
        computed = _computed_due(
            calendar,
            received,
            table.column("processing_amount"),
            table.column("processing_unit"),
        )
        stored = _np(table.column("due_at"))
        first, second = (stored, computed) if due == "stored" else (computed, stored)
        used = np.where(np.isnat(first), second, first)
        source = np.full(len(used), None, dtype=object)
        source[~np.isnat(second)] = "computed" if due == "stored" else "stored"
        source[~np.isnat(first)] = "stored" if due == "stored" else "computed"
        finished = _np(table.column("finished_at"))
        returned = _np(table.column("returned_at"))
        end = np.where(np.isnat(finished), returned, finished)
        closed = _flag(pc.is_in(table.column("status"), pa.array([s.value for s in NOT_RESOLVED])))
        end[closed] = np.datetime64("NaT")
        judged = ~np.isnat(end) & ~np.isnat(used)
        outcome = np.full(len(end), -1, dtype=np.int8)
        if judged.any():
            outcome[judged] = _engine.outcomes(end[judged], used[judged])
        taken = np.full(len(end), -1, dtype=np.int64)
        done = ~np.isnat(end)
        lowest, beyond = _year_bounds(calendar)
        in_years = done & (received >= lowest) & (end < beyond)
        if in_years.any():
            taken[in_years] = _engine.working_days_taken(
                calendar,
                received[in_years].astype("datetime64[D]"),
                end[in_years].astype("datetime64[D]"),
            )
    provisional = any(issubclass(w.category, ProvisionalCalendarWarning) for w in caught)
    for w in caught:
        if not issubclass(w.category, ProvisionalCalendarWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    added = [
        _ts(computed),
        _ts(used),
        pa.array(source, pa.string()),
        _ts(end),
        pa.array(np.where(outcome >= 0, outcome, 0), pa.int8(), mask=outcome < 0),
        pa.array(np.where(taken >= 0, taken, 0), pa.int64(), mask=taken < 0),
        pa.array(
            (end - received).astype("timedelta64[us]").astype(np.float64) / 86_400e6,
            pa.float64(),
            mask=np.isnat(end),
        ),
    ]
    for spec, column in zip(KERNEL_FIELDS, added, strict=True):
        table = table.append_column(spec, column)
    return table, provisional
