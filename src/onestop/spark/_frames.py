"""The deadline kernel on Spark: ``mapInArrow`` over Arrow batches, the calendar broadcast.

Every function here takes a Spark DataFrame of validated records (the columns of
:attr:`onestop.records.Records.table`: an export read with :func:`onestop.records.read_records`,
then :func:`onestop.spark.records_frame`, or that table written to Parquet and read by Spark)
and returns a new one. The deadlines are computed by the
same bulk kernel as the embedded reports (:func:`onestop.reports.deadline_columns`), one Arrow
batch at a time, inside Spark's Python workers: no row is turned into a Python object.

The working calendar is pickled on the driver with the index it has built and sent once as a
Spark broadcast variable; each executor's Python worker unpickles it once and keeps it for the
batches it runs (workers are reused between tasks, Spark's default).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pyspark.sql import functions as f
from pyspark.sql import types as t

from onestop.deadlines.timeliness import Timeliness
from onestop.errors import InvalidInputError
from onestop.records._arrow import arrow_array, numpy_bools, numpy_instants
from onestop.reports import _engine
from onestop.reports._kernel import (
    KERNEL_FIELDS,
    NOT_RESOLVED,
    DueMode,
    append_deadline_columns,
    computed_due,
    deadline_arrays,
)
from onestop.reports._periods import (
    PERIOD_FIELDS,
    RETURNED,
    PeriodGrid,
    append_period_columns,
    period_indexes,
)

if TYPE_CHECKING:
    from pyspark.broadcast import Broadcast
    from pyspark.sql import DataFrame, SparkSession

__all__ = [
    "PROVISIONAL_FIELD",
    "deadline_columns",
    "due_dates",
    "indexed_frame",
    "kernel_schema",
    "records_frame",
    "spark_schema",
    "timeliness",
]

#: The per-row flag the Spark kernel adds: the row's computed dates depend on a year without
#: an official civil-service notice (the embedded report's ``provisional``, row by row).
PROVISIONAL_FIELD = pa.field("provisional", pa.bool_())

#: The record columns the indicator SQL reads besides the kernel's (the break-down columns,
#: the channel, the status and the flags of the online-payment, digitisation and reuse rates).
_REPORT_INPUTS = (
    "department", "procedure", "field", "channel", "status", "paid_online", "fee_bearing",
    "digitised", "e_result", "reused",
)  # fmt: skip
#: The kernel's columns the indicator SQL reads.
_KERNEL_OUTPUTS = ("end_at", "outcome", "working_days_taken", "elapsed_days")
#: The record columns the due dates alone read.
_DUE_INPUTS = ("received_at", "processing_amount", "processing_unit")
#: The record columns the kernel reads.
_KERNEL_INPUTS = (
    "received_at", "due_at", "finished_at", "returned_at", "status", "processing_amount",
    "processing_unit",
)  # fmt: skip


def _spark_type(arrow: pa.DataType) -> t.DataType:
    """The Spark SQL type of an Arrow type used by the records and the kernel."""
    if pa.types.is_timestamp(arrow):
        # local wall-clock time without a zone: Spark's TIMESTAMP_NTZ, never shifted
        return t.TimestampNTZType()
    simple: list[tuple[Callable[[pa.DataType], bool], t.DataType]] = [
        (pa.types.is_string, t.StringType()),
        (pa.types.is_large_string, t.StringType()),
        (pa.types.is_boolean, t.BooleanType()),
        (pa.types.is_int8, t.ByteType()),
        (pa.types.is_int32, t.IntegerType()),
        (pa.types.is_int64, t.LongType()),
        (pa.types.is_float64, t.DoubleType()),
        (pa.types.is_date32, t.DateType()),
    ]
    for check, spark in simple:
        if check(arrow):
            return spark
    raise TypeError(f"no Spark type for the Arrow type {arrow}")  # pragma: no cover - our schemas


def spark_schema(schema: pa.Schema | Sequence[pa.Field]) -> t.StructType:
    """The Spark schema of an Arrow schema (timestamps as ``TIMESTAMP_NTZ``: local time)."""
    return t.StructType(
        [t.StructField(c.name, _spark_type(c.type), nullable=c.nullable) for c in schema]
    )


def _arrow_schema(schema: t.StructType) -> pa.Schema:
    """The Arrow schema of a frame's batches (``TIMESTAMP_NTZ`` as ``timestamp[us]``)."""
    by_type: list[tuple[type[t.DataType], pa.DataType]] = [
        (t.TimestampNTZType, pa.timestamp("us")),
        (t.StringType, pa.string()),
        (t.BooleanType, pa.bool_()),
        (t.ByteType, pa.int8()),
        (t.IntegerType, pa.int32()),
        (t.LongType, pa.int64()),
        (t.DoubleType, pa.float64()),
        (t.DateType, pa.date32()),
    ]
    fields = []
    for col in schema.fields:
        arrow = next((a for kind, a in by_type if isinstance(col.dataType, kind)), None)
        if arrow is None:
            raise InvalidInputError(
                f"records: column {col.name!r} has the Spark type {col.dataType.simpleString()}, "
                "which the records do not use; build the frame with onestop.spark.records_frame "
                "(from onestop.records.read_records) or from the records table written to "
                "Parquet",
                field="records",
            )
        fields.append(pa.field(col.name, arrow, nullable=col.nullable))
    return pa.schema(fields)


