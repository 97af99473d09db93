"""The indicator query, written once in portable SQL (DuckDB here; Spark SQL runs it as is).

Inputs are two relations: the records with the deadline kernel's columns and their period
indexes (``r``, see :func:`onestop.reports._periods.period_columns`) and the reporting periods
(``p``: ``idx``, ``period`` label, ``first_day``, ``last_day``). Only standard constructs are
used: ``CASE``, ``COALESCE``, ``NULLIF``, ``SUM``, ``GROUP BY``, a join on integers.

How it runs: the records are reduced to classes sharing the period indexes of the
break-down (re-read for one whole-period span when asked), and only the classes, a few
thousand rows, are joined with the periods; no range join touches every record.

Definitions, per period ``[start, end)`` (Vietnam local time):

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
  by the period's end; **overdue** when the instant it is judged at — the period's last
  microsecond, or ``as_of`` if earlier — is after ``due_used``.
* **online payment**: dossiers paid online (``DuocThanhToanTrucTuyen`` 1 or 2) among those that
  bear a fee (``fee_bearing``; without that column, those whose payment flag is known);
  **digitised**: with digitised components (and an electronic result where that column
  exists); **reused**: with a component reused from digitised data; each among the received
  dossiers for which the export has the flag.

A group (period, department, …) appears when some record is active in the period: received
before its end and with a last event (or still open) after its start.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import Enum

from onestop.models import Channel
from onestop.reports._engine import EARLY, LATE, ON_TIME
from onestop.reports._kernel import CLOSED, NOT_ACCEPTED

__all__ = [
    "GROUP_COLUMNS",
    "INDICATOR_COLUMNS",
    "class_sql",
    "indicator_sql",
    "processing_time_sql",
]

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


_SUMS = {
    "n": "1",
    **{
        f"n_{c.value}": f"CASE WHEN channel = '{c.value}' THEN 1 ELSE 0 END"
        for c in (Channel.DIRECT, Channel.ONLINE, Channel.POSTAL)
    },
    "n_unknown_channel": "CASE WHEN channel IS NULL THEN 1 ELSE 0 END",
    "n_early": f"CASE WHEN outcome = {EARLY} THEN 1 ELSE 0 END",
    "n_on_time": f"CASE WHEN outcome = {ON_TIME} THEN 1 ELSE 0 END",
    "n_late": f"CASE WHEN outcome = {LATE} THEN 1 ELSE 0 END",
    "n_paid": "CASE WHEN COALESCE(fee_bearing, paid_online IS NOT NULL) AND paid_online "
    "THEN 1 ELSE 0 END",
    "n_pay_base": "CASE WHEN COALESCE(fee_bearing, paid_online IS NOT NULL) THEN 1 ELSE 0 END",
    "n_digitised": "CASE WHEN digitised AND COALESCE(e_result, TRUE) THEN 1 ELSE 0 END",
    "n_digitised_base": "CASE WHEN digitised IS NOT NULL THEN 1 ELSE 0 END",
    "n_reused": "CASE WHEN reused THEN 1 ELSE 0 END",
    "n_reused_base": "CASE WHEN reused IS NOT NULL THEN 1 ELSE 0 END",
    "w_sum": "CASE WHEN end_at IS NOT NULL THEN working_days_taken END",
    "w_count": "CASE WHEN end_at IS NOT NULL AND working_days_taken IS NOT NULL THEN 1 ELSE 0 END",
    "e_sum": "CASE WHEN end_at IS NOT NULL THEN elapsed_days END",
    "e_count": "CASE WHEN end_at IS NOT NULL THEN 1 ELSE 0 END",
}

# indicator -> (condition on a class at period idx, the class sum it adds)
_COUNTS = {
    "received_total": ("rcv", "n"),
    "received_direct": ("rcv", "n_direct"),
    "received_online": ("rcv", "n_online"),
    "received_postal": ("rcv", "n_postal"),
    "received_unknown_channel": ("rcv", "n_unknown_channel"),
    "not_accepted": ("NOT accepted AND recv_k = idx", "n"),
    "carried_over": ("accepted AND NOT closed AND recv_k < idx AND end_k >= idx", "n"),
    "resolved_total": ("end_k = idx", "n"),
    "resolved_early": ("end_k = idx", "n_early"),
    "resolved_on_time": ("end_k = idx", "n_on_time"),
    "resolved_late": ("end_k = idx", "n_late"),
    "resolved_no_due": ("end_k = idx", "n - n_early - n_on_time - n_late"),
    "returned": ("ret_k = idx", "n"),
    "closed": ("closed AND closed_k = idx", "n"),
    "in_progress_on_time": ("open_at_end AND due_k > idx", "n"),
    "in_progress_overdue": ("open_at_end AND due_k <= idx", "n"),
    "in_progress_no_due": ("open_at_end AND due_k IS NULL", "n"),
    "paid_online": ("rcv", "n_paid"),
    "payment_base": ("rcv", "n_pay_base"),
    "digitised": ("rcv", "n_digitised"),
    "digitised_base": ("rcv", "n_digitised_base"),
    "reused": ("rcv", "n_reused"),
    "reused_base": ("rcv", "n_reused_base"),
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


def _values(members: Iterable[Enum]) -> str:
    """An SQL list of enum values, e.g. ``('new', 'refused')`` (sorted: stable text)."""
    return "(" + ", ".join(sorted(f"'{m.value}'" for m in members)) + ")"


_KEYS = "accepted, closed, recv_k, end_k, ret_k, closed_k, last_k, due_k"


def _coarsen(column: str, count: int, *, single: bool) -> str:
    """A class's period index re-read for one period spanning all ``count`` (or unchanged)."""
    if not single:
        return column
    return (
        f"CASE WHEN {column} IS NULL THEN NULL WHEN {column} < 0 THEN -1 "
        f"WHEN {column} >= {count} THEN {column} - {count} + 1 ELSE 0 END"
    )


