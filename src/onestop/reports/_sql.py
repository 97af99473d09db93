"""The indicator query, written once in portable SQL (DuckDB here; Spark SQL runs it as is).

Inputs are two relations: the records with the deadline kernel's columns (``r``) and the
reporting periods (``p``: ``period`` label, ``p_start`` inclusive and ``p_end`` exclusive
timestamps, ``first_day`` and ``last_day`` dates, and ``judge_at``, the instant open dossiers
are judged at). Only standard constructs are used:
``CASE``, ``COALESCE``, ``GREATEST``, ``NULLIF``, ``SUM``/``AVG``/``MIN``, an inequality join.

Definitions, per period ``[p_start, p_end)`` (Vietnam local time):

* **received** (tiếp nhận): accepted dossiers (status not 1 *new* and not 3 *refused*) whose
  ``received_at`` is in the period, by channel; **not_accepted**: the others received then.
* **carried_over** (kỳ trước chuyển sang): accepted before the period, not finished, withdrawn or
  stopped before it.
* **resolved** (đã giải quyết): ``end_at`` in the period; **early / on_time / late** by the
  kernel's ``outcome`` (Circular 01/2018/TT-VPCP Art. 13), **no_due** when neither a stored
  nor a computed due date exists.
* **returned** (đã trả kết quả): ``returned_at`` (else, for status 10, ``end_at``) in the period.
* **closed**: withdrawn (7) or stopped (8) in the period.
* **in progress** (đang giải quyết) at the end of the period: accepted, not closed, not finished
  by ``p_end``; **overdue** when ``judge_at`` is after ``due_used``.
* **online payment**: dossiers paid online (``DuocThanhToanTrucTuyen`` 1 or 2) among those that
  bear a fee (``fee_bearing``; without that column, those whose payment flag is known);
  **digitised**: with digitised components (and an electronic result where that column
  exists); **reused**: with a component reused from digitised data; each among the received
  dossiers for which the export has the flag.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["GROUP_COLUMNS", "INDICATOR_COLUMNS", "indicator_sql"]

#: Record columns a report can be grouped by (besides the period).
GROUP_COLUMNS = ("department", "procedure", "field", "channel")

#: The count and rate columns of the indicator query, in order.
INDICATOR_COLUMNS = (
    "received_total",
    "received_direct",
    "received_online",
    "received_postal",
    "received_unknown_channel",
    "not_accepted",
    "carried_over",
    "resolved_total",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "resolved_no_due",
    "returned",
    "closed",
    "in_progress_on_time",
    "in_progress_overdue",
    "in_progress_no_due",
    "paid_online",
    "payment_base",
    "digitised",
    "digitised_base",
    "reused",
    "reused_base",
    "mean_working_days",
    "mean_elapsed_days",
    "share_direct",
    "share_online",
    "share_postal",
    "on_time_rate",
    "online_rate",
    "online_payment_rate",
    "digitisation_rate",
    "reuse_rate",
    "rate_766_on_time",
)

_COUNTS = {
    "received_total": "rcv",
    "received_direct": "rcv AND channel = 'direct'",
    "received_online": "rcv AND channel = 'online'",
    "received_postal": "rcv AND channel = 'postal'",
    "received_unknown_channel": "rcv AND channel IS NULL",
    "not_accepted": "NOT accepted AND received_at >= p_start",
    "carried_over": "carried",
    "resolved_total": "res",
    "resolved_early": "res AND outcome = 0",
    "resolved_on_time": "res AND outcome = 1",
    "resolved_late": "res AND outcome = 2",
    "resolved_no_due": "res AND outcome IS NULL",
    "returned": "returned_instant >= p_start AND returned_instant < p_end",
    "closed": "closed AND closed_instant >= p_start AND closed_instant < p_end",
    "in_progress_on_time": "open_at_end AND due_used >= judge_at",
    "in_progress_overdue": "open_at_end AND due_used < judge_at",
    "in_progress_no_due": "open_at_end AND due_used IS NULL",
    "paid_online": "rcv AND pay_base AND paid_online",
    "payment_base": "rcv AND pay_base",
    "digitised": "rcv AND digitised AND COALESCE(e_result, TRUE)",
    "digitised_base": "rcv AND digitised IS NOT NULL",
    "reused": "rcv AND reused",
    "reused_base": "rcv AND reused IS NOT NULL",
}

_RATES = {
    "share_direct": ("received_direct", "received_total"),
    "share_online": ("received_online", "received_total"),
    "share_postal": ("received_postal", "received_total"),
    "on_time_rate": (
        "resolved_early + resolved_on_time",
        "resolved_early + resolved_on_time + resolved_late",
    ),
    "online_rate": ("received_online", "received_total"),
    "online_payment_rate": ("paid_online", "payment_base"),
    "digitisation_rate": ("digitised", "digitised_base"),
    "reuse_rate": ("reused", "reused_base"),
    "rate_766_on_time": (
        "resolved_early + resolved_on_time + in_progress_on_time",
        "resolved_early + resolved_on_time + resolved_late + in_progress_on_time"
        " + in_progress_overdue",
    ),
}

_OPEN_END = "TIMESTAMP '9999-12-31 00:00:00'"


def indicator_sql(groups: Sequence[str] = (), *, records: str = "r", periods: str = "p") -> str:
    """The indicator query grouped by period and ``groups`` (names from :data:`GROUP_COLUMNS`).

    Returns one row per period and group with the columns ``period``, ``period_start``,
    ``period_end``, the group columns, then :data:`INDICATOR_COLUMNS`.

    Raises:
        ValueError: a group name that is not in :data:`GROUP_COLUMNS` (never user text in SQL).
    """
    for g in groups:
        if g not in GROUP_COLUMNS:
            raise ValueError(f"unknown group column {g!r}")
    gsel = "".join(f"{g}, " for g in groups)
    counts = ",\n    ".join(
        f"CAST(SUM(CASE WHEN {cond} THEN 1 ELSE 0 END) AS BIGINT) AS {name}"
        for name, cond in _COUNTS.items()
    )
    rates = ",\n  ".join(
        f"CAST({num} AS DOUBLE) / NULLIF({den}, 0) AS {name}" for name, (num, den) in _RATES.items()
    )
    keys = ", ".join(["period", *groups])
    # identifiers come from GROUP_COLUMNS and constants only; no value is interpolated
    return f"""
