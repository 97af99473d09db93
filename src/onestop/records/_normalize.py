"""Turn an Arrow table of an export's columns into validated record columns and an errors table.

Everything here is vectorized with :mod:`pyarrow.compute` and NumPy: one pass per column, no
Python loop over rows except for the few values no fast format reads. The columns of a large
table are converted on a few threads (Arrow's kernels release the GIL). Conversions to and from
NumPy go through :mod:`onestop.records._arrow` (no pandas import). :func:`normalize_table` works
on one table or record batch at a time (``row_offset`` numbers the rows of later batches), so
a cluster engine can call it per batch.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from onestop.errors import InvalidInputError
from onestop.models import DossierStatus
from onestop.records._arrow import (
    arrow_array,
    arrow_scalar,
    arrow_strings,
    empty_table,
    numpy_bools,
    numpy_valid,
    numpy_values,
    repeat_string,
    single,
)
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
_US_PER_DAY = 86_400_000_000
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

# where the day is written in each kind of format (a named group ``day``)
_DAY_FIRST = r"^\s*(?P<day>\d{1,2})\D"
_COMPACT = r"^\s*\d{6}(?P<day>\d{2})"
_ISO = r"^\s*\d{4}-\d{1,2}-(?P<day>\d{1,2})(?:\D|$)"
# (strptime format, pattern of its day digits); tried in order on what is still unread
_FAST_FORMATS: tuple[tuple[str, str], ...] = (
    ("%d/%m/%Y %H:%M", _DAY_FIRST),
    ("%d/%m/%Y %H:%M:%S", _DAY_FIRST),
    ("%d/%m/%Y", _DAY_FIRST),
    ("%Y%m%d%H%M%S", _COMPACT),
    ("%Y-%m-%d %H:%M:%S", _ISO),
    ("%Y-%m-%dT%H:%M:%S", _ISO),
    ("%Y-%m-%d %H:%M", _ISO),
    ("%Y-%m-%dT%H:%M", _ISO),
    ("%Y-%m-%d", _ISO),
    ("%Y%m%d", _COMPACT),
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


_ZERO = arrow_scalar(0, pa.int64())
_VN_OFFSET = arrow_scalar(_VN_OFFSET_US, pa.int64())
_EMPTY = arrow_scalar("", pa.string())
_NO_TEXT = arrow_scalar(None, pa.string())
_NO_INTEGER = arrow_scalar(None, pa.int64())
_FALSE = arrow_scalar(value=False, type=pa.bool_())


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
        reason: str | Sequence[str],
        values: pa.Array | pa.ChunkedArray | None,
    ) -> None:
        """Report the rows of ``mask``; ``reason`` is one text, or one per row of ``mask``."""
        idx = np.flatnonzero(mask)
        if not idx.size:
            return
        self.bad = mask.copy() if self.bad is None else (self.bad | mask)
        seen = self.by_field.get(field)
        self.by_field[field] = mask.copy() if seen is None else (seen | mask)
        take = arrow_array(idx.astype(np.int64, copy=False), pa.int64())
        shown = (
            pa.nulls(idx.size, pa.string())
            if values is None
            else pc.utf8_slice_codeunits(pc.cast(values.take(take), pa.string()), 0, 40)
        )
        why = repeat_string(reason, idx.size) if isinstance(reason, str) else arrow_strings(reason)
        self.parts.append(
            pa.table(
                [
                    arrow_array(self.numbers[idx].astype(np.int64, copy=False), pa.int64()),
                    repeat_string(column, idx.size),
                    repeat_string(field, idx.size),
                    why,
                    single(shown),
                ],
                schema=ERRORS_SCHEMA,
            )
        )

    def merge(self, other: _Problems, start: int, total: int) -> None:
        """Take the problems of a batch whose first row is at position ``start`` of ``total``."""
        self.parts.extend(other.parts)
        if other.bad is not None:
            if self.bad is None:
                self.bad = np.zeros(total, dtype=bool)
            self.bad[start : start + len(other.bad)] |= other.bad

    def table(self) -> pa.Table:
        if not self.parts:
            return empty_table(ERRORS_SCHEMA)
        return pa.concat_tables(self.parts).sort_by([("row", "ascending")])


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


def _trim_text(arr: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Strings trimmed of white space, an empty one as null."""
    trimmed = pc.utf8_trim_whitespace(arr)
    empty = pc.equal(trimmed, _EMPTY)
    if pc.any(empty).as_py():  # rare: most readers give null for an empty cell already
        trimmed = pc.if_else(empty, _NO_TEXT, trimmed)
    return trimmed


