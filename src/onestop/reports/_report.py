"""Indicators for a period: :func:`report` and :class:`Report` (DuckDB, embedded).

The pipeline is four steps, each replaceable by a cluster engine without changing the others:
records (Arrow columns, :mod:`onestop.records`) → the deadline kernel and the month indexes
(functions of one Arrow batch, :mod:`onestop.reports._kernel`, :mod:`onestop.reports._periods`)
→ the indicator query (portable SQL, :mod:`onestop.reports._sql`), run here by DuckDB
in-process over the Arrow table without a copy.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Literal

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from onestop.errors import InvalidInputError, MissingExtraError
from onestop.records._arrow import (
    arrow_array,
    arrow_strings,
    bulk_memory,
    numpy_bools,
)
from onestop.records._normalize import usable_cores
from onestop.records._records import Records, read_records, require_rows
from onestop.reports import _engine
from onestop.reports._decision766 import ITEMS, Item766, score_766
from onestop.reports._kernel import DueMode, append_deadline_columns, deadline_arrays
from onestop.reports._periods import (
    PERIOD_FIELDS,
    RETURNED,
    PeriodGrid,
    append_period_columns,
    monthly_periods,
    period_columns,
    period_indexes,
)
from onestop.reports._sql import (
    GROUP_COLUMNS,
    INDICATOR_COLUMNS,
    class_sql,
    indicator_sql,
    processing_time_sql,
)

if TYPE_CHECKING:
    import pandas

__all__ = [
    "BY_CHOICES",
    "Report",
    "check_by",
    "monthly_periods",
    "overall_row",
    "report",
    "report_dict",
    "resolve_period",
]

GroupBy = Literal["department", "procedure", "field", "channel", "month"]
#: What a report can be broken down by.
BY_CHOICES: tuple[str, ...] = (*GROUP_COLUMNS, "month")

_PERIODS_SCHEMA = pa.schema(
    [
        ("idx", pa.int64()),
        ("period", pa.string()),
        ("first_day", pa.date32()),
        ("last_day", pa.date32()),
    ]
)
_TICK = dt.timedelta(microseconds=1)
_EPOCH = dt.date(1970, 1, 1)


def _periods_table(spans: Sequence[tuple[str, dt.date, dt.date]]) -> pa.Table:
    """The periods relation of the indicator query (``idx``, ``period``, first and last day)."""

    def days(values: list[dt.date]) -> pa.Array:
        offsets = np.array([(d - _EPOCH).days for d in values], dtype=np.int32)
        return arrow_array(offsets, pa.date32())

    return pa.table(
        [
            arrow_array(np.arange(len(spans), dtype=np.int64), pa.int64()),
            arrow_strings([label for label, _, _ in spans]),
            days([first for _, first, _ in spans]),
            days([last for _, _, last in spans]),
        ],
        schema=_PERIODS_SCHEMA,
    )


def _duckdb() -> Any:
    try:
        import duckdb
    except ImportError as exc:
        error = MissingExtraError(
            "reports: reports run on DuckDB; install it with pip install 'onestop-vn[reports]'",
            field="reports",
        )
        error.name = "duckdb"
        raise error from exc
    return duckdb


def _to_arrow(relation: Any) -> pa.Table:
    fetch = getattr(relation, "to_arrow_table", None) or relation.fetch_arrow_table
    table: pa.Table = fetch()
    return table


def _instant(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day)


@attrs.define(slots=False, eq=False)
class Report:
    """Indicators of a set of dossier records for a period, overall and broken down.

    Build one with :func:`report`. Everything is computed when the report is built, except the
    other break-downs asked for later with :meth:`indicators`.

    Attributes:
        records: the records the report was computed from (with their errors table).
        start: first day of the period (inclusive, Vietnam local date).
        end: last day of the period (inclusive).
        as_of: the local instant open dossiers are judged at (at most the period's end).
        due: ``"stored"`` (the export's due dates, gaps computed) or ``"recompute"``.
        by: the break-down of :attr:`table`.
        month_start_day: 1 for calendar months, 15 for the 15th-14th reporting period.
        provisional: a computed due date depends on a year without an official notice.
        data: the records with the deadline kernel's columns (Arrow).
        overall: the indicators of the whole period (column -> value).
        table: the indicators by :attr:`by` (Arrow; one row per period and group).
        decision_766: the Decision 766 items and group scores computed from :attr:`overall`.
    """

    records: Records = attrs.field(repr=False)
    start: dt.date
    end: dt.date
    as_of: dt.datetime
    due: DueMode
    by: tuple[str, ...]
    month_start_day: int
    provisional: bool
    data: pa.Table = attrs.field(repr=False)
    items_766: tuple[Item766, ...] = attrs.field(repr=False, default=ITEMS)
    _con: Any = attrs.field(repr=False, default=None, alias="con")
    _indexed: pa.Table | None = attrs.field(repr=False, default=None, alias="indexed")
    _cache: dict[tuple[str, ...], pa.Table] = attrs.field(repr=False, factory=dict, init=False)
    # the class tables computed so far: (their sets: group columns and whole, relation name)
    _classes: list[tuple[tuple[_ClassSet, ...], str]] = attrs.field(
        repr=False, factory=list, init=False
    )
    _processing: pa.Table | None = attrs.field(repr=False, default=None, init=False)

    # ------------------------------------------------------------------ queries

    def _months(self) -> list[tuple[str, dt.date, dt.date]]:
        return monthly_periods(self.start, self.end, month_start_day=self.month_start_day)

    def _connection(self) -> Any:
        """DuckDB over the records with their month indexes (computed on first use)."""
        if self._con is None:
            if self._indexed is None:
                grid = PeriodGrid(spans=tuple(self._months()), as_of=self.as_of)
                self._indexed = period_columns(self.data, grid)
            duckdb = _duckdb()
            con = duckdb.connect()
            # DuckDB before 2.0 draws a progress bar on standard output (where the CLI's JSON
            # goes) for queries it thinks slow, even when standard output is not a terminal.
            # In Jupyter DuckDB refuses to change the setting unless ipywidgets is installed;
            # the notebook then keeps its default display.
            with contextlib.suppress(duckdb.Error):
                con.execute("SET enable_progress_bar_print = false")
            con.register("r", self._indexed)
            self._con = con
        return self._con

    def _class_set(self, wanted: _ClassSet) -> tuple[str, int, bool]:
        """Where to read the classes of a break-down: ``(table, grouping set, whole)``.

        ``wanted`` is ``(group columns, whole period)``. The first call reads the records once
        for :attr:`by` and ``wanted``; a later break-down that none of them covers costs one
        more scan. ``whole`` tells whether the set found holds whole-period classes.
        """
        for sets, name in self._classes:
            for i, have in enumerate(sets):
                if _covers(have, wanted):
                    return name, i, have[1]
        by = _groups(self.by), "month" not in self.by
        candidates = [wanted] if self._classes else [by, wanted]
        sets = tuple(
            s
            for s in dict.fromkeys(candidates)
            if not any(o != s and _covers(o, s) for o in candidates)
        )
        name = f"c{len(self._classes)}"
        sql = class_sql(sets, len(self._months()))
        self._connection().execute(f"CREATE TEMP TABLE {name} AS {sql}")
        self._classes.append((sets, name))
        return self._class_set(wanted)

    def indicators(self, by: Iterable[str] = ()) -> pa.Table:
        """The indicators broken down by ``by`` (any of :data:`BY_CHOICES`; ``()``: overall).

        Returns:
            An Arrow table: ``period``, ``period_start``, ``period_end``, the group columns,
            then the counts and rates (see :mod:`onestop.reports._sql` for each definition).
        """
        key = check_by(by)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        groups = _groups(key)
        con = self._connection()
        months = self._months()
        monthly = "month" in key
        spans = (
            months
            if monthly
            else [(f"{self.start.isoformat()}/{self.end.isoformat()}", self.start, self.end)]
        )
        classes, grouping_set, whole = self._class_set((groups, not monthly))
        con.register("p", _periods_table(spans))
        sql = indicator_sql(
            groups,
            1 if whole else len(months),
            single=not monthly and not whole,
            classes=classes,
            grouping_set=grouping_set,
        )
        table = _to_arrow(con.sql(sql))
        self._cache[key] = table
        return table

    @property
    def table(self) -> pa.Table:
        """The indicators by :attr:`by`."""
        return self.indicators(self.by)

    @property
    def overall(self) -> dict[str, Any]:
        """The indicators of the whole period as ``column -> value`` (zeros when empty)."""
        return overall_row(self.indicators(()), self.start, self.end)

    @property
    def processing_times(self) -> pa.Table:
        """Per procedure: dossiers resolved in the period and their mean processing time.

        ``mean_working_days`` counts working days from the receipt date (excluded) to the
        finish date (included); ``mean_elapsed_days`` is calendar time. Decision 766 item 2.2
        (average processing time per procedure).
        """
        if self._processing is None:
            sql = processing_time_sql(len(self._months()))
            self._processing = _to_arrow(self._connection().sql(sql))
        return self._processing

    @property
    def decision_766(self) -> dict[str, list[dict[str, object]]]:
        """The Decision 766 items computable from the records, and the group scores."""
        return score_766(self.overall, self.items_766)

    # ------------------------------------------------------------------ outputs

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (the ``onestop report --json`` object)."""
        return report_dict(
            period=(self.start, self.end, self.as_of),
            due=self.due,
            provisional=self.provisional,
            rows=(self.records.rows_read, self.records.rows_rejected, len(self.records)),
            overall=self.overall,
            decision_766=self.decision_766,
            processing_times=self.processing_times,
            by=self.by,
            table=self.table if self.by else None,
        )

    def to_pandas(self) -> pandas.DataFrame:
        """:attr:`table` as a pandas DataFrame (needs pandas)."""
        return self.table.to_pandas()

    def to_html(self, *, title: str | None = None) -> str:
        """A self-contained HTML report (inline CSS and SVG charts; no script, no fetch).

        Needs the ``charts`` extra (matplotlib) for the charts.
        """
        from onestop.reports._render import report_html

        return report_html(self, title=title)

    def charts(self) -> dict[str, str]:
        """The charts as SVG text: ``channel_mix``, ``on_time_trend``, ``department_ranking``."""
        from onestop.reports._render import charts_svg

        return charts_svg(self)

    def save_chart(self, name: str, path: str) -> None:
        """Write one chart (see :meth:`charts`) as PNG or SVG, by ``path``'s extension."""
        from onestop.reports._render import save_chart

        save_chart(self, name, path)

    def _repr_html_(self) -> str:
        from onestop.reports._render import report_fragment

        return report_fragment(self)


def report_dict(
    *,
    period: tuple[dt.date, dt.date, dt.datetime],
    due: DueMode,
    provisional: bool,
    rows: tuple[int, int, int],
    overall: Mapping[str, Any],
    decision_766: dict[str, list[dict[str, object]]],
    processing_times: pa.Table,
    by: Sequence[str],
    table: pa.Table | None,
) -> dict[str, Any]:
    """A report as JSON-ready data, whichever engine computed it (DuckDB here, or Spark).

    Args:
        period: ``(first day, last day, as_of)``.
        due: the due dates judged against (``"stored"`` or ``"recompute"``).
        provisional: a computed due date depends on a year without an official notice.
        rows: ``(rows read, rows rejected, rows used)``.
        overall: the indicators of the whole period (see :func:`overall_row`).
        decision_766: the Decision 766 items and scores.
        processing_times: per procedure, as :attr:`Report.processing_times`.
        by: the break-down of ``table``.
        table: the indicators by ``by``; ``None`` without a break-down.
    """
    start, end, as_of = period
    rows_read, rows_rejected, rows_used = rows
    o = overall
    out: dict[str, Any] = {
        "period": {
            "from": start.isoformat(),
            "to": end.isoformat(),
            # a local wall-clock instant: printed with Vietnam's offset like every other
            "as_of": as_of.replace(tzinfo=_engine.VN_TZ).isoformat(),
        },
        "due_dates": "recomputed" if due == "recompute" else "stored",
        "provisional": provisional,
        "rows_read": rows_read,
        "rows_rejected": rows_rejected,
        "rows_used": rows_used,
        "received": {
            "total": o["received_total"],
            "by_channel": {
                "direct": o["received_direct"],
                "online": o["received_online"],
                "postal": o["received_postal"],
                "unknown": o["received_unknown_channel"],
            },
            "shares": {
                "direct": o["share_direct"],
                "online": o["share_online"],
                "postal": o["share_postal"],
            },
            "carried_over": o["carried_over"],
            "not_accepted": o["not_accepted"],
        },
        "resolved": {
            "total": o["resolved_total"],
            "early": o["resolved_early"],
            "on_time": o["resolved_on_time"],
            "late": o["resolved_late"],
            "no_due": o["resolved_no_due"],
            "on_time_rate": o["on_time_rate"],
            "returned": o["returned"],
            "mean_working_days": o["mean_working_days"],
            "mean_elapsed_days": o["mean_elapsed_days"],
        },
        "closed": o["closed"],
        "in_progress": {
            "total": o["in_progress_on_time"] + o["in_progress_overdue"] + o["in_progress_no_due"],
            "on_time": o["in_progress_on_time"],
            "overdue": o["in_progress_overdue"],
            "no_due": o["in_progress_no_due"],
        },
        "online": {
            "submission_rate": o["online_rate"],
            "paid_online": o["paid_online"],
            "payment_base": o["payment_base"],
            "payment_rate": o["online_payment_rate"],
        },
        "digitisation": {
            "digitised": o["digitised"],
            "base": o["digitised_base"],
            "rate": o["digitisation_rate"],
        },
        "reuse": {"reused": o["reused"], "base": o["reused_base"], "rate": o["reuse_rate"]},
        "decision_766": decision_766,
        "processing_time": _json_rows(processing_times),
    }
    if table is not None:
        out["by"] = list(by)
        out["groups"] = _json_rows(table)
    return out


def overall_row(table: pa.Table, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The one row of the overall indicators ``table`` as a dict; zeros when it is empty.

    An empty result (no record active in the period) has zero counts and no rates or means.
    """
    rows: list[dict[str, Any]] = table.to_pylist()
    if rows:
        return rows[0]
    empty: dict[str, Any] = dict.fromkeys(INDICATOR_COLUMNS, 0)
    for c in INDICATOR_COLUMNS:
        if c.endswith(("_rate", "_share")) or c.startswith(("share_", "mean_", "rate_")):
            empty[c] = None
    return {"period": None, "period_start": start, "period_end": end, **empty}


def _json_rows(table: pa.Table) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = table.to_pylist()
    for row in rows:
        for k, v in row.items():
            if isinstance(v, dt.date):
                row[k] = v.isoformat()
    return rows


#: A break-down's classes: (group columns, whole period).
_ClassSet = tuple[tuple[str, ...], bool]


def _covers(have: _ClassSet, wanted: _ClassSet) -> bool:
    """Whether classes ``have`` give those of ``wanted`` (fewer groups; per-period → whole)."""
    return set(wanted[0]) <= set(have[0]) and (wanted[1] or not have[1])


def _groups(by: tuple[str, ...]) -> tuple[str, ...]:
    """The group columns of a break-down (``by`` without ``month``)."""
    return tuple(g for g in by if g != "month")


def check_by(by: Iterable[str] | str) -> tuple[str, ...]:
    """``by`` as a tuple of break-downs without repeats.

    Raises:
        InvalidInputError: an item that is not one of :data:`BY_CHOICES`.
    """
    items = (by,) if isinstance(by, str) else tuple(by)
    for b in items:
        if b not in BY_CHOICES:
            raise InvalidInputError(
                f"by: {b!r} is not a break-down; expected {', '.join(BY_CHOICES)}", field="by"
            )
    return tuple(dict.fromkeys(items))


#: Records per batch of the deadline kernel: its NumPy temporaries (about thirty arrays) stay
#: small enough for the allocator to reuse them from batch to batch.
KERNEL_ROWS = 1 << 15


def _prepare(
    table: pa.Table, calendar: _engine.WorkCalendar, due: DueMode, grid: PeriodGrid
) -> tuple[pa.Table, bool]:
    """The records with the deadline kernel's and the period columns, batch by batch.

    The batches run on as many threads as the process has cores (NumPy and Arrow release the
    GIL); each batch's temporary arrays stay small.
    """
    batches = table.to_batches(max_chunksize=KERNEL_ROWS) or [table]
    quiet = _engine.quiet(calendar)

    def run(batch: pa.RecordBatch | pa.Table) -> tuple[pa.Table, bool]:
        part = batch if isinstance(batch, pa.Table) else pa.Table.from_batches([batch])
        arrays, provisional = deadline_arrays(part, quiet, due)
        indexes = period_indexes(
            grid,
            received=arrays.received,
            end=arrays.end,
            finished=arrays.finished,
            returned=arrays.returned,
            due=arrays.used,
            returned_status=numpy_bools(pc.equal(part.column("status"), RETURNED)),
            not_resolved=arrays.not_resolved,
        )
        return append_period_columns(append_deadline_columns(part, arrays), indexes), provisional

    with bulk_memory():
        if len(batches) == 1:
            results = [run(batches[0])]
        else:
            with ThreadPoolExecutor(max_workers=usable_cores()) as pool:
                results = list(pool.map(run, batches))
    return pa.concat_tables([t for t, _ in results]), any(p for _, p in results)


def _bounds(data: pa.Table) -> tuple[dt.datetime, dt.datetime]:
    """(first receipt, last event) of the records, local naive datetimes."""
    first = pc.min(data.column("received_at")).as_py()
    lasts = [pc.max(data.column(c)).as_py() for c in ("received_at", "finished_at", "returned_at")]
    return first, max(v for v in lasts if v is not None)


def resolve_period(
    bounds: tuple[dt.datetime, dt.datetime],
    *,
    start: dt.date | None,
    end: dt.date | None,
    as_of: dt.datetime | None,
) -> tuple[dt.date, dt.date, dt.datetime]:
    """A report's period and judging instant from the records' bounds and the caller's choices.

    Args:
        bounds: ``(first receipt, last event)`` of the records (local naive datetimes).
        start: first day, default the first receipt's date.
        end: last day, default the last event's date.
        as_of: when open dossiers are judged (naive = Vietnam time; aware converted), default
            the last event; never after the period's last microsecond.

    Raises:
        InvalidInputError: the period ends before it starts.
    """
    first, last = bounds
    start = start or first.date()
    end = end or last.date()
    if end < start:
        raise InvalidInputError(
            f"to: the period ends ({end.isoformat()}) before it starts ({start.isoformat()})",
            field="to",
        )
    if as_of is None:
        as_of = last
    elif as_of.tzinfo is not None:
        as_of = as_of.astimezone(_engine.VN_TZ).replace(tzinfo=None)
    return start, end, min(as_of, _instant(end + dt.timedelta(days=1)) - _TICK)


def report(
    records: Records | Any,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    by: Sequence[str] | str = (),
    due: DueMode = "stored",
    month_start_day: int = 1,
    as_of: dt.datetime | None = None,
    calendar: _engine.WorkCalendar | None = None,
    columns: Mapping[str, str] | None = None,
    items_766: Sequence[Item766] = ITEMS,
) -> Report:
    """Compute the one-stop indicators of dossier records for a period.

    Args:
        records: :class:`~onestop.records.Records`, or anything :func:`onestop.records.read_records`
            reads (a file path, a DataFrame, an Arrow table).
        start: first day of the period (inclusive); default the first receipt date.
        end: last day (inclusive); default the date of the last event in the records.
        by: break-down of :attr:`Report.table`: any of ``department``, ``procedure``,
            ``field``, ``channel``, ``month`` (combine them, e.g. ``("department", "month")``).
        due: ``"stored"`` judges against the export's own due dates (``NgayHenTra``; onestop's
            fill the gaps); ``"recompute"`` against onestop's (the stored ones fill the gaps).
        month_start_day: ``1`` calendar months; ``15`` the reporting month from the 15th to
            the 14th (Decree 09/2019/NĐ-CP Art. 12(1)).
        as_of: when open dossiers are judged (local, naive = Vietnam time; aware converted);
            default the last event in the records, never after the period's end.
        calendar: the working calendar (default the civil-service calendar).
        columns: column mapping when ``records`` still has to be read.
        items_766: the Decision 766 item table to score with.

    Raises:
        InvalidInputError: no usable record, a bad period or break-down.
        MissingExtraError: DuckDB or pyarrow is not installed (``reports`` extra).
    """
    if not isinstance(records, Records):
        records = read_records(records, columns=columns)
    require_rows(records)
    if due not in ("stored", "recompute"):
        raise InvalidInputError(f"due: expected 'stored' or 'recompute', got {due!r}", field="due")
    key = check_by(by)
    _duckdb()
    start, end, as_of = resolve_period(_bounds(records.table), start=start, end=end, as_of=as_of)
    grid = PeriodGrid(
        spans=tuple(monthly_periods(start, end, month_start_day=month_start_day)), as_of=as_of
    )
    indexed, provisional = _prepare(
        records.table, calendar or _engine.default_calendar(), due, grid
    )
    return Report(
        records=records,
        start=start,
        end=end,
        as_of=as_of,
        due=due,
        by=key,
        month_start_day=month_start_day,
        provisional=provisional,
        data=indexed.drop_columns(list(PERIOD_FIELDS)),
        items_766=tuple(items_766),
        indexed=indexed,
    )
