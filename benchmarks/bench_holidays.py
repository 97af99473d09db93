"""Benchmark: is a date a day off / a working day, for 1,000,000 dates of 2015–2026.

Usage: python3 benchmarks/bench_holidays.py [--n 1000000] [--repeats 5]

Compares, on the same random dates (seeded), the median of ``--repeats`` runs of:

* ``HolidaySchedule.is_day_off`` and ``.is_working_day`` (scalar loop);
* python-holidays' ``holidays.VN(...).is_working_day`` (scalar loop, same years): the anchor;
* a bare ``date in frozenset`` loop (the floor any scalar Python API pays);
* ``WorkCalendar.is_working_day`` (scalar) and ``onestop.deadlines.bulk.is_working_day``
  (NumPy ``datetime64[D]`` array), when the deadline module is available.

All answers are checked to agree with python-holidays except on the two documented dates.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
import warnings
from collections.abc import Callable

import holidays

from onestop.deadlines import official_schedule

KNOWN_DIFFERENCES = {dt.date(2026, 1, 2), dt.date(2026, 1, 10)}


def timed(fn: Callable[[], object], repeats: int) -> tuple[float, object]:
    times = []
    result: object = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


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

    rows: list[tuple[str, float]] = []

    def run(name: str, fn: Callable[[], object]) -> object:
        seconds, result = timed(fn, args.repeats)
        rows.append((name, seconds))
        return result

    ph = run(
        "python-holidays VN.is_working_day (anchor)",
        lambda: [vn.is_working_day(d) for d in dates],
    )
    run("plain `date in frozenset` loop (floor)", lambda: [d in off_set for d in dates])
    f_off = schedule.is_day_off
    off = run("HolidaySchedule.is_day_off", lambda: [f_off(d) for d in dates])
    f_work = schedule.is_working_day
    work = run("HolidaySchedule.is_working_day", lambda: [f_work(d) for d in dates])
    assert off == [d in off_set for d in dates]
    assert isinstance(work, list) and isinstance(ph, list)
    mismatches = {d for d, a, b in zip(dates, work, ph, strict=True) if a != b}
    assert mismatches <= KNOWN_DIFFERENCES, sorted(mismatches)[:5]

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
            scalar = run("WorkCalendar.is_working_day (scalar)", lambda: [f_cal(d) for d in dates])
            array = np.array(dates, dtype="datetime64[D]")
            bulk.is_working_day(cal, array)
            vector = run(
                "bulk.is_working_day (datetime64[D] array)",
                lambda: bulk.is_working_day(cal, array),
            )
        assert scalar == work
        assert list(np.asarray(vector).tolist()) == work

    anchor = rows[0][1]
    print(f"{args.n:,} random dates of 2015–2026, median of {args.repeats} runs")
    print(f"{'variant':<46} {'total s':>9} {'ns/date':>9} {'vs anchor':>10}")
    for name, seconds in rows:
        print(
            f"{name:<46} {seconds:>9.3f} {seconds / args.n * 1e9:>9.0f} {anchor / seconds:>9.1f}x"
        )


if __name__ == "__main__":
    main()
