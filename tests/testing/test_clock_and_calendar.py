"""FrozenClock (an instant passed as now=/at=) and make_work_calendar (a test's own calendar)."""

from __future__ import annotations

import datetime as dt

import pytest

from onestop.deadlines import (
    DossierClock,
    OfficeHours,
    civil_service_calendar,
    compute_due,
    parse_notice,
)
from onestop.errors import CalendarDataError, InvalidInputError, ProvisionalCalendarWarning
from onestop.models import DossierStatus, ProcessingTime
from onestop.testing import FrozenClock, make_dossier, make_work_calendar
from onestop.tz import VN_TZ

D = dt.date

CLOSURE_TOML = """
[sources.UBND-X]
title = "Quyết định 99/QĐ-UBND tỉnh X (giả định)"

[[year]]
year = 2026

[[year.days]]
date = 2026-03-10
kind = "extra_day_off"
source = "UBND-X"
name_vi = "Nghỉ lễ hội địa phương"
name_en = "Local festival closure"
"""

#: A complete notice for 2027 (a hypothetical one: the real one is not published yet).
NOTICE_2027 = {
    "sources": {"TB-2027": {"title": "Thông báo 1/TB-BNV (giả định)"}},
    "year": [
        {
            "year": 2027,
            "mode": "complete",
            "days": [
                {
                    "date": "2027-01-01",
                    "kind": "statutory",
                    "holiday": "new_year",
                    "source": "TB-2027",
                },
                *(
                    {
                        "date": f"2027-02-{d:02d}",
                        "kind": "statutory",
                        "holiday": "tet",
                        "source": "TB-2027",
                    }
                    for d in (5, 8, 9, 10, 11)
                ),
            ],
        }
    ],
}


# ---------------------------------------------------------------------------- FrozenClock


def test_frozen_clock_reads_and_moves_only_when_told():
    clock = FrozenClock("13/02/2026 10:00")
    assert clock() == dt.datetime(2026, 2, 13, 10, tzinfo=VN_TZ) == clock.now == clock.start
    assert clock() == clock()  # no time passes by itself
    assert clock.advance(hours=2, minutes=30) == dt.datetime(2026, 2, 13, 12, 30, tzinfo=VN_TZ)
    assert clock.advance(days=1) == dt.datetime(2026, 2, 14, 12, 30, tzinfo=VN_TZ)
    assert clock.monotonic() == (24 + 2.5) * 3600
    assert clock.timestamp() == dt.datetime(2026, 2, 14, 5, 30, tzinfo=dt.UTC).timestamp()
    assert clock.set("2026-02-13T08:00+07:00") == dt.datetime(2026, 2, 13, 8, tzinfo=VN_TZ)
    assert clock.monotonic() == -7200
    assert repr(clock) == "FrozenClock('2026-02-13T08:00:00+07:00')"


def test_frozen_clock_reads_every_instant_in_vietnam_time():
    clock = FrozenClock(dt.datetime(2026, 2, 13, 3, tzinfo=dt.UTC))
    assert clock().utcoffset() == dt.timedelta(hours=7) and clock().hour == 10
    assert FrozenClock("2026-02-13T03:00:00Z")() == clock()


@pytest.mark.parametrize(
    ("start", "field"),
    [
        (dt.datetime(2026, 2, 13, 10), "start"),  # naive
        ("yesterday", "start"),
        (1_771_000_000, "start"),
    ],
)
def test_frozen_clock_refuses_what_is_not_an_aware_instant(start, field):
    with pytest.raises(InvalidInputError) as info:
        FrozenClock(start)
    assert info.value.field == field


def test_frozen_clock_never_goes_back_by_advance():
    clock = FrozenClock("2026-02-13T10:00+07:00")
    with pytest.raises(InvalidInputError) as info:
        clock.advance(minutes=-1)
    assert info.value.field == "advance"
    assert clock() == clock.start
    with pytest.raises(InvalidInputError):
        clock.set(dt.datetime(2026, 2, 13))


def test_frozen_clock_drives_onestop_apis_without_patching():
    clock = FrozenClock("2026-02-13T10:00+07:00")
    dossier_clock = DossierClock(clock(), ProcessingTime.working_days(5))
    clock.advance(days=14, hours=5)  # Fri 27/2 15:00, the due date
    assert dossier_clock.remaining(clock()).total_minutes() == 120
    assert not dossier_clock.is_overdue(clock())
    clock.advance(hours=3)
    assert dossier_clock.is_overdue(clock())
    dossier = make_dossier(2, status=DossierStatus.NEW)
    later = FrozenClock(dossier.submitted_at)
    accepted = dossier.accept(
        at=later.advance(hours=1),
        by="cb.tiepnhan01",
        due_at=compute_due(later(), dossier.procedure.processing_time).due_at,
    )
    assert accepted.received_at == later()


