"""onestop.spark against the DuckDB path and the row-by-row reference, on ``local[2]``.

Every test shares one Spark session and the data stays small (a few hundred records): what
is checked is that the two engines and the reference give the same rows and figures.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import warnings

import pyarrow as pa
import pytest

from onestop.deadlines import civil_service_calendar
from onestop.errors import InvalidInputError, ProvisionalCalendarWarning
from onestop.records import read_records
from onestop.reports import audit, deadline_columns, monthly_periods, report
from tests._helpers.reports import (
    UNITS,
    computed_due,
    judge_row,
    random_rows,
    record_table,
    reference_indicators,
)

pytestmark = pytest.mark.spark

D = dt.datetime


def _same(a, b, path="") -> None:
    """Equal JSON-like values; floats to 1e-12 (a sum of fractional days taken in another
    order may differ in its last bits)."""
    if isinstance(a, float) or isinstance(b, float):
        assert a is not None and b is not None and math.isclose(a, b, rel_tol=1e-12), path
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for k in a:
            _same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{path}[{i}]")
    else:
        assert a == b, path


@pytest.fixture(scope="module")
def records():
    return read_records(record_table(random_rows(766, 300)))


@pytest.fixture(scope="module")
def frame(spark, records):
    from onestop.spark import records_frame

    return records_frame(spark, records).cache()


@pytest.mark.parametrize(
    ("by", "due", "month_start_day"),
    [(("department", "month"), "recompute", 1), (("channel",), "stored", 15)],
)
def test_report_equals_duckdb_and_the_reference(frame, records, by, due, month_start_day):
    from onestop.spark import report as spark_report

    rep = spark_report(
        frame, by=by, due=due, month_start_day=month_start_day,
        rows_read=records.rows_read, rows_rejected=records.rows_rejected,
    )  # fmt: skip
    local = report(records, by=by, due=due, month_start_day=month_start_day)
    _same(rep.to_dict(), local.to_dict())
    # and against the reference, record by record, for the report's own break-down
    groups = [g for g in by if g != "month"]
    spans = (
        monthly_periods(rep.start, rep.end, month_start_day=month_start_day)
        if "month" in by
        else [(f"{rep.start.isoformat()}/{rep.end.isoformat()}", rep.start, rep.end)]
    )
    periods = [(lb, a, b, min(D.combine(b, dt.time.max), rep.as_of)) for lb, a, b in spans]
    want = reference_indicators(records.table.to_pylist(), periods, groups, due_mode=due)
    got = {(r["period"], *(r[g] for g in groups)): r for r in rep.collect(by).to_pylist()}
    assert set(got) == set(want)
    indicators = [
        c
        for c in local.table.column_names
        if c not in ("period", "period_start", "period_end", *groups)
    ]
    assert len(indicators) == 34
    for key, row in want.items():
        _same({c: got[key][c] for c in indicators}, {c: row.get(c, 0) for c in indicators},
              str(key))  # fmt: skip
    rep.close()


def test_due_dates_for_every_counting_policy_row_for_row(spark):
    from onestop.spark import due_dates, records_frame

    rows = [
        {"code": f"U{i}", "procedure": "1", "status": "processing",
         "received_at": D(2026, 1, 1, 7) + dt.timedelta(days=i % 200, minutes=97 * i),
         "processing_amount": 0 if unit == "same_day" else i % 13, "processing_unit": unit}
        for i, unit in enumerate(UNITS * 40)
    ]  # fmt: skip
    records = read_records(record_table(rows))
    got = due_dates(records_frame(spark, records)).orderBy("row").toArrow()
    bulk, _ = deadline_columns(records.table, due="recompute")
    assert got.column("computed_due_at").equals(bulk.column("computed_due_at"))
    calendar = civil_service_calendar()
    with warnings.catch_warnings():  # 2027 has no notice yet: flagged per row, not warned
        warnings.simplefilter("ignore", ProvisionalCalendarWarning)
        scalar = [computed_due(r, calendar) for r in records.table.to_pylist()]
    assert got.column("computed_due_at").to_pylist() == scalar
    assert any(got.column("provisional").to_pylist())
    assert got.column("provisional").to_pylist() == [
        d is not None and d.year >= 2027 for d in scalar
    ]
    assert set(got.column_names) == {*records.table.column_names, "computed_due_at", "provisional"}


def test_deadline_columns_and_timeliness_row_for_row(frame, records):
    from onestop.spark import timeliness

    as_of = D(2026, 3, 1)
    got = timeliness(frame, as_of=as_of, due="stored").orderBy("row").toArrow()
    bulk, _ = deadline_columns(records.table, due="stored")
    for column in ("computed_due_at", "due_used", "due_source", "end_at", "outcome",
                   "working_days_taken", "elapsed_days"):  # fmt: skip
        assert got.column(column).to_pylist() == bulk.column(column).to_pylist(), column
    calendar = civil_service_calendar()
    with warnings.catch_warnings():  # a provisional year is flagged per row, not warned
        warnings.simplefilter("ignore", ProvisionalCalendarWarning)
        facts = [judge_row(row, calendar, "stored") for row in records.table.to_pylist()]
    labels = {0: "early", 1: "on_time", 2: "late"}
    for row, fact, label in zip(records.table.to_pylist(), facts,
                                got.column("timeliness").to_pylist(), strict=True):  # fmt: skip
        if fact["outcome"] is not None:
            assert label == labels[fact["outcome"]]
        elif (
            fact["end"] is None and fact["due"] is not None
            and row["status"] not in ("new", "refused", "withdrawn", "stopped")
        ):  # fmt: skip
            assert label == ("in_progress_overdue" if as_of > fact["due"] else
                             "in_progress_on_time")  # fmt: skip
        else:
            assert label is None


def test_provisional_years_are_flagged_per_row(spark):
    from onestop.spark import deadline_columns as spark_deadlines
    from onestop.spark import records_frame
    from onestop.spark import report as spark_report

    # 2026 has its official civil-service notice; 2031 does not yet
    rows = [
        {"code": "P1", "procedure": "1", "status": "processing",
         "received_at": D(2026, 3, 2, 9), "processing_amount": 5},
        {"code": "P2", "procedure": "1", "status": "processing",
         "received_at": D(2031, 3, 3, 9), "processing_amount": 5},
    ]  # fmt: skip
    records = read_records(record_table(rows))
    frame = records_frame(spark, records)
    flags = spark_deadlines(frame, due="recompute").orderBy("row").select("provisional")
    assert [r[0] for r in flags.collect()] == [False, True]
    rep = spark_report(frame, due="recompute")
    assert rep.provisional is report(records, due="recompute").provisional is True


def test_audit_equals_duckdb(spark):
    from onestop.spark import audit as spark_audit
    from onestop.spark import records_frame

    rows = random_rows(19, 240)
    for i, row in enumerate(rows):  # give most rows a processing time and a stored due date
        if row["processing_amount"] is None and i % 3:
            row["processing_amount"] = 1 + i % 9
        if row["due_at"] is None and i % 4:
            row["due_at"] = row["received_at"] + dt.timedelta(days=i % 11)
    records = read_records(record_table(rows))
    frame = records_frame(spark, records)
    for exact in (False, True):
        got = spark_audit(frame, exact=exact, explain_limit=7)
        with warnings.catch_warnings():  # the embedded audit warns for 2027; Spark flags it
            warnings.simplefilter("ignore", ProvisionalCalendarWarning)
            want = audit(records, exact=exact, explain_limit=7)
        assert got.provisional is want.provisional is True
        assert (got.checked, got.not_checked) == (want.checked, want.not_checked)
        assert got.mismatches.count() > 7
        assert got.by_difference() == want.by_difference()
        local = got.collect(records)
        assert local.mismatches.equals(want.mismatches)
        assert local.to_dict(limit=None) == want.to_dict(limit=None)


def test_frames_without_the_kernel_inputs_are_refused(spark, frame):
    from onestop.spark import deadline_columns as spark_deadlines
    from onestop.spark import report as spark_report

    with pytest.raises(InvalidInputError, match="processing_unit") as info:
        spark_deadlines(frame.drop("processing_unit"))
    assert info.value.field == "records"
    with pytest.raises(InvalidInputError, match="already has the column computed_due_at"):
        spark_deadlines(spark_deadlines(frame))
    with pytest.raises(InvalidInputError, match="no usable row"):
        spark_report(frame.limit(0))
    with pytest.raises(InvalidInputError) as info:
        spark_report(frame, due="guess")
    assert info.value.field == "due"


# ---------------------------------------------------------------------------- the CLI

EXPORT = (
    "MaHoSo,MaTTHC,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy,KenhThucHien,TrangThaiHoSo,"
    "DonViXuLy,so_ngay_xu_ly\n"
    "H-1,1.000894,01/12/2026 08:00,04/12/2026 17:00,03/12/2026 10:00,1,9,Sở Tư pháp,3\n"
    "H-2,1.000894,02/12/2026 14:35,09/12/2026 17:00,04/12/2026 10:00,2,10,Sở Tư pháp,5\n"
    "H-3,2.001,03/12/2026 09:00,05/12/2026 17:00,08/12/2026 16:00,3,9,Sở Xây dựng,2\n"
    "H-4,2.001,04/12/2026 09:00,08/12/2026 17:00,,1,4,Sở Xây dựng,2\n"
    "H-5,2.001,99/12/2026 09:00,,,1,4,Sở Xây dựng,2\n"
    "H-6,2.001,05/01/2027 09:00,06/01/2027 17:00,07/01/2027 10:00,2,10,Sở Xây dựng,1\n"
)


@pytest.mark.parametrize(
    "argv",
    [
        ["report", "--by", "department,month", "--recompute", "--reporting-period"],
        ["audit", "--exact", "--limit", "1"],
    ],
)
def test_cli_gives_the_same_json_on_spark(spark, app, runner, tmp_path, argv):
    export = tmp_path / "export.csv"
    export.write_text(EXPORT, encoding="utf-8")
    command = [argv[0], str(export), *argv[1:], "--json"]
    default = runner.invoke(app, command)
    on_spark = runner.invoke(app, [*command, "--engine", "spark", "--master", "local[2]"])
    assert on_spark.exit_code == default.exit_code, on_spark.output
    assert json.loads(on_spark.stdout) == json.loads(default.stdout)
    assert spark.range(3).count() == 3  # the shared session is still running


def test_cli_engine_options_are_checked(app, runner, tmp_path):
    export = tmp_path / "export.csv"
    export.write_text(EXPORT, encoding="utf-8")
    for argv, field in [
        (["report", str(export), "--engine", "polars"], "engine"),
        (["audit", str(export), "--master", "local[2]"], "master"),
        (["report", str(export), "--engine", "spark", "--html", str(tmp_path / "r.html")],
         "html"),
    ]:  # fmt: skip
        result = runner.invoke(app, [*argv, "--json"])
        assert result.exit_code == 2, result.output
        assert json.loads(result.stdout)["error"]["field"] == field


def test_records_frame_keeps_local_wall_clock_time(spark):
    from onestop.spark import records_frame

    # the session runs in another zone: instants are TIMESTAMP_NTZ, never shifted
    records = read_records(record_table([{"code": "T", "procedure": "1", "status": "received",
                                    "received_at": D(2026, 12, 1, 23, 30)}]))  # fmt: skip
    spark.conf.set("spark.sql.session.timeZone", "America/New_York")
    try:
        got = records_frame(spark, records).select("received_at").toArrow()
    finally:
        spark.conf.set("spark.sql.session.timeZone", "Asia/Ho_Chi_Minh")
    assert got.column(0).type == pa.timestamp("us")
    assert got.column(0).to_pylist() == [D(2026, 12, 1, 23, 30)]
