"""Counting policies: golden scenarios written from the legal texts, and properties.

Scenarios use the hand-built 2025–2026 civil-service source of ``test_calendar.py``
(transcribed from the notices 6150/TB-BLĐTBXH, 12729/VPCP-KGVX and 9441/TB-BNV): the Tết 2026
break (Sat 14 – Sun 22 Feb), the
2 January 2026 swap and the 10 January 2026 make-up Saturday (Công văn 12729/VPCP-KGVX).
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.deadlines import (
    POLICIES,
    CalendarDaysPolicy,
    Citation,
    Deadline,
    MonthsPolicy,
    SameDayPolicy,
    StepKind,
    WorkingDaysPolicy,
    WorkingHoursPolicy,
    WorkingTime,
    compute_due,
    policy_by_name,
    policy_for,
)
from onestop.deadlines.explain import renderer
from onestop.errors import DeadlineError, InvalidInputError
from onestop.models import ProcessingTime, TimeUnit
from onestop.tz import VN_TZ
from tests._helpers.calendars import CAL


def at(y, m, d, hh=10, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


WD = WorkingDaysPolicy()
WH = WorkingHoursPolicy()
SAME = SameDayPolicy()


def due(policy, received, amount, unit=None, calendar=CAL):
    """``policy`` counting ``amount`` of ``unit`` (default: hours for the working-hours policy,
    else the policy's own unit)."""
    if unit is None:
        unit = TimeUnit.WORKING_HOURS if policy is WH else policy.default_unit
    return policy.due(received, ProcessingTime(amount=amount, unit=unit), calendar=calendar)


# ------------------------------------------------------------------ working days (Civil Code)


def test_tet_2026_five_working_days():
    d = due(WD, at(2026, 2, 13), 5)
    assert d.due_at == at(2026, 2, 27, 17, 0)
    assert d.policy == WD
    assert d.policy.name == "working-days"
    assert d.processing_time == ProcessingTime.working_days(5)
    assert d.unit is TimeUnit.WORKING_DAYS
    # received the day before: day 1 is Fri 13 Feb, day 2 is Mon 23 Feb after the break
    assert due(WD, at(2026, 2, 12), 2).due_at == at(2026, 2, 23, 17)


def test_new_year_2026_swap_and_make_up_saturday():
    # 31 Dec 2025 + 3: 1 Jan holiday, 2 Jan swapped day off, weekend -> 5, 6, 7 Jan
    d = due(WD, at(2025, 12, 31, 15, 30), 3)
    assert d.due_at == at(2026, 1, 7, 17)
    skipped = [s.date for s in d.explanation if s.kind is StepKind.SKIPPED]
    assert dt.date(2026, 1, 1) in skipped
    assert dt.date(2026, 1, 2) in skipped
    assert "Công văn 12729/VPCP-KGVX" in d.explain("vi")
    # Fri 9 Jan + 1 working day = the make-up Saturday 10 Jan
    d = due(WD, at(2026, 1, 9), 1)
    assert d.due_at == at(2026, 1, 10, 17)
    assert "Thứ Bảy 10/01/2026 là ngày làm việc bù theo Công văn 12729/VPCP-KGVX" in d.explain()
    assert "Saturday 10/01/2026 is a make-up working day under Công văn 12729/VPCP-KGVX" in (
        d.explain("en")
    )


def test_explanation_lists_every_day_once():
    d = due(WD, at(2026, 2, 13), 5)
    steps = d.explanation.steps
    assert steps[0].kind is StepKind.GOVERNING_TEXT
    assert steps[1].kind is StepKind.RECEIVED
    assert steps[-1].kind is StepKind.DUE
    covered: list[dt.date] = []
    for s in steps[3:-1]:
        last = s.last_date or s.date
        covered.extend(s.date + dt.timedelta(days=i) for i in range((last - s.date).days + 1))
    # every day from the day after receipt through the due date, in order, exactly once
    assert covered == [dt.date(2026, 2, 14) + dt.timedelta(days=i) for i in range(14)]
    tet = [s for s in steps if s.date == dt.date(2026, 2, 16)]
    assert tet[0].basis == (Citation("Thông báo 9441/TB-BNV"),)
    assert "17:00 Thứ Sáu 27/02/2026" in d.explain()
    assert d.explain().count("\n") == len(steps) - 1
    payload = d.to_dict(explain=True)
    assert set(payload) == {
        "due_at",
        "received_at",
        "amount",
        "unit",
        "cutoff",
        "policy",
        "provisional",
        "era",
        "explanation",
    }
    assert payload["era"] == "ND-118-2025"
    assert payload["due_at"] == "2026-02-27T17:00:00+07:00"
    assert set(payload["explanation"]) == {"vi", "en", "steps"}


def test_receipt_day_counts_variant():
    p = WorkingDaysPolicy(receipt_day_counts=True)
    assert due(p, at(2026, 1, 5), 1).due_at == at(2026, 1, 5, 17)
    assert due(p, at(2026, 1, 5), 3).due_at == at(2026, 1, 7, 17)
    # receipt on a day off: nothing to count that day
    assert due(p, at(2026, 1, 2), 1).due_at == at(2026, 1, 5, 17)
    assert "thứ 1" in due(p, at(2026, 1, 5), 3).explain()


def test_zero_working_days_is_the_receipt_day_or_next():
    assert due(WD, at(2026, 1, 5), 0).due_at == at(2026, 1, 5, 17)
    assert due(WD, at(2026, 1, 3), 0).due_at == at(2026, 1, 5, 17)


# ------------------------------------------------------------------ same day with cut-off


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (at(2026, 1, 5, 14, 59), at(2026, 1, 5, 17)),  # before 15:00: the same day
        (at(2026, 1, 5, 15, 0), at(2026, 1, 5, 17)),  # at 15:00 sharp: not "sau 15 giờ"
        (at(2026, 1, 5, 15, 1), at(2026, 1, 6, 17)),  # after 15:00: the next working day
        (at(2026, 1, 9, 15, 30), at(2026, 1, 10, 17)),  # next working day = make-up Saturday
        (at(2026, 2, 13, 16, 0), at(2026, 2, 23, 17)),  # after 15:00 before Tết
        (at(2026, 2, 14, 9, 0), at(2026, 2, 23, 17)),  # online on a rest day
        (at(2025, 12, 31, 15, 1), at(2026, 1, 5, 17)),  # New Year holiday and swap skipped
    ],
)
def test_same_day_cutoff_15h(received, expected):
    """Luật Hộ tịch 2014 Art. 5(3), NĐ 23/2015 Art. 7, NĐ 99/2022 Art. 16(1)."""
    d = due(SAME, received, 0)
    assert d.due_at == expected
    text = d.explain()
    assert "Luật Hộ tịch 2014 Điều 5 khoản 3" in text
    if received.time() > dt.time(15) and CAL.is_working_day(received.date()):
        assert "Nhận sau 15:00" in text
    else:
        assert "Nhận sau 15:00" not in text


