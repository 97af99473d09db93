"""Early / on-time / late: how a dossier's result is judged against its due date.

Two rule sets live here, both pure functions of instants (no calendar needed):

* **Circular 01/2018/TT-VPCP Art. 13** (indicators 1-2, per dossier and per agency): a dossier
  whose total processing time is *shorter* than allowed scores 2 points, *equal* 1 point,
  *longer* 0. Deployed one-stop systems read this as a comparison of **calendar dates** in
  Vietnam time: finish date earlier than the due date = early (trước hạn), the same date = on
  time (đúng hạn), a later date = late (quá hạn); an unfinished dossier is "in progress, on
  time" (đang xử lý trong hạn) until its due instant has passed, then "in progress, overdue"
  (đang xử lý quá hạn). See :func:`classify`.
* **Decision 766/QĐ-TTg (2022), indicator 2.1** (trước hạn, đúng hạn), as described in the
  VPCP formula note: the end instant is the completion, else the return of the result, else the
  stop / refusal / withdrawal; an unfinished dossier ends at the end of the reporting period,
  or at the supplement request while one (the only one) is pending; the time spent waiting for
  a supplement (resubmitted − requested) is subtracted; **more than one supplement request
  makes the dossier overdue**. See :func:`end_instant_766` and :func:`classify_766`.

The 766 note compares the end with ``NgayHenTra`` (the appointment given at receipt); this
module applies the same Art. 13 date rule to the adjusted end, so the two rule sets agree on
every dossier that had no supplement request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum
from typing import Protocol

import attrs

from onestop.errors import InvalidInputError
from onestop.tz import require_aware, vn_date

__all__ = [
    "EndInstant",
    "EndKind",
    "SupplementSpan",
    "Timeliness",
    "classify",
    "classify_766",
    "end_instant_766",
]


class Timeliness(StrEnum):
    """The result of judging a dossier against its due date.

    Finished dossiers are ``EARLY``, ``ON_TIME`` or ``LATE`` (TT 01/2018 Art. 13: 2, 1 or 0
    points); unfinished ones are ``IN_PROGRESS_ON_TIME`` or ``IN_PROGRESS_OVERDUE``.
    """

    EARLY = "early"
    """Trước hạn: finished on a calendar date before the due date."""
    ON_TIME = "on_time"
    """Đúng hạn: finished on the due date."""
    LATE = "late"
    """Quá hạn: finished on a date after the due date."""
    IN_PROGRESS_ON_TIME = "in_progress_on_time"
    """Đang xử lý trong hạn: not finished, due instant not yet passed."""
    IN_PROGRESS_OVERDUE = "in_progress_overdue"
    """Đang xử lý quá hạn: not finished, due instant passed."""

    @property
    def label_vi(self) -> str:
        """Vietnamese label as used in one-stop statistics, e.g. ``"Trước hạn"``."""
        return _LABELS[self][0]

    @property
    def label_en(self) -> str:
        """English label, e.g. ``"Early"``."""
        return _LABELS[self][1]

    @property
    def is_finished(self) -> bool:
        """Whether the classification is of a finished dossier."""
        return self in _FINISHED

    @property
    def counts_on_time(self) -> bool:
        """Whether the dossier counts in the numerator of 766 indicator 2.1 (early or on time).

        True for ``EARLY``, ``ON_TIME`` and ``IN_PROGRESS_ON_TIME``.
        """
        return self in _ON_TIME


_LABELS: dict[Timeliness, tuple[str, str]] = {
    Timeliness.EARLY: ("Trước hạn", "Early"),
    Timeliness.ON_TIME: ("Đúng hạn", "On time"),
    Timeliness.LATE: ("Quá hạn", "Late"),
    Timeliness.IN_PROGRESS_ON_TIME: ("Đang xử lý trong hạn", "In progress, on time"),
    Timeliness.IN_PROGRESS_OVERDUE: ("Đang xử lý quá hạn", "In progress, overdue"),
}
_FINISHED = frozenset({Timeliness.EARLY, Timeliness.ON_TIME, Timeliness.LATE})
_ON_TIME = frozenset({Timeliness.EARLY, Timeliness.ON_TIME, Timeliness.IN_PROGRESS_ON_TIME})


def classify(
    due_at: dt.datetime,
    *,
    finished_at: dt.datetime | None = None,
    at: dt.datetime | None = None,
) -> Timeliness:
    """Judge one dossier against its due instant (TT 01/2018/TT-VPCP Art. 13).

    A finished dossier is compared **by calendar date in Vietnam time**: finished before the
    due date → ``EARLY``, on the due date (at any hour) → ``ON_TIME``, after → ``LATE``. An
    unfinished dossier is ``IN_PROGRESS_OVERDUE`` once ``at`` is strictly after ``due_at``,
    else ``IN_PROGRESS_ON_TIME``. (Between the due instant and midnight a dossier is already
    overdue while in progress, yet would still be on time if finished that day: the two rules
    answer different questions.)

    Args:
        due_at: the due instant (aware).
        finished_at: when the result was ready; ``None`` if unfinished.
        at: the instant to judge an unfinished dossier at (required when ``finished_at`` is
            ``None``; ignored otherwise).

    Raises:
        InvalidInputError: a naive datetime, or neither ``finished_at`` nor ``at`` given.
    """
    require_aware(due_at, field="due_at")
    if finished_at is not None:
        finish = vn_date(finished_at, field="finished_at")
        due = vn_date(due_at, field="due_at")
        if finish < due:
            return Timeliness.EARLY
        if finish == due:
            return Timeliness.ON_TIME
        return Timeliness.LATE
    if at is None:
        raise InvalidInputError(
            "at: an unfinished dossier (finished_at=None) is judged at an instant; "
            "pass at= as an aware datetime",
            field="at",
        )
    if require_aware(at, field="at") > due_at:
        return Timeliness.IN_PROGRESS_OVERDUE
    return Timeliness.IN_PROGRESS_ON_TIME


class SupplementLike(Protocol):
    """Anything with the two instants of a supplement request (a model or a span)."""

    @property
    def requested_at(self) -> dt.datetime:
        """When the supplement was requested (Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ)."""
        ...

    @property
    def resubmitted_at(self) -> dt.datetime | None:
        """When the completed dossier was received back; ``None`` while pending."""
        ...


@attrs.frozen(slots=True)
class SupplementSpan:
    """One supplement request: from the request to the receipt of the completed dossier.

    Attributes:
        requested_at: when the request (Mẫu 02, Phiếu yêu cầu bổ sung) was issued (aware).
        resubmitted_at: when the complete dossier was received back; ``None`` while pending.
    """

    requested_at: dt.datetime
    resubmitted_at: dt.datetime | None = None

    def __attrs_post_init__(self) -> None:
        require_aware(self.requested_at, field="requested_at")
        if self.resubmitted_at is not None:
            require_aware(self.resubmitted_at, field="resubmitted_at")
            if self.resubmitted_at < self.requested_at:
                raise InvalidInputError(
                    "resubmitted_at: earlier than requested_at; the completed dossier is "
                    "received after the supplement request",
                    field="resubmitted_at",
                )


class EndKind(StrEnum):
    """Which event gave a dossier's end instant under Decision 766 indicator 2.1."""

    COMPLETED = "completed"
    """Đã xử lý xong (status 9)."""
    RETURNED = "returned"
    """Đã trả kết quả (status 10), when no completion time is known."""
    CLOSED = "closed"
    """Dừng xử lý / từ chối / rút hồ sơ (statuses 8, 3, 7)."""
    SUPPLEMENT_PENDING = "supplement_pending"
    """Unfinished and waiting for its (only) supplement: the request instant."""
    PERIOD_END = "period_end"
    """Unfinished: the end of the reporting period."""

    @property
    def is_finished(self) -> bool:
        """Whether the end instant is a real end of processing (completed, returned, closed)."""
        return self in (EndKind.COMPLETED, EndKind.RETURNED, EndKind.CLOSED)


