"""Turn an Arrow table of an export's columns into validated record columns and an errors table.

Everything here is vectorized with :mod:`pyarrow.compute` and NumPy: one pass per column, no
Python loop over rows except for the few values no fast format reads. :func:`normalize` works
on one table or record batch at a time (``row_offset`` numbers the rows of later batches), so
a cluster engine can call it per batch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from onestop.errors import InvalidInputError
from onestop.models import DossierStatus
from onestop.records._fields import (
    BOOLEAN_FALSE,
    BOOLEAN_TRUE,
    CHANNEL_SPELLINGS,
    FIELDS,
    PAID_ONLINE_FALSE,
    PAID_ONLINE_TRUE,
    STATUS_SPELLINGS,
    UNIT_SPELLINGS,
    RecordField,
    field_by_alias,
    fold,
)

__all__ = [
    "ERRORS_SCHEMA",
    "FIRST_YEAR",
    "LAST_YEAR",
    "RECORD_SCHEMA",
    "normalize_table",
    "resolve_columns",
]

#: Years a date may fall in; anything else is a typo (``26`` for ``2026``) or a placeholder.
FIRST_YEAR, LAST_YEAR = 1990, 2199

_VN_OFFSET_US = 7 * 3_600_000_000  # Vietnam: UTC+7 all year (no DST since 1975)
_VN_FIXED = dt.timezone(dt.timedelta(hours=7))
_TS = pa.timestamp("us")

_ARROW_TYPES: dict[str, pa.DataType] = {
    "text": pa.string(),
    "instant": _TS,
    "integer": pa.int64(),
    "channel": pa.string(),
    "status": pa.string(),
    "unit": pa.string(),
    "flag": pa.bool_(),
    "paid": pa.bool_(),
}

#: The columns of a validated record table: ``row`` then every field of
#: :data:`~onestop.records._fields.FIELDS` (absent fields are all-null).
RECORD_SCHEMA = pa.schema(
    [pa.field("row", pa.int64(), nullable=False)]
    + [pa.field(f.name, _ARROW_TYPES[f.kind]) for f in FIELDS]
)

#: The errors table: one row per problem found (a rejected row may have several).
ERRORS_SCHEMA = pa.schema(
    [
        pa.field("row", pa.int64()),
        pa.field("column", pa.string()),
        pa.field("field", pa.string()),
        pa.field("reason", pa.string()),
        pa.field("value", pa.string()),
    ]
)

_BY_NAME: dict[str, RecordField] = {f.name: f for f in FIELDS}

# (strptime format, slice of the day digits or None); tried in order on what is still unread
_FAST_FORMATS: tuple[tuple[str, tuple[int, int] | None], ...] = (
    ("%d/%m/%Y %H:%M", (0, 2)),
    ("%d/%m/%Y %H:%M:%S", (0, 2)),
    ("%d/%m/%Y", (0, 2)),
    ("%Y%m%d%H%M%S", (6, 8)),
    ("%Y-%m-%d %H:%M:%S", (8, 10)),
    ("%Y-%m-%dT%H:%M:%S", (8, 10)),
    ("%Y-%m-%d %H:%M", (8, 10)),
    ("%Y-%m-%dT%H:%M", (8, 10)),
    ("%Y-%m-%d", (8, 10)),
    ("%Y%m%d", (6, 8)),
)
_SLOW_FORMATS = (
    *(fmt for fmt, _ in _FAST_FORMATS),
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
)
_DATE_HINT = "dd/mm/yyyy HH:MM[:SS], yyyyMMddHHmmss or ISO 8601 (Vietnam local time)"


class _Problems:
    """Collects (rows, column, field, reason, values) groups; builds the errors table once."""

    def __init__(self, numbers: np.ndarray[Any, Any]) -> None:
        self.numbers = numbers  # the row number of each position
        self.parts: list[pa.Table] = []
        self.bad: np.ndarray[Any, Any] | None = None  # rows rejected so far
        self.by_field: dict[str, np.ndarray[Any, Any]] = {}  # rows reported, per field

    def add(
        self,
        mask: np.ndarray[Any, Any],
        column: str | None,
        field: str,
        reason: str | pa.Array,
        values: pa.Array | None,
    ) -> None:
        idx = np.flatnonzero(mask)
        if not idx.size:
            return
        self.bad = mask.copy() if self.bad is None else (self.bad | mask)
        seen = self.by_field.get(field)
        self.by_field[field] = mask.copy() if seen is None else (seen | mask)
        take = pa.array(idx)
        shown = (
            pa.nulls(idx.size, pa.string())
            if values is None
            else pc.utf8_slice_codeunits(pc.cast(values.take(take), pa.string()), 0, 40)
        )
        why = reason.take(take) if isinstance(reason, pa.Array) else pa.array([reason] * idx.size)
        self.parts.append(
            pa.table(
                [
                    pa.array(self.numbers[idx], pa.int64()),
                    pa.array([column] * idx.size, pa.string()),
                    pa.array([field] * idx.size, pa.string()),
                    why.cast(pa.string()),
                    shown,
                ],
                schema=ERRORS_SCHEMA,
            )
        )

    def table(self) -> pa.Table:
        if not self.parts:
            return ERRORS_SCHEMA.empty_table()
        return pa.concat_tables(self.parts).sort_by([("row", "ascending")])


def _mask(arr: pa.Array | pa.ChunkedArray) -> np.ndarray[Any, Any]:
    """A boolean Arrow array as a NumPy mask (null = False)."""
    filled = pc.fill_null(arr, fill_value=False)
    out: np.ndarray[Any, Any] = np.asarray(filled.to_numpy(zero_copy_only=False), dtype=bool)
    return out


def resolve_columns(
    names: Iterable[str], columns: Mapping[str, str] | None = None
) -> tuple[dict[str, str], list[str]]:
    """Match an export's column names to record fields.

    Args:
        names: the export's column names.
        columns: explicit ``field -> source column`` choices; they win over recognised names.

    Returns:
        ``(field -> source column, ignored source columns)``.

    Raises:
        InvalidInputError: an unknown field or a missing column in ``columns``, or two columns
            recognised as the same field (name the one to use in ``columns``).
    """
    names = list(names)
    chosen: dict[str, str] = {}
    for field, source in (columns or {}).items():
        if field not in _BY_NAME:
            raise InvalidInputError(
                f"columns: {field!r} is not a record field; expected one of "
                f"{', '.join(f.name for f in FIELDS)}",
                field="columns",
            )
        if source not in names:
            raise InvalidInputError(
                f"columns: the export has no column {source!r} (for {field}); its columns are "
                f"{', '.join(repr(n) for n in names[:30])}",
                field="columns",
            )
        chosen[field] = source
    taken = set(chosen.values())
    ignored: list[str] = []
    found: dict[str, list[str]] = {}
    for name in names:
        if name in taken:
            continue
        spec = field_by_alias(name)
        if spec is None or spec.name in chosen:
            ignored.append(name)
            continue
        found.setdefault(spec.name, []).append(name)
    for field, sources in found.items():
        if len(sources) > 1:
            raise InvalidInputError(
                f"columns: {', '.join(repr(s) for s in sources)} all look like {field}; choose "
                f"one with columns={{{field!r}: ...}} (CLI: --column {field}=NAME)",
                field="columns",
            )
        chosen[field] = sources[0]
    return chosen, ignored


def _as_text(arr: pa.ChunkedArray) -> pa.ChunkedArray:
    """Values as trimmed strings, empty strings as null (numbers as their decimal text)."""
    if pa.types.is_floating(arr.type):
        # 5.0 -> "5": integral floats come from spreadsheets and pandas
        as_int = pc.cast(arr, pa.int64(), safe=False)
        integral = pc.equal(pc.cast(as_int, arr.type), arr)
        arr = pc.if_else(integral, pc.cast(as_int, pa.string()), pc.cast(arr, pa.string()))
    elif not pa.types.is_string(arr.type):  # dictionary, large string, numbers, booleans…
        arr = pc.cast(arr, pa.string())
    trimmed = pc.utf8_trim_whitespace(arr)
    empty = pc.equal(pc.utf8_length(trimmed), 0)
    if pc.any(empty).as_py():  # rare: most readers give null for an empty cell already
        trimmed = pc.if_else(empty, None, trimmed)
    if isinstance(trimmed, pa.Array):
        return pa.chunked_array([trimmed], pa.string())
    out: pa.ChunkedArray = trimmed
    return out


def _parse_slow(text: str) -> dt.datetime | None:
    text = text.strip()
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        for fmt in _SLOW_FORMATS:
            try:
                return dt.datetime.strptime(text, fmt)
            except ValueError:
                continue
        return None
    if value.tzinfo is not None and value.utcoffset() is not None:
        value = value.astimezone(_VN_FIXED)
    return value.replace(tzinfo=None)


_NAT = np.datetime64("NaT", "us")
_LOWEST = np.datetime64(f"{FIRST_YEAR}-01-01", "us")
_BEYOND = np.datetime64(f"{LAST_YEAR + 1}-01-01", "us")


def _np_ts(arr: Any) -> np.ndarray[Any, Any]:
    """A timestamp Arrow array as ``datetime64[us]`` with ``NaT`` for nulls."""
    out: np.ndarray[Any, Any] = np.asarray(arr.to_numpy(zero_copy_only=False)).astype(
        "datetime64[us]"
    )
    return out


def _day_digits(text: pa.ChunkedArray, rows: np.ndarray[Any, Any], span: tuple[int, int]) -> Any:
    """The day-of-month written in ``text`` at ``rows`` (``span`` = the digits' position)."""
    picked = text.take(pa.array(rows))
    digits = pc.utf8_rtrim(pc.utf8_slice_codeunits(picked, span[0], span[1]), characters="/")
    return np.asarray(
        pc.cast(digits, pa.int64(), safe=False).to_numpy(zero_copy_only=False), dtype=np.int64
    )


def _one_format(text: pa.ChunkedArray) -> pa.ChunkedArray | None:
    """The column read whole by the first fast format that reads its first value, if it can.

    The common case (one export, one date format) stays in Arrow: one ``strptime``, a check
    that every value was read, that no day 1-3 came from a rollover and that the years are in
    range. ``None`` sends the column to the general path.
    """
    valid = text.drop_null()
    if not len(valid):
        return None
    sample = pa.array([valid[0].as_py()], pa.string())
    for fmt, day in _FAST_FORMATS:
        if pc.strptime(sample, format=fmt, unit="us", error_is_null=True).null_count:
            continue
        got = pc.strptime(text, format=fmt, unit="us", error_is_null=True)
        if got.null_count != text.null_count:
            return None  # some values need another format, or are wrong
        if day is not None:
            low = _mask(pc.less_equal(pc.day(got), 3))
            if low.any():
                rows = np.flatnonzero(low)
                read = np.asarray(pc.day(got.take(pa.array(rows))).to_numpy(), np.int64)
                if (_day_digits(text, rows, day) != read).any():
                    return None
        bounds = pc.min_max(got)
        lo, hi = bounds["min"].as_py(), bounds["max"].as_py()
        if lo is not None and (lo.year < FIRST_YEAR or hi.year > LAST_YEAR):
            return None
        return got
    return None


def _instants(arr: pa.ChunkedArray) -> tuple[pa.Array, np.ndarray[Any, Any]]:
    """(local wall-clock timestamps, mask of unreadable values) for one column."""
    t = arr.type
    if pa.types.is_timestamp(t):
        raw = pc.cast(pc.cast(arr, pa.timestamp("us", tz=t.tz)), pa.int64())
        if t.tz is not None:  # an instant: Vietnam wall-clock time is UTC + 7 h
            raw = pc.add(raw, _VN_OFFSET_US)
        out = pc.cast(raw, _TS)
        return out, np.zeros(len(out), dtype=bool)
    if pa.types.is_date(t):
        out = pc.cast(pc.cast(arr, pa.timestamp("s")), _TS)
        return out, np.zeros(len(out), dtype=bool)
    # no trimming copy: a value with spaces around it fails the fast formats and is read
    # (stripped) by the slow path; an empty string is a missing value
    text = arr if pa.types.is_string(t) else pc.cast(arr, pa.string())
    quick = _one_format(text)
    if quick is not None:
        return quick, np.zeros(len(text), dtype=bool)
    given = _mask(pc.is_valid(text))
    parsed = np.full(len(text), _NAT)
    todo = given.copy()
    for fmt, day in _FAST_FORMATS:
        if not todo.any():
            break
        got_arrow = pc.strptime(text, format=fmt, unit="us", error_is_null=True)
        got = _np_ts(got_arrow)
        new = todo & ~np.isnat(got)
        if not new.any():
            continue
        if day is not None:
            # strptime rolls 31/02 over to 03/03: a value read as day 1-3 may be a rollover,
            # so compare the day digits written with the day read (on those rows only)
            read = np.asarray(
                pc.fill_null(pc.day(got_arrow), 99).to_numpy(zero_copy_only=False), np.int64
            )
            suspect = np.flatnonzero(new & (read <= 3))
            if suspect.size:
                wrong = suspect[_day_digits(text, suspect, day) != read[suspect]]
                new[wrong] = False
        parsed[new] = got[new]
        todo &= ~new
    if todo.any():
        rows = np.flatnonzero(todo)
        left = text.take(pa.array(rows))
        blank = _mask(pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(left)), 0))
        given[rows[blank]] = False  # empty or only spaces: a missing value
        rows, left = rows[~blank], left.filter(pa.array(~blank))
        for i, raw in zip(rows, left.to_pylist(), strict=True):  # the rare others, one by one
            value = _parse_slow(raw)
            if value is not None:
                parsed[i] = np.datetime64(value, "us")
    parsed[(parsed < _LOWEST) | (parsed >= _BEYOND)] = _NAT
    missing = np.isnat(parsed)
    return pa.array(parsed, _TS, mask=missing), given & missing


