"""The NumPy bulk path gives exactly the scalar answers (same index), and classifies like
:func:`onestop.deadlines.timeliness.classify`."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.deadlines import bulk, compute_due
from onestop.deadlines.hours import DEFAULT_OFFICE_HOURS, OfficeHours, OfficeHoursSchedule
from onestop.deadlines.policies import (
    CalendarDaysPolicy,
    MonthsPolicy,
    SameDayPolicy,
    WorkingDaysPolicy,
    WorkingHoursPolicy,
)
from onestop.deadlines.timeliness import Timeliness
from onestop.deadlines.timeliness import classify as classify_one
from onestop.errors import CalendarDataMissingError, DeadlineError, InvalidInputError
from onestop.models import ProcessingTime, TimeUnit
from onestop.tz import VN_TZ
from tests._helpers.calendars import CAL

# a calendar whose office hours change during the period (effective-dated)
SUMMER = OfficeHours.parse("07:00-11:30, 13:30-17:00")
CAL2 = CAL.replace(
    office_hours=OfficeHoursSchedule(
        [(dt.date(2025, 1, 1), DEFAULT_OFFICE_HOURS), (dt.date(2025, 10, 1), SUMMER)]
    )
)
# uneven day lengths: a half-day timetable for part of 2025
HALF = OfficeHours.parse("07:30-11:30")
CAL3 = CAL.replace(
    office_hours=OfficeHoursSchedule(
        [
            (dt.date(2025, 1, 1), DEFAULT_OFFICE_HOURS),
            (dt.date(2025, 6, 1), HALF),
            (dt.date(2025, 9, 1), SUMMER),
        ]
    )
)
RNG = np.random.default_rng(20260213)
N_ROWS = 3000


def _random_instants(n: int) -> np.ndarray:
    start = np.datetime64("2025-01-01T00:00", "m")
    span = int((np.datetime64("2026-09-30T00:00", "m") - start).astype(np.int64))
    return start + RNG.integers(0, span, n).astype("timedelta64[m]")


def _py(instant: np.datetime64) -> dt.datetime:
    return instant.astype("datetime64[us]").item().replace(tzinfo=VN_TZ)


def _np(instant: dt.datetime) -> np.datetime64:
    return np.datetime64(instant.astimezone(VN_TZ).replace(tzinfo=None), "us")


def test_add_working_days_matches_scalar():
    # from April 2025, so that 45 working days back stay inside the 2025–2026 data
    days = np.maximum(_random_instants(N_ROWS).astype("datetime64[D]"), np.datetime64("2025-04-01"))
    n = RNG.integers(-45, 46, N_ROWS)
    got = bulk.add_working_days(days, n, calendar=CAL)
    want = [CAL.add_working_days(d.item(), int(k)) for d, k in zip(days, n, strict=True)]
    assert got.tolist() == want


def test_between_and_is_working_day_match_scalar():
    a = _random_instants(N_ROWS).astype("datetime64[D]")
    b = _random_instants(N_ROWS).astype("datetime64[D]")
    for flags in ({}, {"include_start": True}, {"include_end": False}):
        got = bulk.working_days_between(a, b, **flags, calendar=CAL)
        want = [
            CAL.working_days_between(x.item(), y.item(), **flags) for x, y in zip(a, b, strict=True)
        ]
        assert got.tolist() == want
    assert bulk.is_working_day(a, calendar=CAL).tolist() == [
        CAL.is_working_day(x.item()) for x in a
    ]
    # a single date against an array is broadcast
    first = dt.date(2025, 6, 2)
    assert bulk.working_days_between(first, b, calendar=CAL).tolist() == [
        CAL.working_days_between(first, y.item()) for y in b
    ]


def test_the_calendar_has_no_array_form():
    # arrays go through onestop.deadlines.bulk; the calendar answers dates and says so
    days = np.array(["2026-02-13"], "datetime64[D]")
    with pytest.raises(InvalidInputError, match="bulk"):
        CAL.add_working_days(dt.date(2026, 2, 13), np.array([1, 2]))
    with pytest.raises(InvalidInputError):
        CAL.add_working_days(days, 1)
    with pytest.raises(InvalidInputError):
        CAL.working_days_between(days, days)


POLICY_CASES = [
    (WorkingDaysPolicy(), TimeUnit.WORKING_DAYS),
    (WorkingDaysPolicy(receipt_day_counts=True), TimeUnit.WORKING_DAYS),
    (WorkingHoursPolicy(), TimeUnit.WORKING_DAYS),
    (WorkingHoursPolicy(), TimeUnit.WORKING_HOURS),
    (WorkingHoursPolicy(hours_per_day=8), TimeUnit.WORKING_DAYS),
    (SameDayPolicy(), TimeUnit.SAME_DAY),
    (SameDayPolicy(cutoff=None), TimeUnit.SAME_DAY),
    (CalendarDaysPolicy(), TimeUnit.CALENDAR_DAYS),
    (CalendarDaysPolicy(day_end="midnight"), TimeUnit.CALENDAR_DAYS),
    (MonthsPolicy(), TimeUnit.MONTHS),
]


@pytest.mark.parametrize(("policy", "unit"), POLICY_CASES, ids=lambda x: str(x))
@pytest.mark.parametrize(
    "calendar", [CAL, CAL2, CAL3], ids=["constant-hours", "dated-hours", "uneven-hours"]
)
def test_due_dates_match_scalar(policy, unit, calendar):
    received = _random_instants(250)
    hi = {TimeUnit.MONTHS: 3, TimeUnit.SAME_DAY: 0, TimeUnit.WORKING_HOURS: 60}.get(unit, 30)
    amounts = RNG.integers(0, hi + 1, received.size)
    got = bulk.due_dates(received, amounts, calendar=calendar, unit=unit, policy=policy)
    want = [
        _np(policy.due(_py(r), ProcessingTime(amount=int(a), unit=unit), calendar=calendar).due_at)
        for r, a in zip(received, amounts, strict=True)
    ]
    assert got.tolist() == [w.item() for w in want]


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.datetimes(dt.datetime(2025, 1, 1), dt.datetime(2026, 9, 30)),
            st.integers(0, 40),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_scalar_equals_vectorized_property(rows):
    received = np.array([np.datetime64(r, "us") for r, _ in rows])
    amounts = np.array([n for _, n in rows])
    cases = (
        (WorkingDaysPolicy(), "working_days", amounts),
        (WorkingHoursPolicy(), "working_hours", amounts),
        (WorkingHoursPolicy(), "working_days", amounts),
        (SameDayPolicy(), "same_day", amounts * 0),
        (CalendarDaysPolicy(), "calendar_days", amounts),
        (MonthsPolicy(), "months", amounts % 3),  # receipts end in Sept 2026, data in Dec
    )
    for policy, unit, ns in cases:
        got = bulk.due_dates(received, ns, calendar=CAL2, unit=unit, policy=policy)
        for g, r, n in zip(got, [r for r, _ in rows], ns.tolist(), strict=True):
            pt = ProcessingTime(amount=n, unit=TimeUnit(unit))
            assert _py(g) == policy.due(r.replace(tzinfo=VN_TZ), pt, calendar=CAL2).due_at


def test_remaining_working_time_matches_scalar():
    a = _random_instants(1000)
    b = _random_instants(1000)
    for cal in (CAL2, CAL3):
        got = bulk.remaining_working_time(a, b, calendar=cal)
        want = [cal.working_time_between(_py(x), _py(y)) for x, y in zip(a, b, strict=True)]
        assert [g.item() for g in got] == [w.to_timedelta() for w in want]


def test_classify_matches_scalar_rule():
    due = bulk.due_dates(_random_instants(500), RNG.integers(1, 20, 500), calendar=CAL)
    offsets = RNG.integers(-3 * 1440, 3 * 1440, 500).astype("timedelta64[m]")
    finished = due + offsets
    finished[::7] = np.datetime64("NaT")
    now = np.datetime64("2026-03-01T12:00")
    codes = bulk.classify(finished, due, at=now)
    for c, f, d in zip(codes, finished, due, strict=True):
        fin = None if np.isnat(f) else _py(f)
        assert bulk.TIMELINESS[c] == classify_one(_py(d), finished_at=fin, at=_py(now))
    assert set(np.unique(codes).tolist()) == {0, 1, 2, 3, 4}


def test_golden_rows_and_errors():
    r = np.array(["2026-02-13T10:00", "2026-01-09T15:30", "2025-12-31T16:00"], "datetime64[m]")
    got = bulk.due_dates(r, [5, 1, 3], calendar=CAL)
    assert got.astype("datetime64[m]").tolist() == [
        dt.datetime(2026, 2, 27, 17),
        dt.datetime(2026, 1, 10, 17),
        dt.datetime(2026, 1, 7, 17),
    ]
    same = bulk.due_dates(r, 0, calendar=CAL, unit="same_day")
    assert same.astype("datetime64[D]").astype(str).tolist() == [
        "2026-02-13",
        "2026-01-10",
        "2026-01-05",
    ]
    assert bulk.add_working_days(np.array([], "datetime64[D]"), 3, calendar=CAL).size == 0
    # a missing date passes through (issue 9); numbers have no missing value
    assert np.isnat(
        bulk.add_working_days(np.array(["NaT"], "datetime64[D]"), 1, calendar=CAL)
    ).all()
    with pytest.raises(InvalidInputError, match="1 NaT"):
        bulk.is_working_day(np.array(["NaT", "2026-01-05"], "datetime64[D]"), calendar=CAL)
    with pytest.raises(InvalidInputError):
        bulk.add_working_days(np.array(["2026-01-05"], "datetime64[D]"), 1.5, calendar=CAL)
    with pytest.raises(InvalidInputError):
        bulk.due_dates(r, -1, calendar=CAL)
    with pytest.raises(CalendarDataMissingError):
        bulk.add_working_days(np.array(["2026-12-20"], "datetime64[D]"), 30, calendar=CAL)
    with pytest.raises(CalendarDataMissingError):
        bulk.is_working_day(np.array(["2031-01-01"], "datetime64[D]"), calendar=CAL)
    with pytest.raises(DeadlineError):
        bulk.due_dates(r, 1, calendar=CAL, unit="months", policy="working-days")
    with pytest.raises(InvalidInputError):  # unfinished, and no instant to judge it at
        bulk.classify(np.array(["NaT"], "datetime64[m]"), np.array(["2026-01-05"], "datetime64[m]"))


def test_working_position_scalar_equals_bulk():
    instants = _random_instants(200)
    got = bulk.working_position(instants, calendar=CAL3)
    assert got.tolist() == [CAL3.working_position(_py(x)) for x in instants]
    # positions are absolute: one working day from the first covered year's start
    first = dt.datetime(2025, 1, 2, 17, tzinfo=VN_TZ)  # 1 Jan 2025 is a holiday
    assert CAL3.working_position(first) == 480 * 60_000_000


def test_a_date_with_an_integer_array_gives_one_result_per_amount():
    # a date and an integer array (issue 4: "a date and an int, or NumPy datetime64[D] and
    # integer arrays"); each row equals the scalar answer
    amounts = np.arange(0, 12)
    got = bulk.add_working_days(dt.date(2026, 1, 8), amounts, calendar=CAL)
    assert got.dtype == np.dtype("datetime64[D]")
    assert got.tolist() == [CAL.add_working_days(dt.date(2026, 1, 8), int(n)) for n in amounts]
    # Fri 9 Jan (1), the make-up Saturday 10 Jan (2), Mon 12 Jan (3)
    assert got[1:4].astype(str).tolist() == ["2026-01-09", "2026-01-10", "2026-01-12"]


def test_aware_datetimes_and_offset_strings_are_read_in_vietnam_time():
    # NumPy alone would convert 10:00+07:00 to 03:00 (UTC) with a warning; the bulk path reads
    # every aware value in Asia/Ho_Chi_Minh, as the scalar path does.
    aware = [
        dt.datetime(2026, 2, 13, 10, tzinfo=VN_TZ),
        dt.datetime(2026, 1, 9, 8, 30, tzinfo=dt.UTC),  # 15:30 in Vietnam
        "2026-12-31T20:00:00-05:00",  # 08:00 on 1 Jan 2027 in Vietnam: outside CAL (2025–2026)
    ]
    got = bulk.due_dates(aware[:2], [40, 8], calendar=CAL, unit="working_hours")
    want = [
        WorkingHoursPolicy().due(a, ProcessingTime.working_hours(n), calendar=CAL).due_at
        for a, n in zip(aware[:2], [40, 8], strict=True)
    ]
    assert [_py(g) for g in got] == want
    assert [w.isoformat() for w in want] == [
        "2026-02-27T10:00:00+07:00",
        "2026-01-10T15:30:00+07:00",
    ]
    with pytest.raises(CalendarDataMissingError):
        bulk.due_dates(aware[2:], 1, calendar=CAL)
    # ISO strings with and without an offset, dates and None/NaT in classify
    assert bulk.add_working_days(["2026-01-09", dt.date(2026, 1, 9)], 1, calendar=CAL).astype(
        str
    ).tolist() == [
        "2026-01-10",
        "2026-01-10",
    ]
    codes = bulk.classify(
        [None, "2026-02-26T09:00+07:00"], "2026-02-27T17:00", at="2026-02-28T01:00+07:00"
    )
    assert [bulk.TIMELINESS[c] for c in codes] == [
        Timeliness.IN_PROGRESS_OVERDUE,
        Timeliness.EARLY,
    ]
    with pytest.raises(InvalidInputError) as err:
        bulk.due_dates(["2026-02-13T10:00", "13/02/2026"], 1, calendar=CAL)
    assert err.value.field == "received_at"
    with pytest.raises(InvalidInputError):
        bulk.add_working_days([20260213], 1, calendar=CAL)  # a number is not a date


def test_same_day_cutoff_boundary_matches_scalar():
    # "sau 15 giờ" (Luật Hộ tịch 2014 Art. 5(3)): 15:00:00 is the same day, a microsecond
    # later is the next working day; 17:00 (closing) is the next working day too.
    r = np.array(
        ["2026-01-05T15:00", "2026-01-05T15:00:00.000001", "2026-01-05T17:00"], "datetime64[us]"
    )
    got = bulk.due_dates(r, 0, calendar=CAL, unit="same_day")
    assert got.astype("datetime64[D]").astype(str).tolist() == [
        "2026-01-05",
        "2026-01-06",
        "2026-01-06",
    ]
    same_day = ProcessingTime.same_day()
    assert [_py(g) for g in got] == [
        SameDayPolicy().due(_py(x), same_day, calendar=CAL).due_at for x in r
    ]


class _NoOffset(dt.tzinfo):
    """A time zone object that knows no offset: the datetime is naive by Python's rule."""

    def utcoffset(self, _when):
        return None

    def dst(self, _when):
        return None