def test_frozen_clock_fixture_default(frozen_clock):
    assert frozen_clock() == dt.datetime(2026, 2, 13, 10, tzinfo=VN_TZ)


@pytest.mark.frozen_clock("2025-06-30T23:59+07:00")
def test_frozen_clock_fixture_marker(frozen_clock):
    frozen_clock.advance(minutes=1)
    assert compute_due(frozen_clock(), ProcessingTime.working_days(5)).era == "ND-118-2025"


# ---------------------------------------------------------------------------- calendars


def test_make_work_calendar_applies_notices_in_order():
    closure = parse_notice(CLOSURE_TOML, origin="closure.toml")
    cal = make_work_calendar(notices=closure)
    assert not cal.is_working_day(D(2026, 3, 10))
    assert civil_service_calendar().is_working_day(D(2026, 3, 10))  # the default is untouched
    assert cal.add_working_days(D(2026, 3, 9), 1) == D(2026, 3, 11)
    both = make_work_calendar(notices=[closure, NOTICE_2027])
    assert not both.is_working_day(D(2026, 3, 10)) and not both.is_provisional(2027)
    assert not both.is_working_day(D(2027, 2, 5)) and both.is_working_day(D(2027, 2, 4))


def test_make_work_calendar_reads_a_notice_file(tmp_path):
    path = tmp_path / "closure.toml"
    path.write_text(CLOSURE_TOML, encoding="utf-8")
    assert not make_work_calendar(notices=path).is_working_day(D(2026, 3, 10))
    assert not make_work_calendar(notices=str(path)).is_working_day(D(2026, 3, 10))


def test_make_work_calendar_other_settings():
    cal = make_work_calendar(office_hours="07:00-11:30, 13:30-17:00", rest_days={6})
    assert cal.office_hours.for_date(D(2026, 3, 7)) == OfficeHours.parse("07:00-11:30,13:30-17:00")
    assert cal.is_working_day(D(2026, 3, 7))  # Saturday, for an agency resting on Sundays only
    no_culture = make_work_calendar(culture_day=False, warn_provisional=False)
    assert no_culture.is_working_day(D(2026, 11, 24))
    assert not make_work_calendar().is_working_day(D(2026, 11, 24))


def test_make_work_calendar_refuses_bad_notices():
    with pytest.raises(CalendarDataError):
        make_work_calendar(notices={"year": [{"year": 2027, "days": [{"date": "x"}]}]})
    with pytest.raises(InvalidInputError) as info:
        make_work_calendar(office_hours="mornings")
    assert info.value.field


def test_work_calendar_fixture_is_the_official_calendar(work_calendar):
    assert work_calendar.add_working_days(D(2026, 2, 13), 5) == D(2026, 2, 27)
    assert work_calendar.add_working_days(D(2026, 1, 9), 1) == D(2026, 1, 10)
    assert work_calendar.closing_time(D(2026, 2, 27)).time() == dt.time(17)
    assert work_calendar.warn_provisional


@pytest.mark.work_calendar(notices=[NOTICE_2027])
def test_work_calendar_fixture_with_next_years_notice(work_calendar):
    # Tết 2027 per the notice: Fri 5/2 and Mon 8 - Thu 11/2 off.
    assert not work_calendar.is_provisional(2027)
    received = dt.datetime(2027, 2, 4, 10, tzinfo=VN_TZ)
    due = compute_due(received, ProcessingTime.working_days(2), calendar=work_calendar)
    assert due.due_at == dt.datetime(2027, 2, 15, 17, tzinfo=VN_TZ) and not due.provisional


def test_work_calendar_fixture_without_the_notice_warns(work_calendar):
    received = dt.datetime(2027, 2, 4, 10, tzinfo=VN_TZ)
    with pytest.warns(ProvisionalCalendarWarning):
        compute_due(received, ProcessingTime.working_days(2), calendar=work_calendar)


@pytest.mark.work_calendar(office_hours="07:00-11:30,13:30-17:00")
def test_work_calendar_fixture_with_office_hours(work_calendar):
    assert work_calendar.opening_time(D(2026, 3, 2)).time() == dt.time(7)
