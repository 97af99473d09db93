"""Speed of working-day arithmetic (issue 4, "Speed"): onestop against the usual tools.

100,000 random pairs (receipt date uniform in 2019–2026, N uniform in 1..45 working days) on
the official civil-service calendar, make-up Saturdays included. Every competitor is given the
same days off and the same make-up Saturdays, and its answers are checked against onestop's
before it is timed:

* workalendar: a ``workalendar.core.Calendar`` subclass whose ``get_calendar_holidays`` returns
  the days off, with the make-up Saturdays passed as ``extra_working_days`` (workalendar's own
  mechanism for working weekend days);
* python-holidays: a ``HolidayBase`` filled with the days off, make-up Saturdays in
  ``weekend_workdays``, queried with ``get_nth_working_day``;
* a plain Python loop over days with set lookups;
* ``numpy.busday_offset`` (``roll="backward"``, weekmask Mon–Fri, the days off as holidays): it
  has no way to express a working Saturday, so the rows it gets wrong are counted.

workalendar and python-holidays are timed on the first 10,000 pairs (they take seconds per
100,000) and compared per row. Figures are medians of repeats in one run.

Run: ``python3 benchmarks/bench_deadlines.py``
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
import warnings
from collections.abc import Callable

import holidays as pyholidays
import numpy as np
from workalendar.core import SAT, SUN, Calendar

from onestop.deadlines import bulk, civil_service_calendar
from onestop.errors import ProvisionalCalendarWarning

N_PAIRS = 100_000
N_SLOW = 10_000
N_BULK = 1_000_000
SEED = 20260213


def median_time(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    warnings.simplefilter("ignore", ProvisionalCalendarWarning)
    t0 = time.perf_counter()
    cal = civil_service_calendar(warn_provisional=False)
    cal.add_working_days(dt.date(2019, 1, 2), 1)
    cold = time.perf_counter() - t0

    years = range(2019, 2029)
    entries = [h for y in years for h in cal.holidays(y)]
    off = {h.date for h in entries if h.is_day_off}
    makeup = {h.date for h in entries if not h.is_day_off and h.date.weekday() >= 5}
    off_weekdays = sorted(d for d in off if d.weekday() < 5)

    rng = np.random.default_rng(SEED)
    start = dt.date(2019, 1, 1).toordinal()
    span = dt.date(2026, 12, 31).toordinal() - start + 1
    ords = rng.integers(0, span, N_PAIRS) + start
    ns = rng.integers(1, 46, N_PAIRS)
    days = [dt.date.fromordinal(int(o)) for o in ords]
    nlist = [int(n) for n in ns]
    pairs = list(zip(days, nlist, strict=True))

    # ---- onestop scalar
    add = cal.add_working_days
    reference = [add(d, n) for d, n in pairs]

    def run_onestop() -> list[dt.date]:
        return [add(d, n) for d, n in pairs]

    # ---- plain Python loop
    one = dt.timedelta(days=1)

    def loop_add(d: dt.date, n: int) -> dt.date:
        k = 0
        while k < n:
            d += one
            if d in makeup or (d.weekday() < 5 and d not in off):
                k += 1
        return d

    def run_loop() -> list[dt.date]:
        return [loop_add(d, n) for d, n in pairs]

    assert run_loop() == reference

    # ---- workalendar
    class VietnamCivilService(Calendar):
        WEEKEND_DAYS = (SAT, SUN)

        def get_calendar_holidays(self, year: int) -> list[tuple[dt.date, str]]:
            return [(d, "day off") for d in sorted(off) if d.year == year]

    wcal = VietnamCivilService()
    extra = tuple(sorted(makeup))
    slow = pairs[:N_SLOW]

    def run_workalendar() -> list[dt.date]:
        return [wcal.add_working_days(d, n, extra_working_days=extra) for d, n in slow]

    assert run_workalendar() == reference[:N_SLOW]

    # ---- python-holidays
    hb = pyholidays.HolidayBase()
    hb.update(dict.fromkeys(off, "day off"))
    hb.weekend_workdays = set(makeup)

    def run_pyholidays() -> list[dt.date]:
        return [hb.get_nth_working_day(d, n) for d, n in slow]

    assert run_pyholidays() == reference[:N_SLOW]

    # ---- vectorized
    arr = np.array(days, dtype="datetime64[D]")
    narr = np.asarray(ns, dtype=np.int64)
    ref_arr = np.array(reference, dtype="datetime64[D]")

    def run_bulk() -> np.ndarray:
        return bulk.add_working_days(arr, narr, calendar=cal)

    assert (run_bulk() == ref_arr).all()
    np_holidays = np.array(off_weekdays, dtype="datetime64[D]")
    bdc = np.busdaycalendar(weekmask="1111100", holidays=np_holidays)

    def run_busday() -> np.ndarray:
        return np.busday_offset(arr, narr, roll="backward", busdaycal=bdc)

    busday_wrong = int((run_busday() != ref_arr).sum())

    # ---- 1,000,000 rows
    big_ords = rng.integers(0, span, N_BULK) + start
    big = (big_ords - dt.date(1970, 1, 1).toordinal()).astype("datetime64[D]")
    big_n = rng.integers(1, 46, N_BULK)
    received = big + rng.integers(0, 24 * 60, N_BULK).astype("timedelta64[m]")

    t_onestop = median_time(run_onestop, 5)
    t_loop = median_time(run_loop, 3)
    t_wcal = median_time(run_workalendar, 3) * N_PAIRS / N_SLOW
    t_pyh = median_time(run_pyholidays, 3) * N_PAIRS / N_SLOW
    t_bulk = median_time(run_bulk, 11)
    t_busday = median_time(run_busday, 11)
    t_big_add = median_time(lambda: bulk.add_working_days(big, big_n, calendar=cal), 5)
    t_big_due = median_time(lambda: bulk.due_dates(received, big_n, calendar=cal), 5)
    t_big_hours = median_time(
        lambda: bulk.due_dates(received, big_n * 8, unit="working_hours", calendar=cal), 5
    )

    rows = [
        ("onestop scalar add_working_days", t_onestop, "1.0x (anchor)"),
        ("plain Python day loop", t_loop, f"onestop {t_loop / t_onestop:.1f}x faster"),
        ("workalendar add_working_days*", t_wcal, f"onestop {t_wcal / t_onestop:.0f}x faster"),
        ("python-holidays get_nth_working_day*", t_pyh, f"onestop {t_pyh / t_onestop:.0f}x faster"),
        ("onestop bulk add_working_days", t_bulk, f"{t_busday / t_bulk:.1f}x busday speed"),
        ("numpy.busday_offset", t_busday, f"{busday_wrong} rows wrong "
         f"({100 * busday_wrong / N_PAIRS:.1f}%)"),
    ]  # fmt: skip
    print(f"onestop bench_deadlines: {N_PAIRS:,} pairs, receipt 2019–2026, N in 1..45")
    print(f"cold start (load schedule + build index): {cold * 1000:.1f} ms")
    print()
    print(f"| {'implementation':<40} | {'100k pairs':>11} | {'per row':>9} | note |")
    print(f"|{'-' * 42}|{'-' * 13}:|{'-' * 10}:|------|")
    for name, t, note in rows:
        print(f"| {name:<40} | {t * 1000:>8.1f} ms | {t / N_PAIRS * 1e9:>6.0f} ns | {note} |")
    print()
    print("* timed on the first 10,000 pairs, scaled to 100,000")
    print()
    print("| 1,000,000 rows (bulk) | time |")
    print("|---|---:|")
    print(f"| add_working_days | {t_big_add * 1000:.0f} ms |")
    print(f"| due_dates, working-days policy (close of office hours) | {t_big_due * 1000:.0f} ms |")
    print(f"| due_dates, working-hours (N×8 h from the receipt instant) | "
          f"{t_big_hours * 1000:.0f} ms |")  # fmt: skip


if __name__ == "__main__":
    main()
