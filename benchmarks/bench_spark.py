"""Bulk due dates and the full report on Spark: local[1], local[2], DuckDB, a per-row UDF.

Run: ``python3 benchmarks/bench_spark.py [--rows 10000000] [--udf-rows ROWS]``.

The same run writes a seeded synthetic set of validated dossier records (17 departments,
300 procedures, seven months of 2026, the channel and status mix of
``benchmarks/bench_reports.py``, five processing-time units) as Parquet in a temporary
directory, then times, each in a fresh process and read from that Parquet file:

* **due dates**: every record's computed due date from the kernel's seven input columns
  (``onestop.spark.due_dates`` on Spark, forced with Spark's ``noop`` sink;
  ``onestop.reports.deadline_columns`` on the embedded path, one thread);
* **full report**: ``report(..., by=("department", "month"), due="recompute").to_dict()``
  (``onestop.spark.report`` on Spark, ``onestop.reports.report`` with DuckDB embedded, on as
  many threads as the process has cores);
* **the anchor**: the same due dates in Spark with a per-row Python UDF calling onestop's
  scalar ``compute_due`` (what a straightforward port does), on ``--udf-rows`` rows (default
  all of them), with ``onestop.spark.due_dates`` timed on the same rows in the same session.

Spark runs on ``local[1]`` and ``local[2]``; the embedded path on the same machine. Each
figure is one run (the machine is shared: the 1-minute load average is printed beside each).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import json, os, sys, time, warnings
warnings.simplefilter("ignore")
engine, task, path, master = sys.argv[1:5]
out = {}
# the due dates read the kernel's inputs only (as the per-row UDF reads its three)
INPUTS = ["row", "received_at", "processing_amount", "processing_unit", "due_at",
          "finished_at", "returned_at", "status"]
if engine == "spark":
    from onestop.spark import due_dates, local_session, report
    spark = local_session(master)
    df = spark.read.parquet(path)
    spark.range(1).count()  # the session is up before the clock starts
    if task == "udf":
        rows = int(sys.argv[5])
        import datetime as dt
        from pyspark.sql import functions as f, types as t
        from onestop.deadlines import compute_due
        from onestop.models import ProcessingTime, TimeUnit
        from onestop.tz import VN_TZ
        part = spark.read.parquet(path).select(*INPUTS).limit(rows).repartition(4).cache()
        part.count()

        def one(received, amount, unit):
            if amount is None:
                return None
            due = compute_due(received.replace(tzinfo=VN_TZ),
                              ProcessingTime(amount=amount, unit=TimeUnit(unit)),
                              policy=unit.replace("_", "-"))
            return due.due_at.astimezone(VN_TZ).replace(tzinfo=None)

        per_row = f.udf(one, t.TimestampNTZType())
        t0 = time.perf_counter()
        part.select(per_row("received_at", "processing_amount", "processing_unit")).write.format(
            "noop").mode("overwrite").save()
        out["udf_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        due_dates(part).select("row", "computed_due_at").write.format("noop").mode(
            "overwrite").save()
        out["kernel_s"] = time.perf_counter() - t0
        # the two agree on these rows
        a = part.select("row", per_row("received_at", "processing_amount",
                                       "processing_unit").alias("d"))
        b = due_dates(part).select("row", f.col("computed_due_at").alias("d"))
        out["disagree"] = a.join(b, "row").where(~a.d.eqNullSafe(b.d)).count()
    else:
        t0 = time.perf_counter()
        if task == "due":
            due_dates(spark.read.parquet(path).select(*INPUTS)).select(
                "row", "computed_due_at").write.format("noop").mode("overwrite").save()
        else:
            data = report(spark.read.parquet(path), by=("department", "month"),
                          due="recompute").to_dict()
            out["received"] = data["received"]["total"]
            out["late"] = data["resolved"]["late"]
        out["s"] = time.perf_counter() - t0
else:
    import pyarrow.parquet as pq
    from onestop.records import read_records
    from onestop.reports import deadline_columns, report
    t0 = time.perf_counter()
    if task == "due":
        table = pq.read_table(path, columns=INPUTS)
        deadline_columns(table, due="recompute")
    else:
        table = pq.read_table(path)
        data = report(read_records(table), by=("department", "month"), due="recompute").to_dict()
        out["received"] = data["received"]["total"]
        out["late"] = data["resolved"]["late"]
    out["s"] = time.perf_counter() - t0
print(json.dumps(out))
"""


