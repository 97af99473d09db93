"""The sample rule table of the docs (docs/examples/rules-sample.csv): one test per case, the
cases cover what the table promises, and the expected dates are checked against an independent
calendar (python-holidays) with a plain day loop. (tests/cli/test_check_rules.py runs the whole
table through ``onestop check-rules``.)"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import holidays
import pytest
from dateutil.relativedelta import relativedelta

from onestop.deadlines import Timeliness
from onestop.models import TimeUnit
from onestop.testing import check_case, load_rule_cases, rule_cases
from onestop.tz import VN_TZ

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "rules-sample.csv"
CASES = load_rule_cases(SAMPLE)


@pytest.mark.parametrize("case", rule_cases(SAMPLE))
def test_each_sample_case(case):
    check_case(case).assert_agrees()


def _local(t: dt.datetime) -> dt.datetime:
    return t.astimezone(VN_TZ)


def test_the_sample_covers_what_it_promises():
    received = {_local(c.received_at).date() for c in CASES}
    assert {dt.date(2025, 6, 30), dt.date(2025, 7, 1)} <= received  # both sides of NĐ 118/2025
    assert any(d.year == 2024 for d in received) and any(d.year == 2026 for d in received)
    due = {c.expected_due if isinstance(c.expected_due, dt.date) and not isinstance(
        c.expected_due, dt.datetime) else None for c in CASES}  # fmt: skip
    exact = {
        _local(c.expected_due).date() for c in CASES if isinstance(c.expected_due, dt.datetime)
    }
    dues = (due - {None}) | exact
    # Tết 2025 and 2026 skipped
    assert dt.date(2025, 2, 3) in dues and dt.date(2026, 2, 23) in dues
    # make-up Saturdays of 2024, 2025 and 2026 are working days
    assert {
        dt.date(2024, 5, 4),
        dt.date(2025, 4, 26),
        dt.date(2026, 1, 10),
        dt.date(2026, 8, 22),
    } <= dues
    same_day = [c for c in CASES if c.processing_time.unit is TimeUnit.SAME_DAY]
    times = {_local(c.received_at).time() for c in same_day}
    assert {dt.time(15), dt.time(15, 0, 1), dt.time(14, 59), dt.time(15, 1)} <= times
    units = {c.processing_time.unit for c in CASES}
    assert units == set(TimeUnit)
    assert any(c.supplements and c.supplement_policy is None for c in CASES)  # restart
    assert any(c.supplements and c.supplement_policy == "pause" for c in CASES)
    assert any(c.extension_due is not None for c in CASES)
    assert {c.expected_timeliness for c in CASES} >= {
        Timeliness.EARLY,
        Timeliness.ON_TIME,
        Timeliness.LATE,
        Timeliness.IN_PROGRESS_ON_TIME,
        Timeliness.IN_PROGRESS_OVERDUE,
    }
    assert all(c.note and len(c.note) > 20 for c in CASES)  # every row says why
    assert len({c.id for c in CASES}) == len(CASES)


# ---------------------------------------------------------------------------- independent check

#: python-holidays (0.109) has every day off and make-up Saturday of 2024–2026 except the New
#: Year 2026 swap of Công văn 12729/VPCP-KGVX (25/12/2025): Fri 2/1/2026 off, Sat 10/1 worked.
SWAP_2026 = {dt.date(2026, 1, 2): False, dt.date(2026, 1, 10): True}
PY_HOLIDAYS = holidays.VN(years=range(2023, 2028))


def _working(day: dt.date) -> bool:
    return SWAP_2026.get(day, PY_HOLIDAYS.is_working_day(day))


def _next_working(day: dt.date) -> dt.date:
    while not _working(day):
        day += dt.timedelta(days=1)
    return day


def _independent_due(case) -> dt.date | None:
    """The due date by a plain day loop (BLDS Arts. 147-148, the same-day sector rule)."""
    time = case.processing_time
    received = _local(case.received_at)
    day = received.date()
    if case.policy or case.supplements or case.extension_due:
        return None
    if time.unit is TimeUnit.WORKING_DAYS:
        if time.amount == 0:
            return _next_working(day)
        left = time.amount
        while left:
            day += dt.timedelta(days=1)
            left -= _working(day)
        return day
    if time.unit is TimeUnit.SAME_DAY:
        cutoff = time.cutoff or dt.time(23, 59, 59)
        in_time = _working(day) and received.time() <= cutoff and received.time() < dt.time(17)
        return day if in_time else _next_working(day + dt.timedelta(days=1))
    if time.unit is TimeUnit.CALENDAR_DAYS:
        return _next_working(day + dt.timedelta(days=time.amount))
    if time.unit is TimeUnit.MONTHS:
        return _next_working(day + relativedelta(months=time.amount))
    return None  # working hours: worked out by hand in the notes


def test_expected_dates_match_an_independent_calendar():
    checked = 0
    for case in CASES:
        expected = case.expected_due
        if expected is None or expected == "pending":
            continue
        independent = _independent_due(case)
        if independent is None:
            continue
        expected_date = _local(expected).date() if isinstance(expected, dt.datetime) else expected
        assert independent == expected_date, case.test_id
        checked += 1
    assert checked >= 35