def _as_text(arr: pa.ChunkedArray) -> pa.ChunkedArray:
    """Values as trimmed strings, empty strings as null (numbers as their decimal text)."""
    if pa.types.is_dictionary(arr.type) and pa.types.is_string(arr.type.value_type):
        # a column read dictionary-encoded: trim the few distinct values, then expand
        chunks = [
            pc.cast(
                pa.DictionaryArray.from_arrays(c.indices, single(_trim_text(c.dictionary))),
                pa.string(),
            )
            for c in arr.chunks
        ]
        return pa.chunked_array(chunks, pa.string())
    if pa.types.is_floating(arr.type):
        # 5.0 -> "5": integral floats come from spreadsheets and pandas
        as_int = pc.cast(arr, pa.int64(), safe=False)
        integral = pc.equal(pc.cast(as_int, arr.type), arr)
        arr = pc.if_else(integral, pc.cast(as_int, pa.string()), pc.cast(arr, pa.string()))
    elif not pa.types.is_string(arr.type):  # large string, numbers, booleans…
        arr = pc.cast(arr, pa.string())
    trimmed = _trim_text(arr)
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


def _rollover_days(first: int, last: int) -> np.ndarray[Any, Any]:
    """Day numbers (since 1970-01-01) of the dates a rollover lands on, in years ``first..last``.

    ``%d`` takes 1 to 31 whatever the month, and the surplus runs into the next month: 29-31
    February land on 1-3 March, the 31st of a 30-day month on the 1st of May, July, October or
    December.
    """
    days = [
        f"{year:04d}-{month_day}"
        for year in range(first, last + 1)
        for month_day in ("03-01", "03-02", "03-03", "05-01", "07-01", "10-01", "12-01")
    ]
    out: np.ndarray[Any, Any] = np.array(days, dtype="datetime64[D]").astype(np.int64)
    return out


