"""Rule tables: a vendor's expected due dates and timeliness, one case a row, read for checking.

A *rule table* is a CSV file, a YAML list or an Excel sheet whose rows are cases: a receipt
instant, a processing time (or a procedure of a catalogue), optionally a counting policy,
supplement requests, an extension, a result or an instant to judge at, and what the vendor's
system computes: the due date, the timeliness, the clock's flags.
:func:`load_rule_cases` reads one into :class:`RuleCase` objects;
:func:`~onestop.testing.check_rules` (in :mod:`onestop.testing._rule_check`) compares each
with onestop's answer. The columns are :data:`COLUMNS`; ``docs/testing.md`` shows them with
examples.

Column names are matched without case, accents or punctuation (``Expected due``,
``expected_due`` and ``ExpectedDue`` are one column), and the national portal's names of a
dossier record are understood too (``NgayTiepNhan`` is ``received``, ``NgayHenTra``
``expected_due``, ``NgayKetThucXuLy`` ``finished``, ``MaHoSo`` ``id``…), so that an export
of the vendor's own system is a rule table as it is. Other columns are ignored (and listed).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs

from onestop._lazy import load_module
from onestop.deadlines import (
    FlagCode,
    SupplementSpan,
    Timeliness,
    parse_processing_time,
    policy_by_name,
    rules_by_name,
    supplement_policy_by_name,
)
from onestop.errors import InvalidIdentifierError, InvalidInputError, OneStopError
from onestop.models import Channel, Procedure, ProcedureCode, ProcessingTime, TimeUnit
from onestop.records._fields import (
    CHANNEL_SPELLINGS,
    UNIT_SPELLINGS,
    field_by_alias,
    fold,
)
from onestop.records._plain import sniff_delimiter, workbook_rows
from onestop.tz import VN_TZ, parse_date, parse_instant

if TYPE_CHECKING:
    from _pytest.mark.structures import ParameterSet

__all__ = [
    "COLUMNS",
    "MAX_TABLE_BYTES",
    "PENDING",
    "SHOWN_PROBLEMS",
    "RowProblem",
    "RuleCase",
    "RuleColumn",
    "TableFormat",
    "detect_table_format",
    "load_rule_cases",
    "problems_error",
    "read_rule_table",
    "rule_cases",
]

TableFormat = Literal["csv", "yaml", "excel"]

#: The largest rule table read: far above a test table (a few hundred rows, some kilobytes) and
#: a province's year of exported dossiers (about 100 bytes a row), far below what would strain
#: memory once parsed.
MAX_TABLE_BYTES = 64 * 1024 * 1024

#: ``expected_due`` of a case whose supplement request is still awaited: there is no due date
#: until the completed dossier comes back (NĐ 61/2018 Art. 19(4), NĐ 118/2025 Art. 19(5)).
PENDING = "pending"

_SUFFIXES: dict[str, TableFormat] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".xlsb": "excel",
    ".xls": "excel",
    ".ods": "excel",
}


@attrs.frozen(slots=True)
class RuleColumn:
    """One column of a rule table.

    Attributes:
        name: the canonical name (``"expected_due"``).
        aliases: other names recognised (compared folded: no case, accents or punctuation).
        description: what the column holds.
        required: every table has it.
    """

    name: str
    aliases: tuple[str, ...]
    description: str
    required: bool = attrs.field(default=False, kw_only=True)


#: The columns of a rule table, in the order the documentation lists them.
COLUMNS: tuple[RuleColumn, ...] = (
    RuleColumn("id", ("case", "name"), "A readable name of the case (default: built from it)."),
    RuleColumn(
        "received",
        ("received_at", "receipt"),
        "Receipt of the complete dossier: ISO 8601 or dd/mm/yyyy HH:MM, Vietnam time "
        "unless an offset is given.",
        required=True,
    ),
    RuleColumn(
        "amount",
        ("processing_amount",),
        "The published processing time, in unit (blank: the procedure's, or 0 for same-day).",
    ),
    RuleColumn(
        "unit",
        ("processing_unit",),
        "working-days (default), working-hours, calendar-days, months or same-day; also the "
        "portal's DonViTinh spellings (Ngày làm việc…).",
    ),
    RuleColumn(
        "policy",
        ("counting_policy",),
        "Counting policy: working-days, working-hours, same-day, calendar-days, months "
        "(default: the unit's own).",
    ),
    RuleColumn("cutoff", ("same_day_cutoff",), "Same-day cut-off HH:MM (default 15:00)."),
    RuleColumn(
        "procedure",
        (),
        "A procedure code; with a catalogue (procedures=, --procedures) a blank amount is "
        "that procedure's processing time.",
    ),
    RuleColumn("channel", (), "direct, online or postal (1/2/3): picks the catalogue's time."),
    RuleColumn(
        "supplement_policy", (), "restart (default; NĐ 118/2025 Art. 19(5)) or pause (QĐ 766)."
    ),
    RuleColumn(
        "supplement_requested",
        ("supplement_requests",),
        "Supplement requests (appraisal stage), instants separated by ';'.",
    ),
    RuleColumn(
        "supplement_resubmitted",
        ("supplement_received",),
        "When each completed dossier came back, in the same order (';'); one fewer when the "
        "last is still awaited.",
    ),
    RuleColumn(
        "extension_due",
        ("extended_due", "new_due"),
        "The one re-appointment's new due instant (a date alone: the close of office hours).",
    ),
    RuleColumn("apology_at", ("apology",), "When the apology letter was sent."),
    RuleColumn("finished", ("finished_at",), "When the result was ready (for timeliness)."),
    RuleColumn(
        "at", ("judged_at", "as_of"), "The instant to judge an unfinished dossier (and flags) at."
    ),
    RuleColumn(
        "era",
        ("rules",),
        "Replay under another decree: ND-61-2018 or ND-118-2025 (default: the one in force "
        "at receipt).",
    ),
    RuleColumn(
        "expected_due",
        ("expected_due_at",),
        "The due date the vendor's system computes: a date (compared by date; 00:00 without an "
        "offset, as spreadsheets store dates, is a date) or an instant (compared exactly); "
        "'pending' while a supplement is awaited.",
    ),
    RuleColumn(
        "expected_timeliness",
        ("timeliness",),
        "early, on_time, late, in_progress_on_time, in_progress_overdue (or Trước hạn, Đúng "
        "hạn, Quá hạn…).",
    ),
    RuleColumn(
        "timeliness_against",
        ("against",),
        "original (default: the due date before any extension) or extended.",
    ),
    RuleColumn(
        "expected_flags",
        ("flags",),
        "The clock's flags, codes separated by ';' (e.g. late_apology); '-' for none.",
    ),
    RuleColumn("note", ("notes", "why", "ghi_chu"), "Free text: why this is the expected answer."),
)

_BY_NAME: dict[str, str] = {}
for _column in COLUMNS:
    for _spelling in (_column.name, *_column.aliases):
        _BY_NAME[fold(_spelling)] = _column.name

#: Fields of a portal dossier record (:mod:`onestop.records`) that are rule-table columns.
_RECORD_FIELDS: dict[str, str] = {
    "code": "id",
    "procedure": "procedure",
    "channel": "channel",
    "received_at": "received",
    "due_at": "expected_due",
    "finished_at": "finished",
    "processing_amount": "amount",
    "processing_unit": "unit",
}

_TIMELINESS: dict[str, Timeliness] = {}
for _t in Timeliness:
    for _spelling in (_t.value, _t.label_vi, _t.label_en):
        _TIMELINESS[fold(_spelling)] = _t
for _spelling, _t in (("trễ hạn", Timeliness.LATE), ("sớm hạn", Timeliness.EARLY)):
    _TIMELINESS[fold(_spelling)] = _t

#: Folded spellings of "no flag" in ``expected_flags``.
_NO_FLAGS = frozenset({"", "none", "khong"})


@attrs.frozen(slots=True)
class RuleCase:
    """One row of a rule table: what to compute and what the vendor expects.

    Attributes:
        row: the case's 1-based number in the table (blank rows are not cases).
        id: a readable name (the ``id`` column, or built from the receipt and the time).
        received_at: the receipt of the complete dossier (aware).
        processing_time: the processing time counted.
        policy: the counting policy's name, when one is given.
        procedure: the procedure code, when given.
        supplement_policy: ``"restart"`` or ``"pause"``, when given.
        supplements: the supplement requests, in order.
        extension_due: the re-appointment's new due instant (a ``date``: the close of office
            hours of that date on the calendar checked against).
        apology_at: when the apology letter was sent.
        finished_at: when the result was ready.
        at: the instant an unfinished dossier (and the flags) are judged at.
        era: the rule set to replay under, by name.
        expected_due: the expected due ``date`` or instant, :data:`PENDING`, or ``None``.
        expected_timeliness: the expected classification, or ``None``.
        timeliness_against: ``"original"`` or ``"extended"``.
        expected_flags: the expected flag codes, or ``None`` (not checked).
        note: free text.
    """

    row: int
    id: str
    received_at: dt.datetime
    processing_time: ProcessingTime
    policy: str | None = None
    procedure: str | None = None
    supplement_policy: str | None = None
    supplements: tuple[SupplementSpan, ...] = ()
    extension_due: dt.datetime | dt.date | None = None
    apology_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    at: dt.datetime | None = None
    era: str | None = None
    expected_due: dt.datetime | dt.date | str | None = None
    expected_timeliness: Timeliness | None = None
    timeliness_against: Literal["original", "extended"] = "original"
    expected_flags: frozenset[FlagCode] | None = None
    note: str | None = None

    @property
    def test_id(self) -> str:
        """The id of the case's test: ``"row 12: tet-2026"``."""
        return f"row {self.row}: {self.id}"