def test_numpy_arrays_of_offset_strings_and_aware_datetimes_are_read_in_vietnam_time():
    local = np.array(["2026-02-13T10:00", "2026-01-09T15:30"], "datetime64[m]")
    want = bulk.due_dates(local, [5, 1], calendar=CAL)
    # a NumPy array of ISO strings with offsets (dtype <U...): 03:00Z is 10:00 in Vietnam
    strings = np.array(["2026-02-13T03:00:00Z", "2026-01-09T15:30:00+07:00"])
    assert strings.dtype.kind == "U"
    assert bulk.due_dates(strings, [5, 1], calendar=CAL).tolist() == want.tolist()
    # a NumPy array of aware datetimes (dtype object), in any zone
    aware = np.array(
        [dt.datetime(2026, 2, 12, 22, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
         dt.datetime(2026, 1, 9, 15, 30, tzinfo=VN_TZ)],
        dtype=object,
    )  # fmt: skip
    assert bulk.due_dates(aware, [5, 1], calendar=CAL).tolist() == want.tolist()
    # the same through classify and the day functions
    assert bulk.is_working_day(strings, calendar=CAL).tolist() == [True, True]
    codes = bulk.classify(strings, want, received_at=aware)
    assert [bulk.CODE_NAMES[c] for c in codes] == ["early", "early"]


def test_a_tzinfo_without_an_offset_is_refused_not_read_as_local_time():
    odd = dt.datetime(2026, 2, 13, 10, tzinfo=_NoOffset())
    assert odd.utcoffset() is None
    for call, field in (
        (lambda: bulk.due_dates([odd], 5, calendar=CAL), "received_at"),
        (lambda: bulk.due_dates(np.array([odd], dtype=object), 5, calendar=CAL), "received_at"),
        (lambda: bulk.add_working_days([odd], 1, calendar=CAL), "days"),
        (lambda: bulk.classify([odd], [odd]), "finished_at"),
        (lambda: compute_due(odd, ProcessingTime.working_days(5), calendar=CAL), "received_at"),
    ):
        with pytest.raises(InvalidInputError) as err:
            call()
        assert err.value.field == field
        assert "naive" in err.value.message