def test_same_day_without_cutoff_and_after_hours():
    p = SameDayPolicy(cutoff=None)
    assert due(p, at(2026, 1, 5, 16, 30), 0).due_at == at(2026, 1, 5, 17)
    assert due(p, at(2026, 1, 5, 17, 0), 0).due_at == at(2026, 1, 6, 17)
    assert "Nhận sau giờ làm việc" in due(p, at(2026, 1, 5, 17, 30), 0).explain()


# ------------------------------------------------------------------ calendar days and months


def test_month_periods_ending_on_a_weekend():
    # 31 Jan 2026 + 1 month = 28 Feb (Saturday) -> Monday 2 March (BLDS Art. 148(3), 148(5))
    d = due(MonthsPolicy(), at(2026, 1, 31), 1)
    assert d.due_at == at(2026, 3, 2, 17)
    text = d.explain()
    assert "BLDS 2015 Điều 148 khoản 3" in text
    assert "BLDS 2015 Điều 148 khoản 5" in text
    # 15 Jul 2026 + 1 month = 15 Aug 2026 (Saturday, not a make-up day) -> Mon 17 Aug
    assert due(MonthsPolicy(), at(2026, 7, 15), 1).due_at == at(2026, 8, 17, 17)
    # 22 Jul 2026 + 1 month = 22 Aug 2026, the make-up Saturday: the period ends that day
    assert due(MonthsPolicy(), at(2026, 7, 22), 1).due_at == at(2026, 8, 22, 17)
    midnight = due(MonthsPolicy(day_end="midnight"), at(2026, 3, 10), 2)
    assert midnight.due_at == dt.datetime(2026, 5, 11, 23, 59, 59, 999_999, tzinfo=VN_TZ)


def test_calendar_days_ending_in_tet():
    d = due(CalendarDaysPolicy(), at(2026, 2, 7), 10)  # 17 Feb, Tết
    assert d.due_at == at(2026, 2, 23, 17)
    assert any(s.kind is StepKind.MOVED for s in d.explanation)
    assert due(CalendarDaysPolicy(), at(2026, 3, 2), 3).due_at == at(2026, 3, 5, 17)
    with pytest.raises(InvalidInputError):
        CalendarDaysPolicy(day_end="noon")  # type: ignore[arg-type]


# ------------------------------------------------------------------ working hours