def records_frame(spark: SparkSession, records: Any) -> DataFrame:
    """A Spark DataFrame of validated records, from :class:`~onestop.records.Records` or Arrow.

    Args:
        spark: the session.
        records: :class:`~onestop.records.Records`, or an Arrow table in the schema of
            :attr:`~onestop.records.Records.table`.

    Returns:
        The rows with local instants as ``TIMESTAMP_NTZ`` (never shifted by the session's time
        zone).
    """
    table: pa.Table = getattr(records, "table", records)
    return spark.createDataFrame(table, schema=spark_schema(table.schema))


def kernel_schema(
    df: DataFrame,
    *,
    fresh: bool = True,
    inputs: Sequence[str] = _KERNEL_INPUTS,
    added: Sequence[str] | None = None,
) -> pa.Schema:
    """The Arrow schema of ``df``'s batches, after checking it has the kernel's inputs.

    Args:
        df: validated records.
        fresh: also refuse a frame that already has a column the kernel adds.
        inputs: the columns the computation reads (default the whole kernel's).
        added: the columns it adds (default the kernel's and ``provisional``).

    Raises:
        InvalidInputError: a column missing (or, with ``fresh``, already there), or of a type
            the records do not use.
    """
    schema = _arrow_schema(df.schema)
    missing = [name for name in inputs if name not in schema.names]
    if missing:
        raise InvalidInputError(
            f"records: the frame has no column {', '.join(missing)}; pass validated records "
            "(read an export's own column names with onestop.records.read_records, then "
            "onestop.spark.records_frame or Parquet)",
            field="records",
        )
    if added is None:
        added = [c.name for c in (*KERNEL_FIELDS, PROVISIONAL_FIELD)]
    taken = [name for name in added if name in schema.names]
    if fresh and taken:
        raise InvalidInputError(
            f"records: the frame already has the column {', '.join(taken)}; drop it first",
            field="records",
        )
    return schema


