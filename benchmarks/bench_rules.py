"""Cost of checking a rule table (``onestop check-rules``) against what it is built on.

10,000 cases as a vendor's CSV export (receipt uniform over 2025 to August 2026 in office
hours, 1..30 working days, the vendor's due date), every one agreeing. The anchor is a bare
``DossierClock`` per case (the counting a check needs); reported per case and as ratios:
reading the table (``load_rule_cases``), checking it (``check_rules`` on the bytes, reading
included) and the JUnit report. One case in ten is then made to disagree, and the same is
timed: each disagreement builds onestop's explanation, in two languages, with its citations.
Medians of 5 repeats.

Run: ``python3 benchmarks/bench_rules.py``
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from collections.abc import Callable

from onestop.deadlines import DossierClock, civil_service_calendar, compute_due
from onestop.models import ProcessingTime
from onestop.testing import check_rules, load_rule_cases

N = 10_000
REPEATS = 5
TZ = dt.timezone(dt.timedelta(hours=7))


def _table(n: int, *, wrong_every: int = 0, seed: int = 2026) -> bytes:
    rng = random.Random(seed)
    cal = civil_service_calendar(warn_provisional=False)
    lines = ["MaHoSo,NgayTiepNhan,so_ngay_xu_ly,NgayHenTra"]
    for i in range(n):
        day = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(0, 600))
        received = dt.datetime.combine(day, dt.time(rng.randrange(7, 17), rng.randrange(60)), TZ)
        amount = rng.randrange(1, 31)
        due = compute_due(received, ProcessingTime.working_days(amount), calendar=cal).due_at
        if wrong_every and i % wrong_every == 0:
            due += dt.timedelta(days=1)
        lines.append(f"H56-{i},{received:%d/%m/%Y %H:%M},{amount},{due:%d/%m/%Y %H:%M}")
    return ("\n".join(lines) + "\n").encode()


def _median(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    cal = civil_service_calendar(warn_provisional=False)
    agreeing = _table(N)
    disagreeing = _table(N, wrong_every=10)
    cases = load_rule_cases(agreeing, format="csv")
    assert check_rules(agreeing, format="csv", calendar=cal).all_agree
    report = check_rules(disagreeing, format="csv", calendar=cal)
    assert len(report.disagreements) == N // 10

    def anchor() -> None:
        for case in cases:
            DossierClock(case.received_at, case.processing_time, calendar=cal).due_at  # noqa: B018

    rows = [
        ("DossierClock per case (anchor)", _median(anchor)),
        (
            "load_rule_cases (read + parse)",
            _median(lambda: load_rule_cases(agreeing, format="csv")),
        ),
        (
            "check_rules, all agree",
            _median(lambda: check_rules(agreeing, format="csv", calendar=cal)),
        ),
        (
            "check_rules + to_dict, 10 % disagree",
            _median(lambda: check_rules(disagreeing, format="csv", calendar=cal).to_dict()),
        ),
        ("RuleReport.to_junit, 10 % disagree", _median(report.to_junit)),
    ]
    base = rows[0][1]
    print(f"{N:,} cases, medians of {REPEATS}")
    print(f"{'operation':40} {'µs/case':>10} {'× anchor':>10}")
    for name, seconds in rows:
        print(f"{name:40} {seconds / N * 1e6:10.1f} {seconds / base:10.1f}")


if __name__ == "__main__":
    main()