def test_working_hours_thanh_hoa_style():
    # 5 working days = 40 h from Fri 13 Feb 10:00: 7 h on Friday, then Tết, then 33 h
    d = due(WH, at(2026, 2, 13, 10), 5, TimeUnit.WORKING_DAYS)
    assert d.due_at == at(2026, 2, 27, 10)
    # received after closing: counting starts at the next opening (Mon 23 Feb 07:30)
    d = due(WH, at(2026, 2, 13, 18, 30), 3, TimeUnit.WORKING_HOURS)
    assert d.due_at == at(2026, 2, 23, 10, 30)
    assert "bắt đầu tính từ 07:30 Thứ Hai 23/02/2026" in d.explain()
    assert "precedent: the Thanh Hóa system" in d.explain("en")
    # received at lunch: starts at 13:00
    assert due(WH, at(2026, 1, 5, 12, 0), 1).due_at == at(2026, 1, 5, 14, 0)
    # a fixed 8 h day even when the agency's day is shorter
    p = WorkingHoursPolicy(hours_per_day=8)
    assert due(p, at(2026, 1, 5, 7, 30), 1, TimeUnit.WORKING_DAYS).due_at == at(2026, 1, 5, 17)


# ------------------------------------------------------------------ registry and errors


def test_registry_and_default_policies():
    assert set(POLICIES) == {"working-days", "working-hours", "same-day", "calendar-days", "months"}
    assert policy_by_name("working_days") is POLICIES["working-days"]
    with pytest.raises(InvalidInputError) as err:
        policy_by_name("business-days")
    assert err.value.field == "policy"
    assert "working-days" in str(err.value)
    assert policy_for(ProcessingTime.working_days(3)).name == "working-days"
    assert policy_for(ProcessingTime.working_hours(3)).name == "working-hours"
    assert policy_for(ProcessingTime.calendar_days(3)).name == "calendar-days"
    assert policy_for(ProcessingTime.months(3)).name == "months"
    same = policy_for(ProcessingTime.same_day(dt.time(16)))
    assert isinstance(same, SameDayPolicy)
    assert same.cutoff == dt.time(16)
    d = compute_due(at(2026, 1, 5, 15, 30), ProcessingTime.same_day(dt.time(16)), calendar=CAL)
    assert d.due_at == at(2026, 1, 5, 17)
    d = compute_due(
        at(2026, 2, 13), ProcessingTime.working_days(5), calendar=CAL, policy="working-hours"
    )
    assert d.due_at == at(2026, 2, 27, 10)


def test_bad_inputs():
    with pytest.raises(InvalidInputError) as err:
        due(WD, dt.datetime(2026, 1, 5, 10), 1)
    assert err.value.field == "received_at"
    for bad in (5, "5 working days", None):
        with pytest.raises(InvalidInputError) as err:
            WD.due(at(2026, 1, 5), bad)
        assert err.value.field == "processing_time"
        with pytest.raises(InvalidInputError) as err:
            compute_due(at(2026, 1, 5), bad)
        assert err.value.field == "processing_time"
    with pytest.raises(InvalidInputError) as err:
        compute_due(at(2026, 1, 5), ProcessingTime.working_days(1), calendar="civil service")
    assert err.value.field == "calendar"
    with pytest.raises(InvalidInputError) as err:
        compute_due(at(2026, 1, 5), ProcessingTime.working_days(1), policy=3)
    assert err.value.field == "policy"
    with pytest.raises(DeadlineError) as derr:
        due(WD, at(2026, 1, 5), 1, TimeUnit.MONTHS)
    assert derr.value.field == "unit"
    with pytest.raises(InvalidInputError):
        due(WD, at(2026, 1, 5), 1).explain("fr")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError):
        SameDayPolicy(cutoff=dt.time(15, tzinfo=VN_TZ))


def test_deadline_equality_and_remaining():
    a = due(WD, at(2026, 2, 13), 5)
    b = due(WD, at(2026, 2, 13).astimezone(dt.UTC), 5)
    assert a == b
    assert hash(a) == hash(b)
    assert a != due(WH, at(2026, 2, 13), 5, TimeUnit.WORKING_DAYS)
    assert a.remaining(a.due_at) == WorkingTime(0)
    left = a.remaining(at(2026, 2, 27, 9, 0))
    assert left == WorkingTime.of(hours=6, minutes=30)
    assert left.to_timedelta() == dt.timedelta(hours=6, minutes=30)
    assert left.text("vi") == "6 giờ 30 phút làm việc"
    assert left.text("en") == "6 h 30 min of office time"
    assert a.remaining(at(2026, 3, 2, 8, 30)) == WorkingTime.of(hours=-1)
    assert isinstance(a, Deadline)


# ------------------------------------------------------------------ properties

