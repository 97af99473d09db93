"""A province's report over 1,000,000 exported dossiers: onestop against plain pandas.

Run: ``python3 benchmarks/bench_reports.py [--rows 1000000] [--repeat 3]``.

The same run generates a seeded synthetic export (17 departments, 300 procedures, seven months,
the seed province's channel mix, local-time strings ``dd/mm/yyyy HH:MM``), writes it as CSV and
Parquet in a temporary directory, and times, end to end and each in a fresh process:

* **onestop**: ``read_records(path)`` then ``report(..., by=("department", "month"),
  due="recompute")`` and every output (overall indicators, department × month table,
  processing time per procedure, Decision 766, the JSON dict);
* **pandas (anchor)**: the straightforward implementation a vendor writes by hand for the
  same indicators: ``pandas.read_csv`` / ``read_parquet``, ``to_datetime`` with the format,
  ``map`` for the codes, onestop's bulk NumPy deadline kernel for the due dates (the fast path
  such a vendor already used), boolean masks and ``groupby`` per month and department, and
  once more over the whole period by procedure (processing times, overall totals).

Both sides compute the same indicators and the script checks that their totals agree, and
that the onestop run did not import pandas. The runs alternate (onestop, pandas, pandas,
onestop, …: on a shared machine the load drifts); each figure is the median of ``--repeat``
fresh processes: wall time, CPU time (user + system, all threads) and the ratios of both;
peak memory is the child's ``ru_maxrss``; ``load`` is the 1-minute load average seen during
the runs. The onestop side also reports the CPU time its date parsing takes (the four date
columns, one thread), to show the import is not dominated by it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ONESTOP = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from onestop.records import read_records
from onestop.reports import report
path = sys.argv[1]
t1 = time.perf_counter()
recs = read_records(path)
t2 = time.perf_counter()
rep = report(recs, by=("department", "month"), due="recompute")
table = rep.table
data = rep.to_dict()
t3 = time.perf_counter()
usage = resource.getrusage(resource.RUSAGE_SELF)  # before the extra read below
peak, cpu = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime
pandas_imported = "pandas" in sys.modules
del rep, recs, table
# the date parsing alone, on the same raw columns, one thread (not part of the timed run)
from onestop.records._sources import to_arrow
from onestop.records._normalize import _instants
raw, _ = to_arrow(path)
t4 = time.process_time()
for c in ("NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "NgayTra"):
    _instants(raw.column(c))
t5 = time.process_time()
print(json.dumps({
    "seconds": t3 - t0, "import_s": t1 - t0, "read_s": t2 - t1, "report_s": t3 - t2,
    "dates_s": t5 - t4, "maxrss_mb": peak, "cpu_s": cpu, "pandas_imported": pandas_imported,
    "received": data["received"]["total"], "late": data["resolved"]["late"],
    "resolved": data["resolved"]["total"],
}))
"""

