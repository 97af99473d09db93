"""Hypothesis properties of the dossier clock, on the official 2025–2026 calendar."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.deadlines import (
    PAUSE,
    RESTART,
    DossierClock,
    FlagCode,
    SupplementSpan,
    Timeliness,
    WorkingTime,
    civil_service_calendar,
)
from onestop.models import ProcessingTime, TimeUnit
from onestop.tz import VN_TZ

TZ = dt.timezone(dt.timedelta(hours=7))
CAL = civil_service_calendar()

# Receipts up to the end of August 2026 keep every date these tests reach inside 2026, the
# last year with an official notice (later years are provisional and warn).
received_st = st.datetimes(
    min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2026, 8, 31), timezones=st.just(TZ)
).map(lambda d: d.replace(second=0, microsecond=0))

processing_st = st.one_of(
    st.builds(ProcessingTime.working_days, st.integers(1, 30)),
    st.builds(ProcessingTime.calendar_days, st.integers(1, 30)),
    st.builds(ProcessingTime.months, st.integers(1, 2)),
    st.builds(ProcessingTime.working_hours, st.integers(1, 120)),
    st.just(ProcessingTime(amount=0, unit=TimeUnit.SAME_DAY, cutoff=dt.time(15))),
)
# (processing time, counting policy): the restart-vs-pause ordering holds for these.
ordered_st = st.one_of(
    st.tuples(st.builds(ProcessingTime.working_days, st.integers(1, 30)), st.none()),
    st.tuples(st.builds(ProcessingTime.working_days, st.integers(1, 30)), st.just("working-hours")),
    st.tuples(st.builds(ProcessingTime.calendar_days, st.integers(1, 30)), st.none()),
    st.tuples(st.builds(ProcessingTime.working_hours, st.integers(1, 120)), st.none()),
)
offset_st = st.integers(min_value=0, max_value=15 * 24 * 60).map(lambda m: dt.timedelta(minutes=m))


@settings(max_examples=40, deadline=None)
@given(received=received_st, pt=processing_st, offset=offset_st, later=offset_st)
def test_a_pause_of_zero_length_changes_nothing(received, pt, offset, later):
    base = DossierClock(received, pt, calendar=CAL)
    requested = received + offset
    paused = base.with_supplement(requested, requested)
    paused = DossierClock(
        received, pt, calendar=CAL, supplements=paused.supplements, supplement_policy=PAUSE
    )
    assert paused.due_at == base.due_at
    probe = requested + later
    assert paused.remaining(probe) == base.remaining(probe)
    assert paused.is_overdue(probe) == base.is_overdue(probe)


@settings(max_examples=50, deadline=None)
@given(case=ordered_st, received=received_st, offset=offset_st, wait=offset_st)
def test_restart_is_never_earlier_than_pause(case, received, offset, wait):
    pt, counting = case
    span = SupplementSpan(received + offset, received + offset + wait)
    restart = DossierClock(
        received,
        pt,
        calendar=CAL,
        supplements=[span],
        supplement_policy=RESTART,
        counting_policy=counting,
    )
    pause = DossierClock(
        received,
        pt,
        calendar=CAL,
        supplements=[span],
        supplement_policy=PAUSE,
        counting_policy=counting,
    )
    assert restart.due_at >= pause.due_at >= pause.base.due_at


@settings(max_examples=40, deadline=None)
@given(received=received_st, pt=processing_st, offset=offset_st, wait=offset_st)
def test_pause_never_shortens_the_deadline(received, pt, offset, wait):
    span = SupplementSpan(received + offset, received + offset + wait)
    pause = DossierClock(received, pt, calendar=CAL, supplements=[span], supplement_policy=PAUSE)
    assert pause.due_at >= pause.base.due_at


@settings(max_examples=40, deadline=None)
@given(
    received=received_st,
    pt=processing_st,
    steps=st.lists(offset_st, min_size=2, max_size=6),
)
def test_remaining_decreases_as_time_advances(received, pt, steps):
    clock = DossierClock(received, pt, calendar=CAL)
    probes = []
    t = received
    for step in steps:
        t += step
        probes.append(t)
    values = [clock.remaining(p) for p in probes]
    assert values == sorted(values, reverse=True)
    for p, value in zip(probes, values, strict=True):
        assert clock.is_overdue(p) == (p > clock.due_at)
        if value < WorkingTime(0):
            assert clock.is_overdue(p)
        if not clock.is_overdue(p):
            assert value >= WorkingTime(0)


@settings(max_examples=40, deadline=None)
@given(received=received_st, pt=processing_st, offset=offset_st, probes=st.lists(offset_st))
def test_remaining_is_frozen_while_a_supplement_is_awaited(received, pt, offset, probes):
    requested = received + offset
    clock = DossierClock(received, pt, calendar=CAL).with_supplement(requested)
    frozen = clock.remaining(requested)
    for probe in probes:
        assert clock.is_paused(requested + probe)
        assert clock.remaining(requested + probe) == frozen


@settings(max_examples=50, deadline=None)
@given(received=received_st, pt=processing_st, took=offset_st)
def test_classification_is_consistent_with_the_due_date(received, pt, took):
    finished = received + took
    clock = DossierClock(received, pt, calendar=CAL, finished_at=finished)
    due_day = clock.due_at.astimezone(VN_TZ).date()
    finish_day = finished.astimezone(VN_TZ).date()
    result = clock.timeliness()
    assert (result is Timeliness.EARLY) == (finish_day < due_day)
    assert (result is Timeliness.ON_TIME) == (finish_day == due_day)
    assert (result is Timeliness.LATE) == (finish_day > due_day)
    if finished <= clock.due_at:
        assert result.counts_on_time
    # The in-progress view at the same instant agrees with the instant comparison.
    running = DossierClock(received, pt, calendar=CAL)
    in_progress = running.timeliness(finished)
    assert (in_progress is Timeliness.IN_PROGRESS_OVERDUE) == running.is_overdue(finished)


@settings(max_examples=40, deadline=None)
@given(
    received=received_st,
    amount=st.integers(1, 20),
    before=st.integers(-3, 3),
    hour=st.integers(7, 17),
)
def test_apology_flag_follows_the_working_day_before_the_due_date(received, amount, before, hour):
    clock = DossierClock(received, ProcessingTime.working_days(amount), calendar=CAL)
    due_day = clock.due_at.date()
    letter_day = CAL.add_working_days(due_day, before) if before else due_day
    letter = dt.datetime.combine(letter_day, dt.time(hour), TZ)
    if letter < received:
        return
    extended = clock.with_extension(clock.due_at + dt.timedelta(days=7), apology_at=letter)
    late = FlagCode.LATE_APOLOGY in [f.code for f in extended.flags()]
    # At the latest one working day before the due date (NĐ 61/2018 Art. 19(9)).
    assert late == (before >= 0)


def _nth_working_day_after(day: dt.date, n: int) -> dt.date:
    """A plain day loop over ``is_working_day``: independent of the calendar's index."""
    while n > 0:
        day += dt.timedelta(days=1)
        if CAL.is_working_day(day):
            n -= 1
    return day