instants = st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2026, 9, 30)).map(
    lambda x: x.replace(tzinfo=VN_TZ)
)


@settings(max_examples=150, deadline=None)
@given(instants, st.integers(0, 45))
def test_due_lands_on_a_working_instant(received, n):
    for policy, unit in ((WD, TimeUnit.WORKING_DAYS), (WH, TimeUnit.WORKING_DAYS)):
        d = due(policy, received, n, unit)
        if n or policy is WD:
            # the due instant is the end of working time: the instant just before is working
            assert CAL.is_working_time(d.due_at - dt.timedelta(microseconds=1))
        else:
            # no time to count: the first working instant at or after the receipt
            assert CAL.is_working_time(d.due_at)
            assert d.due_at == CAL.next_working_instant(received)
        assert d.due_at >= received or n == 0
    d = due(WD, received, n)
    assert d.due_at == CAL.closing_time(d.due_date)
    # the day-based policies all end at the close of office hours of a working day
    for policy, unit, amount in (
        (SAME, TimeUnit.SAME_DAY, 0),
        (CalendarDaysPolicy(), TimeUnit.CALENDAR_DAYS, n),
        (MonthsPolicy(), TimeUnit.MONTHS, n % 4),
    ):
        d = due(policy, received, amount, unit)
        assert CAL.is_working_day(d.due_date)
        assert d.due_at == CAL.closing_time(d.due_date)
        assert d.due_date >= received.date()


@settings(max_examples=150, deadline=None)
@given(instants, st.integers(0, 44))
def test_monotonic_in_n(received, n):
    for name in ("working-days", "working-hours", "calendar-days"):
        p = POLICIES[name]
        unit = TimeUnit.WORKING_DAYS if name != "calendar-days" else TimeUnit.CALENDAR_DAYS
        assert due(p, received, n, unit).due_at <= due(p, received, n + 1, unit).due_at
    # strictly later for working-day and working-hour counts once something is counted
    if n:
        for name in ("working-days", "working-hours"):
            p = POLICIES[name]
            assert due(p, received, n).due_at < due(p, received, n + 1).due_at
    # month periods (receipts end in September 2026; 3 months keep the result in 2026)
    m = n % 3
    assert due(MonthsPolicy(), received, m).due_at <= due(MonthsPolicy(), received, m + 1).due_at


@settings(max_examples=150, deadline=None)
@given(instants, st.integers(1, 45))
def test_working_hours_elapsed_equals_amount(received, n):
    d = due(WH, received, n, TimeUnit.WORKING_HOURS)
    assert CAL.working_time_between(received, d.due_at) == WorkingTime.of(hours=n)
    # and it is the earliest such instant
    assert CAL.working_time_between(received, d.due_at - dt.timedelta(microseconds=1)) < (
        WorkingTime.of(hours=n)
    )


@settings(max_examples=100, deadline=None)
@given(instants, st.integers(1, 30))
def test_working_days_due_counts_n_working_days(received, n):
    d = due(WD, received, n)
    assert CAL.working_days_between(received.date(), d.due_date) == n
    assert CAL.is_working_day(d.due_date)


def test_english_explanations_agree_in_number():
    one = due(WD, at(2026, 1, 8), 1).explain("en")
    assert "1 working day is counted from the next day" in one
    assert "close of office hours on working day 1" in one
    many = due(WD, at(2026, 1, 8), 3).explain("en")
    assert "3 working days are counted from the next day" in many
    hours = due(WH, at(2026, 1, 9, 16), 1, TimeUnit.WORKING_HOURS).explain("en")
    # Fri 9 Jan 16:00 + 1 working hour = 17:00 the same day
    assert "Result due: 17:00 Friday 09/01/2026 — 1 hour of office time elapsed" in hours
    month = due(MonthsPolicy(), at(2026, 1, 31), 1).explain("en")
    assert "1 month ends on Saturday 28/02/2026 (that month has no such day" in month
    days = due(CalendarDaysPolicy(), at(2026, 3, 2), 1).explain("en")
    assert "1 calendar day ends on Tuesday 03/03/2026" in days


_VI_DAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
_EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@given(st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9999, 12, 31)))
@settings(max_examples=300)
def test_dates_are_written_as_strftime_does(day):
    """The one date style: the weekday of the language, then strftime's %d/%m/%Y."""
    assert renderer("vi").fmt.day(day) == f"{_VI_DAYS[day.weekday()]} {day:%d/%m/%Y}"
    assert renderer("en").fmt.day(day) == f"{_EN_DAYS[day.weekday()]} {day:%d/%m/%Y}"
    assert renderer("vi").fmt.day(dt.date(2026, 2, 13)) == "Thứ Sáu 13/02/2026"