PANDAS = r"""
import json, resource, sys, time
t0 = time.perf_counter()
import numpy as np
import pandas as pd
from onestop.deadlines import civil_service_calendar
from onestop.deadlines.bulk import classify, due_dates, working_days_between
path = sys.argv[1]
if path.endswith(".csv"):
    df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
else:
    df = pd.read_parquet(path)
fmt = "%d/%m/%Y %H:%M"
received = pd.to_datetime(df["NgayTiepNhan"], format=fmt, errors="coerce")
stored_due = pd.to_datetime(df["NgayHenTra"], format=fmt, errors="coerce")
finished = pd.to_datetime(df["NgayKetThucXuLy"], format=fmt, errors="coerce")
returned = pd.to_datetime(df["NgayTra"], format=fmt, errors="coerce")
channel = df["KenhThucHien"].map({"1": "direct", "2": "online", "3": "postal"})
status = pd.to_numeric(df["TrangThaiHoSo"], errors="coerce")
amount = pd.to_numeric(df["so_ngay_xu_ly"], errors="coerce").fillna(0).astype("int64")
ok = received.notna() & df["MaHoSo"].notna()
cal = civil_service_calendar()
due = pd.Series(due_dates(received.values.astype("datetime64[us]"), amount.values, calendar=cal),
                index=df.index)
due = due.where(due.notna(), stored_due)
accepted = ~status.isin([1, 3])
closed = status.isin([7, 8])
end = finished.fillna(returned).where(~status.isin([1, 3, 7, 8]))
done = end.notna()
outcome = pd.Series(np.nan, index=df.index)
outcome[done] = classify(end[done].values.astype("datetime64[us]"),
                         due[done].values.astype("datetime64[us]"))
taken = pd.Series(np.nan, index=df.index)
taken[done] = working_days_between(received[done].values.astype("datetime64[D]"),
                                   end[done].values.astype("datetime64[D]"), calendar=cal)
last_event = pd.concat([received, end, finished, returned], axis=1).max(axis=1)
last_event = last_event.where(~(accepted & ~closed & end.isna()), pd.Timestamp.max)
start = received[ok].min().normalize()
stop = last_event[last_event < pd.Timestamp.max].max().normalize() + pd.Timedelta(days=1)
as_of = last_event[last_event < pd.Timestamp.max].max()
def indicators(s, e, key):
    judge = min(e - pd.Timedelta(microseconds=1), as_of)
    rows = ok & (received < e) & (last_event >= s)
    rcv = accepted & (received >= s) & (received < e)
    res = done & (end >= s) & (end < e)
    open_ = accepted & ~closed & (end.isna() | (end >= e))
    ind = pd.DataFrame({
        "key": df[key],
        "received_total": rcv,
        "received_direct": rcv & (channel == "direct"),
        "received_online": rcv & (channel == "online"),
        "received_postal": rcv & (channel == "postal"),
        "carried_over": accepted & ~closed & (received < s) & (end.isna() | (end >= s)),
        "resolved_total": res,
        "resolved_early": res & (outcome == 0),
        "resolved_on_time": res & (outcome == 1),
        "resolved_late": res & (outcome == 2),
        "returned": returned.notna() & (returned >= s) & (returned < e),
        "in_progress_on_time": open_ & (due >= judge),
        "in_progress_overdue": open_ & (due < judge),
        "paid_online": rcv & (df["DuocThanhToanTrucTuyen"].isin(["1", "2"])),
        "digitised": rcv & (df["HoSoCoThanhPhanSoHoa"] == "1"),
        "taken": taken.where(res),
    })[rows]
    g = ind.groupby("key")
    out = g.sum(numeric_only=True).drop(columns="taken")
    out["mean_working_days"] = g["taken"].mean()
    out["on_time_rate"] = (out.resolved_early + out.resolved_on_time) / (
        out.resolved_early + out.resolved_on_time + out.resolved_late)
    return out


frames = []
month = start.to_period("M")
while month.start_time < stop:
    out = indicators(max(month.start_time, start), min((month + 1).start_time, stop),
                     "DonViXuLy")
    out["month"] = str(month)
    frames.append(out)
    month += 1
by_procedure = indicators(start, stop, "MaTTHC")  # processing time per procedure
overall = by_procedure.sum(numeric_only=True)  # the whole period
table = pd.concat(frames)
t1 = time.perf_counter()
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({
    "seconds": t1 - t0, "maxrss_mb": usage.ru_maxrss / 1024,
    "cpu_s": usage.ru_utime + usage.ru_stime,
    "received": int(table.received_total.sum()), "late": int(table.resolved_late.sum()),
    "resolved": int(table.resolved_total.sum()), "groups": len(table),
}))
"""