# ---------------------------------------------------------------------------- reading


def detect_table_format(name: str | os.PathLike[str]) -> TableFormat:
    """The format of a rule table from its file name (``.csv``, ``.yaml``, ``.xlsx``…).

    Raises:
        InvalidInputError: an unknown extension (give the format).
    """
    suffix = Path(name).suffix.lower()
    found = _SUFFIXES.get(suffix)
    if found is None:
        raise InvalidInputError(
            f"format: cannot tell the format of {Path(name).name!r} from its extension; expected "
            f"{', '.join(sorted(_SUFFIXES))}, or give the format (csv, yaml, excel)",
            field="format",
        )
    return found


def _decode(data: bytes, origin: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InvalidInputError(
            f"cases: {origin!r} is UTF-16 text; save it as UTF-8 (CSV UTF-8 in Excel) and try "
            "again",
            field="cases",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(
            f"cases: {origin!r} is not UTF-8 text (byte {exc.start} is not valid UTF-8); save "
            "it as UTF-8 and try again",
            field="cases",
        ) from None


Grid = tuple[list[str], list[list[str | None]]]


def _csv_grid(data: bytes, origin: str) -> Grid:
    text = _decode(data, origin)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(data[:65536]))
    try:
        rows = [[cell if cell.strip() else None for cell in row] for row in reader]
    except csv.Error as exc:
        raise InvalidInputError(
            f"cases: {origin!r} is not a readable CSV file ({exc})", field="cases"
        ) from None
    if not rows:
        raise InvalidInputError(f"cases: {origin!r} is empty (no header line)", field="cases")
    return [c or "" for c in rows[0]], rows[1:]


def _yaml_text(value: object, where: str) -> str | None:
    if isinstance(value, str):
        text = value.strip()
        return None if text.lower() in ("", "~", "null") else text
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "; ".join(v.strip() for v in value if v.strip()) or None
    raise InvalidInputError(
        f"{where}: expected a value or a list of values, got a "
        f"{'mapping' if isinstance(value, dict) else 'nested list'}",
        field=where.rpartition(".")[2] or "cases",
    )


def _yaml_grid(data: bytes, origin: str) -> Grid:
    yaml = load_module("yaml", feature="YAML rule tables")
    text = _decode(data, origin)
    # BaseLoader keeps every scalar as text: "15:00" is not 900 (YAML 1.1 sexagesimal) and
    # "2026-02-13 10:00" not a UTC datetime; onestop reads the values itself.
    loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
    try:
        doc = yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise InvalidInputError(
            f"cases: {origin!r} is not valid YAML{where}", field="cases"
        ) from None
    except RecursionError:
        raise InvalidInputError(
            f"cases: {origin!r} is nested too deeply (a rule table is a list of flat mappings)",
            field="cases",
        ) from None
    if isinstance(doc, dict) and "cases" in doc:
        doc = doc["cases"]
    if not isinstance(doc, list) or not all(isinstance(item, dict) for item in doc):
        raise InvalidInputError(
            f"cases: {origin!r} is not a rule table; expected a list of cases (mappings), or a "
            "mapping whose 'cases' key holds that list",
            field="cases",
        )
    header: list[str] = []
    for item in doc:
        header.extend(k for k in item if k not in header)
    rows = [
        [_yaml_text(item[key], f"cases[{i}].{key}") if key in item else None for key in header]
        for i, item in enumerate(doc)
    ]
    return header, rows


def _mapping_grid(rows: Sequence[Mapping[str, Any]]) -> Grid:
    header: list[str] = []
    for item in rows:
        header.extend(str(k) for k in item if str(k) not in header)
    out: list[list[str | None]] = []
    for item in rows:
        values = {str(k): v for k, v in item.items()}
        out.append(
            [
                None
                if values.get(k) is None or str(values[k]).strip() == ""
                else (
                    values[k].isoformat()
                    if isinstance(values[k], dt.date | dt.datetime)
                    else str(values[k]).strip()
                )
                for k in header
            ]
        )
    return header, out


def _read(
    source: object, fmt: TableFormat | None, sheet: str | int | None, name: str | None
) -> tuple[Grid, str]:
    if isinstance(source, bytes | bytearray | memoryview):
        if fmt is None:
            raise InvalidInputError(
                "format: give the format (csv, yaml, excel) of a table passed as bytes",
                field="format",
            )
        data, origin = bytes(source), name or f"<{fmt} bytes>"
    elif isinstance(source, str | os.PathLike):
        path = Path(source)
        origin = name or path.name or str(path)
        fmt = fmt or detect_table_format(path)
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_TABLE_BYTES + 1)
        except OSError as exc:
            raise InvalidInputError(
                f"cases: cannot read {origin!r} ({exc.strerror or type(exc).__name__})",
                field="cases",
            ) from None
    elif isinstance(source, Sequence) and all(isinstance(r, Mapping) for r in source):
        return _mapping_grid(source), name or "<rows>"
    else:
        raise InvalidInputError(
            "cases: expected the path of a CSV, YAML or Excel rule table, its bytes (with "
            f"format=), or a list of mappings (rows); got {type(source).__name__}",
            field="cases",
        )
    if len(data) > MAX_TABLE_BYTES:
        raise InvalidInputError(
            f"cases: {origin!r} is larger than {MAX_TABLE_BYTES:,} bytes; split the table",
            field="cases",
        )
    if fmt == "csv":
        return _csv_grid(data, origin), origin
    if fmt == "yaml":
        return _yaml_grid(data, origin), origin
    if fmt == "excel":
        rows = workbook_rows(data, sheet)
        return ([c or "" for c in rows[0]], rows[1:]), origin
    raise InvalidInputError(
        f"format: {fmt!r} is not a rule-table format; expected csv, yaml or excel", field="format"
    )


