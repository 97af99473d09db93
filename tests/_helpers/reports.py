"""Report test data and a pure-Python reference of the report indicators, row by row.

Shared by the DuckDB report tests (tests/reports) and the Spark tests (tests/spark). The
reference is written to be obviously right rather than fast: every record is judged with the
scalar deadline engine (``compute_due``, ``timeliness.classify``,
``WorkCalendar.working_days_between``) and every period and group is counted in plain loops.
"""

from __future__ import annotations

import datetime as dt
import random
import warnings
from collections import defaultdict

import pyarrow as pa

from onestop.deadlines import civil_service_calendar, compute_due
from onestop.deadlines.timeliness import Timeliness, classify
from onestop.errors import ProvisionalCalendarWarning
from onestop.models import ProcessingTime, TimeUnit
from onestop.tz import VN_TZ

STATUSES = [
    "new", "received", "refused", "processing", "supplement_requested",
    "financial_obligation", "withdrawn", "stopped", "completed", "returned",
]  # fmt: skip
UNITS = ["working_days", "calendar_days", "working_hours", "months", "same_day", None]


def record_table(rows):
    """An Arrow table of records in the import layer's field names (missing keys: null)."""
    names = [
        "code", "procedure", "department", "channel", "status", "received_at", "due_at",
        "finished_at", "returned_at", "processing_amount", "processing_unit", "paid_online",
        "fee_bearing", "digitised", "e_result", "reused",
    ]  # fmt: skip
    types = {
        "received_at": pa.timestamp("us"), "due_at": pa.timestamp("us"),
        "finished_at": pa.timestamp("us"), "returned_at": pa.timestamp("us"),
        "processing_amount": pa.int64(), "paid_online": pa.bool_(), "fee_bearing": pa.bool_(),
        "digitised": pa.bool_(), "e_result": pa.bool_(), "reused": pa.bool_(),
    }  # fmt: skip
    return pa.table(
        {n: pa.array([r.get(n) for r in rows], types.get(n, pa.string())) for n in names}
    )


START = dt.datetime(2025, 12, 1)


def materialise(raw):
    """Records from drawn rows: codes, and instants from day offsets after the receipt."""
    rows = []
    for i, r in enumerate(raw):
        row = {k: v for k, v in r.items() if not k.endswith("_days")}
        row["code"] = f"H-{i}"
        rec = r["received_at"]
        for name in ("due", "finished", "returned"):
            days = r[f"{name}_days"]
            row[f"{name}_at"] = None if days is None else rec + dt.timedelta(days=days, hours=3)
        if row["processing_unit"] == "same_day" and row["processing_amount"]:
            row["processing_amount"] = 0
        rows.append(row)
    return rows


def random_rows(seed, n):
    """``n`` seeded random records (every status, unit, channel and flag)."""
    rng = random.Random(seed)
    raw = []
    for _ in range(n):
        raw.append(
            {
                "procedure": rng.choice(["1.1", "1.2", "2.7"]),
                "department": rng.choice(["TP", "XD", "YT", None]),
                "channel": rng.choice(["direct", "online", "postal", None]),
                "status": rng.choice(STATUSES),
                "received_at": START + dt.timedelta(minutes=rng.randint(0, 110 * 24 * 60)),
                "due_days": rng.choice([None, rng.randint(0, 20)]),
                "finished_days": rng.choice([None, rng.randint(0, 30)]),
                "returned_days": rng.choice([None, rng.randint(0, 30)]),
                "processing_amount": rng.choice([None, rng.randint(0, 12)]),
                "processing_unit": rng.choice(UNITS),
                "paid_online": rng.choice([None, True, False]),
                "fee_bearing": rng.choice([None, True, False]),
                "digitised": rng.choice([None, True, False]),
                "e_result": rng.choice([None, True, False]),
                "reused": rng.choice([None, True, False]),
            }
        )
    return materialise(raw)


NOT_RESOLVED = {"new", "refused", "withdrawn", "stopped"}
OPEN_END = dt.datetime(9999, 12, 31)
TICK = dt.timedelta(microseconds=1)
CODES = {Timeliness.EARLY: 0, Timeliness.ON_TIME: 1, Timeliness.LATE: 2}


def _aware(value):
    return value.replace(tzinfo=VN_TZ)


def _local(value):
    return value.astimezone(VN_TZ).replace(tzinfo=None)


def computed_due(row, calendar):
    if row["processing_amount"] is None:
        return None
    amount = row["processing_amount"]
    unit = TimeUnit(row["processing_unit"] or "working_days")
    received = row["received_at"]
    if not calendar.first_year <= received.year < calendar.last_year:
        return None
    if unit is TimeUnit.SAME_DAY and amount != 0:
        return None
    if unit is TimeUnit.MONTHS and amount > 60:
        return None
    deadline = compute_due(
        _aware(received),
        ProcessingTime(amount=amount, unit=unit),
        calendar=calendar,
        policy=unit.value.replace("_", "-"),
    )
    return _local(deadline.due_at)