def _check_groups(groups: Iterable[str]) -> None:
    for g in groups:
        if g not in GROUP_COLUMNS:
            raise ValueError(f"unknown group column {g!r}")


def _per_record(groups: Sequence[str], records: str, *, coarse: str) -> str:
    """The per-record select: group columns, class keys and the values summed per class."""
    per_row = ",\n    ".join(f"{expr} AS {name}" for name, expr in _SUMS.items())
    gsel = "".join(f"{g}, " for g in groups)
    return f"""SELECT {gsel}status NOT IN {_values(NOT_ACCEPTED)} AS accepted,
    status IN {_values(CLOSED)} AS closed,
    {coarse},
    {per_row}
  FROM {records}"""  # noqa: S608 - identifiers and literals come from code, never from input


def class_sql(sets: Sequence[tuple[Sequence[str], bool]], count: int, *, records: str = "r") -> str:
    """One pass over the records: their classes for several break-downs at once.

    A class is the records sharing a break-down's group values and all their period indexes;
    the indicator query (:func:`indicator_sql` with ``classes=``) then reads only classes, a
    few thousand rows. ``GROUPING SETS`` computes the classes of every set in the same scan
    (standard SQL, as ``GROUPING``; Spark SQL runs both).

    Args:
        sets: the break-downs, each ``(group columns, whole)``: the columns from
            :data:`GROUP_COLUMNS` (``()`` is allowed); ``whole`` re-reads the period indexes
            for one period spanning all ``count`` (fewer classes; the indicator query then
            reads them with ``count=1``), else they stay per period.
        count: the number of periods the indexes refer to.
        records: the relation of records with the kernel's and the period columns.

    Returns:
        A query with the columns ``grouping_set`` (the index in ``sets``), every group column
        of any set (null where its set does not group by it), the class keys and the sums.

    Raises:
        ValueError: a group name that is not in :data:`GROUP_COLUMNS` (never user text in SQL).
    """
    for groups, _ in sets:
        _check_groups(groups)
    columns = [g for g in GROUP_COLUMNS if any(g in groups for groups, _ in sets)]
    index_keys = [k.strip() for k in _KEYS.split(",") if k.strip() not in ("accepted", "closed")]
    per_set = [[f"whole_{k}" if whole else k for k in index_keys] for _, whole in sets]
    whole_sets = [i for i, (_, whole) in enumerate(sets) if whole]
    fine_sets = [i for i, (_, whole) in enumerate(sets) if not whole]
    computed = (index_keys if fine_sets else []) + [
        f"{_coarsen(k, count, single=True)} AS whole_{k}" for k in index_keys if whole_sets
    ]
    per_record = _per_record(columns, records, coarse=",\n    ".join(computed))
    grouping = " ".join(
        "WHEN "
        + " AND ".join(
            [
                *(f"GROUPING({g}) = {0 if g in groups else 1}" for g in columns),
                f"GROUPING({keys[0]}) = 0",
            ]
        )
        + f" THEN {i}"
        for i, ((groups, _), keys) in enumerate(zip(sets, per_set, strict=True))
    )
    sets_sql = ", ".join(
        "(" + ", ".join([*(g for g in columns if g in groups), "accepted", "closed", *keys]) + ")"
        for (groups, _), keys in zip(sets, per_set, strict=True)
    )
    if not whole_sets:
        picked = ", ".join(index_keys)
    elif not fine_sets:
        picked = ", ".join(f"whole_{k} AS {k}" for k in index_keys)
    else:
        within = ", ".join(map(str, whole_sets))
        picked = ", ".join(
            f"CASE WHEN grouping_set IN ({within}) THEN whole_{k} ELSE {k} END AS {k}"
            for k in index_keys
        )
    grouped = sorted({k for keys in per_set for k in keys})
    sums = ", ".join(f"SUM({name}) AS {name}" for name in _SUMS)
    gsel = "".join(f"{g}, " for g in columns)
    return f"""
WITH cc AS (
  {per_record}
),
grouped AS (
  SELECT CASE {grouping} END AS grouping_set, {gsel}accepted, closed, {", ".join(grouped)},
    {sums}
  FROM cc
  GROUP BY GROUPING SETS ({sets_sql})
)
SELECT grouping_set, {gsel}accepted, closed, {picked}, {", ".join(_SUMS)}
FROM grouped
"""  # noqa: S608 - identifiers and literals come from code, never from input