def _resolve_columns(
    header: list[str], columns: Mapping[str, str] | None
) -> tuple[dict[str, int], tuple[str, ...]]:
    """``rule column -> index in header``, and the header's ignored columns."""
    known = {c.name for c in COLUMNS}
    chosen: dict[str, int] = {}
    explicit = dict(columns or {})
    for name, column in explicit.items():
        if name not in known:
            raise InvalidInputError(
                f"columns: {name!r} is not a rule-table column; expected one of "
                f"{', '.join(c.name for c in COLUMNS)}",
                field="columns",
            )
        if column not in header:
            raise InvalidInputError(
                f"columns: the table has no column {column!r} (for {name})", field="columns"
            )
        chosen[name] = header.index(column)
    taken = set(chosen.values())
    ignored: list[str] = []
    by_own_name: dict[str, list[int]] = {}
    by_record: dict[str, list[int]] = {}
    for index, title in enumerate(header):
        if index in taken:
            continue
        own = _BY_NAME.get(fold(title))
        record = field_by_alias(title)
        if own is not None:
            by_own_name.setdefault(own, []).append(index)
        elif record is not None and record.name in _RECORD_FIELDS:
            by_record.setdefault(_RECORD_FIELDS[record.name], []).append(index)
        elif title.strip():
            ignored.append(title)
    for found in (by_own_name, by_record):
        for name, indexes in found.items():
            if name in chosen:
                ignored.extend(header[i] for i in indexes)
                continue
            if len(indexes) > 1:
                titles = ", ".join(repr(header[i]) for i in indexes)
                raise InvalidInputError(
                    f"columns: {titles} all mean {name}; keep one, or name it with "
                    f"columns={{{name!r}: ...}} (--column {name}=...)",
                    field="columns",
                )
            chosen[name] = indexes[0]
    missing = [c.name for c in COLUMNS if c.required and c.name not in chosen]
    if missing:
        raise InvalidInputError(
            f"columns: the table has no {missing[0]} column (the receipt of the complete "
            "dossier, e.g. 'received' or the portal's NgayTiepNhan); name it with "
            f"columns={{{missing[0]!r}: ...}} (--column {missing[0]}=...)",
            field="columns",
        )
    if not {"expected_due", "expected_timeliness", "expected_flags"} & set(chosen):
        raise InvalidInputError(
            "columns: the table has nothing to check: give an expected_due, "
            "expected_timeliness or expected_flags column",
            field="columns",
        )
    return chosen, tuple(ignored)


