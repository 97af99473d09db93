"""The bulk path and missing or impossible rows: NaT passthrough, and the scalar clock's verdict.

Issue 9 (vendor): one missing receipt time aborted a whole batch, and ``bulk.classify`` judged
a result recorded before its receipt "early" where :class:`DossierClock` refuses it. Now a
missing receipt gives ``NaT`` for that row only, :func:`bulk.classify` marks rows it cannot
judge (:data:`bulk.MISSING`, :data:`bulk.BEFORE_RECEIPT`), and on random batches every row's
code is the scalar clock's verdict (or its refusal).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.deadlines import DossierClock, bulk
from onestop.deadlines.policies import WorkingDaysPolicy
from onestop.errors import InvalidInputError
from onestop.models import ProcessingTime
from onestop.tz import VN_TZ
from tests._helpers.calendars import CAL

NAT = np.datetime64("NaT")


def _local(value: dt.datetime | None) -> np.datetime64:
    return NAT if value is None else np.datetime64(value.replace(tzinfo=None), "us")


def test_a_missing_receipt_gives_a_missing_due_date_for_that_row_only():
    received = np.array(["2026-02-13T10:00", "NaT", "2026-01-09T15:30"], "datetime64[m]")
    due = bulk.due_dates(
        received, [5, 10**9, 1], calendar=CAL
    )  # a missing row's amount is not used
    assert np.isnat(due).tolist() == [False, True, False]
    assert due[[0, 2]].astype("datetime64[m]").tolist() == [
        dt.datetime(2026, 2, 27, 17),
        dt.datetime(2026, 1, 10, 17),  # the make-up Saturday (Công văn 12729/VPCP-KGVX)
    ]
    # lists with None and all-missing batches too
    assert np.isnat(bulk.due_dates([None, "2026-02-13T10:00"], 5, calendar=CAL)).tolist() == [
        True,
        False,
    ]
    assert np.isnat(bulk.due_dates([None, None], 5, calendar=CAL)).all()
    for unit in ("working_hours", "calendar_days", "months"):
        got = bulk.due_dates(received, [5, 5, 1], calendar=CAL, unit=unit)
        assert np.isnat(got).tolist() == [False, True, False]
    with pytest.raises(InvalidInputError):  # a negative amount is an error on any row
        bulk.due_dates(received, [5, -1, 1], calendar=CAL)


def test_missing_dates_pass_through_add_working_days_and_remaining_time():
    days = np.array(["2026-01-09", "NaT"], "datetime64[D]")
    assert bulk.add_working_days(days, [1, 10**9], calendar=CAL).astype(str).tolist() == [
        "2026-01-10",
        "NaT",
    ]
    at = np.array(["2026-01-05T08:00", "NaT", "2026-01-05T08:00"], "datetime64[m]")
    due = np.array(["2026-01-05T17:00", "2026-01-05T17:00", "NaT"], "datetime64[m]")
    left = bulk.remaining_working_time(at, due, calendar=CAL)
    assert left.dtype == np.dtype("timedelta64[us]")
    assert left[0] == np.timedelta64(450, "m") and np.isnat(left[1:]).all()  # 08:00-17:00
    with pytest.raises(InvalidInputError, match="select the present rows"):
        bulk.working_days_between(
            days, np.array(["2026-01-12", "2026-01-12"], "M8[D]"), calendar=CAL
        )


def test_classify_marks_rows_it_cannot_judge():
    received = np.array(
        ["2026-01-05T08:00", "2026-01-05T08:00", "NaT", "2026-01-05T08:00", "2026-01-05T08:00"],
        "datetime64[m]",
    )
    due = bulk.due_dates(received, 3, calendar=CAL)
    finished = np.array(
        ["2026-01-06T09:00", "2026-01-02T09:00", "2026-01-06T09:00", "NaT", "NaT"],
        "datetime64[m]",
    )
    at = np.array(["NaT", "NaT", "NaT", "2026-01-04T09:00", "2026-01-07T09:00"], "datetime64[m]")
    codes = bulk.classify(finished, due, at=at, received_at=received)
    assert [bulk.CODE_NAMES[c] for c in codes] == [
        "early",
        "before_receipt",  # finished 2 Jan, received 5 Jan: the clock refuses it
        "missing",  # no receipt, no due date
        "before_receipt",  # judged on 4 Jan, before the receipt
        "in_progress_on_time",
    ]
    # without received_at=, the pre-receipt result is judged on its date, as before
    assert bulk.classify(finished[:2], due[:2])[1] == bulk.EARLY
    # TIMELINESS does not name the two markers: indexing it with them fails loudly
    with pytest.raises(IndexError):
        _ = bulk.TIMELINESS[bulk.MISSING]
    assert len(bulk.CODE_NAMES) == 7 and bulk.CODE_NAMES[bulk.BEFORE_RECEIPT] == "before_receipt"


def _scalar(
    received: dt.datetime | None, amount: int, finished: dt.datetime | None, at: dt.datetime
) -> int:
    """The scalar clock's verdict as a bulk code (its refusal as BEFORE_RECEIPT)."""
    if received is None:
        return bulk.MISSING
    try:
        clock = DossierClock(
            received, ProcessingTime.working_days(amount), calendar=CAL, finished_at=finished
        )
        verdict = clock.timeliness(at)
    except InvalidInputError as exc:
        assert exc.field in ("finished_at", "at")
        return bulk.BEFORE_RECEIPT
    return bulk.TIMELINESS.index(verdict)


_START = dt.datetime(2025, 1, 1, tzinfo=VN_TZ)
_rows = st.lists(
    st.tuples(
        st.one_of(st.none(), st.integers(0, 540 * 1440)),  # receipt: minutes after 1/1/2025
        st.integers(0, 20),  # working days
        st.one_of(st.none(), st.integers(-4 * 1440, 40 * 1440)),  # finish: minutes after
        st.integers(-4 * 1440, 40 * 1440),  # judged at: minutes after the receipt
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=120, deadline=None)
@given(rows=_rows)
def test_bulk_classify_agrees_with_the_scalar_clock(rows):
    received = [None if r is None else _START + dt.timedelta(minutes=r) for r, *_ in rows]
    amounts = [n for _, n, _, _ in rows]
    base = [r or _START for r in received]
    finished = [
        None if f is None else b + dt.timedelta(minutes=f)
        for b, (_, _, f, _) in zip(base, rows, strict=True)
    ]
    at = [b + dt.timedelta(minutes=a) for b, (*_, a) in zip(base, rows, strict=True)]
    due = bulk.due_dates([_local(r) for r in received], amounts, calendar=CAL)
    for r, n, d in zip(received, amounts, due, strict=True):
        if r is None:
            assert np.isnat(d)
        else:
            assert (
                _local(
                    WorkingDaysPolicy().due(r, ProcessingTime.working_days(n), calendar=CAL).due_at
                )
                == d
            )
    codes = bulk.classify(
        np.array([_local(f) for f in finished]),
        due,
        at=np.array([_local(a) for a in at]),
        received_at=np.array([_local(r) for r in received]),
    )
    want = [_scalar(*row) for row in zip(received, amounts, finished, at, strict=True)]
    assert codes.tolist() == want