def generate(rows: int, folder: Path) -> dict[str, Path]:
    """Write the seeded synthetic export as CSV and Parquet; return their paths."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    from onestop.deadlines import civil_service_calendar
    from onestop.deadlines.bulk import due_dates

    rng = np.random.default_rng(766)
    start = np.datetime64("2026-01-05T00:00", "m")
    days = rng.integers(0, 7 * 30, rows)
    minutes = rng.integers(7 * 60 + 30, 16 * 60 + 45, rows)
    received = (start + days.astype("timedelta64[D]") + minutes.astype("timedelta64[m]")).astype(
        "datetime64[us]"
    )
    amount = rng.choice([1, 3, 5, 7, 10, 15, 20], rows)
    due = due_dates(received, amount, calendar=civil_service_calendar())
    # most finish on time, a few late: the seed province's 99 % on time
    spent = rng.gamma(2.0, 0.3, rows) * amount * 1.1
    finish = received + (spent * 86400e6).astype("timedelta64[us]")
    late = rng.random(rows) < 0.003
    finish[late] = due[late] + np.timedelta64(3, "D")
    status = rng.choice(
        [10, 9, 4, 5, 2, 8, 7, 3], rows, p=[0.8, 0.1, 0.05, 0.01, 0.01, 0.01, 0.01, 0.01]
    )
    open_ = np.isin(status, [4, 5, 2])
    channel = rng.choice(["1", "2", "3"], rows, p=[0.80, 0.16, 0.04])
    fmt = "%d/%m/%Y %H:%M"

    def text(values, mask=None):
        arr = pa.array(values.astype("datetime64[us]"), pa.timestamp("us"), mask=mask)
        return pc.strftime(arr, format=fmt)

    table = pa.table(
        {
            "MaHoSo": [f"000.00.00.H56-{i:09d}" for i in range(rows)],
            "MaTTHC": pa.array([f"1.{p:06d}" for p in rng.integers(1, 301, rows)]),
            "DonViXuLy": pa.array([f"Sở {d:02d}" for d in rng.integers(1, 18, rows)]),
            "KenhThucHien": pa.array(channel),
            "TrangThaiHoSo": pa.array(status.astype(str)),
            "NgayTiepNhan": text(received),
            "so_ngay_xu_ly": pa.array(amount.astype(str)),
            "NgayHenTra": text(due),
            "NgayKetThucXuLy": text(finish, mask=open_),
            "NgayTra": text(finish + np.timedelta64(1, "h"), mask=open_ | (status != 10)),
            "DuocThanhToanTrucTuyen": pa.array(rng.choice(["0", "1", "2", "3"], rows)),
            "HoSoCoThanhPhanSoHoa": pa.array(rng.choice(["0", "1"], rows)),
        }
    )
    paths = {"csv": folder / "export.csv", "parquet": folder / "export.parquet"}
    pcsv.write_csv(table, paths["csv"])
    pq.write_table(table, paths["parquet"])
    return paths


def run(code: str, path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def _median(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def _duckdb_major() -> int:
    from importlib.metadata import version

    return int(version("duckdb").split(".")[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        paths = generate(args.rows, Path(tmp))
        print(f"generated {args.rows:,} rows in {time.perf_counter() - t:.1f} s "
              f"(CSV {paths['csv'].stat().st_size / 1e6:.0f} MB, "
              f"Parquet {paths['parquet'].stat().st_size / 1e6:.0f} MB)")  # fmt: skip
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
              f"{platform.python_version()}")  # fmt: skip
        print()
        print("| input | pandas (anchor) | onestop | ratio | CPU pandas / onestop | CPU ratio "
              "| date parsing (CPU) | peak memory pandas / onestop | load |")  # fmt: skip
        print("|---|---|---|---|---|---|---|---|---|")
        notes: list[str] = []
        for kind, path in paths.items():
            ours: list[dict[str, float]] = []
            theirs: list[dict[str, float]] = []
            load = [os.getloadavg()[0]]
            # interleaved, alternating which goes first: a shared machine's load drifts
            for i in range(args.repeat):
                pair = [(ONESTOP, ours), (PANDAS, theirs)]
                for code, into in pair if i % 2 == 0 else pair[::-1]:
                    into.append(run(code, path))
                    load.append(os.getloadavg()[0])
            for key in ("received", "resolved", "late"):
                if ours[0][key] != theirs[0][key]:
                    raise SystemExit(
                        f"{kind}: {key} differs: onestop {ours[0][key]}, pandas {theirs[0][key]}"
                    )
            # DuckDB before 2.0 imports pandas itself to hand back Arrow results
            if any(r["pandas_imported"] for r in ours) and _duckdb_major() >= 2:
                raise SystemExit(f"{kind}: the onestop run imported pandas")
            a, b = _median(theirs, "seconds"), _median(ours, "seconds")
            ca, cb = _median(theirs, "cpu_s"), _median(ours, "cpu_s")
            dates = _median(ours, "dates_s")
            print(
                f"| {kind} | {a:.2f} s | {b:.2f} s | **{a / b:.1f}x** | {ca:.2f} s / {cb:.2f} s "
                f"| {ca / cb:.1f}x | {dates:.2f} s ({100 * dates / cb:.0f} %) "
                f"| {max(r['maxrss_mb'] for r in theirs):.0f} MB / "
                f"{max(r['maxrss_mb'] for r in ours):.0f} MB | {min(load):.1f}-{max(load):.1f} |"
            )
            ratios = [p["seconds"] / o["seconds"] for p, o in zip(theirs, ours, strict=True)]
            notes.append(
                f"{kind}: wall ratio per run {min(ratios):.1f}-{max(ratios):.1f}x; onestop "
                f"import {_median(ours, 'import_s'):.2f} s, read_records "
                f"{_median(ours, 'read_s'):.2f} s, report and outputs "
                f"{_median(ours, 'report_s'):.2f} s (wall)"
            )
        print()
        for note in notes:
            print(note)
        print(f"totals: {ours[0]['received']:,} received, {ours[0]['resolved']:,} resolved, "
              f"{ours[0]['late']:,} late")  # fmt: skip


if __name__ == "__main__":
    main()
