"""Audit of stored due dates: recompute another system's appointment dates, list disagreements.

For every record with both a stored due date (``NgayHenTra``) and a processing time, onestop
computes the due date itself (the unit's default counting policy on the civil-service
calendar) and compares. The disagreements come with onestop's step-by-step explanation, so a
vendor can see which rule their software applies differently (the receipt day counted, a
make-up Saturday missed, a holiday swap not applied, …).
"""

from __future__ import annotations

import datetime as dt
import html
from collections import Counter
from typing import Any

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from onestop.models import TimeUnit
from onestop.records._arrow import arrow_array, arrow_scalar, arrow_strings, numpy_instants
from onestop.records._records import Records, read_records, require_rows
from onestop.reports import _engine
from onestop.reports._kernel import deadline_columns

__all__ = ["Audit", "audit"]

_WORKING_DAYS = arrow_scalar(TimeUnit.WORKING_DAYS.value, pa.string())

_MISMATCH_SCHEMA = pa.schema(
    [
        ("row", pa.int64()),
        ("code", pa.string()),
        ("procedure", pa.string()),
        ("department", pa.string()),
        ("received_at", pa.timestamp("us")),
        ("processing_amount", pa.int64()),
        ("processing_unit", pa.string()),
        ("stored_due_at", pa.timestamp("us")),
        ("computed_due_at", pa.timestamp("us")),
        ("difference_days", pa.int64()),
        ("difference_working_days", pa.int64()),
        ("explanation_vi", pa.string()),
        ("explanation_en", pa.string()),
    ]
)


@attrs.frozen(slots=True)
class Audit:
    """The result of :func:`audit`.

    Attributes:
        records: the records audited (with their errors table).
        checked: rows with both a stored due date and a computable one.
        not_checked: rows without a stored due date or without a processing time.
        mismatches: one row per disagreement: ``row``, ``code``, ``procedure``,
            ``department``, ``received_at``, the processing time, ``stored_due_at``,
            ``computed_due_at``, ``difference_days`` (stored − computed, calendar days),
            ``difference_working_days`` (working days from the computed date to the stored
            one; negative when the stored date is earlier) and onestop's explanation
            (``explanation_vi``, ``explanation_en``; null past ``explain_limit``).
        exact: whether instants were compared (else local dates).
        provisional: a computed date depends on a year without an official notice.
    """

    records: Records = attrs.field(repr=False)
    checked: int
    not_checked: int
    mismatches: pa.Table = attrs.field(repr=False)
    exact: bool
    provisional: bool

    @property
    def matching(self) -> int:
        """Rows whose stored due date agrees with onestop's."""
        return self.checked - int(self.mismatches.num_rows)

    def by_difference(self) -> list[tuple[int, int]]:
        """``(difference in working days, rows)``, most frequent first."""
        counts = Counter(self.mismatches.column("difference_working_days").to_pylist())
        return sorted(((int(k), v) for k, v in counts.items()), key=lambda kv: (-kv[1], kv[0]))

    def summary(self) -> str:
        """One English sentence on the result and the dominant difference."""
        n = self.mismatches.num_rows
        text = (
            f"{self.checked:,} stored due dates checked: {self.matching:,} agree, {n:,} disagree"
            f" ({_rows(self.not_checked)} without a stored due date or a processing time)."
        )
        diffs = self.by_difference()
        if diffs:
            shift, rows = diffs[0]
            side = "later" if shift > 0 else "earlier"
            text += (
                f" Most often ({_rows(rows)}) the stored date is {abs(shift)} working day"
                f"{'s' if abs(shift) != 1 else ''} {side} than onestop's."
                if shift
                else f" Most often ({_rows(rows)}) it differs in calendar days only."
            )
        return text

    def to_dict(self, *, limit: int | None = 100) -> dict[str, Any]:
        """JSON-ready data: counts, the differences, and up to ``limit`` mismatches."""
        rows = self.mismatches if limit is None else self.mismatches.slice(0, limit)
        listed: list[dict[str, Any]] = rows.to_pylist()
        for item in listed:
            for key, value in item.items():
                if isinstance(value, dt.datetime):
                    item[key] = value.replace(tzinfo=_engine.VN_TZ).isoformat()
        return {
            "rows_read": self.records.rows_read,
            "rows_rejected": self.records.rows_rejected,
            "checked": self.checked,
            "matching": self.matching,
            "mismatched": self.mismatches.num_rows,
            "not_checked": self.not_checked,
            "compared": "instants" if self.exact else "dates",
            "provisional": self.provisional,
            "summary": self.summary(),
            "by_difference": [{"working_days": k, "rows": v} for k, v in self.by_difference()],
            "mismatches": listed,
        }

    def _repr_html_(self) -> str:
        head = self.mismatches.slice(0, 20).to_pylist()
        cells = "".join(
            "<tr>"
            + "".join(
                f"<td>{html.escape(str(r[k]))}</td>"
                for k in ("row", "code", "stored_due_at", "computed_due_at",
                          "difference_working_days")
            )
            + "</tr>"
            for r in head
        )  # fmt: skip
        return (
            f"<p>{html.escape(self.summary())}</p><table><tr><th>row</th><th>code</th>"
            "<th>stored</th><th>onestop</th><th>Δ working days</th></tr>"
            f"{cells}</table>"
        )


