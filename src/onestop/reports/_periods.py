"""Reporting periods and the period index of every record instant (per Arrow batch).

A report's months (calendar months, or the 15th–14th reporting month) are a sorted list of
edges. :func:`period_columns` turns each instant a record carries into the index of the month
holding it, with NumPy's ``searchsorted``: −1 before the first month, K after the last. The
indicator query then works on small integers. Like the deadline kernel, it is a function of
one batch (plus the grid), so a cluster engine can run it per batch before the same SQL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from onestop.errors import InvalidInputError
from onestop.models import DossierStatus
from onestop.records._arrow import (
    arrow_array,
    arrow_scalar,
    arrow_strings,
    numpy_bools,
    numpy_instants,
)
from onestop.reports._kernel import NOT_RESOLVED

__all__ = [
    "PERIOD_FIELDS",
    "RETURNED",
    "PeriodGrid",
    "append_period_columns",
    "monthly_periods",
    "period_columns",
    "period_indexes",
]


def monthly_periods(
    start: dt.date, end: dt.date, *, month_start_day: int = 1
) -> list[tuple[str, dt.date, dt.date]]:
    """The months covering ``start .. end`` (inclusive), clipped to it, as ``(label, first, last)``.

    With ``month_start_day=1`` these are calendar months. With another day ``d`` a month runs
    from day ``d`` of the previous month to day ``d - 1`` of the month it is labelled with:
    ``month_start_day=15`` gives the monthly reporting period of the state administration,
    the 15th of the previous month to the 14th of the month (Decree 09/2019/NĐ-CP Art. 12(1)).

    Raises:
        InvalidInputError: ``month_start_day`` outside 1..28, or ``end`` before ``start``.
    """
    if not 1 <= month_start_day <= 28:
        raise InvalidInputError(
            f"month_start_day: expected 1 to 28, got {month_start_day}", field="month_start_day"
        )
    if end < start:
        raise InvalidInputError("to: the end date is before the start date", field="to")
    out: list[tuple[str, dt.date, dt.date]] = []
    year, month = start.year, start.month  # the label month of ``start``
    if month_start_day > 1 and start.day >= month_start_day:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    while True:
        prev_y, prev_m = (year - 1, 12) if month == 1 else (year, month - 1)
        next_y, next_m = (year + 1, 1) if month == 12 else (year, month + 1)
        if month_start_day == 1:
            first = dt.date(year, month, 1)
            last = dt.date(next_y, next_m, 1) - dt.timedelta(days=1)
        else:
            first = dt.date(prev_y, prev_m, month_start_day)
            last = dt.date(year, month, month_start_day - 1)
        if first > end:
            return out
        out.append((f"{year:04d}-{month:02d}", max(first, start), min(last, end)))
        year, month = next_y, next_m


@attrs.frozen(slots=True)
class PeriodGrid:
    """Consecutive periods, and the instant open dossiers are judged at.

    Attributes:
        spans: ``(label, first day, last day)`` of each period, in order, without gaps.
        as_of: open dossiers are judged at ``min(period's last microsecond, as_of)``
            (local wall-clock time).
    """

    spans: tuple[tuple[str, dt.date, dt.date], ...]
    as_of: dt.datetime

    @property
    def count(self) -> int:
        """The number of periods (K)."""
        return len(self.spans)

    def edges(self) -> np.ndarray[Any, Any]:
        """The K + 1 local instants where the periods start, then where the last one ends."""
        days = [first for _, first, _ in self.spans] + [self.spans[-1][2] + dt.timedelta(days=1)]
        return np.array([np.datetime64(d, "us") for d in days], dtype="datetime64[us]")


#: The columns :func:`period_columns` appends (all ``int32``).
PERIOD_FIELDS = ("recv_k", "end_k", "ret_k", "closed_k", "last_k", "due_k")

_TICK = np.timedelta64(1, "us")
#: The status 10 (returned), as an Arrow scalar.
RETURNED = arrow_scalar(DossierStatus.RETURNED.value, pa.string())
_NOT_RESOLVED = arrow_strings(sorted(s.value for s in NOT_RESOLVED))


def _index(edges: np.ndarray[Any, Any], values: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """The period of each instant: −1 before the first edge, K at or after the last (NaT: −2)."""
    raw = values.view(np.int64)
    if len(edges) <= 16:  # a year or so of months: counting the edges passed is cheaper
        out = np.full(len(values), -1, dtype=np.int32)
        for edge in edges.view(np.int64):
            out += raw >= edge
    else:
        out = np.searchsorted(edges.view(np.int64), raw, side="right").astype(np.int32) - 1
    out[np.isnat(values)] = -2
    return out


def period_indexes(
    grid: PeriodGrid,
    *,
    received: np.ndarray[Any, Any],
    end: np.ndarray[Any, Any],
    finished: np.ndarray[Any, Any],
    returned: np.ndarray[Any, Any],
    due: np.ndarray[Any, Any],
    returned_status: np.ndarray[Any, Any],
    not_resolved: np.ndarray[Any, Any],
) -> list[np.ndarray[Any, Any]]:
    """The :data:`PERIOD_FIELDS` of records given as NumPy arrays (−2 where null).

    Instants are local ``datetime64[us]`` with ``NaT``; ``returned_status`` and
    ``not_resolved`` flag the rows with status 10 and with a status that never resolves (see
    :func:`period_columns` for each index).
    """
    edges = grid.edges()
    k = grid.count
    recv_k = _index(edges, received)
    end_k = _index(edges, end)
    end_k[end_k == -2] = k + 1
    ret_k = _index(edges, np.where(np.isnat(returned) & returned_status, end, returned))
    closed_at = np.where(np.isnat(finished), returned, finished)
    closed_k = _index(edges, np.where(np.isnat(closed_at), received, closed_at))
    # the last event (the end is the finish or the return); fmax skips NaT
    last_k = _index(edges, np.fmax(np.fmax(received, finished), returned))
    last_k[~not_resolved & np.isnat(end)] = k  # still open: active until the end
    due_k = _index(edges, due + _TICK)
    due_k[~np.isnat(due) & (due >= np.datetime64(grid.as_of, "us"))] = k + 1
    return [recv_k, end_k, ret_k, closed_k, last_k, due_k]


def append_period_columns(table: pa.Table, indexes: list[np.ndarray[Any, Any]]) -> pa.Table:
    """``table`` with the :data:`PERIOD_FIELDS` of :func:`period_indexes` appended."""
    for name, values in zip(PERIOD_FIELDS, indexes, strict=True):
        table = table.append_column(
            pa.field(name, pa.int32()), arrow_array(values, pa.int32(), mask=values == -2)
        )
    return table


def period_columns(batch: pa.Table | pa.RecordBatch, grid: PeriodGrid) -> pa.Table:
    """Append the period index of each record instant (records with the kernel's columns).

    * ``recv_k``: the period of ``received_at``;
    * ``end_k``: of ``end_at``, K + 1 when not finished;
    * ``ret_k``: of ``returned_at`` (else, for status 10, ``end_at``), null when neither;
    * ``closed_k``: of ``finished_at``, else ``returned_at``, else ``received_at`` (when a
      withdrawn or stopped dossier ended);
    * ``last_k``: of the last event, K for a dossier still open;
    * ``due_k``: the first period at whose end the dossier is overdue if still open: the
      period holding ``due_used`` + 1 µs (judged at a period's last microsecond, a dossier due
      at that very microsecond is not yet late), K + 1 when ``due_used`` is not before
      ``as_of``; null without a due date.
    """
    table = batch if isinstance(batch, pa.Table) else pa.Table.from_batches([batch])
    status = table.column("status")
    indexes = period_indexes(
        grid,
        received=numpy_instants(table.column("received_at")),
        end=numpy_instants(table.column("end_at")),
        finished=numpy_instants(table.column("finished_at")),
        returned=numpy_instants(table.column("returned_at")),
        due=numpy_instants(table.column("due_used")),
        returned_status=numpy_bools(pc.equal(status, RETURNED)),
        not_resolved=numpy_bools(pc.is_in(status, value_set=_NOT_RESOLVED)),
    )
    return append_period_columns(table, indexes)