@attrs.frozen(slots=True)
class EndInstant:
    """The instant a dossier is judged at under 766 indicator 2.1, and where it came from.

    Attributes:
        at: the instant (aware).
        kind: which rule chose it.
    """

    at: dt.datetime
    kind: EndKind


def end_instant_766(
    *,
    period_end_at: dt.datetime,
    completed_at: dt.datetime | None = None,
    returned_at: dt.datetime | None = None,
    closed_at: dt.datetime | None = None,
    pending_supplement_at: dt.datetime | None = None,
) -> EndInstant:
    """Choose the end instant of a dossier for Decision 766 indicator 2.1.

    Order (VPCP formula note for 766, 2.1): completion (Đã xử lý xong), else return of the
    result (Đã trả kết quả), else stop / refusal / withdrawal; an unfinished dossier waiting
    for a supplement ends at the request instant; any other unfinished dossier ends at the end
    of the reporting period. Events after ``period_end_at`` are ignored (the dossier is judged
    as it stood at the period end).

    Args:
        period_end_at: end of the reporting period (aware).
        completed_at: when the status became "completed", if it did.
        returned_at: when the result was returned, if it was.
        closed_at: when the dossier was stopped, refused or withdrawn, if it was.
        pending_supplement_at: the request instant of a still-pending supplement.

    Raises:
        InvalidInputError: a naive datetime.
    """
    require_aware(period_end_at, field="period_end_at")
    candidates = (
        (completed_at, EndKind.COMPLETED, "completed_at"),
        (returned_at, EndKind.RETURNED, "returned_at"),
        (closed_at, EndKind.CLOSED, "closed_at"),
        (pending_supplement_at, EndKind.SUPPLEMENT_PENDING, "pending_supplement_at"),
    )
    for instant, kind, field in candidates:
        if instant is not None and require_aware(instant, field=field) <= period_end_at:
            return EndInstant(at=instant, kind=kind)
    return EndInstant(at=period_end_at, kind=EndKind.PERIOD_END)