WITH base AS (
  SELECT {gsel}status, channel, received_at, end_at, due_used, outcome, working_days_taken,
    elapsed_days, paid_online, fee_bearing, digitised, e_result, reused,
    status NOT IN ('new', 'refused') AS accepted,
    status IN ('withdrawn', 'stopped') AS closed,
    COALESCE(returned_at, CASE WHEN status = 'returned' THEN end_at END) AS returned_instant,
    COALESCE(finished_at, returned_at, received_at) AS closed_instant,
    COALESCE(fee_bearing, paid_online IS NOT NULL) AS pay_base,
    CASE WHEN status NOT IN ('new', 'refused', 'withdrawn', 'stopped') AND end_at IS NULL
      THEN {_OPEN_END}
      ELSE GREATEST(received_at, COALESCE(end_at, received_at), COALESCE(finished_at,
        received_at), COALESCE(returned_at, received_at))
    END AS last_event
  FROM {records}
),
f AS (
  SELECT {periods}.period, {periods}.p_start, {periods}.p_end, {periods}.judge_at,
    {periods}.first_day, {periods}.last_day, base.*,
    accepted AND received_at >= p_start AS rcv,
    accepted AND NOT closed AND received_at < p_start
      AND (end_at IS NULL OR end_at >= p_start) AS carried,
    end_at >= p_start AND end_at < p_end AS res,
    accepted AND NOT closed AND (end_at IS NULL OR end_at >= p_end) AS open_at_end
  FROM base JOIN {periods}
    ON base.received_at < {periods}.p_end AND base.last_event >= {periods}.p_start
),
agg AS (
  SELECT {keys}, MIN(first_day) AS period_start, MIN(last_day) AS period_end,
    {counts},
    AVG(CASE WHEN res THEN working_days_taken END) AS mean_working_days,
    AVG(CASE WHEN res THEN elapsed_days END) AS mean_elapsed_days
  FROM f
  GROUP BY {keys}
)
SELECT period, period_start, period_end, {gsel}{", ".join(_COUNTS)},
  mean_working_days, mean_elapsed_days,
  {rates}
FROM agg
ORDER BY {keys}
"""  # noqa: S608