def _working_days_in(first_excluded: dt.date, last_included: dt.date) -> int:
    count, day = 0, first_excluded
    while day < last_included:
        day += dt.timedelta(days=1)
        count += CAL.is_working_day(day)
    return count


@settings(max_examples=40, deadline=None)
@given(
    received=received_st,
    amount=st.integers(1, 30),
    offset=offset_st,
    wait=offset_st,
)
def test_supplement_due_dates_match_a_day_loop(received, amount, offset, wait):
    requested, back = received + offset, received + offset + wait
    span = SupplementSpan(requested, back)
    pt = ProcessingTime.working_days(amount)
    restart = DossierClock(received, pt, calendar=CAL, supplements=[span])
    pause = DossierClock(received, pt, calendar=CAL, supplements=[span], supplement_policy=PAUSE)
    # Restart (NĐ 61/2018 Art. 19(4)): N working days after the resubmission day.
    assert restart.due_at.date() == _nth_working_day_after(back.date(), amount)
    # Pause: N + the working days in (request day, resubmission day] after the receipt day.
    paused = _working_days_in(requested.date(), back.date())
    assert pause.due_at.date() == _nth_working_day_after(received.date(), amount + paused)
    assert pause.due_at.time() == restart.due_at.time() == dt.time(17, 0)


any_instant = st.one_of(
    received_st,
    st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2026, 8, 31)),  # naive
    st.datetimes(
        min_value=dt.datetime(2025, 1, 1),
        max_value=dt.datetime(2026, 8, 31),
        timezones=st.just(dt.UTC),
    ),
    st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2026, 8, 31)),
    st.none(),
)


@settings(max_examples=40, deadline=None)
@given(
    received=any_instant,
    pt=st.one_of(processing_st, st.integers(0, 5)),
    requests=st.lists(st.tuples(any_instant, any_instant), max_size=3),
    extension=st.one_of(st.none(), st.tuples(any_instant, any_instant)),
    finished=any_instant,
    probe=any_instant,
    policy=st.sampled_from(["restart", "pause", "hold"]),
)
def test_random_input_raises_only_onestop_errors(
    received, pt, requests, extension, finished, probe, policy
):
    from onestop.deadlines.clock import ExtensionSpan
    from onestop.errors import OneStopError

    try:
        spans = [SupplementSpan(r, s) for r, s in requests]
        ext = None if extension is None else ExtensionSpan(*extension)
        clock = DossierClock(
            received,
            pt,
            calendar=CAL,
            supplements=spans,
            extension=ext,
            finished_at=finished,
            supplement_policy=policy,
        )
        clock.to_dict(at=probe)
    except OneStopError:
        pass


@settings(max_examples=40, deadline=None)
@given(
    received=received_st,
    pt=processing_st,
    offset=offset_st,
    wait=offset_st,
    policy=st.sampled_from([RESTART, PAUSE]),
)
def test_due_after_a_supplement_lands_on_a_working_instant(received, pt, offset, wait, policy):
    span = SupplementSpan(received + offset, received + offset + wait)
    clock = DossierClock(received, pt, calendar=CAL, supplements=[span], supplement_policy=policy)
    due = clock.due_at
    # the due instant ends working time: the instant just before it is inside office hours
    assert CAL.is_working_time(due - dt.timedelta(microseconds=1))
    if pt.unit is not TimeUnit.WORKING_HOURS:
        # day-based deadlines end at the close of office hours of a working day
        assert due == CAL.closing_time(due.astimezone(VN_TZ).date())