def judge_row(row, calendar, due_mode):
    """The per-record facts: due used, end, outcome, working days taken, elapsed days."""
    computed = computed_due(row, calendar)
    stored = row["due_at"]
    if due_mode == "stored":
        due = stored if stored is not None else computed
    else:
        due = computed if computed is not None else stored
    end = None
    if row["status"] not in NOT_RESOLVED:
        end = row["finished_at"] or row["returned_at"]
    outcome = None
    if end is not None and due is not None:
        outcome = CODES[classify(_aware(due), finished_at=_aware(end))]
    taken = elapsed = None
    if end is not None:
        taken = calendar.working_days_between(row["received_at"].date(), end.date())
        elapsed = (end - row["received_at"]).total_seconds() / 86400
    return {"due": due, "end": end, "outcome": outcome, "taken": taken, "elapsed": elapsed}


def reference_indicators(rows, periods, groups, *, due_mode="stored", calendar=None):
    """Indicators per (period, *group values), computed record by record.

    ``periods`` is a list of ``(label, first_day, last_day, judge_at)``.
    """
    calendar = calendar or civil_service_calendar()
    with warnings.catch_warnings():  # a provisional year is flagged by the report, not here
        warnings.simplefilter("ignore", ProvisionalCalendarWarning)
        facts = [judge_row(r, calendar, due_mode) for r in rows]
    out = {}
    for label, first, last, judge in periods:
        s = dt.datetime.combine(first, dt.time())
        e = dt.datetime.combine(last + dt.timedelta(days=1), dt.time())
        acc = defaultdict(lambda: defaultdict(int))
        taken = defaultdict(list)
        elapsed = defaultdict(list)
        for row, f in zip(rows, facts, strict=True):
            status = row["status"]
            accepted = status not in ("new", "refused")
            closed = status in ("withdrawn", "stopped")
            end = f["end"]
            if accepted and not closed and end is None:
                last_event = OPEN_END
            else:
                last_event = max(
                    v
                    for v in (row["received_at"], end, row["finished_at"], row["returned_at"])
                    if v is not None
                )
            if not (row["received_at"] < e and last_event >= s):
                continue
            key = (label, *(row[g] for g in groups))
            c = acc[key]
            c["_seen"] += 0
            received_in = s <= row["received_at"] < e
            if accepted and received_in:
                c["received_total"] += 1
                channel = row["channel"]
                c["received_" + (channel or "unknown_channel")] += 1
                pay_base = (
                    row["fee_bearing"]
                    if row["fee_bearing"] is not None
                    else row["paid_online"] is not None
                )
                if pay_base:
                    c["payment_base"] += 1
                    c["paid_online"] += bool(row["paid_online"])
                if row["digitised"] is not None:
                    c["digitised_base"] += 1
                    c["digitised"] += bool(
                        row["digitised"] and (row["e_result"] is None or row["e_result"])
                    )
                if row["reused"] is not None:
                    c["reused_base"] += 1
                    c["reused"] += bool(row["reused"])
            if not accepted and row["received_at"] >= s:
                c["not_accepted"] += 1
            if accepted and not closed and row["received_at"] < s and (end is None or end >= s):
                c["carried_over"] += 1
            if end is not None and s <= end < e:
                c["resolved_total"] += 1
                name = {0: "early", 1: "on_time", 2: "late", None: "no_due"}[f["outcome"]]
                c["resolved_" + name] += 1
                if f["taken"] is not None:
                    taken[key].append(f["taken"])
                elapsed[key].append(f["elapsed"])
            returned = row["returned_at"] or (end if status == "returned" else None)
            if returned is not None and s <= returned < e:
                c["returned"] += 1
            closed_at = row["finished_at"] or row["returned_at"] or row["received_at"]
            if closed and s <= closed_at < e:
                c["closed"] += 1
            if accepted and not closed and (end is None or end >= e):
                if f["due"] is None:
                    c["in_progress_no_due"] += 1
                elif judge > f["due"]:
                    c["in_progress_overdue"] += 1
                else:
                    c["in_progress_on_time"] += 1
        for key, c in acc.items():
            row = dict(c)
            row.pop("_seen", None)
            row["mean_working_days"] = sum(taken[key]) / len(taken[key]) if taken[key] else None
            row["mean_elapsed_days"] = (
                sum(elapsed[key]) / len(elapsed[key]) if elapsed[key] else None
            )
            good = c["resolved_early"] + c["resolved_on_time"]
            judged = good + c["resolved_late"]
            row["on_time_rate"] = good / judged if judged else None
            total = c["received_total"]
            for channel in ("direct", "online", "postal"):
                row[f"share_{channel}"] = c[f"received_{channel}"] / total if total else None
            row["online_rate"] = row["share_online"]
            for rate, num, den in (
                ("online_payment_rate", "paid_online", "payment_base"),
                ("digitisation_rate", "digitised", "digitised_base"),
                ("reuse_rate", "reused", "reused_base"),
            ):
                row[rate] = c[num] / c[den] if c[den] else None
            row["rate_766_on_time"] = (
                (good + c["in_progress_on_time"])
                / (judged + c["in_progress_on_time"] + c["in_progress_overdue"])
                if judged + c["in_progress_on_time"] + c["in_progress_overdue"]
                else None
            )
            out[key] = row
    return out