# ---------------------------------------------------------------------------- one row


class _RowError(Exception):
    """A problem with one cell; collected, then reported together."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


def _cell_error(column: str, exc: OneStopError) -> _RowError:
    message = exc.message
    if exc.field and message.startswith(f"{exc.field}: "):
        message = message[len(exc.field) + 2 :]
    return _RowError(column, message)


def _instant(column: str, text: str) -> dt.datetime:
    try:
        return parse_instant(text, field=column)
    except OneStopError as exc:
        raise _cell_error(column, exc) from None


def _date_or_instant(column: str, text: str) -> dt.datetime | dt.date:
    """A date alone, or an instant; 00:00 without an offset is a date (a spreadsheet's date)."""
    if ":" in text:  # a time is written: an instant (or a spreadsheet's midnight)
        instant = _instant(column, text)
    else:
        try:
            return parse_date(text, field=column)
        except OneStopError:
            instant = _instant(column, text)
    if instant.tzinfo is VN_TZ and instant.time() == dt.time(0):
        return instant.date()  # parse_instant gives VN_TZ only when no offset was written
    return instant


def _instants(column: str, text: str | None) -> list[dt.datetime]:
    if text is None:
        return []
    return [_instant(column, part.strip()) for part in text.split(";") if part.strip()]


def _amount(text: str) -> int:
    digits = text.strip()
    if digits.endswith(".0"):  # a spreadsheet's number written as 5.0
        digits = digits[:-2]
    if not digits.isascii() or not digits.isdigit():
        raise _RowError("amount", f"expected a whole number >= 0, got {text[:40]!r}")
    return int(digits)


def _unit(text: str | None) -> TimeUnit | str | None:
    if text is None:
        return None
    found = UNIT_SPELLINGS.get(fold(text))
    return found if isinstance(found, TimeUnit) else text


def _catalogue_time(
    code: str, channel_text: str | None, catalogue: Mapping[str, Procedure | ProcessingTime]
) -> ProcessingTime:
    key = code.strip().upper()
    entry = catalogue.get(key)
    if entry is None:
        with contextlib.suppress(InvalidIdentifierError):
            entry = catalogue.get(ProcedureCode(key).national)
    if entry is None:
        raise _RowError(
            "procedure",
            f"{code[:40]!r} is not in the procedure catalogue given; give the amount and unit, "
            "or add the procedure to the catalogue",
        )
    if isinstance(entry, ProcessingTime):
        return entry
    if channel_text is not None:
        channel = CHANNEL_SPELLINGS.get(fold(channel_text))
        if not isinstance(channel, Channel):
            raise _RowError(
                "channel",
                f"{channel_text[:40]!r} is not a channel; expected direct, online or "
                "postal (or 1, 2, 3)",
            )
        try:
            return entry.processing_time_for(channel)
        except OneStopError as exc:
            raise _cell_error("channel", exc) from None
    times = {item.time for item in entry.processing_times}
    if len(times) > 1:
        raise _RowError(
            "channel",
            f"procedure {code[:40]} has a different processing time for each channel; give the "
            "channel column",
        )
    return next(iter(times))


def _processing_time(
    cells: Mapping[str, str | None], catalogue: Mapping[str, Procedure | ProcessingTime]
) -> ProcessingTime:
    amount_text, unit = cells.get("amount"), _unit(cells.get("unit"))
    policy, cutoff = cells.get("policy"), cells.get("cutoff")
    if policy is not None:
        try:
            policy_by_name(policy)
        except OneStopError as exc:
            raise _cell_error("policy", exc) from None
    procedure = cells.get("procedure")
    if amount_text is None and unit is None and policy is None and procedure is not None:
        if not catalogue:
            raise _RowError(
                "amount",
                "missing; give the processing time (amount and unit), or a procedure catalogue "
                "(procedures=, --procedures) for the procedure column",
            )
        return _catalogue_time(procedure, cells.get("channel"), catalogue)
    if amount_text is None:
        same_day = unit in (TimeUnit.SAME_DAY, "same-day", "same_day") or (
            unit is None and policy is not None and fold(policy) == "sameday"
        )
        if not same_day:
            raise _RowError("amount", "missing; give the processing time's amount")
        amount = 0
    else:
        amount = _amount(amount_text)
    try:
        return parse_processing_time(amount, unit, policy=policy, cutoff=cutoff)
    except OneStopError as exc:
        column = exc.field if exc.field in ("amount", "unit", "cutoff", "policy") else "unit"
        raise _cell_error(column, exc) from None


def _timeliness(text: str) -> Timeliness:
    found = _TIMELINESS.get(fold(text))
    if found is None:
        raise _RowError(
            "expected_timeliness",
            f"{text[:40]!r} is not a timeliness; expected one of "
            f"{', '.join(t.value for t in Timeliness)} (or Trước hạn, Đúng hạn, Quá hạn…)",
        )
    return found


def _flags(text: str) -> frozenset[FlagCode]:
    if fold(text) in _NO_FLAGS:  # "-" folds to ""
        return frozenset()
    codes = set()
    for part in text.replace(",", ";").split(";"):
        code = part.strip().lower().replace("-", "_")
        if not code:
            continue
        try:
            codes.add(FlagCode(code))
        except ValueError:
            raise _RowError(
                "expected_flags",
                f"{part.strip()[:40]!r} is not a flag code; expected codes such as "
                f"{', '.join(f.value for f in list(FlagCode)[:4])}… separated by ';', or '-' "
                "for none",
            ) from None
    return frozenset(codes)


def _default_id(received: dt.datetime, time: ProcessingTime) -> str:
    unit = time.unit.value.replace("_", "-")
    amount = "" if time.unit is TimeUnit.SAME_DAY else f"{time.amount} "
    return f"{received.strftime('%Y-%m-%d %H:%M')} + {amount}{unit}"


def _case(
    row: int, cells: Mapping[str, str | None], catalogue: Mapping[str, Procedure | ProcessingTime]
) -> RuleCase:
    received_text = cells.get("received")
    if received_text is None:
        raise _RowError("received", "missing; every case needs the receipt instant")
    received = _instant("received", received_text)
    time = _processing_time(cells, catalogue)
    supplement_policy = cells.get("supplement_policy")
    if supplement_policy is not None:
        supplement_policy = supplement_policy.strip().lower()
        try:
            supplement_policy_by_name(supplement_policy)
        except OneStopError as exc:
            raise _cell_error("supplement_policy", exc) from None
    requested = _instants("supplement_requested", cells.get("supplement_requested"))
    back = _instants("supplement_resubmitted", cells.get("supplement_resubmitted"))
    if len(back) not in (len(requested), len(requested) - 1) or (back and not requested):
        raise _RowError(
            "supplement_resubmitted",
            f"{len(back)} resubmission(s) for {len(requested)} request(s); give one per request, "
            "in order (one fewer when the last request is still awaited)",
        )
    try:
        supplements = tuple(
            SupplementSpan(r, back[i] if i < len(back) else None) for i, r in enumerate(requested)
        )
    except OneStopError as exc:
        raise _cell_error("supplement_resubmitted", exc) from None
    era = cells.get("era")
    if era is not None:
        try:
            rules_by_name(era)
        except OneStopError as exc:
            raise _cell_error("era", exc) from None
    extension_text = cells.get("extension_due")
    apology_text = cells.get("apology_at")
    if apology_text is not None and extension_text is None:
        raise _RowError("apology_at", "an apology letter without extension_due (the new date)")
    finished_text, at_text = cells.get("finished"), cells.get("at")
    expected_due_text = cells.get("expected_due")
    expected_due: dt.datetime | dt.date | str | None = None
    if expected_due_text is not None:
        expected_due = (
            PENDING
            if expected_due_text.lower() == PENDING
            else _date_or_instant("expected_due", expected_due_text)
        )
    timeliness_text = cells.get("expected_timeliness")
    expected_timeliness = None if timeliness_text is None else _timeliness(timeliness_text)
    if expected_timeliness is not None and finished_text is None and at_text is None:
        raise _RowError(
            "expected_timeliness",
            "needs the finished instant (a finished dossier) or at (an unfinished one judged at "
            "that instant)",
        )
    against_text = (cells.get("timeliness_against") or "original").strip().lower()
    if against_text not in ("original", "extended"):
        raise _RowError("timeliness_against", "expected original or extended")
    flags_text = cells.get("expected_flags")
    expected_flags = None if flags_text is None else _flags(flags_text)
    if expected_due is None and expected_timeliness is None and expected_flags is None:
        raise _RowError(
            "expected_due",
            "nothing to check in this case: give expected_due, expected_timeliness or "
            "expected_flags",
        )
    return RuleCase(
        row=row,
        id=cells.get("id") or _default_id(received, time),
        received_at=received,
        processing_time=time,
        policy=cells.get("policy"),
        procedure=cells.get("procedure"),
        supplement_policy=supplement_policy,
        supplements=supplements,
        extension_due=None
        if extension_text is None
        else _date_or_instant("extension_due", extension_text),
        apology_at=None if apology_text is None else _instant("apology_at", apology_text),
        finished_at=None if finished_text is None else _instant("finished", finished_text),
        at=None if at_text is None else _instant("at", at_text),
        era=era,
        expected_due=expected_due,
        expected_timeliness=expected_timeliness,
        timeliness_against="extended" if against_text == "extended" else "original",
        expected_flags=expected_flags,
        note=cells.get("note"),
    )


def _catalogue(
    procedures: Mapping[str, Procedure | ProcessingTime] | Iterable[Procedure] | None,
) -> dict[str, Procedure | ProcessingTime]:
    if procedures is None:
        return {}
    if isinstance(procedures, Mapping):
        items = list(procedures.items())
    else:
        items = []
        for procedure in procedures:
            if not isinstance(procedure, Procedure):
                raise InvalidInputError(
                    "procedures: expected Procedure objects (or a mapping code -> Procedure or "
                    f"ProcessingTime), got a {type(procedure).__name__}",
                    field="procedures",
                )
            items.append((str(procedure.code), procedure))
            items.append((procedure.code.national, procedure))
    out: dict[str, Procedure | ProcessingTime] = {}
    for code, entry in items:
        if not isinstance(entry, Procedure | ProcessingTime):
            raise InvalidInputError(
                f"procedures: the entry for {str(code)[:40]!r} is a {type(entry).__name__}; "
                "expected a Procedure or a ProcessingTime",
                field="procedures",
            )
        out.setdefault(str(code).strip().upper(), entry)
    return out


#: At most this many row problems are listed in the error message of a malformed table.
SHOWN_PROBLEMS = 10

#: A problem with one case: ``(row, column, message)``.
RowProblem = tuple[int, str, str]


def problems_error(problems: Sequence[RowProblem], origin: str) -> InvalidInputError:
    """The error of a table whose rows cannot be checked, listing up to :data:`SHOWN_PROBLEMS`.

    ``field`` is the first problem's column.
    """
    shown = "; ".join(
        f"row {row}, {column}: {message}" for row, column, message in problems[:SHOWN_PROBLEMS]
    )
    more = len(problems) - SHOWN_PROBLEMS
    rows = len({row for row, _, _ in problems})
    return InvalidInputError(
        f"cases: {rows} row{'s' if rows > 1 else ''} of {origin} cannot be checked: {shown}"
        + (f"; and {more} more" if more > 0 else ""),
        field=problems[0][1],
    )


def _cases(
    grid: Grid,
    origin: str,
    columns: Mapping[str, str] | None,
    procedures: Mapping[str, Procedure | ProcessingTime] | Iterable[Procedure] | None,
) -> tuple[tuple[RuleCase, ...], tuple[str, ...]]:
    header, body = grid
    chosen, ignored = _resolve_columns(header, columns)
    catalogue = _catalogue(procedures)
    cases: list[RuleCase] = []
    problems: list[RowProblem] = []
    row = 0
    for values in body:
        if all(v is None or not str(v).strip() for v in values):
            continue  # a blank line is not a case
        row += 1
        if len(values) > len(header) and any(v is not None for v in values[len(header) :]):
            problems.append(
                (row, "cases", f"the row has {len(values)} fields; the header has {len(header)}")
            )
            continue
        cells: dict[str, str | None] = {}
        for name, i in chosen.items():
            value = values[i] if i < len(values) else None
            cells[name] = value.strip() or None if value is not None else None
        try:
            cases.append(_case(row, cells, catalogue))
        except _RowError as err:
            problems.append((row, err.column, err.message))
    if problems:
        raise problems_error(problems, origin)
    if not cases:
        raise InvalidInputError(f"cases: {origin} has no case (only a header)", field="cases")
    return tuple(cases), ignored


def read_rule_table(
    source: str | os.PathLike[str] | bytes | Sequence[Mapping[str, Any]],
    *,
    format: TableFormat | None = None,
    sheet: str | int | None = None,
    columns: Mapping[str, str] | None = None,
    procedures: Mapping[str, Procedure | ProcessingTime] | Iterable[Procedure] | None = None,
    name: str | None = None,
) -> tuple[tuple[RuleCase, ...], tuple[str, ...], str]:
    """The cases of a rule table, the columns ignored, and the table's name.

    :func:`load_rule_cases` without the extras; see it for the arguments.
    """
    try:
        grid, origin = _read(source, format, sheet, name)
    except _RowError as err:  # a YAML cell holding a mapping
        raise InvalidInputError(f"cases: {err.message}", field=err.column) from None
    cases, ignored = _cases(grid, origin, columns, procedures)
    return cases, ignored, origin


def load_rule_cases(
    source: str | os.PathLike[str] | bytes | Sequence[Mapping[str, Any]],
    *,
    format: TableFormat | None = None,
    sheet: str | int | None = None,
    columns: Mapping[str, str] | None = None,
    procedures: Mapping[str, Procedure | ProcessingTime] | Iterable[Procedure] | None = None,
    name: str | None = None,
) -> tuple[RuleCase, ...]:
    """Read a rule table: the cases a vendor expects onestop to agree with.

    Every row is read before anything is reported: a malformed table raises once, listing the
    problems (row, column, what is wrong) of up to ten rows.

    Args:
        source: the path of a CSV (``.csv``, ``.tsv``), YAML (``.yaml``, ``.yml``) or Excel
            (``.xlsx``, ``.xls``, ``.ods``…) table, its bytes (with ``format``), or rows as a
            list of mappings (column -> value).
        format: ``"csv"``, ``"yaml"`` or ``"excel"`` (default: from the file name).
        sheet: the worksheet of a workbook (name or 0-based index; default the first).
        columns: ``rule column -> the table's column``, for names not recognised, e.g.
            ``{"expected_due": "Hạn xử lý"}``.
        procedures: a catalogue for the ``procedure`` column: :class:`~onestop.models.Procedure`
            objects, or a mapping ``code -> Procedure or ProcessingTime``. A case with a
            procedure and no amount, unit or policy is counted with the procedure's
            processing time (for the ``channel`` given).
        name: the table's name in messages (default: the file name).

    Returns:
        The cases, numbered from 1 in table order (blank rows skipped).

    Raises:
        InvalidInputError: the table cannot be read (missing, not UTF-8, not valid YAML, too
            large), lacks a required column or has nothing to check, or rows hold values that
            cannot be read (the message lists them; ``field`` is the first one's column).
        MissingExtraError: a YAML table without PyYAML (``testkit`` extra), an Excel one
            without python-calamine (``excel`` extra).
    """
    return read_rule_table(
        source, format=format, sheet=sheet, columns=columns, procedures=procedures, name=name
    )[0]


def rule_cases(
    source: str | os.PathLike[str] | bytes | Sequence[Mapping[str, Any]], **options: Any
) -> list[ParameterSet]:
    """The cases of a rule table as pytest parameters, one test per row with a readable id.

    Example::

        from onestop.testing import check_case, rule_cases

        @pytest.mark.parametrize("case", rule_cases("tests/due-dates.csv"))
        def test_due_dates(case):
            check_case(case).assert_agrees()

    A failing row reports the expected and the computed values, onestop's explanation and
    the articles behind it; the test id is ``row 12: <id>``.

    Args:
        source: as :func:`load_rule_cases`.
        **options: passed to :func:`load_rule_cases` (``format``, ``sheet``, ``columns``,
            ``procedures``).

    Raises:
        InvalidInputError: as :func:`load_rule_cases` (at collection: a malformed table
            fails the run loudly rather than producing no test).
    """
    import pytest

    return [pytest.param(case, id=case.test_id) for case in load_rule_cases(source, **options)]
