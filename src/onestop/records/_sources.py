"""Read an export (CSV, Parquet, Excel, pandas, polars, Arrow) into an Arrow table of its columns.

CSV and Parquet are read by Arrow's multithreaded readers; every CSV column is read as text
(codes such as ``1.000490`` keep their zeros; dates are parsed by :mod:`onestop.records`, not
guessed by the reader). Excel workbooks are read with python-calamine (``excel`` extra).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa

from onestop.errors import InvalidInputError
from onestop.records._arrow import arrow_strings
from onestop.records._plain import sniff_delimiter, workbook_rows

__all__ = ["ReadPlan", "SourceFormat", "detect_format", "kept_rows", "to_arrow"]

SourceFormat = Literal["csv", "parquet", "excel"]

#: Given a file's column names: the columns to read, and those to read dictionary-encoded
#: (few distinct values: channels, statuses, departments…), or ``None`` to read everything.
ReadPlan = Callable[[list[str]], tuple[list[str], set[str]]]

_DICT = pa.dictionary(pa.int32(), pa.string())

_SUFFIXES: dict[str, SourceFormat] = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".xlsb": "excel",
    ".xls": "excel",
    ".ods": "excel",
}


def detect_format(name: str | os.PathLike[str]) -> SourceFormat:
    """The format of a file from its name (``.csv``, ``.parquet``, ``.xlsx``…).

    Raises:
        InvalidInputError: an unknown extension (pass ``format=`` explicitly).
    """
    suffix = Path(name).suffix.lower()
    found = _SUFFIXES.get(suffix)
    if found is None:
        raise InvalidInputError(
            f"format: cannot tell the format of {Path(name).name!r} from its extension; expected "
            f"{', '.join(sorted(_SUFFIXES))}, or give the format (csv, parquet, excel)",
            field="format",
        )
    return found


def _from_dataframe(obj: Any) -> pa.Table | None:
    """An Arrow table from a pandas or polars DataFrame (neither is imported here)."""
    module = type(obj).__module__.split(".")[0]
    if module == "polars":
        table: pa.Table = obj.to_arrow()
        return table
    if module == "pandas":
        try:
            return pa.Table.from_pandas(obj, preserve_index=False)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            # mixed Python objects in a column: read such columns as text
            mixed = {c: "string" for c, kind in obj.dtypes.items() if kind == object}  # noqa: E721
            return pa.Table.from_pandas(obj.astype(mixed), preserve_index=False)
    return None


class CsvRowProblems:
    """Lines of a CSV file that do not have the header's number of fields."""

    def __init__(self) -> None:
        self.rows: list[tuple[int | None, int, int]] = []  # (record number, expected, actual)

    def __call__(self, row: Any) -> str:
        self.rows.append((row.number, row.expected_columns, row.actual_columns))
        return "skip"


def _read_csv(data: Path | bytes, plan: ReadPlan | None) -> tuple[pa.Table, CsvRowProblems]:
    import pyarrow.csv as pcsv

    head = data[:65536] if isinstance(data, bytes) else _head(data)
    delimiter = sniff_delimiter(head)
    header = next(
        csv.reader([head.split(b"\n", 1)[0].decode("utf-8-sig", "replace")], delimiter=delimiter),
        [],
    )
    if not header:
        raise InvalidInputError("file: the CSV file is empty (no header line)", field="file")

    wanted, encoded = plan(header) if plan is not None else (header, set())

    def attempt(*, threads: bool) -> tuple[pa.Table, CsvRowProblems]:
        problems = CsvRowProblems()
        source = pa.BufferReader(data) if isinstance(data, bytes) else str(data)
        table = pcsv.read_csv(
            source,
            read_options=pcsv.ReadOptions(use_threads=threads, block_size=8 << 20),
            parse_options=pcsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, invalid_row_handler=problems
            ),
            convert_options=pcsv.ConvertOptions(
                column_types={name: _DICT if name in encoded else pa.string() for name in header},
                include_columns=wanted,
                strings_can_be_null=True,
                null_values=[""],
            ),
        )
        return table, problems

    try:
        table, problems = attempt(threads=True)
        if any(number is None for number, _, _ in problems.rows):
            table, problems = attempt(threads=False)  # only a single thread numbers the bad lines
    except pa.ArrowInvalid as exc:
        text = str(exc)
        if "UTF8" in text or "utf8" in text or "UTF-8" in text:
            raise InvalidInputError(
                "file: the CSV file is not UTF-8 text; save it as UTF-8 (CSV UTF-8 in Excel) "
                "and try again",
                field="file",
            ) from None
        raise InvalidInputError(
            f"file: cannot read the CSV file ({text[:200]})", field="file"
        ) from None
    return table, problems


def _head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(65536)


