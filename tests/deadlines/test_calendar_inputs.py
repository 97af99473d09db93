"""Bad input to the deadline engine raises a typed onestop error that names the field.

Each case is a call a user can get wrong (a string for a date, ``None`` for a sequence, a
mismatched array length...). Before the audit of issue 4 these raised ``AttributeError``,
``TypeError``, ``OverflowError`` or a bare NumPy ``ValueError``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.deadlines import (
    DossierClock,
    LienThongSpan,
    WorkingDaysPolicy,
    WorkingHoursPolicy,
    bulk,
    classify_766,
    compute_due,
    parse_processing_time,
    supplement_policy_by_name,
)
from onestop.deadlines.calendar import StaticHolidaySource, WorkCalendar, civil_service_calendar
from onestop.deadlines.hours import OfficeHours, OfficeHoursSchedule
from onestop.errors import InvalidInputError
from onestop.models import ProcessingTime
from tests._helpers.calendars import CAL, SOURCE

VN = dt.timezone(dt.timedelta(hours=7))
R = dt.datetime(2026, 2, 13, 10, tzinfo=VN)
WD5 = ProcessingTime.working_days(5)
DAYS2 = np.array(["2026-02-13", "2026-02-16"], "datetime64[D]")
DAYS3 = np.array(["2026-02-13", "2026-02-16", "2026-02-17"], "datetime64[D]")
T2 = np.array(["2026-02-13T10:00", "2026-02-16T10:00"], "datetime64[m]")
NAT1 = np.array(["NaT"], "datetime64[m]")
T3 = np.array(["2026-02-13T10:00", "2026-02-16T10:00", "2026-02-17T10:00"], "datetime64[m]")

Y2026 = {"first_year": 2026, "last_year": 2026}
DONE = DossierClock(R, WD5, calendar=CAL, finished_at=R)

CASES: list[tuple[str, Callable[[], object], str]] = [
    ("parse a number", lambda: OfficeHours.parse(5), "office_hours"),
    ("sessions of text", lambda: OfficeHours(["07:30-11:30"]), "office_hours.sessions"),
    ("sessions None", lambda: OfficeHours(None), "office_hours.sessions"),
    ("schedule of ints", lambda: OfficeHoursSchedule([1, 2]), "office_hours_schedule.entries"),
    ("schedule None", lambda: OfficeHoursSchedule(None), "office_hours_schedule.entries"),
    (
        "schedule date as text",
        lambda: OfficeHoursSchedule([("2026-01-01", OfficeHours.parse("07:30-11:30"))]),
        "office_hours_schedule.entries",
    ),
    ("source entries of ints", lambda: StaticHolidaySource([1], **Y2026), "entries"),
    ("source entries None", lambda: StaticHolidaySource(None, **Y2026), "entries"),
    (
        "source year as text",
        lambda: StaticHolidaySource((), first_year="2026", last_year=2026),
        "first_year",
    ),
    (
        "extra holidays of ints",
        lambda: civil_service_calendar(extra_holidays=[1]),
        "extra_holidays",
    ),
    ("rest days None", lambda: civil_service_calendar(rest_days=None), "rest_days"),
    ("office hours a number", lambda: civil_service_calendar(office_hours=8), "office_hours"),
    ("holidays of a text year", lambda: CAL.holidays("2026"), "year"),
    ("covers a text year", lambda: CAL.covers("2026"), "year"),
    ("replace an unknown attribute", lambda: CAL.replace(office="x"), "office"),
    ("index of text", lambda: CAL.index("a", "b"), "first"),
    (
        "policy with a text calendar",
        lambda: WorkingDaysPolicy().due(R, WD5, calendar="x"),
        "calendar",
    ),
    ("hours_per_day as text", lambda: WorkingHoursPolicy(hours_per_day="8"), "hours_per_day"),
    ("same-day with an amount", lambda: parse_processing_time(5, "same-day"), "amount"),
    ("a cut-off of another unit", lambda: parse_processing_time(5, cutoff="15:00"), "cutoff"),
    ("a unit that is not one", lambda: parse_processing_time(5, "weeks"), "unit"),
    ("compute_due with text", lambda: compute_due(R, "5 days"), "processing_time"),
    ("compute_due policy int", lambda: compute_due(R, WD5, calendar=CAL, policy=5), "policy"),
    ("bulk lengths differ", lambda: bulk.add_working_days(DAYS2, np.array([1, 2, 3])), "n"),
    ("bulk between lengths", lambda: bulk.working_days_between(DAYS2, DAYS3), "end"),
    ("bulk remaining lengths", lambda: bulk.remaining_working_time(T2, T3), "due_at"),
    ("bulk due lengths", lambda: bulk.due_dates(T2, np.array([1, 2, 3])), "amounts"),
    ("bulk same-day amount", lambda: bulk.due_dates(T2, 2, unit="same_day"), "amounts"),
    ("bulk calendar text", lambda: bulk.due_dates(T2, 2, calendar="x"), "calendar"),
    ("bulk classify at text", lambda: bulk.classify(NAT1, T2[:1], at="zz"), "at"),
    ("classify_766 end text", lambda: classify_766(R, "2026-03-01"), "end"),
    ("classify_766 supplements ints", lambda: classify_766(R, _end(), [1]), "supplements"),
    ("clock supplements None", lambda: DossierClock(R, WD5, supplements=None), "supplements"),
    ("clock steps None", lambda: DossierClock(R, WD5, steps=None), "steps"),
    ("clock calendar text", lambda: DossierClock(R, WD5, calendar="x"), "calendar"),
    (
        "clock counting policy int",
        lambda: DossierClock(R, WD5, counting_policy=5),
        "counting_policy",
    ),
    ("clock timeliness against", lambda: DONE.timeliness(against="new"), "against"),
    ("step share as text", lambda: LienThongSpan("Sở Tư pháp", R, share="3 days"), "steps.share"),
    ("step agency None", lambda: LienThongSpan(None, R, share=WD5), "steps.agency"),
    ("supplement policy list", lambda: supplement_policy_by_name([]), "supplement_policy"),
    (
        "procedure as text",
        lambda: DossierClock.from_dossier(_dossier(), procedure="1.001"),
        "procedure",
    ),
    ("dossier as text", lambda: DossierClock.from_dossier("G22.99-260213-0001"), "dossier"),
]


def _dossier():
    from onestop.testing import make_dossier

    return make_dossier(0, status="processing")


def _end():
    from onestop.deadlines.timeliness import end_instant_766

    return end_instant_766(period_end_at=R)


@pytest.mark.parametrize(("call", "field"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_names_the_field(call, field):
    with pytest.raises(InvalidInputError) as err:
        call()
    assert err.value.field == field
    assert field.split(".")[-1] in str(err.value)


def test_instant_at_the_end_of_time_is_bad_input():
    # 9999-12-31 23:00 UTC is 10000-01-01 in Vietnam: not a date Python (or any calendar) has;
    # onestop.tz.to_vn refuses it as a bad value, naming the argument
    late = dt.datetime(9999, 12, 31, 23, tzinfo=dt.UTC)
    with pytest.raises(InvalidInputError) as err:
        WorkingDaysPolicy().due(late, WD5, calendar=CAL)
    assert err.value.field == "received_at"
    assert "Vietnam time" in err.value.message
    with pytest.raises(InvalidInputError):
        CAL.is_working_time(late)


def test_office_hours_as_text_are_parsed():
    cal = civil_service_calendar(office_hours="07:00-11:30, 13:30-17:00")
    assert cal.closing_time(dt.date(2026, 3, 2)) == dt.datetime(2026, 3, 2, 17, tzinfo=VN)
    assert cal.opening_time(dt.date(2026, 3, 2)) == dt.datetime(2026, 3, 2, 7, tzinfo=VN)
    assert (
        WorkCalendar(SOURCE, office_hours="08:00-12:00").hours_on(dt.date(2026, 1, 5)).minutes
        == 240
    )
    assert CAL.replace(office_hours="07:30-11:30").hours_on(dt.date(2026, 1, 5)).minutes == 240


weird = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True),
    st.dates(),
    st.datetimes(),
    st.datetimes(timezones=st.sampled_from([dt.UTC, VN])),
    st.booleans(),
)
weird_arrays = st.one_of(weird, st.lists(weird, max_size=4))


@settings(max_examples=80, deadline=None)
@given(weird_arrays, weird_arrays, weird)
def test_bulk_random_input_raises_only_onestop_errors(a, b, c):
    from onestop.errors import OneStopError

    for call in (
        lambda: bulk.add_working_days(a, b, calendar=CAL),
        lambda: bulk.working_days_between(a, b, calendar=CAL),
        lambda: bulk.is_working_day(a, calendar=CAL),
        lambda: bulk.due_dates(a, b, calendar=CAL),
        lambda: bulk.due_dates(
            a, 1, unit="same_day", calendar=CAL, policy=c if isinstance(c, str) else None
        ),
        lambda: bulk.remaining_working_time(a, b, calendar=CAL),
        lambda: bulk.classify(a, b, at=c),
        lambda: CAL.add_working_days(a, b),
        lambda: WorkingHoursPolicy().due(a, b, calendar=CAL),
        lambda: compute_due(a, WD5, calendar=CAL, policy=c if isinstance(c, str) else None),
    ):
        with contextlib.suppress(OneStopError):
            call()