def _integers(arr: pa.ChunkedArray) -> tuple[pa.Array, np.ndarray[Any, Any]]:
    if pa.types.is_integer(arr.type):
        out = pc.cast(arr, pa.int64())
    else:
        text = _as_text(arr)
        try:
            out = pc.cast(text, pa.int64())  # the common case: clean digits
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            ok = pc.match_substring_regex(text, r"^\+?\d{1,6}(\.0+)?$")
            digits = pc.replace_substring_regex(text, r"\.0+$", "")
            out = pc.cast(pc.if_else(pc.fill_null(ok, fill_value=False), digits, None), pa.int64())
        bad = _mask(pc.and_(pc.is_valid(text), pc.is_null(out)))
        negative = _mask(pc.less(out, 0))
        if negative.any():
            out = pc.if_else(pc.less(out, 0), None, out)
        return out, bad | negative
    negative = _mask(pc.less(out, 0))
    if negative.any():
        out = pc.if_else(pc.less(out, 0), None, out)
    return out, negative


def _lookup(
    arr: pa.ChunkedArray, table: Mapping[str, object], out_type: pa.DataType
) -> tuple[pa.Array, np.ndarray[Any, Any]]:
    """Map values through ``table`` (folded spelling -> value), once per distinct value.

    Spaces and punctuation fold away, so the values are not trimmed first; a blank value is
    missing, not wrong.
    """

    def mapping(distinct: pa.Array) -> tuple[pa.Array, pa.Array]:
        folded = [fold(v) if v is not None else "" for v in distinct.to_pylist()]
        values = [table.get(f) for f in folded]
        plain = pa.array([v.value if hasattr(v, "value") else v for v in values], out_type)
        unknown = pa.array(
            [v is None and f != "" for v, f in zip(values, folded, strict=True)], pa.bool_()
        )
        return plain, unknown

    if pa.types.is_dictionary(arr.type) and pa.types.is_string(arr.type.value_type):
        # read dictionary-encoded: map the dictionary, then take by the indices
        unified = arr.unify_dictionaries()
        if not unified.num_chunks:
            return pa.chunked_array([], out_type), np.zeros(0, dtype=bool)
        plain, unknown = mapping(unified.chunk(0).dictionary)
        mapped = pa.chunked_array([plain.take(c.indices) for c in unified.chunks], out_type)
        flags = pa.chunked_array([unknown.take(c.indices) for c in unified.chunks], pa.bool_())
        return mapped, _mask(flags)
    text = arr if pa.types.is_string(arr.type) else _as_text(arr)
    distinct = pc.unique(text).drop_null()
    plain, unknown = mapping(distinct)
    where = pc.index_in(text, value_set=distinct)
    return plain.take(where), _mask(unknown.take(where))


