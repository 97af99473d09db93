"""Validated flat dossier records: :class:`Records` and :func:`read_records`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from onestop.errors import InvalidInputError
from onestop.records._arrow import arrow_array, arrow_scalar, arrow_strings, bulk_memory
from onestop.records._fields import FIELDS
from onestop.records._normalize import ERRORS_SCHEMA, normalize_table, resolve_columns
from onestop.records._sources import SourceFormat, kept_rows, to_arrow

if TYPE_CHECKING:
    import pandas

__all__ = ["Records", "read_records", "require_rows"]

#: Fields with few distinct values, read dictionary-encoded from files (cheaper than text).
_FEW_VALUES = frozenset(
    {
        "procedure",
        "procedure_name",
        "field",
        "field_name",
        "department",
        "channel",
        "status",
        "processing_unit",
        "paid_online",
        "fee_bearing",
        "digitised",
        "e_result",
        "reused",
    }
)


@attrs.frozen(slots=True)
class Records:
    """Flat dossier records read from another system's export, and the rows it rejected.

    Attributes:
        table: the valid rows as an Arrow table: ``row`` (1-based position in the input, 1 =
            the first data row) then the record fields (``code``, ``procedure``, ``department``,
            ``channel``, ``status``, ``received_at``, ``due_at``, ``finished_at``,
            ``returned_at``, ``processing_amount``, ``processing_unit``, flags…). Instants are
            ``timestamp[us]`` holding **Vietnam local wall-clock time** (Asia/Ho_Chi_Minh,
            UTC+7, no DST); channels, statuses and units are the values of
            :class:`~onestop.models.Channel`, :class:`~onestop.models.DossierStatus` and
            :class:`~onestop.models.TimeUnit`.
        errors: one row per problem: ``row``, ``column`` (the export's column name),
            ``field``, ``reason`` and ``value`` (the first 40 characters; never shown for the
            applicant). A row with any problem is left out of :attr:`table`, never silently.
        rows_read: data rows in the input (including rejected ones).
        columns: ``field -> the export's column`` used.
        ignored_columns: the export's columns that are not record fields.
    """

    table: pa.Table = attrs.field(repr=False)
    errors: pa.Table = attrs.field(repr=False)
    rows_read: int
    columns: Mapping[str, str]
    ignored_columns: tuple[str, ...] = ()

    @property
    def rows_rejected(self) -> int:
        """How many input rows have at least one problem (left out of :attr:`table`)."""
        if self.errors.num_rows == 0:
            return 0
        return len(pc.unique(self.errors.column("row")))

    def __len__(self) -> int:
        return int(self.table.num_rows)

    def to_pandas(self) -> pandas.DataFrame:
        """The valid rows as a pandas DataFrame (needs pandas)."""
        return self.table.to_pandas()

    def to_polars(self) -> Any:
        """The valid rows as a polars DataFrame (needs polars)."""
        import polars

        return polars.from_arrow(self.table)

    def errors_summary(self) -> list[tuple[str, str, int]]:
        """``(column, reason, rows)`` for each distinct problem, most frequent first."""
        if self.errors.num_rows == 0:
            return []
        # count (column, reason) pairs: Table.group_by would import pandas
        counts: Counter[tuple[object, object]] = Counter()
        for column in pc.unique(self.errors.column("column")).to_pylist():
            same = (
                pc.is_null(self.errors.column("column"))
                if column is None
                else pc.equal(self.errors.column("column"), arrow_scalar(column, pa.string()))
            )
            reasons = pc.value_counts(self.errors.column("reason").filter(same))
            for item in reasons.to_pylist():
                counts[(column, item["values"])] += item["counts"]
        rows = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0][0]), str(kv[0][1])))
        return [(str(c), str(r), int(k)) for (c, r), k in rows]

    def _repr_html_(self) -> str:
        import html

        lines = [
            f"<p><b>{len(self):,}</b> valid records of {self.rows_read:,} rows read; "
            f"<b>{self.rows_rejected:,}</b> rejected.</p>"
        ]
        summary = self.errors_summary()
        if summary:
            lines.append("<table><tr><th>column</th><th>reason</th><th>rows</th></tr>")
            lines += [
                f"<tr><td>{html.escape(c)}</td><td>{html.escape(r)}</td><td>{k:,}</td></tr>"
                for c, r, k in summary[:20]
            ]
            lines.append("</table>")
        return "\n".join(lines)


def read_records(
    source: Any,
    *,
    columns: Mapping[str, str] | None = None,
    format: SourceFormat | None = None,
    sheet: str | int | None = None,
) -> Records:
    """Read another system's dossier export into validated :class:`Records`.

    Column names are recognised without configuration: the portal's own field names
    (``MaHoSo``, ``MaTTHC``, ``KenhThucHien``, ``NgayTiepNhan``, ``NgayHenTra``,
    ``NgayKetThucXuLy``, ``NgayTra``, ``TrangThaiHoSo``, ``DonViXuLy``, ``MaLinhVuc``,
    ``DuocThanhToanTrucTuyen``, ``HoSoCoThanhPhanSoHoa``…), Vietnamese snake-case names
    (``ma_ho_so``, ``ngay_nhan``, ``so_ngay_xu_ly``, ``kenh``, ``trang_thai``, ``ngay_tra``) and
    the field names themselves, compared without case, accents or punctuation. ``columns``
    names the column of a field explicitly.

    Values: channels as ``KenhThucHien`` codes (1 direct, 2 online, 3 postal) or names
    (``truc_tiep``, "Trực tuyến", ``online``…); statuses as ``TrangThaiHoSo`` codes 1-10 or
    names; dates as ``dd/mm/yyyy HH:MM[:SS]``, ``yyyyMMddHHmmss`` (the portal's form) or ISO 8601,
    read as Vietnam local time (an ISO offset is converted to it); typed timestamps of
    Parquet, pandas or polars are taken as local time when naive and converted when they carry
    a time zone.

    Args:
        source: a file path (CSV, Parquet, Excel), file bytes (with ``format``), a pandas or
            polars DataFrame, or a pyarrow Table / RecordBatch / RecordBatchReader.
        columns: ``field -> the export's column``, e.g. ``{"department": "phong"}``.
        format: ``"csv"``, ``"parquet"`` or ``"excel"`` (default: from the file extension).
        sheet: the worksheet of an Excel workbook (name or 0-based index; default the first).

    Returns:
        The valid rows and the errors table (row, column, reason) of the others. One bad row
        never loses the batch.

    Raises:
        InvalidInputError: the file cannot be read; ``columns`` names an unknown field or a
            missing column; a required field (code, procedure, received date) has no column.
        MissingExtraError: Excel input without the ``excel`` extra.
    """
    resolved: list[tuple[dict[str, str], list[str]]] = []

    def plan(names: list[str]) -> tuple[list[str], set[str]]:
        chosen, ignored = resolve_columns(names, columns)
        resolved.append((chosen, ignored))
        wanted = set(chosen.values())
        encoded = {chosen[f.name] for f in FIELDS if f.name in chosen and f.name in _FEW_VALUES}
        return [n for n in names if n in wanted], encoded

    with bulk_memory():
        raw, skipped = to_arrow(source, format=format, sheet=sheet, plan=plan)
        if resolved:  # a file read through the plan: only the record columns were read
            chosen, ignored = resolved[0]
        else:
            chosen, ignored = resolve_columns(raw.column_names, columns)
        numbers = kept_rows(raw.num_rows, skipped) if skipped else None
        table, errors = normalize_table(raw, chosen, row_numbers=numbers)
    if skipped:
        lines = pa.table(
            [
                arrow_array(np.array([r for r, _ in skipped], np.int64), pa.int64()),
                pa.nulls(len(skipped), pa.string()),
                pa.nulls(len(skipped), pa.string()),
                arrow_strings([why for _, why in skipped]),
                pa.nulls(len(skipped), pa.string()),
            ],
            schema=ERRORS_SCHEMA,
        )
        errors = pa.concat_tables([errors, lines]).sort_by([("row", "ascending")])
    records = Records(
        table=table,
        errors=errors,
        rows_read=raw.num_rows + len(skipped),
        columns=dict(chosen),
        ignored_columns=tuple(ignored),
    )
    return records


def require_rows(records: Records) -> Records:
    """``records`` itself when it has at least one valid row.

    Raises:
        InvalidInputError: no usable row (the message gives the most frequent problem).
    """
    if len(records):
        return records
    summary = records.errors_summary()
    why = f"; most common problem: {summary[0][0]}: {summary[0][1]}" if summary else ""
    raise InvalidInputError(
        f"records: no usable row among {records.rows_read:,} rows read{why}", field="records"
    )
