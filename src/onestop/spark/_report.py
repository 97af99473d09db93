"""Reports and audits on Spark: the kernel per Arrow batch, the indicators as Spark SQL.

The pipeline of :func:`onestop.reports.report`, with Spark in place of DuckDB: the records
(a Spark DataFrame) → the deadline kernel and the month indexes in ``mapInArrow``
(:func:`onestop.spark.deadline_columns`) → the same portable SQL
(:func:`onestop.reports.class_sql`, :func:`onestop.reports.indicator_sql`) run by Spark SQL.
The records are read once for the classes of every break-down the JSON report needs (overall,
``by``, per procedure); the indicator queries then read only the classes, a few thousand rows.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pyspark import StorageLevel
from pyspark.sql import Observation
from pyspark.sql import functions as f

from onestop.errors import InvalidInputError
from onestop.models import TimeUnit
from onestop.records._arrow import arrow_array, arrow_strings, numpy_instants
from onestop.reports import _engine
from onestop.reports._audit import Audit
from onestop.reports._decision766 import ITEMS, Item766, score_766
from onestop.reports._kernel import DueMode, deadline_arrays
from onestop.reports._periods import PeriodGrid, monthly_periods
from onestop.reports._report import (
    check_by,
    overall_row,
    report_dict,
    resolve_period,
)
from onestop.reports._sql import class_sql, indicator_sql
from onestop.spark._frames import PROVISIONAL_FIELD, indexed_frame, kernel_schema, spark_schema

if TYPE_CHECKING:
    from pyspark.broadcast import Broadcast
    from pyspark.sql import DataFrame

    from onestop.records import Records

__all__ = ["SparkAudit", "SparkReport", "audit", "report"]

_PERIODS = pa.schema(
    [("idx", pa.int64()), ("period", pa.string()), ("first_day", pa.date32()),
     ("last_day", pa.date32())]
)  # fmt: skip
#: A break-down's classes: (group columns, whole period).
_Set = tuple[tuple[str, ...], bool]


def _view_name(kind: str) -> str:
    """A temporary view name unique in the session (several reports may share one)."""
    return f"onestop_{kind}_{uuid.uuid4().hex[:12]}"


@attrs.define(slots=False, eq=False)
class SparkReport:
    """Indicators of a Spark DataFrame of records, computed by Spark SQL.

    Built by :func:`report`. The same figures as :class:`onestop.reports.Report` on the same
    rows (every count and rate identical; a mean of fractional days may differ in its last
    bits, as sums of floating-point numbers taken in another order do).

    Attributes:
        frame: what the indicator queries read: the break-down columns, the status, the
            channel and the flags, the kernel's outcome, end and times, ``provisional`` and the
            period indexes (computed when a query runs).
        start: first day of the period (inclusive).
        end: last day (inclusive).
        as_of: the local instant open dossiers are judged at.
        due: ``"stored"`` or ``"recompute"``.
        by: the break-down of :meth:`table`.
        month_start_day: 1 for calendar months, 15 for the 15th-14th reporting period.
        rows_read: input rows (for the JSON object; the records' count when not given).
        rows_rejected: input rows left out as invalid.
        items_766: the Decision 766 item table scored with.
    """

    frame: DataFrame = attrs.field(repr=False)
    start: dt.date
    end: dt.date
    as_of: dt.datetime
    due: DueMode
    by: tuple[str, ...]
    month_start_day: int
    rows_read: int
    rows_rejected: int
    rows_used: int
    items_766: tuple[Item766, ...] = attrs.field(repr=False, default=ITEMS)
    _classes: dict[_Set, tuple[str, int]] = attrs.field(repr=False, factory=dict, init=False)
    _local: dict[tuple[str, ...], pa.Table] = attrs.field(repr=False, factory=dict, init=False)
    _provisional: bool | None = attrs.field(repr=False, default=None, init=False)

    def _months(self) -> list[tuple[str, dt.date, dt.date]]:
        return monthly_periods(self.start, self.end, month_start_day=self.month_start_day)

    def _class_view(self, wanted: _Set) -> tuple[str, int]:
        """The classes of a break-down: ``(view, grouping set)``, read in one scan.

        The first call computes (and caches) in the same scan the classes of the report's
        own break-down, of the whole period and of the procedures (for
        :attr:`processing_times`), and of ``wanted``; a later break-down costs one more scan.
        """
        found = self._classes.get(wanted)
        if found is not None:
            return found
        if self._classes:
            sets: list[_Set] = [wanted]
        else:
            own = (tuple(g for g in self.by if g != "month"), "month" not in self.by)
            sets = list(dict.fromkeys([own, ((), True), (("procedure",), True), wanted]))
        name = _view_name("classes")
        spark = self.frame.sparkSession
        records = _view_name("records")
        # the provisional flag is gathered during the same scan (no second run of the kernel)
        seen = Observation()
        flag = f.max(PROVISIONAL_FIELD.name).alias(PROVISIONAL_FIELD.name)
        self.frame.observe(seen, flag).createOrReplaceTempView(records)
        classes = spark.sql(class_sql(sets, len(self._months()), records=records)).cache()
        classes.count()  # the one scan of the records: the classes are kept from here on
        spark.catalog.dropTempView(records)
        classes.createOrReplaceTempView(name)
        if self._provisional is None:
            self._provisional = bool(seen.get[PROVISIONAL_FIELD.name])
        for i, chosen in enumerate(sets):
            self._classes[chosen] = (name, i)
        return self._classes[wanted]

    def indicators(self, by: Sequence[str] | str = ()) -> DataFrame:
        """The indicators broken down by ``by``, as a Spark DataFrame.

        ``by``: any of ``department``, ``procedure``, ``field``, ``channel``, ``month``;
        ``()`` is the whole period overall. The columns of
        :meth:`onestop.reports.Report.indicators`, in the same order.
        """
        key = check_by(by)
        groups = tuple(g for g in key if g != "month")
        monthly = "month" in key
        months = self._months()
        spans = (
            months
            if monthly
            else [(f"{self.start.isoformat()}/{self.end.isoformat()}", self.start, self.end)]
        )
        view, grouping_set = self._class_view((groups, not monthly))
        spark = self.frame.sparkSession
        periods = _view_name("periods")
        rows = [(i, label, first, last) for i, (label, first, last) in enumerate(spans)]
        spark.createDataFrame(rows, schema=spark_schema(_PERIODS)).createOrReplaceTempView(periods)
        sql = indicator_sql(
            groups,
            len(months) if monthly else 1,
            records=_view_name("unused"),
            periods=periods,
            classes=view,
            grouping_set=grouping_set,
        )
        return spark.sql(sql)

    def collect(self, by: Sequence[str] | str = ()) -> pa.Table:
        """:meth:`indicators` brought to the driver as an Arrow table (kept for later calls)."""
        key = check_by(by)
        table = self._local.get(key)
        if table is None:
            table = self._local[key] = self.indicators(key).toArrow()
        return table

    def table(self) -> DataFrame:
        """The indicators by :attr:`by`."""
        return self.indicators(self.by)

    @property
    def overall(self) -> dict[str, Any]:
        """The indicators of the whole period as ``column -> value`` (zeros when empty)."""
        return overall_row(self.collect(()), self.start, self.end)

    @property
    def provisional(self) -> bool:
        """Whether a computed due date depends on a year without an official notice."""
        if self._provisional is None:
            self._class_view(((), True))
        return bool(self._provisional)

    @property
    def processing_times(self) -> pa.Table:
        """Per procedure: dossiers resolved in the period and their mean processing time.

        As :attr:`onestop.reports.Report.processing_times` (Decision 766 item 2.2), from the
        per-procedure classes of the first scan.
        """
        table = self.collect(("procedure",))
        table = table.filter(pc.greater(table.column("resolved_total"), 0))
        table = table.sort_by([("resolved_total", "descending"), ("procedure", "ascending")])
        return table.select(["procedure", "resolved_total", "mean_working_days",
                             "mean_elapsed_days"])  # fmt: skip

    @property
    def decision_766(self) -> dict[str, list[dict[str, object]]]:
        """The Decision 766 items computable from the records, and the group scores."""
        return score_766(self.overall, self.items_766)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data: the object of :meth:`onestop.reports.Report.to_dict`."""
        return report_dict(
            period=(self.start, self.end, self.as_of),
            due=self.due,
            provisional=self.provisional,
            rows=(self.rows_read, self.rows_rejected, self.rows_used),
            overall=self.overall,
            decision_766=self.decision_766,
            processing_times=self.processing_times,
            by=self.by,
            table=self.collect(self.by) if self.by else None,
        )

    def close(self) -> None:
        """Drop the cached classes (the report's queries cannot run afterwards)."""
        spark = self.frame.sparkSession
        for view in {name for name, _ in self._classes.values()}:
            spark.table(view).unpersist()
            spark.catalog.dropTempView(view)
        self._classes.clear()


def _bounds(df: DataFrame) -> tuple[int, dt.datetime | None, dt.datetime | None]:
    """``(rows, first receipt, last event)`` of the records, in one pass."""
    row = df.agg(
        f.count(f.lit(1)),
        f.min("received_at"),
        f.greatest(f.max("received_at"), f.max("finished_at"), f.max("returned_at")),
    ).collect()[0]
    return int(row[0]), row[1], row[2]


def report(
    df: DataFrame,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    by: Sequence[str] | str = (),
    due: DueMode = "stored",
    month_start_day: int = 1,
    as_of: dt.datetime | None = None,
    calendar: _engine.WorkCalendar | None = None,
    items_766: Sequence[Item766] = ITEMS,
    rows_read: int | None = None,
    rows_rejected: int = 0,
) -> SparkReport:
    """Compute the one-stop indicators of a Spark DataFrame of records for a period.

    The arguments of :func:`onestop.reports.report`; the records are a Spark DataFrame of
    validated records (:func:`onestop.records.read_records`, then
    :func:`onestop.spark.records_frame` or the records table written to Parquet).

    Args:
        df: the records.
        start: first day (default the first receipt date).
        end: last day (default the date of the last event).
        by: the break-down of :meth:`SparkReport.table`.
        due: ``"stored"`` or ``"recompute"``.
        month_start_day: ``1`` calendar months, ``15`` the reporting month from the 15th to
            the 14th (Decree 09/2019/NĐ-CP Art. 12(1)).
        as_of: when open dossiers are judged (default the last event, at most the period's end).
        calendar: the working calendar (default the civil-service calendar); broadcast once.
        items_766: the Decision 766 item table.
        rows_read: input rows, for the JSON object (default the records' count).
        rows_rejected: input rows left out as invalid, for the JSON object.

    Raises:
        InvalidInputError: no record, a bad period, break-down or ``due``.
    """
    key = check_by(by)
    if due not in ("stored", "recompute"):
        raise InvalidInputError(f"due: expected 'stored' or 'recompute', got {due!r}", field="due")
    count, first, last = _bounds(df)
    if not count or first is None or last is None:
        raise InvalidInputError("records: no usable row in the frame", field="records")
    start, end, as_of = resolve_period((first, last), start=start, end=end, as_of=as_of)
    grid = PeriodGrid(
        spans=tuple(monthly_periods(start, end, month_start_day=month_start_day)), as_of=as_of
    )
    return SparkReport(
        frame=indexed_frame(df, calendar=calendar, due=due, grid=grid),
        start=start,
        end=end,
        as_of=as_of,
        due=due,
        by=key,
        month_start_day=month_start_day,
        rows_read=count if rows_read is None else rows_read,
        rows_rejected=rows_rejected,
        rows_used=count,
        items_766=tuple(items_766),
    )


# ---------------------------------------------------------------------------------- audit

#: The columns the audit's ``mapInArrow`` step emits: one row per disagreement, and one
#: summary row per batch (``row`` null) with the batch's counts.
_AUDIT_FIELDS = [
    pa.field("row", pa.int64()),
    pa.field("code", pa.string()),
    pa.field("procedure", pa.string()),
    pa.field("department", pa.string()),
    pa.field("received_at", pa.timestamp("us")),
    pa.field("processing_amount", pa.int64()),
    pa.field("processing_unit", pa.string()),
    pa.field("stored_due_at", pa.timestamp("us")),
    pa.field("computed_due_at", pa.timestamp("us")),
    pa.field("difference_days", pa.int64()),
    pa.field("difference_working_days", pa.int64()),
    pa.field("batch_rows", pa.int64()),
    pa.field("batch_checked", pa.int64()),
    PROVISIONAL_FIELD,
]
_AUDIT_SCHEMA = pa.schema(_AUDIT_FIELDS)
_MISMATCH_COLUMNS = [c.name for c in _AUDIT_FIELDS[:11]]


def _audit_batches(
    calendar: Broadcast[_engine.WorkCalendar], schema: pa.Schema, *, exact: bool
) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """The function ``mapInArrow`` runs on each partition for the audit."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        quiet = calendar.value
        for batch in batches:
            table = pa.Table.from_batches([batch]).cast(schema)
            arrays, provisional = deadline_arrays(table, quiet, "recompute")
            stored = numpy_instants(table.column("due_at"))
            computed = arrays.computed
            both = ~np.isnat(stored) & ~np.isnat(computed)
            sd, cd = stored.astype("datetime64[D]"), computed.astype("datetime64[D]")
            differ = both & ((stored != computed) if exact else (sd != cd))
            rows = np.flatnonzero(differ)
            bad = table.take(pa.array(rows, pa.int64()))
            days = (sd[rows] - cd[rows]).astype(np.int64)
            working = (
                _engine.working_days_taken(quiet, cd[rows], sd[rows]).astype(np.int64)
                if len(rows)
                else np.zeros(0, np.int64)
            )
            units = pc.fill_null(
                bad.column("processing_unit").cast(pa.string()), TimeUnit.WORKING_DAYS.value
            )
            n = len(rows)
            mismatches = pa.table(
                [
                    bad.column("row"),
                    bad.column("code"),
                    bad.column("procedure"),
                    bad.column("department"),
                    bad.column("received_at"),
                    bad.column("processing_amount"),
                    units,
                    bad.column("due_at"),
                    arrow_array(computed[rows], pa.timestamp("us")),
                    arrow_array(days, pa.int64()),
                    arrow_array(working, pa.int64()),
                    pa.nulls(n, pa.int64()),
                    pa.nulls(n, pa.int64()),
                    pa.nulls(n, pa.bool_()),
                ],
                schema=_AUDIT_SCHEMA,
            )
            summary = pa.table(
                [pa.nulls(1, c.type) for c in _AUDIT_FIELDS[:11]]
                + [
                    pa.array([table.num_rows], pa.int64()),
                    pa.array([int(both.sum())], pa.int64()),
                    pa.array([provisional], pa.bool_()),
                ],
                schema=_AUDIT_SCHEMA,
            )
            yield from pa.concat_tables([mismatches, summary]).to_batches()

    return run


@attrs.frozen(slots=True)
class SparkAudit:
    """The result of :func:`audit` on a Spark DataFrame.

    Attributes:
        checked: rows with both a stored due date and a computable one.
        not_checked: rows without a stored due date or without a processing time.
        mismatches: a Spark DataFrame, one row per disagreement ordered by ``row``: the
            columns of :attr:`onestop.reports.Audit.mismatches` (explanations for the first
            ``explain_limit`` rows, null after).
        exact: whether instants were compared (else local dates).
        provisional: a computed date depends on a year without an official notice.
    """

    checked: int
    not_checked: int
    mismatches: DataFrame = attrs.field(repr=False)
    exact: bool
    provisional: bool

    def by_difference(self) -> list[tuple[int, int]]:
        """``(difference in working days, rows)``, most frequent first."""
        counts: Counter[int] = Counter()
        for row in self.mismatches.groupBy("difference_working_days").count().collect():
            counts[int(row[0])] = int(row[1])
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))

    def collect(self, records: Records) -> Audit:
        """The result as an :class:`onestop.reports.Audit` (every mismatch brought here).

        Args:
            records: the records the frame was made from (for the counts of rows read and
                rejected).
        """
        table = self.mismatches.toArrow()
        return Audit(
            records=records,
            checked=self.checked,
            not_checked=self.not_checked,
            mismatches=table.cast(_MISMATCH_SCHEMA),
            exact=self.exact,
            provisional=self.provisional,
        )


_MISMATCH_SCHEMA = pa.schema(
    [*_AUDIT_FIELDS[:11], pa.field("explanation_vi", pa.string()),
     pa.field("explanation_en", pa.string())]
)  # fmt: skip


def audit(
    df: DataFrame,
    *,
    calendar: _engine.WorkCalendar | None = None,
    exact: bool = False,
    explain_limit: int = 1000,
) -> SparkAudit:
    """Recompute the stored due dates of a Spark DataFrame of records; list disagreements.

    As :func:`onestop.reports.audit`: the due date onestop computes (the unit's default
    counting policy) against the export's ``due_at``, by local date (Circular 01/2018/TT-VPCP
    Art. 13 compares dates) or, with ``exact``, by instant. The disagreements of the first
    ``explain_limit`` rows get onestop's explanation, computed on the driver.

    Raises:
        InvalidInputError: no record in the frame, or a kernel column missing.
    """
    schema = kernel_schema(df, fresh=False)
    cal = calendar or _engine.default_calendar()
    shipped = df.sparkSession.sparkContext.broadcast(_engine.quiet(cal))
    out = df.mapInArrow(_audit_batches(shipped, schema, exact=exact), spark_schema(_AUDIT_SCHEMA))
    out = out.persist(StorageLevel.MEMORY_AND_DISK)
    totals = (
        out.where(f.col("row").isNull())
        .agg(f.sum("batch_rows"), f.sum("batch_checked"), f.max(PROVISIONAL_FIELD.name))
        .collect()[0]
    )
    rows, checked = int(totals[0] or 0), int(totals[1] or 0)
    if not rows:
        out.unpersist()
        raise InvalidInputError("records: no usable row in the frame", field="records")
    bad = out.where(f.col("row").isNotNull()).select(*_MISMATCH_COLUMNS)
    head = (
        bad.orderBy("row")
        .limit(max(explain_limit, 0))
        .select("row", "received_at", "processing_amount", "processing_unit")
        .collect()
    )
    explained = []
    for row in head:
        received = row["received_at"].replace(tzinfo=_engine.VN_TZ)
        unit = TimeUnit(row["processing_unit"])
        _, vi, en = _engine.explain_due(cal, received, row["processing_amount"], unit)
        explained.append((row["row"], vi, en))
    texts = pa.table(
        [
            pa.array([r for r, _, _ in explained], pa.int64()),
            arrow_strings([v for _, v, _ in explained]),
            arrow_strings([e for _, _, e in explained]),
        ],
        names=["row", "explanation_vi", "explanation_en"],
    )
    spark = df.sparkSession
    notes = spark.createDataFrame(texts, schema=spark_schema(texts.schema))
    mismatches = bad.join(f.broadcast(notes), on="row", how="left").orderBy("row")
    return SparkAudit(
        checked=checked,
        not_checked=rows - checked,
        mismatches=mismatches.select(*_MISMATCH_SCHEMA.names),
        exact=exact,
        provisional=bool(totals[2]),
    )