def _flags(
    arr: pa.ChunkedArray, true: frozenset[str], false: frozenset[str]
) -> tuple[pa.Array, np.ndarray[Any, Any]]:
    if pa.types.is_boolean(arr.type):
        return arr, np.zeros(len(arr), dtype=bool)
    table = {**dict.fromkeys(false, False), **dict.fromkeys(true, True)}
    return _lookup(arr, table, pa.bool_())


_REASONS = {
    "instant": f"not a date or date-time; expected {_DATE_HINT}, years {FIRST_YEAR}-{LAST_YEAR}",
    "integer": "not a whole number >= 0",
    "channel": "unknown channel; expected 1 (trực tiếp), 2 (trực tuyến), 3 (bưu chính) or a "
    "name such as truc_tiep, online, postal",
    "status": "unknown status; expected a TrangThaiHoSo code 1-10 or its name",
    "unit": "unknown unit; expected Ngày làm việc, Ngày, Giờ, Tháng, Trong ngày (or "
    "working_days, calendar_days, working_hours, months, same_day)",
    "flag": "not a yes/no value; expected 1/0, true/false, có/không",
    "paid": "unknown DuocThanhToanTrucTuyen value; expected 0, 1, 2 or 3 (or yes/no)",
}


def _convert(spec: RecordField, arr: pa.ChunkedArray) -> tuple[pa.Array, np.ndarray[Any, Any]]:
    kind = spec.kind
    if kind == "text":
        out = _as_text(arr)
        return out, np.zeros(len(out), dtype=bool)
    if kind == "instant":
        return _instants(arr)
    if kind == "integer":
        return _integers(arr)
    if kind == "channel":
        return _lookup(arr, CHANNEL_SPELLINGS, pa.string())
    if kind == "status":
        return _lookup(arr, STATUS_SPELLINGS, pa.string())
    if kind == "unit":
        return _lookup(arr, UNIT_SPELLINGS, pa.string())
    if kind == "flag":
        return _flags(arr, BOOLEAN_TRUE, BOOLEAN_FALSE)
    return _flags(arr, PAID_ONLINE_TRUE, PAID_ONLINE_FALSE)


