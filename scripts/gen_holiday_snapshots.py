"""Regenerate the golden per-year civil-service calendars in tests/deadlines/snapshots/.

Usage: python3 scripts/gen_holiday_snapshots.py [--check]

One file per official year (VN_<year>.json): every entry of ``official_schedule().holidays``,
plus the list of the year's working Saturdays/Sundays and non-working weekdays, so that a
change in the data file or the rules shows up as a reviewable diff. ``--check`` exits with
status 1 when a file would change (the test-suite runs the same comparison).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

from onestop.deadlines.holidays import official_schedule

SNAPSHOTS = Path(__file__).resolve().parents[1] / "tests" / "deadlines" / "snapshots"
YEARS = range(2013, 2027)


def snapshot(year: int) -> dict[str, object]:
    cal = official_schedule()
    days = [
        dt.date(year, 1, 1) + dt.timedelta(days=i)
        for i in range((dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days)
    ]
    return {
        "year": year,
        "provisional": cal.is_provisional(year),
        "holidays": [
            {
                "date": h.date.isoformat(),
                "weekday": h.date.strftime("%a"),
                "kind": h.kind.value,
                "name_vi": h.name_vi,
                "name_en": h.name_en,
                "basis": h.basis,
                "source_url": h.source_url,
            }
            for h in cal.holidays(year)
        ],
        "weekdays_off": [
            d.isoformat() for d in days if d.weekday() < 5 and not cal.is_working_day(d)
        ],
        "weekend_days_worked": [
            d.isoformat() for d in days if d.weekday() >= 5 and cal.is_working_day(d)
        ],
        "working_days": sum(cal.is_working_day(d) for d in days),
    }


def render(year: int) -> str:
    return json.dumps(snapshot(year), ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for year in YEARS:
        path = SNAPSHOTS / f"VN_{year}.json"
        text = render(year)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(path.name)
        if not check:
            path.write_text(text, encoding="utf-8")
    if stale:
        print(("stale: " if check else "wrote: ") + ", ".join(stale))
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
