"""A pure-Python reference of the report indicators, row by row, and fixtures.

Written to be obviously right rather than fast: every record is judged with the scalar deadline
engine (``compute_due``, ``timeliness.classify``, ``WorkCalendar.working_days_between``) and every
period and group is counted in plain loops. The DuckDB report must give the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest

from onestop.deadlines import civil_service_calendar, compute_due
from onestop.deadlines.timeliness import VN_TZ, Timeliness, classify
from onestop.models import ProcessingTime, TimeUnit

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
        calendar,
        _aware(received),
        ProcessingTime(amount=amount, unit=unit),
        policy=unit.value.replace("_", "-"),
    )
    return _local(deadline.due)


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
            row["mean_working_days"] = (
                sum(taken[key]) / len(taken[key]) if taken[key] else None
            )
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


@pytest.fixture(scope="session")
def calendar():
    return civil_service_calendar()


@pytest.fixture(scope="session")
def reference():
    return reference_indicators