def _date(ts: pa.Array) -> pa.Array:
    return pc.cast(ts, pa.date32())


_FINISHED = [DossierStatus.COMPLETED.value, DossierStatus.RETURNED.value]


def normalize_table(
    table: pa.Table,
    chosen: Mapping[str, str],
    *,
    row_offset: int = 0,
    row_numbers: np.ndarray[Any, Any] | None = None,
) -> tuple[pa.Table, pa.Table]:
    """Validate ``table``'s columns named in ``chosen`` (``field -> column``).

    Args:
        table: the export's columns.
        chosen: ``field -> column`` (from :func:`resolve_columns`).
        row_offset: rows are numbered from ``row_offset + 1`` (a later batch of a stream).
        row_numbers: the row number of each row instead (when some input lines were skipped).

    Returns:
        ``(records, errors)``: the rows without problems, in :data:`RECORD_SCHEMA`, and one
        errors row per problem (:data:`ERRORS_SCHEMA`).
    """
    n = table.num_rows
    numbers = (
        np.arange(1 + row_offset, n + 1 + row_offset, dtype=np.int64)
        if row_numbers is None
        else np.asarray(row_numbers, dtype=np.int64)
    )
    problems = _Problems(numbers)
    cols: dict[str, pa.Array] = {}
    for spec in FIELDS:
        source = chosen.get(spec.name)
        if source is None:
            cols[spec.name] = pa.nulls(n, _ARROW_TYPES[spec.kind])
            continue
        raw = table.column(source)
        values, bad = _convert(spec, raw)
        if bad.any():
            shown = None if spec.name == "applicant" else raw
            problems.add(bad, source, spec.name, _REASONS[spec.kind], shown)
        cols[spec.name] = values

    # the clock starts at acceptance (NgayTiepNhan), else at submission (NgayNopHoSo)
    cols["received_at"] = pc.coalesce(cols["received_at"], cols["submitted_at"])
    for name in ("code", "procedure", "received_at"):
        missing = _mask(pc.is_null(cols[name]))
        if name in problems.by_field:  # an unreadable value is not also "empty"
            missing &= ~problems.by_field[name]
        source = chosen.get(name) or (chosen.get("submitted_at") if name == "received_at" else None)
        hint = (
            "empty; a received date is required (NgayTiepNhan, or NgayNopHoSo)"
            if name == "received_at"
            else f"empty; {_BY_NAME[name].portal} is required"
        )
        if source is None:
            hint = (
                f"no column for {name} in the export (expected {_BY_NAME[name].portal} or "
                f"{_BY_NAME[name].aliases[0]}); map one with columns=/--column"
            )
            raise InvalidInputError(f"columns: {hint}", field="columns")
        problems.add(missing, source, name, hint, None)

    received_day = _date(cols["received_at"])
    for name in ("due_at", "finished_at", "returned_at"):
        source = chosen.get(name)
        if source is None:
            continue
        early = _mask(pc.less(_date(cols[name]), received_day))
        problems.add(early, source, name, "earlier than the received date", table.column(source))

    # status: given, else read from the dates
    if cols["status"].null_count:
        returned = _mask(pc.is_valid(cols["returned_at"]))
        finished = _mask(pc.is_valid(cols["finished_at"]))
        names = pa.array(
            [
                DossierStatus.RETURNED.value,
                DossierStatus.COMPLETED.value,
                DossierStatus.PROCESSING.value,
            ]
        )
        derived = names.take(pa.array(np.where(returned, 0, np.where(finished, 1, 2))))
        cols["status"] = pc.coalesce(cols["status"], derived)
    no_end = pc.and_(
        pc.is_in(cols["status"], pa.array(_FINISHED)),
        pc.and_(pc.is_null(cols["finished_at"]), pc.is_null(cols["returned_at"])),
    )
    problems.add(
        _mask(no_end),
        chosen.get("status"),
        "status",
        "the status says finished but there is no NgayKetThucXuLy or NgayTra date",
        table.column(chosen["status"]) if "status" in chosen else None,
    )

    _duplicates(cols["code"], problems, chosen["code"])

    out = pa.table([pa.array(numbers), *(cols[f.name] for f in FIELDS)], schema=RECORD_SCHEMA)
    if problems.bad is not None:
        out = out.filter(pa.array(~problems.bad))
    return out, problems.table()