def classify_766(
    due_at: dt.datetime,
    end: EndInstant,
    supplements: Sequence[SupplementLike] = (),
) -> Timeliness:
    """Judge a dossier for Decision 766/QĐ-TTg indicator 2.1 (trước hạn, đúng hạn).

    Rules, in order:

    1. More than one supplement request → overdue (``LATE`` if finished, else
       ``IN_PROGRESS_OVERDUE``), whatever the dates.
    2. The time spent waiting for supplements (``resubmitted_at − requested_at``, elapsed
       time, for every completed request before ``end``) is subtracted from the end instant.
    3. The adjusted end is judged against ``due_at`` with :func:`classify` (the date rule of
       TT 01/2018 Art. 13 for finished dossiers, the instant for unfinished ones).

    Args:
        due_at: the appointment given at receipt (``NgayHenTra``), *before* any pause was
            added back: the subtraction in rule 2 is the pause.
        end: the end instant from :func:`end_instant_766`.
        supplements: the dossier's supplement requests, in any order.

    Raises:
        InvalidInputError: a naive datetime.
    """
    require_aware(due_at, field="due_at")
    if not isinstance(end, EndInstant):
        raise InvalidInputError(
            f"end: expected an EndInstant from end_instant_766(), got {type(end).__name__}",
            field="end",
        )
    try:
        supplements = list(supplements)
    except TypeError:
        raise InvalidInputError(
            "supplements: expected a sequence of supplement requests (each with requested_at "
            f"and resubmitted_at), got {type(supplements).__name__}",
            field="supplements",
        ) from None
    for s in supplements:
        if not hasattr(s, "requested_at") or not hasattr(s, "resubmitted_at"):
            raise InvalidInputError(
                "supplements: each item needs requested_at and resubmitted_at (e.g. a "
                f"SupplementSpan), got {type(s).__name__}",
                field="supplements",
            )
        require_aware(s.requested_at, field="supplements.requested_at")
        if s.resubmitted_at is not None:
            require_aware(s.resubmitted_at, field="supplements.resubmitted_at")
    if len(supplements) > 1:
        return Timeliness.LATE if end.kind.is_finished else Timeliness.IN_PROGRESS_OVERDUE
    waited = dt.timedelta(0)
    for s in supplements:
        resubmitted = s.resubmitted_at
        if resubmitted is not None and resubmitted <= end.at:
            waited += resubmitted - s.requested_at
    adjusted = end.at - waited
    if end.kind.is_finished:
        return classify(due_at, finished_at=adjusted)
    return classify(due_at, at=adjusted)