def processing_time_sql(count: int, *, records: str = "r") -> str:
    """Per procedure, the dossiers resolved in the whole period and their mean times.

    The processing-time columns of :func:`indicator_sql` by procedure (``resolved_total``,
    ``mean_working_days``, ``mean_elapsed_days``), for procedures with a dossier resolved,
    most resolved first: one pass over the records resolved in the period, without the
    other indicators. Decision 766 item 2.2.

    Args:
        count: the number of periods the indexes refer to (the whole period spans them).
        records: the relation of records with the kernel's and the period columns.
    """
    resolved = f"{_coarsen('end_k', count, single=True)} = 0"
    per_row = ", ".join(
        f"{_SUMS[name]} AS {name}" for name in ("w_sum", "w_count", "e_sum", "e_count")
    )
    return f"""
WITH resolved AS (
  SELECT procedure, {per_row}
  FROM {records}
  WHERE {resolved}
)
SELECT procedure, CAST(COUNT(*) AS BIGINT) AS resolved_total,
  CAST(SUM(w_sum) AS DOUBLE) / NULLIF(SUM(w_count), 0) AS mean_working_days,
  SUM(e_sum) / NULLIF(SUM(e_count), 0) AS mean_elapsed_days
FROM resolved
GROUP BY procedure
ORDER BY resolved_total DESC, procedure
"""  # noqa: S608 - identifiers and literals come from code, never from input


