"""Classification early / on time / late (TT 01/2018 Art. 13) and Decision 766 indicator 2.1."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.deadlines.timeliness import (
    EndKind,
    SupplementSpan,
    Timeliness,
    classify,
    classify_766,
    end_instant_766,
)
from onestop.errors import InvalidInputError, OneStopError
from onestop.tz import VN_TZ, vn_date

TZ = dt.timezone(dt.timedelta(hours=7))
UTC = dt.UTC


def at(y, m, d, hh=0, mm=0, tz=TZ):
    return dt.datetime(y, m, d, hh, mm, tzinfo=tz)


# Due: close of office hours on Friday 13 Feb 2026 (the last working day before Tết 2026).
DUE = at(2026, 2, 13, 17, 0)


class TestDateRule:
    """TT 01/2018 Art. 13: shorter than allowed = 2 points (early), equal = 1, longer = 0."""

    @pytest.mark.parametrize(
        ("finished", "expected"),
        [
            (at(2026, 2, 12, 16, 59), Timeliness.EARLY),  # the day before
            (at(2026, 2, 13, 0, 0), Timeliness.ON_TIME),  # first minute of the due date
            (at(2026, 2, 13, 17, 0), Timeliness.ON_TIME),  # exactly the due instant
            (at(2026, 2, 13, 23, 59), Timeliness.ON_TIME),  # after hours, same date: still on time
            (at(2026, 2, 14, 0, 0), Timeliness.LATE),  # Saturday, next date
            (at(2026, 2, 23, 8, 0), Timeliness.LATE),  # first working day after Tết
        ],
    )
    def test_finished(self, finished, expected):
        assert classify(DUE, finished_at=finished) is expected

    def test_dates_are_taken_in_vietnam_time(self):
        # 13 Feb 2026 18:30 UTC is 14 Feb 01:30 in Vietnam: a later date, so late,
        # although the UTC date equals the due date.
        assert classify(DUE, finished_at=at(2026, 2, 13, 18, 30, tz=UTC)) is Timeliness.LATE
        # 12 Feb 2026 20:00 UTC is 13 Feb 03:00 in Vietnam: on time, not early.
        assert classify(DUE, finished_at=at(2026, 2, 12, 20, 0, tz=UTC)) is Timeliness.ON_TIME

    def test_in_progress_uses_the_instant(self):
        assert classify(DUE, at=at(2026, 2, 13, 17, 0)) is Timeliness.IN_PROGRESS_ON_TIME
        assert classify(DUE, at=at(2026, 2, 13, 17, 1)) is Timeliness.IN_PROGRESS_OVERDUE

    def test_unfinished_needs_an_instant(self):
        with pytest.raises(InvalidInputError) as exc:
            classify(DUE)
        assert exc.value.field == "at"

    @pytest.mark.parametrize("field", ["due_at", "finished_at", "at"])
    def test_naive_datetimes_are_refused(self, field):
        naive = dt.datetime(2026, 2, 13, 10, 0)
        kwargs = {"due_at": DUE, "finished_at": None, "at": DUE}
        kwargs[field] = naive
        with pytest.raises(InvalidInputError) as exc:
            classify(kwargs.pop("due_at"), **kwargs)
        assert exc.value.field == field
        assert "naive" in str(exc.value)

    def test_labels(self):
        assert Timeliness.EARLY.label_vi == "Trước hạn"
        assert Timeliness.ON_TIME.label_vi == "Đúng hạn"
        assert Timeliness.LATE.label_vi == "Quá hạn"
        assert Timeliness.IN_PROGRESS_OVERDUE.label_vi == "Đang xử lý quá hạn"
        assert {t for t in Timeliness if t.counts_on_time} == {
            Timeliness.EARLY,
            Timeliness.ON_TIME,
            Timeliness.IN_PROGRESS_ON_TIME,
        }
        assert {t for t in Timeliness if t.is_finished} == {
            Timeliness.EARLY,
            Timeliness.ON_TIME,
            Timeliness.LATE,
        }


instants = st.datetimes(
    min_value=dt.datetime(2019, 1, 1), max_value=dt.datetime(2027, 12, 31), timezones=st.just(TZ)
)


@settings(max_examples=100, deadline=None)
@given(due=instants, finished=instants)
def test_classification_is_consistent_with_the_due_date(due, finished):
    result = classify(due, finished_at=finished)
    # Independent restatement of the rule with the Vietnam-time dates.
    d_due = due.astimezone(VN_TZ).date()
    d_fin = finished.astimezone(VN_TZ).date()
    expected = (
        Timeliness.EARLY
        if d_fin < d_due
        else Timeliness.ON_TIME
        if d_fin == d_due
        else Timeliness.LATE
    )
    assert result is expected
    # Finishing no later than the due instant is never late; finishing a day later always is.
    if finished <= due:
        assert result is not Timeliness.LATE
    if finished >= due + dt.timedelta(days=1):
        assert result is Timeliness.LATE
    # In progress: overdue exactly when the instant is past due.
    assert (classify(due, at=finished) is Timeliness.IN_PROGRESS_OVERDUE) == (finished > due)


@settings(max_examples=100, deadline=None)
@given(
    st.datetimes(
        min_value=dt.datetime(1976, 1, 1),
        max_value=dt.datetime(2199, 12, 31),
        timezones=st.just(UTC),
    )
)
def test_local_date_matches_a_fixed_utc_plus_7(instant):
    # Vietnam has used UTC+7 without DST since 1975.
    assert vn_date(instant, field="instant") == (instant + dt.timedelta(hours=7)).date()


class TestEndInstant766:
    PERIOD_END_AT = at(2026, 3, 31, 23, 59)

    def test_completion_first(self):
        end = end_instant_766(
            period_end_at=self.PERIOD_END_AT,
            completed_at=at(2026, 3, 2, 9),
            returned_at=at(2026, 3, 3, 9),
            closed_at=at(2026, 3, 4, 9),
        )
        assert (end.at, end.kind) == (at(2026, 3, 2, 9), EndKind.COMPLETED)

    def test_returned_when_no_completion(self):
        end = end_instant_766(period_end_at=self.PERIOD_END_AT, returned_at=at(2026, 3, 3, 9))
        assert end.kind is EndKind.RETURNED

    def test_closed(self):
        end = end_instant_766(period_end_at=self.PERIOD_END_AT, closed_at=at(2026, 3, 4, 9))
        assert end.kind is EndKind.CLOSED
        assert end.kind.is_finished

    def test_pending_supplement_ends_at_request(self):
        end = end_instant_766(
            period_end_at=self.PERIOD_END_AT, pending_supplement_at=at(2026, 3, 5, 10)
        )
        assert (end.at, end.kind) == (at(2026, 3, 5, 10), EndKind.SUPPLEMENT_PENDING)
        assert not end.kind.is_finished

    def test_unfinished_ends_at_period_end(self):
        end = end_instant_766(period_end_at=self.PERIOD_END_AT)
        assert (end.at, end.kind) == (self.PERIOD_END_AT, EndKind.PERIOD_END)

    def test_events_after_the_period_are_ignored(self):
        end = end_instant_766(period_end_at=self.PERIOD_END_AT, completed_at=at(2026, 4, 2, 9))
        assert end.kind is EndKind.PERIOD_END


class TestClassify766:
    # Received Mon 2 Mar 2026 09:00, 5 working days -> due Mon 9 Mar 2026 17:00
    # (3, 4, 5, 6 Mar and Mon 9 Mar; no holiday in that week).
    DUE = at(2026, 3, 9, 17)
    PERIOD_END_AT = at(2026, 3, 31, 23, 59)

    def test_no_supplement_same_as_date_rule(self):
        end = end_instant_766(period_end_at=self.PERIOD_END_AT, completed_at=at(2026, 3, 9, 16))
        assert classify_766(self.DUE, end) is Timeliness.ON_TIME

    def test_waiting_time_is_subtracted(self):
        # Supplement requested Tue 3 Mar 10:00, completed dossier back Thu 5 Mar 10:00:
        # 48 hours of waiting. Finished Wed 11 Mar 15:00 -> adjusted end Mon 9 Mar 15:00,
        # the due date: on time (it would be late without the subtraction).
        supplements = [SupplementSpan(at(2026, 3, 3, 10), at(2026, 3, 5, 10))]
        end = end_instant_766(period_end_at=self.PERIOD_END_AT, completed_at=at(2026, 3, 11, 15))
        assert classify_766(self.DUE, end, supplements) is Timeliness.ON_TIME
        assert classify_766(self.DUE, end) is Timeliness.LATE

    def test_more_than_one_supplement_is_overdue(self):
        # Two requests, each answered within an hour, finished two days early: still overdue.
        supplements = [
            SupplementSpan(at(2026, 3, 3, 9), at(2026, 3, 3, 10)),
            SupplementSpan(at(2026, 3, 4, 9), at(2026, 3, 4, 10)),
        ]
        end = end_instant_766(period_end_at=self.PERIOD_END_AT, completed_at=at(2026, 3, 5, 15))
        assert classify_766(self.DUE, end, supplements[:1]) is Timeliness.EARLY
        assert classify_766(self.DUE, end, supplements) is Timeliness.LATE
        pending = end_instant_766(period_end_at=self.PERIOD_END_AT)
        assert classify_766(self.DUE, pending, supplements) is Timeliness.IN_PROGRESS_OVERDUE

    def test_pending_supplement_is_judged_at_the_request(self):
        # Requested Fri 6 Mar, still pending at the end of March: judged at 6 Mar -> on time.
        supplements = [SupplementSpan(at(2026, 3, 6, 10))]
        end = end_instant_766(
            period_end_at=self.PERIOD_END_AT, pending_supplement_at=at(2026, 3, 6, 10)
        )
        assert classify_766(self.DUE, end, supplements) is Timeliness.IN_PROGRESS_ON_TIME

    def test_unfinished_at_period_end(self):
        end = end_instant_766(period_end_at=self.PERIOD_END_AT)
        assert classify_766(self.DUE, end) is Timeliness.IN_PROGRESS_OVERDUE


def test_supplement_span_validation():
    with pytest.raises(InvalidInputError) as exc:
        SupplementSpan(at(2026, 3, 5, 10), at(2026, 3, 4, 10))
    assert exc.value.field == "resubmitted_at"
    with pytest.raises(OneStopError):
        SupplementSpan(dt.datetime(2026, 3, 5, 10))
