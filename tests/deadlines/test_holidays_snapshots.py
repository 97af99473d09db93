"""Golden per-year calendars 2013–2026 (regenerate with scripts/gen_holiday_snapshots.py)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = Path(__file__).parent / "snapshots"


def _script():
    spec = importlib.util.spec_from_file_location(
        "gen_holiday_snapshots", ROOT / "scripts" / "gen_holiday_snapshots.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN = _script()


@pytest.mark.parametrize("year", range(2013, 2027))
def test_snapshot_has_not_drifted(year):
    path = SNAPSHOTS / f"VN_{year}.json"
    assert path.read_text(encoding="utf-8") == GEN.render(year), (
        f"{path.name} differs from the data: review the change, then run "
        "python3 scripts/gen_holiday_snapshots.py"
    )


@pytest.mark.parametrize("year", range(2013, 2027))
def test_snapshot_working_day_count_adds_up(year):
    """Working days = weekdays - paid holidays on weekdays - swaps + make-up days."""
    snap = json.loads((SNAPSHOTS / f"VN_{year}.json").read_text(encoding="utf-8"))
    start = dt.date(year, 1, 1)
    weekdays = sum(
        (start + dt.timedelta(days=i)).weekday() < 5
        for i in range((dt.date(year + 1, 1, 1) - start).days)
    )
    paid = 9 if year == 2013 else 10 if year < 2021 else 11  # Tết 2013: 4 days (BLLĐ 1994)
    paid += 1 if year >= 2026 else 0
    entries = snap["holidays"]
    swaps = sum(h["kind"] == "swapped_day_off" for h in entries)
    make_ups = sum(h["kind"] == "make_up_working_day" for h in entries)
    assert snap["working_days"] == weekdays - paid - swaps + make_ups
    assert len(snap["weekdays_off"]) == paid + swaps
    assert len(snap["weekend_days_worked"]) == make_ups


def test_known_totals():
    # Hand-counted: 2026 has 261 weekdays, 12 paid holidays (24/11 included), 2 swaps and
    # 2 make-up Saturdays; 2019 has 261 weekdays, 10 holidays, 31/12/2018 belongs to 2018.
    totals = {
        y: json.loads((SNAPSHOTS / f"VN_{y}.json").read_text(encoding="utf-8"))["working_days"]
        for y in (2019, 2026)
    }
    assert totals == {2019: 252, 2026: 249}