def indicator_sql(
    groups: Sequence[str],
    count: int,
    *,
    single: bool = False,
    records: str = "r",
    periods: str = "p",
    classes: str | None = None,
    grouping_set: int = 0,
) -> str:
    """The indicator query over records carrying their period indexes.

    Args:
        groups: break-down columns (from :data:`GROUP_COLUMNS`).
        count: the number of periods the indexes refer to.
        single: one period spanning all of them (the periods relation then has one row),
            instead of each period on its own.
        records: the relation of records with the kernel's and the period columns.
        periods: the relation of periods (``idx``, ``period``, ``first_day``, ``last_day``).
        classes: read the classes of a :func:`class_sql` result of this name instead of
            scanning ``records``; ``grouping_set`` names the set to read, one whose group
            columns include ``groups``.
        grouping_set: see ``classes``.

    Returns one row per period and group with the columns ``period``, ``period_start``,
    ``period_end``, the group columns, then :data:`INDICATOR_COLUMNS`.

    Raises:
        ValueError: a group name that is not in :data:`GROUP_COLUMNS` (never user text in SQL).
    """
    _check_groups(groups)
    gsel = "".join(f"{g}, " for g in groups)
    counts = ",\n    ".join(
        f"CAST(SUM(CASE WHEN {cond} THEN {value} ELSE 0 END) AS BIGINT) AS {name}"
        for name, (cond, value) in _COUNTS.items()
    )
    rates = ",\n  ".join(
        f"CAST({num} AS DOUBLE) / NULLIF({den}, 0) AS {name}" for name, (num, den) in _RATES.items()
    )
    sums = ", ".join(f"SUM({name}) AS {name}" for name in _SUMS)
    keys = ", ".join(["idx", "period", *groups])
    # explicit NULLS LAST: engines differ on where nulls sort (DuckDB last, Spark first)
    order = ", ".join(["agg.period", *(f"agg.{g} NULLS LAST" for g in groups)])
    coarse = ",\n    ".join(
        f"{_coarsen(col.strip(), count, single=single)} AS {col.strip()}"
        for col in _KEYS.split(",")
        if col.strip() not in ("accepted", "closed")
    )
    if classes is None:
        source = _per_record(groups, records, coarse=coarse)
    else:
        summed = ", ".join(_SUMS)
        where = f"grouping_set = {int(grouping_set)}"
        source = f"""SELECT {gsel}accepted, closed,
    {coarse},
    {summed}
  FROM {classes}
  WHERE {where}"""  # noqa: S608 - identifiers and literals come from code, never from input
    return f"""
WITH cc AS (
  {source}
),
cls AS (
  SELECT {gsel}{_KEYS}, {sums}
  FROM cc
  GROUP BY {gsel}{_KEYS}
),
f AS (
  SELECT {periods}.idx, {periods}.period, cls.*,
    accepted AND recv_k = {periods}.idx AS rcv,
    accepted AND NOT closed AND end_k > {periods}.idx AS open_at_end
  FROM cls JOIN {periods}
    ON cls.recv_k <= {periods}.idx AND cls.last_k >= {periods}.idx
),
agg AS (
  SELECT {keys},
    {counts},
    CAST(SUM(CASE WHEN end_k = idx THEN w_sum END) AS DOUBLE)
      / NULLIF(SUM(CASE WHEN end_k = idx THEN w_count ELSE 0 END), 0) AS mean_working_days,
    SUM(CASE WHEN end_k = idx THEN e_sum END)
      / NULLIF(SUM(CASE WHEN end_k = idx THEN e_count ELSE 0 END), 0) AS mean_elapsed_days
  FROM f
  GROUP BY {keys}
)
SELECT agg.period, {periods}.first_day AS period_start, {periods}.last_day AS period_end,
  {"".join(f"agg.{g}, " for g in groups)}{", ".join(_COUNTS)},
  mean_working_days, mean_elapsed_days,
  {rates}
FROM agg JOIN {periods} ON agg.idx = {periods}.idx
ORDER BY {order}
"""  # noqa: S608 - identifiers and literals come from code, never from input
