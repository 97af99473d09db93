"""Exports larger than one validation batch: numbering, errors and repeats across batches,
dates that trip Arrow's ``strptime``, and the bulk path's independence from pandas."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from onestop.records import read_records
from onestop.records._normalize import BATCH_ROWS

D = dt.datetime


def _export(n):
    return {
        "MaHoSo": [f"H-{i:07d}" for i in range(n)],
        "MaTTHC": ["1.000894"] * n,
        "NgayTiepNhan": [f"{1 + i % 28:02d}/{1 + i % 12:02d}/2026 08:00" for i in range(n)],
        "KenhThucHien": ["1", "2", "3"] * (n // 3) + ["1"] * (n % 3),
    }


def test_rows_errors_and_repeats_across_batches():
    n = 2 * BATCH_ROWS + 10
    cols = _export(n)
    last = n - 1
    cols["MaHoSo"][BATCH_ROWS + 5] = "H-0000003"  # repeats row 4, one batch later
    cols["MaHoSo"][last] = " H-0000007 "  # the same code once trimmed, two batches later
    cols["NgayTiepNhan"][BATCH_ROWS - 1] = "31/04/2026 08:00"  # no 31 April
    cols["NgayTiepNhan"][2 * BATCH_ROWS] = "30/02/2024"  # no 30 February, even in 2024
    cols["KenhThucHien"][3] = "fax"
    recs = read_records(pa.table(cols))
    assert recs.rows_read == n
    got = [(e["row"], e["field"], e["reason"][:30]) for e in recs.errors.to_pylist()]
    assert got == [
        (4, "channel", "unknown channel; expected 1 (t"),
        (BATCH_ROWS, "received_at", "not a date or date-time; expect"[:30]),
        (BATCH_ROWS + 6, "code", "duplicate dossier code (first "),
        (2 * BATCH_ROWS + 1, "received_at", "not a date or date-time; expect"[:30]),
        (n, "code", "duplicate dossier code (first "),
    ]
    reasons = {e["row"]: e["reason"] for e in recs.errors.to_pylist()}
    assert "row 4" in reasons[BATCH_ROWS + 6]  # the first row is named even though rejected
    assert "row 8" in reasons[n]
    rows = recs.table.column("row").to_pylist()
    assert len(rows) == n - 5 and rows[:4] == [1, 2, 3, 5] and rows[-1] == n - 1
    assert recs.table.column("received_at")[0].as_py() == D(2026, 1, 1, 8)


@pytest.mark.parametrize(
    ("text", "read"),
    [
        (" 01/12/2026 10:00", D(2026, 12, 1, 10)),  # Arrow reads past the space, day 1
        ("2026-1-1", D(2026, 1, 1)),  # single-digit month and day in ISO order
        ("01/03/2026", D(2026, 3, 1)),  # a real 1 March, where 29/02 would land
        ("29/02/2024", D(2024, 2, 29)),
    ],
)
def test_dates_a_rollover_check_must_not_trip_on(text, read):
    # these used to raise pyarrow's ArrowInvalid from the rollover check (day digits sliced at
    # a fixed position), instead of being read
    recs = read_records(pa.table({"code": ["A", "B"], "procedure": ["1", "1"],
                                  "received_at": [text, "02/03/2026 10:00"]}))  # fmt: skip
    assert recs.rows_rejected == 0
    assert recs.table.column("received_at")[0].as_py() == read


PROBE = """
import sys
from onestop.records import read_records
from onestop.reports import report
recs = [read_records(path) for path in sys.argv[1:]]
print("pandas" in sys.modules)
for rec in recs:
    report(rec, by=("department", "month"), due="recompute").to_dict()
print("pandas" in sys.modules)
"""


def test_a_report_from_files_does_not_import_pandas(tmp_path):
    # pyarrow imports pandas (0.4 s) on its first conversion of Python or NumPy objects when
    # pandas is installed, as it is here; the bulk path converts through buffers only
    n = 3 * 1000
    cols = _export(n)
    cols["DonViXuLy"] = ["Sở Tư pháp", "Sở Xây dựng", None] * 1000
    cols["so_ngay_xu_ly"] = ["3"] * n
    cols["TrangThaiHoSo"] = ["4"] * n
    table = pa.table(cols)
    pq.write_table(table, tmp_path / "export.parquet")
    import pyarrow.csv as pcsv

    pcsv.write_csv(table, tmp_path / "export.csv")
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path / "export.csv"),
         str(tmp_path / "export.parquet")],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    # reading never imports pandas; the report does not either, except through DuckDB before
    # 2.0, which imports it itself to fetch Arrow results (and on register from 1.5)
    import duckdb

    after_report = "True" if int(duckdb.__version__.split(".")[0]) < 2 else "False"
    assert out.split("\n") == ["False", after_report, ""]


def test_bulk_work_leaves_the_default_memory_pool_alone():
    before = pa.default_memory_pool().backend_name
    read_records(pa.table(_export(10)))
    assert pa.default_memory_pool().backend_name == before


@pytest.mark.parametrize(
    ("codes", "repeated"),
    [
        (["A-1", "A-2", "A-2", "A-3"], [3]),  # sorted, one repeat next to its first
        (["A-3", "A-2", "A-1"], []),  # distinct, in descending order
        (["A-1", "A-2", "A-3", "A-1"], [4]),  # sorted until the last one
        (["A-1", "A-2", "A-3"], []),
    ],
)
def test_repeated_codes_in_sorted_and_unsorted_exports(codes, repeated):
    n = len(codes)
    recs = read_records(pa.table({"code": codes, "procedure": ["1"] * n,
                                  "received_at": ["01/02/2026"] * n}))  # fmt: skip
    assert [e["row"] for e in recs.errors.to_pylist()] == repeated


def test_columns_stored_dictionary_encoded_read_as_the_plain_ones(tmp_path):
    # a Parquet column of few values (due dates, processing times) is read as a dictionary
    # and converted once per distinct value: the records and errors are those of plain text
    n = 600
    due = ["10/03/2026 17:00", "31/04/2026 17:00", "", None, "xx", " 01/12/2026 17:00"]
    cols = _export(n)
    cols["NgayHenTra"] = [due[i % len(due)] for i in range(n)]
    cols["so_ngay_xu_ly"] = [["5", "+2", "-1", None, "3.0"][i % 5] for i in range(n)]
    table = pa.table(cols)
    pq.write_table(table, tmp_path / "export.parquet")
    from_file = read_records(tmp_path / "export.parquet")
    plain = read_records(table)
    assert pa.types.is_dictionary(
        pq.ParquetFile(tmp_path / "export.parquet", read_dictionary=["NgayHenTra"])
        .read(columns=["NgayHenTra"])
        .column(0)
        .type
    )
    assert from_file.table.equals(plain.table)
    assert from_file.errors.equals(plain.errors)
    reasons = {(e["row"], e["field"]) for e in plain.errors.to_pylist()}
    assert (2, "due_at") in reasons and (5, "due_at") in reasons  # 31/04, "xx"
    assert (3, "due_at") not in reasons and (4, "due_at") not in reasons  # blank, null
    assert (3, "processing_amount") in reasons  # -1
    rows = from_file.table.select(["row", "due_at", "processing_amount"]).to_pylist()
    assert rows[0] == {"row": 1, "due_at": D(2026, 3, 10, 17), "processing_amount": 5}
    assert {"row": 6, "due_at": D(2026, 12, 1, 17), "processing_amount": 5} in rows