def _duplicates(codes: pa.Array, problems: _Problems, source: str) -> None:
    """Report every repeat of a dossier code after its first row."""
    if len(pc.unique(codes)) >= len(codes) - codes.null_count + (1 if codes.null_count else 0):
        return  # every code distinct: the common case, one hash pass
    codes = codes.combine_chunks() if isinstance(codes, pa.ChunkedArray) else codes
    encoded = codes.dictionary_encode()
    indices = np.asarray(encoded.indices.to_numpy(zero_copy_only=False))
    valid = ~np.asarray(pc.is_null(codes).to_numpy(zero_copy_only=False))
    if not valid.any():
        return
    first = np.full(len(encoded.dictionary), -1, dtype=np.int64)
    pos = np.flatnonzero(valid)
    keys = indices[pos].astype(np.int64)
    # the first position of each key: reverse assignment keeps the earliest
    first[keys[::-1]] = pos[::-1]
    dup = np.zeros(len(codes), dtype=bool)
    dup[pos] = first[keys] != pos
    if not dup.any():
        return
    firsts = problems.numbers[first[indices[dup].astype(np.int64)]]
    reasons = np.full(len(codes), None, dtype=object)
    reasons[dup] = [f"duplicate dossier code (first seen in row {int(r)})" for r in firsts]
    problems.add(dup, source, "code", pa.array(reasons, pa.string()), codes)
