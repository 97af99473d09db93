"""The words and counts of explanations, and what bulk inputs are refused (gaps a mutation run
over the functions behind the issue's earlier survivors found).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from onestop.deadlines import WorkingTime, bulk, compute_due
from onestop.deadlines.explain import Citation, StepKind
from onestop.errors import InvalidInputError
from onestop.models import ProcessingTime, TimeUnit
from onestop.tz import VN_TZ
from tests._helpers.calendars import CAL

# Thursday before the make-up Saturday 10/01/2026 (Công văn 12729/VPCP-KGVX)
BEFORE_MAKE_UP = dt.datetime(2026, 1, 8, 9, 0, tzinfo=VN_TZ)


@pytest.mark.parametrize(
    ("microseconds", "vi", "en"),
    [
        (0, "0 phút làm việc", "0 min of office time"),
        (5 * 60_000_000, "5 phút làm việc", "5 min of office time"),
        (60 * 60_000_000, "1 giờ làm việc", "1 h of office time"),
        (65 * 60_000_000, "1 giờ 05 phút làm việc", "1 h 05 min of office time"),
        (3_630_000_000, "1 giờ 00 phút 30 giây làm việc", "1 h 00 min 30 s of office time"),
        (-90 * 60_000_000, "-1 giờ 30 phút làm việc", "-1 h 30 min of office time"),
    ],
)
def test_office_time_is_written_in_each_language(microseconds, vi, en):
    time = WorkingTime(microseconds)
    assert (time.text("vi"), time.text("en")) == (vi, en)


def test_a_citation_without_an_article_is_the_instrument_alone():
    assert Citation("QĐ 188/1999/QĐ-TTg", "").text("en") == "QĐ 188/1999/QĐ-TTg"
    assert Citation("NĐ 61/2018/NĐ-CP", "Điều 19").text("vi") == "NĐ 61/2018/NĐ-CP Điều 19"


def test_a_make_up_saturday_counts_as_one_working_day_in_the_steps():
    due = compute_due(BEFORE_MAKE_UP, ProcessingTime.working_days(3), calendar=CAL)
    steps = due.explanation.steps
    (make_up,) = [s for s in steps if s.kind is StepKind.MAKE_UP]
    assert (make_up.counted, make_up.counted_unit) == (1, TimeUnit.WORKING_DAYS)
    assert make_up.date == dt.date(2026, 1, 10)
    assert sum(s.counted for s in steps if s.counted_unit is TimeUnit.WORKING_DAYS) == 3
    lines = due.explain("vi").splitlines()
    assert any("10/01/2026" in line and "ngày làm việc thứ 2" in line for line in lines)


def test_in_a_working_time_count_a_make_up_saturday_counts_office_time_not_days():
    due = compute_due(BEFORE_MAKE_UP, ProcessingTime.working_hours(16), calendar=CAL)
    (make_up,) = [s for s in due.explanation.steps if s.kind is StepKind.MAKE_UP]
    assert (make_up.counted, make_up.counted_unit) == (0, None)
    assert make_up.counted_time == WorkingTime.of(hours=1, minutes=30)
    (counted,) = [s for s in due.explanation.steps if s.kind is StepKind.COUNTED]
    assert (counted.date, counted.last_date) == (dt.date(2026, 1, 8), dt.date(2026, 1, 9))
    assert counted.counted_time == WorkingTime.of(hours=14, minutes=30)


@pytest.mark.parametrize(
    ("values", "wording"),
    [
        (np.array([1, 2], "m8[D]"), "got an array of timedelta64[D]"),
        (np.array([1, 2]), "got an array of int64"),
        ([[dt.date(2026, 1, 5), dt.date(2026, 1, 6)], [dt.date(2026, 1, 7)]], "an array of dates"),
    ],
)
def test_bulk_refuses_what_is_not_dates(values, wording):
    with pytest.raises(InvalidInputError) as info:
        bulk.add_working_days(values, 1, calendar=CAL)
    assert info.value.field == "days"
    assert wording in info.value.message