def _day_numbers(
    got: pa.Array | pa.ChunkedArray,
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """(the day number since 1970-01-01 of each instant, which were read); nulls get a day read."""
    valid = numpy_valid(got)
    days = numpy_values(got, np.int64) // _US_PER_DAY
    if valid.any() and not valid.all():
        days = np.where(valid, days, days[np.argmax(valid)])
    return days, valid


def _rollover_suspects(
    days: np.ndarray[Any, Any], valid: np.ndarray[Any, Any]
) -> np.ndarray[Any, Any]:
    """Positions of the values Arrow's ``strptime`` may have rolled over (31/02 read as 03/03).

    Only the dates of :func:`_rollover_days` need their written day checked.
    """
    if not valid.any():
        return np.zeros(0, dtype=np.int64)
    lo, hi = int(days.min()), int(days.max())
    first = int(np.datetime64(lo, "D").astype("datetime64[Y]").astype(np.int64)) + 1970
    last = int(np.datetime64(hi, "D").astype("datetime64[Y]").astype(np.int64)) + 1970
    marks = _rollover_days(max(first, FIRST_YEAR), min(last, LAST_YEAR))
    table = np.zeros(hi - lo + 1, dtype=bool)
    table[marks[(marks >= lo) & (marks <= hi)] - lo] = True
    return np.flatnonzero(table[days - lo] & valid)


def _rolled_over(
    text: pa.ChunkedArray, got: pa.Array | pa.ChunkedArray, rows: np.ndarray[Any, Any], day: str
) -> np.ndarray[Any, Any]:
    """Which of ``rows`` (:func:`_rollover_suspects`) were rolled over.

    The day written (``day``: the pattern of its digits) is compared with the day read.
    """
    take = arrow_array(rows.astype(np.int64, copy=False), pa.int64())
    written = pc.struct_field(pc.extract_regex(text.take(take), day), "day")
    digits = pc.cast(written, pa.int64())
    read = pc.day(got.take(take))
    same = numpy_bools(pc.equal(digits, read))  # no digits found: null, not the same
    out: np.ndarray[Any, Any] = ~same
    return out


_FIRST_DAY = int(np.datetime64(f"{FIRST_YEAR}-01-01", "D").astype(np.int64))
_BEYOND_DAY = int(np.datetime64(f"{LAST_YEAR + 1}-01-01", "D").astype(np.int64))


def _one_format(text: pa.ChunkedArray) -> pa.ChunkedArray | None:
    """The column read whole by the first fast format that reads its first value, if it can.

    The common case (one export, one date format) stays in Arrow: one ``strptime``, a check
    that every value was read, that none came from a rollover and that the years are in
    range. ``None`` sends the column to the general path.
    """
    sample = None
    for chunk in text.chunks:
        if chunk.null_count < len(chunk):
            first = int(np.argmax(numpy_valid(chunk)))
            sample = chunk.slice(first, 1)
            break
    if sample is None:
        return None
    for fmt, day in _FAST_FORMATS:
        if pc.strptime(sample, format=fmt, unit="us", error_is_null=True).null_count:
            continue
        got = pc.strptime(text, format=fmt, unit="us", error_is_null=True)
        if got.null_count != text.null_count:
            return None  # some values need another format, or are wrong
        days, valid = _day_numbers(got)
        if valid.any() and (days.min() < _FIRST_DAY or days.max() >= _BEYOND_DAY):
            return None  # a year out of range: the general path reports it
        suspects = _rollover_suspects(days, valid)
        if suspects.size and _rolled_over(text, got, suspects, day).any():
            return None
        out: pa.ChunkedArray = got
        return out
    return None


def _instants(arr: pa.ChunkedArray) -> tuple[pa.Array | pa.ChunkedArray, np.ndarray[Any, Any]]:
    """(local wall-clock timestamps, mask of unreadable values) for one column."""
    t = arr.type
    if pa.types.is_timestamp(t):
        raw = pc.cast(pc.cast(arr, pa.timestamp("us", tz=t.tz)), pa.int64())
        if t.tz is not None:  # an instant: Vietnam wall-clock time is UTC + 7 h
            raw = pc.add(raw, _VN_OFFSET)
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
    given = numpy_valid(text)
    parsed = np.full(len(text), _NAT)
    todo = given.copy()
    for fmt, day in _FAST_FORMATS:
        if not todo.any():
            break
        got = pc.strptime(text, format=fmt, unit="us", error_is_null=True)
        new = todo & numpy_valid(got)
        if not new.any():
            continue
        # strptime rolls 31/02 over to 03/03: compare the day digits written with the day
        # read, on the dates a rollover can give
        suspect = _rollover_suspects(*_day_numbers(got))
        suspect = suspect[new[suspect]]
        if suspect.size:
            new[suspect[_rolled_over(text, got, suspect, day)]] = False
        parsed[new] = numpy_values(got, "datetime64[us]")[new]
        todo &= ~new
    if todo.any():
        rows = np.flatnonzero(todo)
        left = text.take(arrow_array(rows, pa.int64()))
        blank = numpy_bools(pc.equal(pc.utf8_trim_whitespace(left), _EMPTY))
        given[rows[blank]] = False  # empty or only spaces: a missing value
        rows, left = rows[~blank], left.filter(arrow_array(~blank, pa.bool_()))
        for i, raw_text in zip(rows, left.to_pylist(), strict=True):  # the rare others
            value = _parse_slow(raw_text)
            if value is not None:
                parsed[i] = np.datetime64(value, "us")
    parsed[(parsed < _LOWEST) | (parsed >= _BEYOND)] = _NAT
    missing = np.isnat(parsed)
    return arrow_array(parsed, _TS, mask=missing), given & missing


def _non_negative(out: pa.Array | pa.ChunkedArray) -> tuple[Any, np.ndarray[Any, Any]]:
    """``out`` with negative numbers as null, and the mask of those."""
    below = pc.less(out, _ZERO)
    negative = numpy_bools(below)
    if negative.any():
        out = pc.if_else(below, _NO_INTEGER, out)
    return out, negative


def _integers(arr: pa.ChunkedArray) -> tuple[pa.Array | pa.ChunkedArray, np.ndarray[Any, Any]]:
    if pa.types.is_integer(arr.type):
        return _non_negative(pc.cast(arr, pa.int64()))
    if pa.types.is_string(arr.type) and not arr.null_count:
        try:  # the common case: clean digits in every row
            return _non_negative(pc.cast(arr, pa.int64()))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    text = _as_text(arr)
    try:
        out = pc.cast(text, pa.int64())  # clean digits once trimmed
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        ok = pc.match_substring_regex(text, r"^\+?\d{1,6}(\.0+)?$")
        digits = pc.replace_substring_regex(text, r"^\+|\.0+$", "")
        out = pc.cast(pc.if_else(pc.fill_null(ok, _FALSE), digits, _NO_TEXT), pa.int64())
    bad = numpy_valid(text) & ~numpy_valid(out)
    out, negative = _non_negative(out)
    return out, bad | negative


def _lookup(
    arr: pa.ChunkedArray, table: Mapping[str, object], out_type: pa.DataType
) -> tuple[pa.Array | pa.ChunkedArray, np.ndarray[Any, Any]]:
    """Map values through ``table`` (folded spelling -> value), once per distinct value.

    Spaces and punctuation fold away, so the values are not trimmed first; a blank value is
    missing, not wrong.
    """

    def mapping(distinct: pa.Array) -> tuple[pa.Array, pa.Array]:
        folded = [fold(v) if v is not None else "" for v in distinct.to_pylist()]
        values = [table.get(f) for f in folded]
        plain = [v.value if hasattr(v, "value") else v for v in values]
        if out_type == pa.bool_():
            mapped = arrow_array(
                np.array([bool(v) for v in plain], dtype=bool),
                pa.bool_(),
                mask=np.array([v is None for v in plain], dtype=bool),
            )
        else:
            mapped = arrow_strings([None if v is None else str(v) for v in plain])
        unknown = np.array([v is None and f != "" for v, f in zip(values, folded, strict=True)])
        return mapped, arrow_array(unknown.astype(bool), pa.bool_())

    if pa.types.is_dictionary(arr.type) and pa.types.is_string(arr.type.value_type):
        # read dictionary-encoded: map the dictionary, then take by the indices
        unified = arr.unify_dictionaries()
        if not unified.num_chunks:
            return pa.chunked_array([], out_type), np.zeros(0, dtype=bool)
        plain, unknown = mapping(unified.chunk(0).dictionary)
        mapped = pa.chunked_array([plain.take(c.indices) for c in unified.chunks], out_type)
        flags = pa.chunked_array([unknown.take(c.indices) for c in unified.chunks], pa.bool_())
        return mapped, numpy_bools(flags)
    text = arr if pa.types.is_string(arr.type) else _as_text(arr)
    distinct = pc.unique(text).drop_null()
    plain, unknown = mapping(distinct)
    where = pc.index_in(text, value_set=distinct)
    return plain.take(where), numpy_bools(unknown.take(where))


def _flags(
    arr: pa.ChunkedArray, true: frozenset[str], false: frozenset[str]
) -> tuple[pa.Array | pa.ChunkedArray, np.ndarray[Any, Any]]:
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


def _per_distinct(
    arr: pa.ChunkedArray,
    convert: Callable[[pa.ChunkedArray], tuple[pa.Array | pa.ChunkedArray, np.ndarray[Any, Any]]],
) -> tuple[pa.Array | pa.ChunkedArray, np.ndarray[Any, Any]]:
    """``convert`` applied once per distinct value when ``arr`` is dictionary-encoded.

    A Parquet file often stores a column of few values (due dates at 17:00, processing times)
    dictionary-encoded; its dictionary is converted, then taken by the indices.
    """
    if not (pa.types.is_dictionary(arr.type) and pa.types.is_string(arr.type.value_type)):
        return convert(arr)
    values: list[pa.Array] = []
    bad: list[np.ndarray[Any, Any]] = []
    for chunk in arr.chunks:
        converted, wrong = convert(pa.chunked_array([chunk.dictionary], pa.string()))
        present = numpy_valid(chunk.indices)
        width = chunk.indices.type.bit_width
        kind = "int" if pa.types.is_signed_integer(chunk.indices.type) else "uint"
        where = np.where(present, numpy_values(chunk.indices, f"{kind}{width}"), 0)
        where = where.astype(np.int64, copy=False)
        values.append(single(converted).take(arrow_array(where, pa.int64(), mask=~present)))
        bad.append(wrong[where] & present if len(wrong) else np.zeros(len(chunk), dtype=bool))
    if not values:
        return convert(pa.chunked_array([], pa.string()))
    return pa.chunked_array(values, values[0].type), np.concatenate(bad)


def _convert(
    spec: RecordField, arr: pa.ChunkedArray
) -> tuple[pa.Array | pa.ChunkedArray, np.ndarray[Any, Any]]:
    kind = spec.kind
    if kind == "text":
        out = _as_text(arr)
        return out, np.zeros(len(out), dtype=bool)
    if kind == "instant":
        return _per_distinct(arr, _instants)
    if kind == "integer":
        return _per_distinct(arr, _integers)
    if kind == "channel":
        return _lookup(arr, CHANNEL_SPELLINGS, pa.string())
    if kind == "status":
        return _lookup(arr, STATUS_SPELLINGS, pa.string())
    if kind == "unit":
        return _lookup(arr, UNIT_SPELLINGS, pa.string())
    if kind == "flag":
        return _flags(arr, BOOLEAN_TRUE, BOOLEAN_FALSE)
    return _flags(arr, PAID_ONLINE_TRUE, PAID_ONLINE_FALSE)


def usable_cores() -> int:
    """The CPU cores this process may use (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _date(ts: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    return pc.cast(ts, pa.date32())


_FINISHED = arrow_strings([DossierStatus.COMPLETED.value, DossierStatus.RETURNED.value])
_DERIVED = arrow_strings(
    [DossierStatus.RETURNED.value, DossierStatus.COMPLETED.value, DossierStatus.PROCESSING.value]
)


#: Rows validated at a time: a batch's temporary arrays stay small enough to be reused by the
#: allocator (a million-row temporary costs more in fresh memory than in computing).
BATCH_ROWS = 1 << 17


def batch_slices(n: int, size: int | None = None) -> list[tuple[int, int]]:
    """``(offset, length)`` of consecutive batches of ``size`` (:data:`BATCH_ROWS`) rows."""
    step = size or BATCH_ROWS
    return [(start, min(step, n - start)) for start in range(0, n, step)] or [(0, 0)]


def normalize_table(
    table: pa.Table,
    chosen: Mapping[str, str],
    *,
    row_offset: int = 0,
    row_numbers: np.ndarray[Any, Any] | None = None,
) -> tuple[pa.Table, pa.Table]:
    """Validate ``table``'s columns named in ``chosen`` (``field -> column``).

    The rows are validated in batches of :data:`BATCH_ROWS`, on as many threads as the
    process has cores; only the check for repeated dossier codes looks at all rows at once.

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
    for name in ("code", "procedure", "received_at"):
        if name not in chosen and not (name == "received_at" and "submitted_at" in chosen):
            spec = _BY_NAME[name]
            raise InvalidInputError(
                f"columns: no column for {name} in the export (expected {spec.portal} or "
                f"{spec.aliases[0]}); map one with columns=/--column",
                field="columns",
            )
    slices = batch_slices(n)

    def run(part: tuple[int, int]) -> tuple[pa.Table, _Problems]:
        start, length = part
        return _validate(table.slice(start, length), chosen, numbers[start : start + length])

    raw_codes = table.column(chosen["code"])
    raw_distinct: int | None = None
    if len(slices) == 1:
        results = [run(slices[0])]
    else:
        with ThreadPoolExecutor(max_workers=usable_cores()) as pool:
            # the codes as written, counted while the batches are validated
            counting = (
                pool.submit(_distinct, raw_codes) if pa.types.is_string(raw_codes.type) else None
            )
            results = list(pool.map(run, slices))
            raw_distinct = None if counting is None else counting.result()
    out = pa.concat_tables([part for part, _ in results])
    problems = _Problems(numbers)
    for (start, _), (_, found) in zip(slices, results, strict=True):
        problems.merge(found, start, n)
    codes = out.column("code")
    unchanged = (
        raw_distinct is not None
        and codes.null_count == raw_codes.null_count
        and _text_bytes(codes) == _text_bytes(raw_codes)
    )
    if not (unchanged and raw_distinct == len(codes) - codes.null_count):
        # validation changed some code (trimmed, emptied) or some code repeats
        _duplicates(codes, problems, chosen["code"])
    if problems.bad is not None:
        out = out.filter(arrow_array(~problems.bad, pa.bool_()))
    return out, problems.table()


def _validate(
    table: pa.Table, chosen: Mapping[str, str], numbers: np.ndarray[Any, Any]
) -> tuple[pa.Table, _Problems]:
    """One batch's record columns (every row, in :data:`RECORD_SCHEMA`) and its problems."""
    n = table.num_rows
    problems = _Problems(numbers)
    cols: dict[str, pa.Array | pa.ChunkedArray] = {}
    for spec in FIELDS:
        source = chosen.get(spec.name)
        if source is None:
            cols[spec.name] = pa.nulls(n, _ARROW_TYPES[spec.kind])
            continue
        values, bad = _convert(spec, table.column(source))
        if bad.any():
            shown = None if spec.name == "applicant" else table.column(source)
            problems.add(bad, source, spec.name, _REASONS[spec.kind], shown)
        cols[spec.name] = values

    # the clock starts at acceptance (NgayTiepNhan), else at submission (NgayNopHoSo)
    if "submitted_at" in chosen:
        cols["received_at"] = pc.coalesce(cols["received_at"], cols["submitted_at"])
    for name in ("code", "procedure", "received_at"):
        missing = ~numpy_valid(cols[name])
        if name in problems.by_field:  # an unreadable value is not also "empty"
            missing &= ~problems.by_field[name]
        where = chosen.get(name) or chosen.get("submitted_at")
        hint = (
            "empty; a received date is required (NgayTiepNhan, or NgayNopHoSo)"
            if name == "received_at"
            else f"empty; {_BY_NAME[name].portal} is required"
        )
        problems.add(missing, where, name, hint, None)

    received_day = _date(cols["received_at"])
    for name in ("due_at", "finished_at", "returned_at"):
        if name not in chosen:
            continue
        early = numpy_bools(pc.less(_date(cols[name]), received_day))
        problems.add(
            early, chosen[name], name, "earlier than the received date", table.column(chosen[name])
        )

    # status: given, else read from the dates
    if cols["status"].null_count:
        returned = numpy_valid(cols["returned_at"])
        finished = numpy_valid(cols["finished_at"])
        which = np.where(returned, 0, np.where(finished, 1, 2)).astype(np.int64)
        cols["status"] = pc.coalesce(cols["status"], _DERIVED.take(arrow_array(which, pa.int64())))
    no_end = (
        numpy_bools(pc.is_in(cols["status"], value_set=_FINISHED))
        & ~numpy_valid(cols["finished_at"])
        & ~numpy_valid(cols["returned_at"])
    )
    problems.add(
        no_end,
        chosen.get("status"),
        "status",
        "the status says finished but there is no NgayKetThucXuLy or NgayTra date",
        table.column(chosen["status"]) if "status" in chosen else None,
    )
    out = pa.table(
        [arrow_array(numbers, pa.int64()), *(single(cols[f.name]) for f in FIELDS)],
        schema=RECORD_SCHEMA,
    )
    return out, problems


def _ascending(values: pa.Array | pa.ChunkedArray) -> bool:
    """Whether every value is greater than the one before (so all are distinct).

    Exports are often sorted by their key: a comparison of neighbours then settles what a
    hash table of every code would (about 15 times dearer); the first thousand values tell
    cheaply whether it is worth trying.
    """
    n = len(values)
    if values.null_count:
        return False
    if n < 2:
        return True
    head = min(n - 1, 1024)
    if not pc.all(pc.less(values.slice(0, head), values.slice(1, head))).as_py():
        return False
    return bool(pc.all(pc.less(values.slice(0, n - 1), values.slice(1))).as_py())


def _distinct(values: pa.Array | pa.ChunkedArray) -> int:
    """How many distinct non-null values ``values`` holds."""
    if _ascending(values):
        return len(values)
    return len(pc.unique(values)) - (1 if values.null_count else 0)


def _text_bytes(values: pa.ChunkedArray) -> int:
    """The bytes of text a string column holds (from its offsets; no pass over the values)."""
    total = 0
    for chunk in values.chunks:
        if len(chunk):
            offsets = np.frombuffer(
                chunk.buffers()[1], np.int32, count=len(chunk) + 1, offset=chunk.offset * 4
            )
            total += int(offsets[-1]) - int(offsets[0])
    return total


def _duplicates(codes: pa.Array | pa.ChunkedArray, problems: _Problems, source: str) -> None:
    """Report every repeat of a dossier code after its first row."""
    if _distinct(codes) == len(codes) - codes.null_count:
        return  # every code distinct: the common case
    encoded = single(codes).dictionary_encode()
    indices = numpy_values(encoded.indices, np.int32)
    valid = numpy_valid(codes)
    first = np.full(len(encoded.dictionary), -1, dtype=np.int64)
    pos = np.flatnonzero(valid)
    keys = indices[pos].astype(np.int64)
    # the first position of each key: reverse assignment keeps the earliest
    first[keys[::-1]] = pos[::-1]
    dup = np.zeros(len(codes), dtype=bool)
    dup[pos] = first[keys] != pos
    firsts = problems.numbers[first[indices[dup].astype(np.int64)]]
    reasons = [f"duplicate dossier code (first seen in row {int(r)})" for r in firsts]
    problems.add(dup, source, "code", reasons, codes)
