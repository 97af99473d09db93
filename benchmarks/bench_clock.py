"""Cost of the dossier clock against the bare deadline it is built on.

20,000 random dossiers (receipt instant uniform over 2025 to August 2026, office hours, 1..30
working days) on the official civil-service calendar. The anchor is
``onestop.deadlines.compute_due`` (one counted deadline, what a receipt slip needs);
each clock operation is timed on the same dossiers in the same run and reported per dossier and
as a ratio to the anchor. ``explain()`` is timed on the first 1,000 only. Medians of 5 repeats.

Run: ``python3 benchmarks/bench_clock.py``
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from collections.abc import Callable

from onestop.deadlines import PAUSE, RESTART, DossierClock, civil_service_calendar, compute_due
from onestop.models import ProcessingTime

N = 20_000
N_EXPLAIN = 1_000
REPEATS = 5
TZ = dt.timezone(dt.timedelta(hours=7))


def _cases(n: int, seed: int = 2026) -> list[tuple[dt.datetime, ProcessingTime, dt.datetime]]:
    rng = random.Random(seed)
    start = dt.date(2025, 1, 1)
    out = []
    for _ in range(n):
        day = start + dt.timedelta(days=rng.randrange(0, 600))
        received = dt.datetime.combine(day, dt.time(rng.randrange(7, 17), rng.randrange(60)), TZ)
        pt = ProcessingTime.working_days(rng.randrange(1, 31))
        requested = received + dt.timedelta(hours=rng.randrange(1, 72))
        out.append((received, pt, requested))
    return out


def _median(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    cal = civil_service_calendar()
    cases = _cases(N)
    week = dt.timedelta(days=7)

    def anchor() -> None:
        for received, pt, _ in cases:
            compute_due(received, pt, calendar=cal)

    def plain() -> None:
        for received, pt, _ in cases:
            DossierClock(received, pt, calendar=cal)

    def restart() -> None:
        for received, pt, requested in cases:
            DossierClock(received, pt, calendar=cal, supplement_policy=RESTART).with_supplement(
                requested, requested + week
            )

    def pause() -> None:
        for received, pt, requested in cases:
            DossierClock(received, pt, calendar=cal, supplement_policy=PAUSE).with_supplement(
                requested, requested + week
            )

    clocks = [DossierClock(received, pt, calendar=cal) for received, pt, _ in cases]

    def remaining() -> None:
        for c, (_, _, requested) in zip(clocks, cases, strict=True):
            c.remaining(requested)

    def classify() -> None:
        for c, (_, _, requested) in zip(clocks, cases, strict=True):
            c.finish(requested).timeliness()

    def explain() -> None:
        for c in clocks[:N_EXPLAIN]:
            c.explain("vi")

    anchor()  # warm the calendar index
    base = _median(anchor)
    rows = [
        ("compute_due (anchor)", base, N),
        ("DossierClock, no supplement", _median(plain), N),
        ("  + supplement, restart", _median(restart), N),
        ("  + supplement, pause", _median(pause), N),
        ("remaining(at)", _median(remaining), N),
        ("finish(at).timeliness()", _median(classify), N),
        ("explain('vi')", _median(explain), N_EXPLAIN),
    ]
    print(f"{'operation':<34}{'µs/dossier':>12}{'× anchor':>10}")
    per_anchor = base / N
    for name, seconds, n in rows:
        per = seconds / n
        print(f"{name:<34}{per * 1e6:>12.1f}{per / per_anchor:>10.1f}")


if __name__ == "__main__":
    main()