def _provisional_rows(
    calendar: _engine.WorkCalendar,
    received: np.ndarray[Any, Any],
    computed: np.ndarray[Any, Any],
    end: np.ndarray[Any, Any] | None = None,
) -> pa.Array:
    """Per row: whether its computed due date or its working days taken use a provisional year.

    The rule of :func:`onestop.reports.deadline_columns`'s flag, row by row: the years from the
    receipt to the computed due date, or to the ``end`` when the working days taken were
    counted (none when only due dates were computed).
    """
    years = np.array(sorted(_engine.provisional_years(calendar)), dtype=np.int64)
    n = len(received)
    if not years.size:
        return arrow_array(np.zeros(n, dtype=bool), pa.bool_())

    def year(values: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        return values.astype("datetime64[Y]").astype(np.int64) + 1970

    first = np.datetime64(f"{calendar.first_year:04d}-01-01", "us")
    beyond = np.datetime64(f"{calendar.last_year + 1:04d}-01-01", "us")
    spans = [(computed, ~np.isnat(computed))]
    if end is not None:
        spans.append((end, ~np.isnat(end) & (received >= first) & (end < beyond)))
    flags = np.zeros(n, dtype=bool)
    for other, rows in spans:
        rows &= ~np.isnat(received)
        if not rows.any():
            continue
        a, b = year(received[rows]), year(other[rows])
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        inside = np.searchsorted(years, hi, side="right") - np.searchsorted(years, lo, "left")
        flags[rows] |= inside > 0
    return arrow_array(flags, pa.bool_())


def _kernel_batches(
    calendar: Broadcast[_engine.WorkCalendar],
    due: DueMode,
    schema: pa.Schema,
    out_schema: pa.Schema,
    grid: PeriodGrid | None,
) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """The function ``mapInArrow`` runs on each partition (in the executors' Python workers)."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        # unpickled once per worker process (with its index), then kept for every batch
        quiet = calendar.value
        for batch in batches:
            table = pa.Table.from_batches([batch]).cast(schema)
            arrays, _ = deadline_arrays(table, quiet, due)
            out = append_deadline_columns(table, arrays)
            flags = _provisional_rows(quiet, arrays.received, arrays.computed, arrays.end)
            out = out.append_column(PROVISIONAL_FIELD, flags)
            if grid is not None:
                indexes = period_indexes(
                    grid,
                    received=arrays.received,
                    end=arrays.end,
                    finished=arrays.finished,
                    returned=arrays.returned,
                    due=arrays.used,
                    returned_status=numpy_bools(pc.equal(table.column("status"), RETURNED)),
                    not_resolved=arrays.not_resolved,
                )
                out = append_period_columns(out, indexes)
            yield from out.select(out_schema.names).cast(out_schema).to_batches()

    return run


def _due_function(calendar: Broadcast[_engine.WorkCalendar]) -> Any:
    """The Arrow UDF of :func:`due_dates`: ``(received_at, amount, unit)`` → due instant, flag.

    A scalar Arrow UDF rather than ``mapInArrow``: only its three input columns travel to the
    Python worker and one struct column back, the rest of the row stays in the JVM (half the
    time of sending whole rows through ``mapInArrow``, which alone costs more than the due
    dates). The bulk computation is the kernel's ``computed_due_at``.
    """
    computed_field = next(c for c in KERNEL_FIELDS if c.name == "computed_due_at")
    fields = [computed_field, PROVISIONAL_FIELD]

    def due(received: pa.Array, amount: pa.Array, unit: pa.Array) -> pa.Array:
        quiet = calendar.value  # unpickled once per worker process, with its index
        instants = numpy_instants(received)
        values = computed_due(quiet, instants, pa.chunked_array([amount]), pa.chunked_array([unit]))
        return pa.StructArray.from_arrays(
            [
                arrow_array(values, computed_field.type, mask=np.isnat(values)),
                _provisional_rows(quiet, instants, values),
            ],
            fields=fields,
        )

    from pyspark.sql.pandas.functions import arrow_udf

    # the function type comes from the hints (pa.Array in, pa.Array out), as pyspark prefers;
    # its stubs only type that call with an explicit function type
    udf: Any = arrow_udf
    return udf(due, spark_schema(fields))


def _broadcast(df: DataFrame, calendar: _engine.WorkCalendar | None) -> Broadcast[Any]:
    """``calendar`` (default the civil-service one), without warnings, broadcast once.

    The kernel flags provisional years itself, so the executors get the calendar's quiet twin
    (:func:`onestop.reports._engine.quiet`), with the index of the current years built here.
    """
    quiet = _engine.quiet(calendar or _engine.default_calendar())
    year = dt.date.today().year
    if quiet.covers(year) and quiet.covers(year + 1):
        quiet.add_working_days(dt.date(year, 1, 2), 1)
    return df.sparkSession.sparkContext.broadcast(quiet)


def _run_kernel(
    df: DataFrame,
    *,
    calendar: _engine.WorkCalendar | None,
    due: DueMode,
    grid: PeriodGrid | None,
    keep: Sequence[str] | None = None,
) -> DataFrame:
    """``df`` with the kernel's columns (and ``grid``'s indexes); only ``keep`` when given."""
    if due not in ("stored", "recompute"):
        raise InvalidInputError(f"due: expected 'stored' or 'recompute', got {due!r}", field="due")
    schema = kernel_schema(df)
    added = [*KERNEL_FIELDS, PROVISIONAL_FIELD]
    if grid is not None:
        added += [pa.field(name, pa.int32()) for name in PERIOD_FIELDS]
    out_schema = pa.schema([*schema, *added])
    if keep is not None:
        out_schema = pa.schema([c for c in out_schema if c.name in keep])
    run = _kernel_batches(_broadcast(df, calendar), due, schema, out_schema, grid)
    return df.mapInArrow(run, spark_schema(out_schema))


def deadline_columns(
    df: DataFrame,
    *,
    calendar: _engine.WorkCalendar | None = None,
    due: DueMode = "stored",
) -> DataFrame:
    """Append the deadline kernel's columns to a frame of validated records.

    The columns of :func:`onestop.reports.deadline_columns` (``computed_due_at``,
    ``due_used``, ``due_source``, ``end_at``, ``outcome``, ``working_days_taken``,
    ``elapsed_days``), computed by the same kernel batch by batch, and ``provisional``: the
    row's computed dates depend on a year without an official civil-service notice. Due dates
    follow each unit's default counting policy (working days, calendar days, same day with its
    15:00 cut-off, working hours, months; Decree 61/2018/NĐ-CP and the Civil Code 2015
    Art. 147-148).

    Args:
        df: validated records (instants as local ``TIMESTAMP_NTZ``).
        calendar: the working calendar (default the civil-service calendar); broadcast once.
        due: ``"stored"`` trusts the export's due dates, ``"recompute"`` uses onestop's.

    Raises:
        InvalidInputError: a kernel input column is missing, or ``due`` is not a mode.
    """
    return _run_kernel(df, calendar=calendar, due=due, grid=None)


def due_dates(df: DataFrame, *, calendar: _engine.WorkCalendar | None = None) -> DataFrame:
    """``df`` with ``computed_due_at``: onestop's due date of every record, and ``provisional``.

    The due instant (local time) from ``received_at`` and the processing time
    (``processing_amount`` in ``processing_unit``, default working days) under the unit's
    default counting policy; null without a processing time or outside the calendar's years.

    Args:
        df: validated records.
        calendar: the working calendar (default the civil-service calendar).
    """
    kernel_schema(df, inputs=_DUE_INPUTS, added=("computed_due_at", PROVISIONAL_FIELD.name))
    due = _due_function(_broadcast(df, calendar))
    packed = "__onestop_due"
    return df.withColumn(packed, due("received_at", "processing_amount", "processing_unit")).select(
        *(f.col(f"`{c}`") for c in df.columns),
        f.col(f"{packed}.computed_due_at").alias("computed_due_at"),
        f.col(f"{packed}.{PROVISIONAL_FIELD.name}").alias(PROVISIONAL_FIELD.name),
    )


def timeliness(
    df: DataFrame,
    *,
    as_of: dt.datetime,
    calendar: _engine.WorkCalendar | None = None,
    due: DueMode = "stored",
) -> DataFrame:
    """The kernel's columns and ``timeliness``: each dossier judged against its due date.

    ``early``, ``on_time`` or ``late`` for a resolved dossier (by dates: Circular
    01/2018/TT-VPCP Art. 13); ``in_progress_on_time`` or ``in_progress_overdue`` for one still
    open at ``as_of`` (overdue when ``as_of`` is after its due instant); null for a dossier
    without a due date, not accepted, withdrawn or stopped.

    Args:
        df: validated records.
        as_of: when open dossiers are judged (naive = Vietnam local time; aware converted).
        calendar: the working calendar (default the civil-service calendar).
        due: ``"stored"`` or ``"recompute"`` (see :func:`deadline_columns`).
    """
    if as_of.tzinfo is not None:
        as_of = as_of.astimezone(_engine.VN_TZ).replace(tzinfo=None)
    out = deadline_columns(df, calendar=calendar, due=due)
    labels = [Timeliness.EARLY, Timeliness.ON_TIME, Timeliness.LATE]
    open_row = (
        f.col("end_at").isNull()
        & ~f.col("status").isin(*sorted(s.value for s in NOT_RESOLVED))
        & f.col("due_used").isNotNull()
    )
    label = f.when(f.col("outcome") == 0, f.lit(labels[0].value))
    for code, value in enumerate(labels[1:], start=1):
        label = label.when(f.col("outcome") == code, f.lit(value.value))
    judged = f.lit(as_of.isoformat(sep=" ")).cast("timestamp_ntz")
    label = label.when(
        open_row & (judged > f.col("due_used")), f.lit(Timeliness.IN_PROGRESS_OVERDUE.value)
    ).when(open_row, f.lit(Timeliness.IN_PROGRESS_ON_TIME.value))
    return out.withColumn("timeliness", label)


def indexed_frame(
    df: DataFrame,
    *,
    calendar: _engine.WorkCalendar | None,
    due: DueMode,
    grid: PeriodGrid,
) -> DataFrame:
    """What the indicator SQL reads: the kernel's columns and the period indexes of ``grid``.

    Only the columns the queries use cross from Spark to the Python workers and back (the
    dossier codes and names, for example, do not).
    """
    wanted = [c for c in dict.fromkeys((*_KERNEL_INPUTS, *_REPORT_INPUTS)) if c in df.columns]
    keep = [*_REPORT_INPUTS, *_KERNEL_OUTPUTS, PROVISIONAL_FIELD.name, *PERIOD_FIELDS]
    return _run_kernel(df.select(*wanted), calendar=calendar, due=due, grid=grid, keep=keep)
