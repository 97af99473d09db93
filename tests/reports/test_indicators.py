"""The DuckDB report against the row-by-row reference, on hand-made and random record sets."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onestop.errors import InvalidInputError
from onestop.records import _normalize as normalize_module
from onestop.records import read_records
from onestop.reports import _report as report_module
from onestop.reports import monthly_periods, report
from onestop.reports._sql import INDICATOR_COLUMNS
from tests._helpers.reports import (
    START,
    STATUSES,
    UNITS,
    materialise,
    random_rows,
    record_table,
)

D = dt.datetime


def _compare(rep, reference, by, *, due="stored", month_start_day=1):
    table = rep.indicators(by)
    groups = [g for g in by if g != "month"]
    if "month" in by:
        spans = monthly_periods(rep.start, rep.end, month_start_day=month_start_day)
    else:
        spans = [(f"{rep.start.isoformat()}/{rep.end.isoformat()}", rep.start, rep.end)]
    periods = [
        (label, first, last, min(D.combine(last, dt.time.max), rep.as_of))
        for label, first, last in spans
    ]
    expected = reference(rep.records.table.to_pylist(), periods, groups, due_mode=due)
    got = {(row["period"], *(row[g] for g in groups)): row for row in table.to_pylist()}
    assert set(got) == set(expected)
    for key, want in expected.items():
        have = got[key]
        for column in INDICATOR_COLUMNS:
            value = want.get(column, 0)
            if isinstance(have[column], float) or isinstance(value, float):
                assert have[column] == pytest.approx(value, rel=1e-9), (key, column)
            else:
                assert have[column] == value, (key, column)
    return table


HAND = [
    # received Mon 1/12/2026 08:00, 3 working days -> due Thu 4/12 17:00; returned 3/12: early
    {"code": "A1", "procedure": "1.1", "department": "TP", "channel": "direct",
     "status": "returned", "received_at": D(2026, 12, 1, 8), "processing_amount": 3,
     "returned_at": D(2026, 12, 3, 10)},
    # stored due 4/12, finished 4/12 16:00: on time (same date)
    {"code": "A2", "procedure": "1.1", "department": "TP", "channel": "online",
     "status": "completed", "received_at": D(2026, 12, 1, 9), "due_at": D(2026, 12, 4, 17),
     "finished_at": D(2026, 12, 4, 16)},
    # stored due 2/12, finished 5/12: late
    {"code": "A3", "procedure": "1.2", "department": "XD", "channel": "postal",
     "status": "returned", "received_at": D(2026, 11, 28, 9), "due_at": D(2026, 12, 2, 17),
     "finished_at": D(2026, 12, 5, 9), "returned_at": D(2026, 12, 6, 9)},
    # in progress, due 3/12 passed by the end of the data (6/12): overdue
    {"code": "A4", "procedure": "1.2", "department": "XD", "channel": "direct",
     "status": "processing", "received_at": D(2026, 12, 1, 10), "due_at": D(2026, 12, 3, 17)},
    # submitted online, not accepted
    {"code": "A5", "procedure": "1.3", "department": None, "channel": "online",
     "status": "new", "received_at": D(2026, 12, 2, 10)},
    # withdrawn
    {"code": "A6", "procedure": "1.3", "department": "TP", "channel": "direct",
     "status": "withdrawn", "received_at": D(2026, 12, 2, 11), "finished_at": D(2026, 12, 3, 9),
     "paid_online": True, "digitised": True, "reused": False},
]  # fmt: skip


def test_hand_example_counts():
    rep = report(record_table(HAND))
    o = rep.overall
    assert (rep.start, rep.end) == (dt.date(2026, 11, 28), dt.date(2026, 12, 6))
    assert o["received_total"] == 5  # A1-A4 and A6 (A5 was not accepted)
    assert (o["received_direct"], o["received_online"], o["received_postal"]) == (3, 1, 1)
    assert o["not_accepted"] == 1
    assert (o["resolved_early"], o["resolved_on_time"], o["resolved_late"]) == (1, 1, 1)
    assert o["returned"] == 2
    assert o["closed"] == 1
    assert (o["in_progress_on_time"], o["in_progress_overdue"]) == (0, 1)
    assert o["on_time_rate"] == pytest.approx(2 / 3)
    assert o["rate_766_on_time"] == pytest.approx(2 / 4)
    assert o["online_payment_rate"] == 1.0 and o["digitisation_rate"] == 1.0
    assert o["reuse_rate"] == 0.0


def test_hand_example_matches_reference(reference):
    rep = report(record_table(HAND), by=("department", "month"))
    _compare(rep, reference, ())
    _compare(rep, reference, ("department", "month"))
    _compare(rep, reference, ("channel",))


def test_recompute_uses_onestop_due_dates(reference):
    # A3's stored due (2/12) makes it late; 1 working day from Fri 28/11 is Mon 1/12: still
    # late. A2 with 0 working days computed: due 1/12 -> finished 4/12 is late when recomputed.
    rows = [dict(r) for r in HAND]
    rows[1]["processing_amount"] = 0
    rows[2]["processing_amount"] = 1
    stored = report(record_table(rows))
    recomputed = report(record_table(rows), due="recompute")
    assert stored.overall["resolved_on_time"] == 1
    assert recomputed.overall["resolved_on_time"] == 0
    assert recomputed.overall["resolved_late"] == 2
    _compare(recomputed, reference, (), due="recompute")


def test_reporting_period_15th_to_14th():
    spans = monthly_periods(dt.date(2026, 11, 20), dt.date(2027, 1, 20), month_start_day=15)
    assert spans == [
        ("2026-12", dt.date(2026, 11, 20), dt.date(2026, 12, 14)),
        ("2027-01", dt.date(2026, 12, 15), dt.date(2027, 1, 14)),
        ("2027-02", dt.date(2027, 1, 15), dt.date(2027, 1, 20)),
    ]
    assert monthly_periods(dt.date(2026, 2, 10), dt.date(2026, 3, 1)) == [
        ("2026-02", dt.date(2026, 2, 10), dt.date(2026, 2, 28)),
        ("2026-03", dt.date(2026, 3, 1), dt.date(2026, 3, 1)),
    ]


def test_bad_period_and_break_down():
    with pytest.raises(InvalidInputError, match="by"):
        report(record_table(HAND), by=("province",))
    with pytest.raises(InvalidInputError, match="before it starts"):
        report(record_table(HAND), start=dt.date(2026, 12, 5), end=dt.date(2026, 12, 1))
    with pytest.raises(InvalidInputError, match="month_start_day"):
        report(record_table(HAND), month_start_day=30)


def test_period_without_activity_gives_zeros():
    rep = report(record_table(HAND), start=dt.date(2027, 6, 1), end=dt.date(2027, 6, 30))
    assert rep.overall["received_total"] == 0
    assert rep.overall["on_time_rate"] is None
    assert rep.to_dict()["received"]["by_channel"] == {
        "direct": 0, "online": 0, "postal": 0, "unknown": 0,
    }  # fmt: skip


_row = st.fixed_dictionaries(
    {
        "procedure": st.sampled_from(["1.1", "1.2", "2.7"]),
        "department": st.sampled_from(["TP", "XD", "YT", None]),
        "channel": st.sampled_from(["direct", "online", "postal", None]),
        "status": st.sampled_from(STATUSES),
        "received_at": st.integers(0, 110 * 24 * 60).map(lambda m: START + dt.timedelta(minutes=m)),
        "due_days": st.one_of(st.none(), st.integers(0, 20)),
        "finished_days": st.one_of(st.none(), st.integers(0, 30)),
        "returned_days": st.one_of(st.none(), st.integers(0, 30)),
        "processing_amount": st.one_of(st.none(), st.integers(0, 12)),
        "processing_unit": st.sampled_from(UNITS),
        "paid_online": st.sampled_from([None, True, False]),
        "fee_bearing": st.sampled_from([None, True, False]),
        "digitised": st.sampled_from([None, True, False]),
        "e_result": st.sampled_from([None, True, False]),
        "reused": st.sampled_from([None, True, False]),
    }
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    raw=st.lists(_row, min_size=1, max_size=40),
    due=st.sampled_from(["stored", "recompute"]),
    month_start_day=st.sampled_from([1, 15]),
    by=st.sampled_from([(), ("department",), ("channel", "month"), ("department", "month")]),
)
def test_duckdb_equals_reference_on_random_records(raw, due, month_start_day, by, reference):
    records = read_records(record_table(materialise(raw)))
    if not len(records):
        return
    rep = report(records, due=due, month_start_day=month_start_day)
    _compare(rep, reference, by, due=due, month_start_day=month_start_day)


def test_open_dossier_is_overdue_only_after_its_due_instant():
    # A4 is due 3/12 17:00: judged exactly then it is still on time, a microsecond later not
    at_due = report(record_table(HAND), as_of=D(2026, 12, 3, 17))
    after = report(record_table(HAND), as_of=D(2026, 12, 3, 17, 0, 0, 1))
    assert (at_due.overall["in_progress_on_time"], at_due.overall["in_progress_overdue"]) == (
        1,
        0,
    )
    assert after.overall["in_progress_overdue"] == 1


def test_due_at_the_last_microsecond_of_a_month(reference):
    # a calendar-day deadline ends at 23:59:59.999999; judged at that very instant (the end of
    # November) the dossier is still within its due date, in December it is overdue
    rows = [
        {"code": "M1", "procedure": "1", "department": "TP", "channel": "direct",
         "status": "processing", "received_at": D(2026, 11, 20, 9),
         "due_at": D(2026, 11, 30, 23, 59, 59, 999999)},
        {"code": "M2", "procedure": "1", "department": "TP", "channel": "direct",
         "status": "received", "received_at": D(2026, 12, 3, 9)},
    ]  # fmt: skip
    rep = report(record_table(rows), by=("month",))
    table = {r["period"]: r for r in rep.table.to_pylist()}
    assert (table["2026-11"]["in_progress_on_time"], table["2026-11"]["in_progress_overdue"]) == (
        1,
        0,
    )
    assert table["2026-12"]["in_progress_overdue"] == 1
    _compare(rep, reference, ("month",))


def test_batches_threads_and_shared_classes_agree_with_the_reference(monkeypatch, reference):
    # a large export runs in batches on threads, and one scan serves several break-downs;
    # small batches here make a few hundred records take every one of those paths
    table = record_table(random_rows(766, 300))
    whole = read_records(table)
    monkeypatch.setattr(normalize_module, "BATCH_ROWS", 17)
    monkeypatch.setattr(report_module, "KERNEL_ROWS", 23)
    records = read_records(table)
    assert records.table.equals(whole.table) and records.errors.equals(whole.errors)
    assert records.table.column("code").num_chunks > 10
    rep = report(records, by=("department", "month"), due="recompute")
    for by in [("department", "month"), (), ("procedure",), ("channel",), ("channel", "month"),
               ("department", "procedure", "month"), ("department",)]:  # fmt: skip
        _compare(rep, reference, by, due="recompute")
    assert rep.table.num_rows == rep.indicators(("department", "month")).num_rows


def test_provisional_years_are_flagged():
    # 2026 has its official civil-service notice; 2031 does not yet: its days off come from
    # the Labor Code alone, so a due date counted across it is provisional
    rows = [
        {"code": "P1", "procedure": "1", "department": "TP", "channel": "direct",
         "status": "processing", "received_at": D(2026, 3, 2, 9), "processing_amount": 5}
    ]  # fmt: skip
    assert not report(record_table(rows), due="recompute").provisional
    rows[0]["received_at"] = D(2031, 3, 3, 9)
    assert report(record_table(rows), due="recompute").provisional
    # a stored due date needs no calendar: nothing computed, nothing provisional
    rows[0]["processing_amount"] = None
    rows[0]["due_at"] = D(2031, 3, 10, 17)
    assert not report(record_table(rows)).provisional


@pytest.mark.parametrize("due", ["stored", "recompute"])
def test_processing_times_are_the_procedure_indicators(due):
    rep = report(read_records(record_table(random_rows(13, 200))), due=due, month_start_day=15)
    full = rep.indicators(("procedure",)).to_pylist()
    want = sorted(
        (
            (r["procedure"], r["resolved_total"], r["mean_working_days"], r["mean_elapsed_days"])
            for r in full
            if r["resolved_total"]
        ),
        key=lambda r: (-r[1], r[0]),
    )
    got = [tuple(r.values()) for r in rep.processing_times.to_pylist()]
    assert [g[:2] for g in got] == [w[:2] for w in want]
    for g, w in zip(got, want, strict=True):
        assert g[2:] == pytest.approx(w[2:], rel=1e-9)