def _read_parquet(data: Path | bytes, plan: ReadPlan | None) -> pa.Table:
    import pyarrow.parquet as pq

    # ParquetFile rather than read_table: the latter goes through pyarrow.dataset, which
    # imports pandas (0.4 s) when it is installed
    source = pa.BufferReader(data) if isinstance(data, bytes) else str(data)
    try:
        first = pq.ParquetFile(source)
        names = list(first.schema_arrow.names)
        wanted, encoded = plan(names) if plan is not None else (names, set())
        encoded = set(encoded) | _few_values_stored(first, wanted)
        if isinstance(source, pa.BufferReader):
            source.seek(0)
        reader = pq.ParquetFile(source, read_dictionary=[n for n in wanted if n in encoded])
        return reader.read(columns=wanted, use_threads=True)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InvalidInputError(
            f"file: cannot read the Parquet file ({str(exc)[:200]})", field="file"
        ) from None


#: A dictionary page this small (compressed) holds every value of its column chunk: writers
#: fall back to plain pages only past a dictionary of about 1 MiB.
_SMALL_DICTIONARY = 64 * 1024


def _few_values_stored(reader: Any, wanted: list[str]) -> set[str]:
    """The text columns a Parquet file stores wholly dictionary-encoded with few values.

    Read as Arrow dictionaries, they are converted once per distinct value (due dates at
    17:00, processing times), not once per row.
    """
    meta = reader.metadata
    text = {
        f.name
        for f in reader.schema_arrow
        if f.name in wanted and (pa.types.is_string(f.type) or pa.types.is_large_string(f.type))
    }
    found = set(text)
    for g in range(meta.num_row_groups):
        group = meta.row_group(g)
        for c in range(group.num_columns):
            chunk = group.column(c)
            name = chunk.path_in_schema
            if name not in found:
                continue
            start = chunk.dictionary_page_offset
            small = (
                chunk.has_dictionary_page
                and start is not None
                and chunk.data_page_offset - start < _SMALL_DICTIONARY
            )
            if not small:
                found.discard(name)
    return found


def _read_excel(data: Path | bytes, sheet: str | int | None) -> pa.Table:
    rows = workbook_rows(data, sheet)
    header = [(h or "").strip() for h in rows[0]]
    body = rows[1:]
    columns = {}
    for i, name in enumerate(header):
        if not name:
            continue
        values = [r[i] if i < len(r) else None for r in body]
        columns[name] = arrow_strings(values)
    return pa.table(columns)


def to_arrow(
    source: Any,
    *,
    format: SourceFormat | None = None,
    sheet: str | int | None = None,
    plan: ReadPlan | None = None,
) -> tuple[pa.Table, list[tuple[int, str]]]:
    """Read ``source`` into an Arrow table of its raw columns.

    Args:
        source: a path (``str`` / ``PathLike``), the bytes of a file (with ``format``), a
            pandas or polars DataFrame, or a pyarrow ``Table`` / ``RecordBatch`` /
            ``RecordBatchReader``.
        format: ``"csv"``, ``"parquet"`` or ``"excel"``; default from the file extension.
        sheet: the worksheet (name or 0-based index) of an Excel workbook; default the first.
        plan: for CSV and Parquet files, chooses the columns to read and those to read
            dictionary-encoded (see :data:`ReadPlan`); default every column, as text.

    Returns:
        ``(table, skipped)``: the columns, and the CSV records that could not be split into
        the header's columns, as ``(row, reason)`` with ``row`` counted from 1 after the header.
        The table's rows then skip those records; ``records`` renumbers them.

    Raises:
        InvalidInputError: an unreadable file or an unsupported object.
    """
    if isinstance(source, pa.Table):
        return source, []
    if isinstance(source, pa.RecordBatch):
        return pa.Table.from_batches([source]), []
    if isinstance(source, pa.RecordBatchReader):
        return source.read_all(), []
    frame = _from_dataframe(source)
    if frame is not None:
        return frame, []
    if isinstance(source, bytes | bytearray | memoryview):
        if format is None:
            raise InvalidInputError(
                "format: give the format (csv, parquet, excel) of data passed as bytes",
                field="format",
            )
        data: Path | bytes = bytes(source)
    elif isinstance(source, str | os.PathLike):
        data = Path(source)
        if format is None:
            format = detect_format(data)
        if not data.is_file():
            raise InvalidInputError(f"file: {data.name!r} is not a readable file", field="file")
    else:
        raise InvalidInputError(
            "source: expected a file path, file bytes, a pandas or polars DataFrame, or a "
            f"pyarrow Table, got {type(source).__name__}",
            field="source",
        )
    if format == "parquet":
        return _read_parquet(data, plan), []
    if format == "excel":
        return _read_excel(data, sheet), []
    if format != "csv":
        raise InvalidInputError(
            f"format: {format!r} is not a format; expected csv, parquet or excel", field="format"
        )
    table, problems = _read_csv(data, plan)
    skipped = [
        (int(number) - 1, f"the line has {actual} fields; the header has {expected}")
        for number, expected, actual in problems.rows
        if number is not None
    ]
    return table, skipped


def kept_rows(total_kept: int, skipped: list[tuple[int, str]]) -> np.ndarray[Any, Any]:
    """The 1-based data-row numbers of the rows kept when ``skipped`` rows were dropped."""
    total = total_kept + len(skipped)
    mask = np.ones(total + 1, dtype=bool)
    mask[0] = False
    for row, _ in skipped:
        if 0 < row <= total:
            mask[row] = False
    return np.flatnonzero(mask).astype(np.int64)