def generate(rows: int, path: Path) -> None:
    """Write ``rows`` seeded synthetic validated records to ``path`` (Parquet), in chunks."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from onestop.deadlines import civil_service_calendar
    from onestop.deadlines.bulk import due_dates
    from onestop.records import read_records

    rng = np.random.default_rng(766)
    calendar = civil_service_calendar()
    writer = None
    step = 1_000_000
    units = np.array(["working_days", "calendar_days", "working_hours", "months", "same_day"])
    try:
        for offset in range(0, rows, step):
            n = min(step, rows - offset)
            start = np.datetime64("2026-01-05T00:00", "m")
            days = rng.integers(0, 7 * 30, n)
            minutes = rng.integers(7 * 60 + 30, 16 * 60 + 45, n)
            received = (
                start + days.astype("timedelta64[D]") + minutes.astype("timedelta64[m]")
            ).astype("datetime64[us]")
            amount = rng.choice([1, 3, 5, 7, 10, 15, 20], n)
            unit = units[rng.choice(5, n, p=[0.85, 0.08, 0.03, 0.02, 0.02])]
            amount[unit == "same_day"] = 0
            amount[unit == "months"] = 1
            due = due_dates(received, amount, calendar=calendar)
            spent = rng.gamma(2.0, 0.3, n) * amount * 1.1
            finish = received + (spent * 86400e6).astype("timedelta64[us]")
            late = rng.random(n) < 0.003
            finish[late] = due[late] + np.timedelta64(3, "D")
            status = rng.choice(
                ["returned", "completed", "processing", "supplement_requested", "received",
                 "stopped", "withdrawn", "refused"],
                n, p=[0.8, 0.1, 0.05, 0.01, 0.01, 0.01, 0.01, 0.01],
            )  # fmt: skip
            open_ = np.isin(status, ["processing", "supplement_requested", "received"])
            ts = pa.timestamp("us")
            codes = pc.binary_join_element_wise(
                "H56-", pc.cast(pa.array(np.arange(offset, offset + n)), pa.string()), ""
            )
            table = pa.table(
                {
                    "MaHoSo": codes,
                    "MaTTHC": pa.array(rng.integers(1, 301, n)).cast(pa.string()),
                    "DonViXuLy": pa.array(rng.integers(1, 18, n)).cast(pa.string()),
                    "KenhThucHien": pa.array(rng.choice(["1", "2", "3"], n, p=[0.8, 0.16, 0.04])),
                    "TrangThaiHoSo": pa.array(status),
                    "NgayTiepNhan": pa.array(received, ts),
                    "processing_amount": pa.array(amount),
                    "processing_unit": pa.array(unit),
                    "NgayHenTra": pa.array(due, ts),
                    "NgayKetThucXuLy": pa.array(finish, ts, mask=open_),
                    "NgayTra": pa.array(
                        finish + np.timedelta64(1, "h"), ts, mask=open_ | (status != "returned")
                    ),
                    "DuocThanhToanTrucTuyen": pa.array(rng.choice(["0", "1", "2", "3"], n)),
                    "HoSoCoThanhPhanSoHoa": pa.array(rng.choice(["0", "1"], n)),
                }
            )
            records = read_records(table)
            assert records.rows_rejected == 0, records.errors_summary()
            out = records.table.set_column(
                0, "row", pc.add(records.table.column("row"), pa.scalar(offset, pa.int64()))
            )
            if writer is None:
                writer = pq.ParquetWriter(path, out.schema)
            writer.write_table(out, row_group_size=256 * 1024)
    finally:
        if writer is not None:
            writer.close()


def child(engine: str, task: str, path: Path, master: str = "-", *extra: str) -> dict:
    env = {**os.environ, "PYSPARK_SUBMIT_ARGS": "--driver-memory 3g pyspark-shell"}
    load = os.getloadavg()[0]
    done = subprocess.run(
        [sys.executable, "-c", CHILD, engine, task, str(path), master, *extra],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    if done.returncode:
        sys.exit(done.stderr[-3000:])
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["load"] = round(max(load, os.getloadavg()[0]), 2)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument(
        "--udf-rows", type=int, default=None, help="rows of the anchor (default: --rows)"
    )
    args = parser.parse_args()
    if args.udf_rows is None:
        args.udf_rows = args.rows
    rows = args.rows
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "records.parquet"
        t0 = time.perf_counter()
        generate(rows, path)
        print(f"generated {rows:,} records in {time.perf_counter() - t0:.0f} s "
              f"({path.stat().st_size / 1e6:.0f} MB Parquet)")  # fmt: skip
        results: dict[tuple[str, str], dict] = {}
        for task in ("due", "report"):
            results[("duckdb", task)] = child("duckdb", task, path)
            for master in ("local[1]", "local[2]"):
                results[(master, task)] = child("spark", task, path, master)
        anchor = child("spark", "udf", path, "local[2]", str(args.udf_rows))
    print()
    print("| task | engine | seconds | rows/s | vs DuckDB path | load (1 min) |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for task, name in (("due", "due dates"), ("report", "full report")):
        base = results[("duckdb", task)]["s"]
        for engine in ("duckdb", "local[1]", "local[2]"):
            r = results[(engine, task)]
            label = "embedded (DuckDB path)" if engine == "duckdb" else f"Spark {engine}"
            print(f"| {name} | {label} | {r['s']:.1f} | {rows / r['s']:,.0f} | "
                  f"{base / r['s']:.2f}x | {r['load']} |")  # fmt: skip
        one, two = results[("local[1]", task)]["s"], results[("local[2]", task)]["s"]
        print(f"| {name} | Spark speed-up from the 2nd core | | | {one / two:.2f}x | |")
    for task in ("report",):
        a, b, c = (results[(e, task)] for e in ("duckdb", "local[1]", "local[2]"))
        assert a["received"] == b["received"] == c["received"], (a, b, c)
        assert a["late"] == b["late"] == c["late"], (a, b, c)
    n = args.udf_rows
    print(
        f"| due dates, {n:,} rows | Spark local[2], per-row Python UDF (anchor) | "
        f"{anchor['udf_s']:.1f} | {n / anchor['udf_s']:,.0f} | | {anchor['load']} |"
    )
    print(f"| due dates, {n:,} rows | Spark local[2], onestop due_dates (Arrow UDF) | "
          f"{anchor['kernel_s']:.1f} | {n / anchor['kernel_s']:,.0f} | "
          f"{anchor['udf_s'] / anchor['kernel_s']:.1f}x the UDF | {anchor['load']} |")  # fmt: skip
    assert anchor["disagree"] == 0, anchor


if __name__ == "__main__":
    main()
