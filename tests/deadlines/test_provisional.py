"""Provisional deadlines: the flag on ``Deadline``, the explanation, and where warnings point.

Issue 9 (vendor): a due date counted across a year without an official civil-service notice
was silent once warnings were filtered, ``explain()`` never said "dự kiến" / "provisional",
and ``ProvisionalCalendarWarning`` pointed inside onestop instead of at the caller's line.
"""

from __future__ import annotations

import datetime as dt
import warnings

import numpy as np
import pytest

from onestop.deadlines import (
    POLICIES,
    DossierClock,
    HolidaySchedule,
    StaticHolidaySource,
    StepKind,
    WorkCalendar,
    bulk,
    civil_service_calendar,
    compute_due,
    to_ics,
)
from onestop.errors import ProvisionalCalendarWarning
from onestop.models import Channel, ProcessingTime
from onestop.testing import make_dossier, make_procedure
from onestop.tz import VN_TZ

SOURCE = StaticHolidaySource((), first_year=2026, last_year=2028, provisional_years={2027})
CAL = WorkCalendar(SOURCE)
QUIET = WorkCalendar(SOURCE, warn_provisional=False)


def at(y, m, d, hh=10):
    return dt.datetime(y, m, d, hh, tzinfo=VN_TZ)


def _quietly(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProvisionalCalendarWarning)
        return fn()


@pytest.mark.parametrize("name", sorted(POLICIES))
def test_flag_follows_the_days_counted(name):
    policy = POLICIES[name]
    amount = 0 if name == "same-day" else 3
    pt = ProcessingTime(amount=amount, unit=policy.default_unit)
    inside_2026 = policy.due(at(2026, 6, 1), pt, calendar=QUIET)
    assert inside_2026.provisional is False
    assert inside_2026.provisional_years == ()
    assert "dự kiến" not in inside_2026.explain("vi")
    across = policy.due(at(2026, 12, 31, 16), pt, calendar=QUIET)  # counted into 2027
    assert across.due_at.year == 2027
    assert across.provisional is True and across.provisional_years == (2027,)
    inside_2028 = policy.due(at(2028, 3, 1), pt, calendar=QUIET)
    assert inside_2028.provisional is False


def test_a_deadline_spanning_a_provisional_year_is_provisional():
    d = POLICIES["calendar-days"].due(
        at(2026, 12, 1), ProcessingTime.calendar_days(400), calendar=QUIET
    )  # 2026 -> 2028
    assert d.due_at.year == 2028
    assert d.provisional_years == (2027,)


def test_flag_does_not_depend_on_warning_filters():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        d = POLICIES["working-days"].due(
            at(2027, 3, 1), ProcessingTime.working_days(5), calendar=CAL
        )
    assert d.provisional is True
    assert QUIET.is_provisional(2027)


def test_explanations_say_provisional():
    d = POLICIES["working-days"].due(at(2027, 3, 1), ProcessingTime.working_days(5), calendar=QUIET)
    steps = d.explanation.steps
    # the note comes just before the due instant, which stays the last step
    assert [s.kind for s in steps[-2:]] == [StepKind.PROVISIONAL, StepKind.DUE]
    assert (
        d.explain("vi")
        .splitlines()[-2]
        .startswith(f"{len(steps) - 1}. Ngày hẹn là dự kiến: năm 2027 chưa có thông báo chính thức")
    )
    assert "The due date is provisional: 2027 has no official notice" in d.explain("en")
    payload = d.to_dict(explain=True)
    assert payload["provisional"] is True
    assert [s["kind"] for s in payload["explanation"]["steps"][-2:]] == ["provisional", "due"]
    assert (
        POLICIES["working-days"]
        .due(at(2026, 3, 2), ProcessingTime.working_days(5), calendar=QUIET)
        .to_dict()["provisional"]
        is False
    )


def test_official_calendar_flags_the_first_year_without_a_notice():
    cal = civil_service_calendar(warn_provisional=False)
    year = next(y for y in range(2026, 2200) if cal.is_provisional(y))
    last_official = at(year - 1, 12, 28)
    d = compute_due(last_official, ProcessingTime.working_days(10), calendar=cal)
    assert d.due_at.year == year
    assert d.provisional is True
    assert "dự kiến" in d.explain("vi") and "provisional" in d.explain("en")
    assert (
        compute_due(at(year - 1, 6, 1), ProcessingTime.working_days(3), calendar=cal).provisional
        is False
    )


# ---------------------------------------------------------------- where warnings point


def _warned_here(fn, *, times=None):
    with pytest.warns(ProvisionalCalendarWarning) as record:
        fn()
    assert {w.filename for w in record} == {__file__}, [w.filename for w in record]
    if times is not None:
        assert len(record) == times, [str(w.message) for w in record]


def test_calendar_methods_warn_at_the_callers_line():
    _warned_here(lambda: CAL.add_working_days(dt.date(2027, 3, 1), 5))
    _warned_here(lambda: CAL.working_days_between(dt.date(2026, 3, 1), dt.date(2027, 3, 1)))
    _warned_here(lambda: CAL.add_working_time(at(2027, 3, 1), dt.timedelta(hours=5)))


def test_policies_warn_at_the_callers_line():
    for name, policy in POLICIES.items():
        amount = 0 if name == "same-day" else 5
        # one warning per deadline, whichever calendar methods the policy used
        _warned_here(
            lambda p=policy, a=amount: p.due(
                at(2027, 3, 1), ProcessingTime(amount=a, unit=p.default_unit), calendar=CAL
            ),
            times=1,
        )
    _warned_here(
        lambda: compute_due(at(2027, 3, 1), ProcessingTime.working_days(5), calendar=CAL), times=1
    )


def test_clock_and_procedure_helpers_warn_at_the_callers_line():
    procedure = make_procedure(seed=3)
    _warned_here(
        lambda: compute_due(
            at(2027, 3, 1), procedure.processing_time_for(Channel.DIRECT), calendar=CAL
        )
    )
    dossier = _quietly(lambda: make_dossier(seed=3, procedure=procedure))
    received = dossier.received_at
    assert received is not None
    cal = WorkCalendar(
        StaticHolidaySource(
            (),
            first_year=received.year - 1,
            last_year=received.year + 1,
            provisional_years={received.year},
        )
    )
    _warned_here(lambda: DossierClock.from_dossier(dossier, procedure=procedure, calendar=cal))


def test_holiday_schedule_warns_at_the_callers_line():
    schedule = HolidaySchedule.bundled()
    year = next(y for y in range(2026, 2200) if schedule.is_provisional(y))
    _warned_here(lambda: schedule.holidays(year))
    _warned_here(lambda: schedule.is_day_off(dt.date(year, 3, 2)))
    _warned_here(lambda: to_ics(schedule, year))


def test_bulk_warns_at_the_callers_line():
    days = np.array(["2027-03-01", "2026-03-02"], dtype="datetime64[D]")
    _warned_here(lambda: bulk.add_working_days(days, 3, calendar=CAL))
    _warned_here(lambda: bulk.due_dates(days.astype("datetime64[us]"), 3, calendar=CAL))
