"""Bad input to the deadline engine names its field and says what was given (gaps a mutation run
found: errors whose field or wording could change without a test noticing).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from onestop.deadlines import (
    DossierClock,
    SameDayPolicy,
    WorkCalendar,
    WorkingHoursPolicy,
    bulk,
)
from onestop.deadlines.clock import LienThongSpan
from onestop.deadlines.hours import OfficeHours, Session
from onestop.deadlines.policies import parse_processing_time
from onestop.deadlines.timeliness import end_instant_766
from onestop.errors import CalendarDataMissingError, InvalidInputError
from onestop.models import ProcessingTime, TimeUnit
from onestop.tz import VN_TZ
from tests._helpers.calendars import CAL

R = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)


def _error(call, kind=InvalidInputError):
    with pytest.raises(kind) as info:
        call()
    return info.value


def test_bulk_dates_outside_the_proleptic_calendar_name_the_date():
    # datetime64 reaches before 1 January of year 1, which no calendar covers
    error = _error(
        lambda: bulk.is_working_day(np.array(["0000-12-31"], "M8[D]"), calendar=CAL),
        CalendarDataMissingError,
    )
    assert error.field == "date"


def test_bulk_counting_back_past_the_first_covered_year_names_the_amount():
    error = _error(
        lambda: bulk.add_working_days(np.array(["2025-01-06"], "M8[D]"), -30, calendar=CAL),
        CalendarDataMissingError,
    )
    assert error.field == "n" and "2025" in error.message


def test_bulk_working_position_names_its_instants():
    error = _error(lambda: bulk.working_position(np.array([1, 2]), calendar=CAL))
    assert error.field == "instants"


def test_a_calendar_source_must_be_a_holiday_source():
    error = _error(lambda: WorkCalendar(source=object()))
    assert error.field == "source" and "object" in error.message


def test_office_hours_of_a_wrong_type_say_what_is_expected():
    error = _error(lambda: CAL.replace(office_hours=7))
    assert error.field == "office_hours"
    assert "OfficeHours, an OfficeHoursSchedule or text" in error.message
    assert "int" in error.message


@pytest.mark.parametrize("text", [7, "07:30 to 11:30", "07:30-11:30, 25:00-26:00"])
def test_office_hours_text_errors_name_the_office_hours(text):
    assert _error(lambda: OfficeHours.parse(text)).field == "office_hours"


def test_a_session_names_its_bad_end():
    assert _error(lambda: Session("07:30", dt.time(11, 30))).field == "session.start"
    assert _error(lambda: Session(dt.time(7, 30), "11:30")).field == "session.end"


def test_working_day_number_names_its_day():
    assert _error(lambda: CAL.working_day_number("2026-03-02")).field == "day"


def test_a_clock_extension_of_a_wrong_type_says_what_was_given():
    error = _error(
        lambda: DossierClock(R, ProcessingTime.working_days(5), calendar=CAL, extension="x")
    )
    assert error.field == "extension" and "got str" in error.message


def test_a_lien_thong_step_names_what_was_wrong():
    share = ProcessingTime.working_days(2)
    error = _error(lambda: LienThongSpan(agency=7, started_at=R, share=share))
    assert error.field == "steps.agency" and "int" in error.message
    error = _error(
        lambda: LienThongSpan(
            agency="Công an xã", started_at=R, share=share, finished_at=dt.datetime(2026, 3, 3)
        )
    )
    assert error.field == "steps.finished_at"


def test_a_naive_completion_instant_is_named_in_the_766_end():
    error = _error(
        lambda: end_instant_766(
            period_end_at=R,
            completed_at=dt.datetime(2026, 3, 1, 9, 0),  # naive
        )
    )
    assert error.field == "completed_at"


def test_amount_zero_is_a_valid_loose_processing_time():
    # a same-day time is written with amount 0 (a form's "trong ngày")
    time = parse_processing_time(0, policy=SameDayPolicy())
    assert (time.amount, time.unit) == (0, TimeUnit.SAME_DAY)
    assert _error(lambda: parse_processing_time(-1)).field == "amount"


def test_one_hour_a_day_is_a_valid_working_hours_day():
    assert WorkingHoursPolicy(hours_per_day=1).hours_per_day == 1
    assert _error(lambda: WorkingHoursPolicy(hours_per_day=0)).field == "hours_per_day"
    assert _error(lambda: WorkingHoursPolicy(hours_per_day=25)).field == "hours_per_day"
