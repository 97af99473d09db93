"""Benchmark: is a date a day off / a working day, for 1,000,000 dates of 2015–2026.

Usage: python3 benchmarks/bench_holidays.py [--n 1000000] [--repeats 5]

Compares, on the same random dates (seeded), the median of ``--repeats`` runs of:

* ``HolidaySchedule.is_day_off`` and ``.is_working_day`` (scalar loop);
* python-holidays' ``holidays.VN(...).is_working_day`` (scalar loop, same years): the anchor;
* a bare ``date in frozenset`` loop (the floor any scalar Python API pays);
* ``WorkCalendar.is_working_day`` (scalar) and ``onestop.deadlines.bulk.is_working_day``
  (NumPy ``datetime64[D]`` array), when the deadline module is available.

All answers are checked to agree with python-holidays except on the two documented dates.

Timing: the variants take turns in every round (so that a burst of load on the shared machine
hits all of them alike), each run is measured in CPU time of this process with the cyclic
garbage collector paused (as ``timeit`` does), and the median over the rounds is printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import random
import statistics
import time
import warnings
from collections.abc import Callable

import holidays

from onestop.deadlines import official_schedule

KNOWN_DIFFERENCES = {dt.date(2026, 1, 2), dt.date(2026, 1, 10)}


def _run(fn: Callable[[], object]) -> tuple[float, object]:
    gc.collect()
    gc.disable()
    try:
        start = time.process_time()
        result = fn()
        return time.process_time() - start, result
    finally:
        gc.enable()


def interleaved(
    cases: dict[str, Callable[[], object]], repeats: int
) -> dict[str, tuple[float, object]]:
    """Median CPU time and last result of each case; the cases take turns in every round."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    results: dict[str, object] = {}
    for _ in range(repeats):
        for name, fn in cases.items():
            seconds, results[name] = _run(fn)
            times[name].append(seconds)
    return {name: (statistics.median(times[name]), results[name]) for name in cases}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(20261128)
    first = dt.date(2015, 1, 1).toordinal()
    last = dt.date(2026, 12, 31).toordinal()
    dates = [dt.date.fromordinal(rng.randint(first, last)) for _ in range(args.n)]

    schedule = official_schedule()
    vn = holidays.VN(years=range(2014, 2028))
    off_set = frozenset().union(*(schedule.days_off(y) for y in range(2015, 2027)))
    # warm the caches so that every variant is measured in its steady state
    for d in dates[:1000]:
        schedule.is_day_off(d)
        schedule.is_working_day(d)
        vn.is_working_day(d)

    f_off = schedule.is_day_off
    f_work = schedule.is_working_day
    cases: dict[str, Callable[[], object]] = {
        "python-holidays VN.is_working_day (anchor)": lambda: [vn.is_working_day(d) for d in dates],
        "plain `date in frozenset` loop (floor)": lambda: [d in off_set for d in dates],
        "HolidaySchedule.is_day_off": lambda: [f_off(d) for d in dates],
        "HolidaySchedule.is_working_day": lambda: [f_work(d) for d in dates],
    }
    cal = None
    try:
        import numpy as np

        from onestop.deadlines import bulk, civil_service_calendar
    except ImportError as exc:  # the deadline engine or numpy is not there
        print(f"(WorkCalendar not benchmarked: {exc})")
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cal = civil_service_calendar()
            f_cal = cal.is_working_day
            for d in dates[:1000]:
                f_cal(d)
            array = np.array(dates, dtype="datetime64[D]")
            bulk.is_working_day(array, calendar=cal)
        cases["WorkCalendar.is_working_day (scalar)"] = lambda: [f_cal(d) for d in dates]
        cases["bulk.is_working_day (datetime64[D] array)"] = lambda: bulk.is_working_day(
            array, calendar=cal
        )

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        measured = interleaved(cases, args.repeats)

    ph = measured["python-holidays VN.is_working_day (anchor)"][1]
    off = measured["HolidaySchedule.is_day_off"][1]
    work = measured["HolidaySchedule.is_working_day"][1]
    assert off == [d in off_set for d in dates]
    assert isinstance(work, list) and isinstance(ph, list)
    mismatches = {d for d, a, b in zip(dates, work, ph, strict=True) if a != b}
    assert mismatches <= KNOWN_DIFFERENCES, sorted(mismatches)[:5]
    if cal is not None:
        assert measured["WorkCalendar.is_working_day (scalar)"][1] == work
        vector = measured["bulk.is_working_day (datetime64[D] array)"][1]
        assert list(np.asarray(vector).tolist()) == work

    rows = [(name, seconds) for name, (seconds, _) in measured.items()]
    anchor = rows[0][1]
    print(
        f"{args.n:,} random dates of 2015–2026, median CPU time of {args.repeats} interleaved "
        "rounds"
    )
    print(f"{'variant':<46} {'total s':>9} {'ns/date':>9} {'vs anchor':>10}")
    for name, seconds in rows:
        print(
            f"{name:<46} {seconds:>9.3f} {seconds / args.n * 1e9:>9.0f} {anchor / seconds:>9.1f}x"
        )


if __name__ == "__main__":
    main()
