"""The ``onestop report`` and ``onestop audit`` commands (need the ``reports`` extra).

Both read another system's dossier export (CSV, Parquet or Excel) through
:func:`~onestop.cli._app.read_input_bytes` with a cap of :data:`MAX_EXPORT_BYTES`: a CSV export
takes about 100 bytes a dossier, so the cap holds some ten million dossiers, a province's
decade, and keeps the file plus its columns well inside a server's memory. Larger exports go
through the Python API (:func:`onestop.records.read_records` reads from the path), or are
split by period.

A row that cannot be read never fails the command: it is counted in ``rows_rejected`` and
listed with ``--errors OUT.csv``. Exit status 2 for bad input (an unreadable file, an unknown
column mapping, no usable row), 1 for other failures.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from onestop.cli._app import (
    JsonOption,
    column_mapping,
    console,
    handle_errors,
    path_value,
    print_envelope,
    read_input_bytes,
    text_value,
)
from onestop.errors import InvalidInputError
from onestop.tz import parse_date

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from onestop.records import Records

__all__ = ["MAX_EXPORT_BYTES", "audit_command", "report_command"]

#: The largest export file the commands read (1 GiB).
MAX_EXPORT_BYTES = 1 << 30

_FORMATS = ("csv", "parquet", "excel")

ColumnOption = Annotated[
    list[str] | None,
    typer.Option(
        "--column",
        parser=text_value,
        metavar="FIELD=COLUMN",
        help="Use the export's COLUMN for a record FIELD, e.g. --column department=phong_ban "
        "(repeat for several). Portal names (MaHoSo, NgayTiepNhan, …) need none.",
    ),
]
FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        parser=text_value,
        help="csv, parquet or excel (default: from the file extension).",
    ),
]
SheetOption = Annotated[
    str | None,
    typer.Option("--sheet", parser=text_value, help="Excel worksheet name (default: the first)."),
]
EngineOption = Annotated[
    str,
    typer.Option(
        "--engine",
        parser=text_value,
        help="duckdb (in this process, the default) or spark (onestop.spark; the spark extra "
        "and Java 17): the same JSON either way.",
    ),
]
MasterOption = Annotated[
    str | None,
    typer.Option(
        "--master",
        parser=text_value,
        metavar="URL",
        help="With --engine spark: the Spark master, e.g. local[2] or spark://host:7077 "
        "(default: Spark's own, local[*] outside spark-submit).",
    ),
]
ErrorsOption = Annotated[
    Path | None,
    typer.Option(
        "--errors",
        parser=path_value,
        metavar="OUT.csv",
        help="Write the rejected rows' problems here.",
    ),
]


def _read(path: Path, fmt: str | None, sheet: str | None, columns: list[str] | None) -> Records:
    from onestop.records import read_records
    from onestop.records._sources import detect_format

    if fmt is not None and fmt not in _FORMATS:
        raise InvalidInputError(
            f"format: {fmt!r} is not a format; expected {', '.join(_FORMATS)}", field="format"
        )
    chosen = fmt or detect_format(path)
    mapping = column_mapping(columns, example="department=phong_ban")
    data = read_input_bytes(path, field="file", max_bytes=MAX_EXPORT_BYTES)
    sheet_ref: str | int | None = int(sheet) if sheet is not None and sheet.isdigit() else sheet
    return read_records(data, columns=mapping, format=chosen, sheet=sheet_ref)  # type: ignore[arg-type]


_ENGINES = ("duckdb", "spark")


def _engine(engine: str, master: str | None) -> bool:
    """Whether the command runs on Spark (``--master`` only goes with ``--engine spark``)."""
    if engine not in _ENGINES:
        raise InvalidInputError(
            f"engine: {engine!r} is not an engine; expected {', '.join(_ENGINES)}",
            field="engine",
        )
    if master is not None and engine != "spark":
        raise InvalidInputError("master: --master goes with --engine spark", field="master")
    return engine == "spark"


@contextlib.contextmanager
def _spark_session(master: str | None) -> Iterator[SparkSession]:
    """The Spark session of the command (the running one, else a new one kept to the exit)."""
    from onestop.spark import local_session

    with warnings.catch_warnings():
        # pyspark's notice about the pandas version installed beside it, not about onestop
        warnings.filterwarnings("ignore", "PySpark does not yet fully support", FutureWarning)
        yield local_session(master)


def _date(text: str | None, field: str) -> dt.date | None:
    return None if text is None else parse_date(text, field=field)


def _write_errors(records: Records, path: Path | None) -> None:
    if path is None:
        return
    import pyarrow.csv as pcsv

    try:
        pcsv.write_csv(records.errors, str(path))
    except OSError as exc:
        raise OSError(f"cannot write {path}: {exc.strerror}") from None


def _pct(value: Any) -> str:
    return "—" if value is None else f"{100 * value:.2f} %"


def _n(value: Any) -> str:
    return "—" if value is None else f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"


def _print_report(data: dict[str, Any], table_rows: list[dict[str, Any]], by: list[str]) -> None:
    from rich.table import Table

    period = data["period"]
    console.print(
        f"Period {period['from']} – {period['to']} (open dossiers judged at {period['as_of']}); "
        f"due dates: {data['due_dates']}; {data['rows_used']:,} rows used, "
        f"{data['rows_rejected']:,} rejected of {data['rows_read']:,}.",
        markup=False,
        soft_wrap=True,
    )
    rec, res, prog = data["received"], data["resolved"], data["in_progress"]
    summary = Table(title="Indicators", show_header=True)
    summary.add_column("indicator")
    summary.add_column("value", justify="right")
    summary.add_column("share / rate", justify="right")
    summary.add_row("received", _n(rec["total"]), "")
    for channel in ("direct", "online", "postal"):
        summary.add_row(
            f"  {channel}", _n(rec["by_channel"][channel]), _pct(rec["shares"][channel])
        )
    summary.add_row("carried over", _n(rec["carried_over"]), "")
    summary.add_row("resolved", _n(res["total"]), "")
    summary.add_row("  early", _n(res["early"]), "")
    summary.add_row("  on time", _n(res["on_time"]), "")
    summary.add_row("  late", _n(res["late"]), "")
    summary.add_row("  on-time rate", "", _pct(res["on_time_rate"]))
    summary.add_row("returned", _n(res["returned"]), "")
    summary.add_row("in progress, within due date", _n(prog["on_time"]), "")
    summary.add_row("in progress, overdue", _n(prog["overdue"]), "")
    summary.add_row("mean working days taken", _n(res["mean_working_days"]), "")
    summary.add_row("online submission", "", _pct(data["online"]["submission_rate"]))
    summary.add_row("online payment", "", _pct(data["online"]["payment_rate"]))
    summary.add_row("digitisation", "", _pct(data["digitisation"]["rate"]))
    summary.add_row("reuse", "", _pct(data["reuse"]["rate"]))
    console.print(summary)
    items = Table(title="Decision 766/QĐ-TTg (items computable from dossiers)")
    for col in ("item", "name", "ratio", "target", "points", "score"):
        items.add_column(col, justify="right" if col not in ("name",) else "left")
    for it in data["decision_766"]["items"]:
        items.add_row(
            it["item"],
            it["name"],
            _pct(it["ratio"]),
            _pct(it["target"]),
            _n(it["points"]),
            _n(it["score"]),
        )
    console.print(items)
    if table_rows:
        groups = Table(title=f"By {', '.join(by)}")
        cols = ["period", *[b for b in by if b != "month"]]
        for col in (*cols, "received", "resolved", "late", "on-time rate", "overdue"):
            groups.add_column(col)
        for row in table_rows[:50]:
            groups.add_row(
                *(str(row[c]) if row[c] is not None else "—" for c in cols),
                _n(row["received_total"]),
                _n(row["resolved_total"]),
                _n(row["resolved_late"]),
                _pct(row["on_time_rate"]),
                _n(row["in_progress_overdue"]),
            )
        console.print(groups)
        if len(table_rows) > 50:
            console.print(f"… {len(table_rows) - 50:,} more rows (use --json or --html)")


def _print_errors_hint(records: Records, errors_path: Path | None) -> None:
    summary = records.errors_summary()
    if not summary:
        return
    rejected = records.rows_rejected
    console.print(
        f"{rejected:,} row{'' if rejected == 1 else 's'} rejected; most common problems:",
        markup=False,
    )
    for column, reason, rows in summary[:5]:
        console.print(f"  {rows:,} × {column or '(line)'}: {reason}", markup=False)
    if errors_path is None:
        console.print("  (--errors OUT.csv lists every rejected row)", markup=False)


@handle_errors
def report_command(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="The export: CSV, Parquet or Excel.")
    ],
    date_from: Annotated[
        str | None,
        typer.Option(
            "--from",
            parser=text_value,
            metavar="DATE",
            help="First day (default: the first receipt).",
        ),
    ] = None,
    date_to: Annotated[
        str | None,
        typer.Option(
            "--to", parser=text_value, metavar="DATE", help="Last day (default: the last event)."
        ),
    ] = None,
    by: Annotated[
        list[str] | None,
        typer.Option(
            "--by",
            parser=text_value,
            help="Break down by department, procedure, field, channel or month (repeat or "
            "comma-separate to combine, e.g. --by department,month).",
        ),
    ] = None,
    reporting_period: Annotated[
        bool,
        typer.Option(
            "--reporting-period",
            metavar="",
            help="Months run from the 15th to the 14th (Decree 09/2019/NĐ-CP Art. 12).",
        ),
    ] = False,
    recompute: Annotated[
        bool,
        typer.Option(
            "--recompute",
            metavar="",
            help="Judge against onestop's due dates instead of the export's NgayHenTra.",
        ),
    ] = False,
    html_out: Annotated[
        Path | None,
        typer.Option(
            "--html", parser=path_value, metavar="OUT", help="Write a self-contained HTML report."
        ),
    ] = None,
    errors_out: ErrorsOption = None,
    columns: ColumnOption = None,
    fmt: FormatOption = None,
    sheet: SheetOption = None,
    engine: EngineOption = "duckdb",
    master: MasterOption = None,
    json_: JsonOption = False,
) -> None:
    """Indicators of a dossier export: received by channel, early / on-time / late, 766.

    With --json, print one object with received.total, received.by_channel.{direct,online,
    postal}, resolved.total, resolved.early, resolved.on_time, resolved.late, rows_rejected,
    in_progress, online, digitisation, reuse, decision_766, processing_time (and groups with
    --by).
    """
    from onestop.reports import report

    on_spark = _engine(engine, master)
    if on_spark and html_out is not None:
        raise InvalidInputError(
            "html: the HTML report is drawn by the default engine; drop --engine spark",
            field="html",
        )
    breakdown = [b.strip() for item in by or () for b in item.split(",") if b.strip()]
    records = _read(file, fmt, sheet, columns)
    options: dict[str, Any] = {
        "start": _date(date_from, "from"),
        "end": _date(date_to, "to"),
        "by": breakdown,
        "due": "recompute" if recompute else "stored",
        "month_start_day": 15 if reporting_period else 1,
    }
    if on_spark:
        from onestop.records import require_rows
        from onestop.spark import records_frame
        from onestop.spark import report as spark_report

        require_rows(records)
        with _spark_session(master) as session:
            frame = records_frame(session, records)
            data = spark_report(
                frame,
                rows_read=records.rows_read,
                rows_rejected=records.rows_rejected,
                **options,
            ).to_dict()
    else:
        rep = report(records, **options)
        data = rep.to_dict()
    _write_errors(records, errors_out)
    if html_out is not None:
        text = rep.to_html(title=f"Báo cáo một cửa — {file.name}")
        try:
            html_out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise OSError(f"cannot write {html_out}: {exc.strerror}") from None
    if json_:
        print_envelope(data)
        return
    _print_report(data, data.get("groups", []), breakdown)
    _print_errors_hint(records, errors_out)
    if html_out is not None:
        console.print(f"HTML report written to {html_out}", markup=False)


@handle_errors
def audit_command(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="The export: CSV, Parquet or Excel.")
    ],
    exact: Annotated[
        bool,
        typer.Option(
            "--exact", metavar="", help="Compare hours and minutes too (default: dates only)."
        ),
    ] = False,
    limit: Annotated[
        int, typer.Option("--limit", help="Disagreements to print (--json: to list).")
    ] = 20,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            parser=path_value,
            metavar="OUT.csv",
            help="Write every disagreement, with explanations.",
        ),
    ] = None,
    errors_out: ErrorsOption = None,
    columns: ColumnOption = None,
    fmt: FormatOption = None,
    sheet: SheetOption = None,
    engine: EngineOption = "duckdb",
    master: MasterOption = None,
    json_: JsonOption = False,
) -> None:
    """Recompute the export's stored due dates (NgayHenTra) and list those that disagree.

    Each disagreement comes with onestop's step-by-step explanation of its own date, so the
    exporting software can be aligned. With --json, print one object with checked, matching,
    mismatched, not_checked, by_difference, mismatches (up to --limit) and agreed. Exit status
    0 when every checked date agrees, 1 when any disagrees (so a pipeline can gate on it), 2 on
    bad input.
    """
    from onestop.reports import audit

    if limit < 0:
        raise InvalidInputError("limit: must be >= 0", field="limit")
    on_spark = _engine(engine, master)
    records = _read(file, fmt, sheet, columns)
    if on_spark:
        from onestop.records import require_rows
        from onestop.spark import audit as spark_audit
        from onestop.spark import records_frame

        require_rows(records)
        with _spark_session(master) as session:
            result = spark_audit(records_frame(session, records), exact=exact).collect(records)
    else:
        result = audit(records, exact=exact)
    _write_errors(records, errors_out)
    if out is not None:
        import pyarrow.csv as pcsv

        try:
            pcsv.write_csv(result.mismatches, str(out))
        except OSError as exc:
            raise OSError(f"cannot write {out}: {exc.strerror}") from None
    summary = result.to_dict(limit=limit)
    agreed = summary["mismatched"] == 0
    summary["agreed"] = agreed
    if json_:
        print_envelope(summary, ok=agreed)
        if not agreed:
            raise typer.Exit(1)
        return
    console.print(result.summary(), markup=False, soft_wrap=True)
    for row in result.to_dict(limit=limit)["mismatches"]:
        console.print(
            f"\nrow {row['row']} {row['code']}: stored {row['stored_due_at']}, onestop "
            f"{row['computed_due_at']} ({_working_days(row['difference_working_days'])})",
            markup=False,
            soft_wrap=True,
        )
        if row["explanation_en"]:
            console.print(row["explanation_en"], markup=False, soft_wrap=True)
    _print_errors_hint(records, errors_out)
    if not agreed:
        raise typer.Exit(1)


def _working_days(difference: int) -> str:
    """``"+1 working day"``, ``"-3 working days"``."""
    return f"{difference:+d} working day{'' if abs(difference) == 1 else 's'}"