def audit(
    records: Records | Any,
    *,
    calendar: _engine.WorkCalendar | None = None,
    exact: bool = False,
    explain_limit: int = 1000,
    columns: Any = None,
) -> Audit:
    """Recompute the stored due dates of an export and list those that disagree.

    Args:
        records: :class:`~onestop.records.Records` or anything
            :func:`~onestop.records.read_records` reads.
        calendar: the working calendar (default the civil-service calendar).
        exact: compare instants (hour and minute too); by default local dates, which is what
            the early / on-time / late rule compares (Circular 01/2018/TT-VPCP Art. 13).
        explain_limit: explain at most this many disagreements (the explanation is computed
            per row); the others are listed without one.
        columns: column mapping when ``records`` still has to be read.

    Raises:
        InvalidInputError: no usable row.
    """
    if not isinstance(records, Records):
        records = read_records(records, columns=columns)
    require_rows(records)
    calendar = calendar or _engine.default_calendar()
    data, provisional = deadline_columns(records.table, calendar=calendar, due="recompute")
    stored = data.column("due_at")
    computed = data.column("computed_due_at")
    both = pc.and_(pc.is_valid(stored), pc.is_valid(computed))
    subset = data.filter(both)
    s = numpy_instants(subset.column("due_at"))
    c = numpy_instants(subset.column("computed_due_at"))
    sd, cd = s.astype("datetime64[D]"), c.astype("datetime64[D]")
    differ = (s != c) if exact else (sd != cd)
    bad = subset.filter(arrow_array(differ, pa.bool_()))
    bsd, bcd = sd[differ], cd[differ]
    days = (bsd - bcd).astype(np.int64)
    working = _engine.working_days_taken(calendar, bcd, bsd) if len(bcd) else np.zeros(0, np.int64)
    vi: list[str | None] = []
    en: list[str | None] = []
    for i, row in enumerate(
        bad.select(["received_at", "processing_amount", "processing_unit"]).to_pylist()
    ):
        if i >= explain_limit:
            vi.append(None)
            en.append(None)
            continue
        unit = TimeUnit(row["processing_unit"] or "working_days")
        received = row["received_at"].replace(tzinfo=_engine.VN_TZ)
        _, text_vi, text_en = _engine.explain_due(
            calendar, received, row["processing_amount"], unit
        )
        vi.append(text_vi)
        en.append(text_en)
    mismatches = pa.table(
        [
            bad.column("row"),
            bad.column("code"),
            bad.column("procedure"),
            bad.column("department"),
            bad.column("received_at"),
            bad.column("processing_amount"),
            pc.fill_null(bad.column("processing_unit"), _WORKING_DAYS),
            bad.column("due_at"),
            bad.column("computed_due_at"),
            arrow_array(days.astype(np.int64, copy=False), pa.int64()),
            arrow_array(np.asarray(working, dtype=np.int64), pa.int64()),
            arrow_strings(vi),
            arrow_strings(en),
        ],
        schema=_MISMATCH_SCHEMA,
    )
    return Audit(
        records=records,
        checked=subset.num_rows,
        not_checked=data.num_rows - subset.num_rows,
        mismatches=mismatches,
        exact=exact,
        provisional=provisional,
    )


def _rows(n: int) -> str:
    """``"1 row"``, ``"1,234 rows"``."""
    return f"{n:,} row" if n == 1 else f"{n:,} rows"
