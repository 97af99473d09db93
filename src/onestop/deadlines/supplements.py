"""What a supplement request does to a dossier's due date: named, documented policies.

A supplement request (yêu cầu bổ sung, hoàn thiện hồ sơ) stops the dossier's clock until the
applicant sends the completed dossier back. What happens then is a named
:class:`SupplementPolicy`:

* :data:`RESTART` — "thời hạn giải quyết được tính lại từ đầu sau khi nhận đủ hồ sơ": the whole
  processing time is counted again from the receipt of the completed dossier. The same words
  are in NĐ 61/2018/NĐ-CP Art. 19(4) (dossiers received before 1 July 2025) and NĐ
  118/2025/NĐ-CP Art. 19(5) (from then on); the clock cites the one of the dossier's era.
* :data:`PAUSE` — the time spent waiting for the applicant is added back to the due date, as
  the formula of Decision 766/QĐ-TTg indicator 2.1 (supplement time subtracted) and deployed
  provincial systems do. The paused time is measured in the deadline's own unit
  (:data:`PAUSE_MEASURES`).

:class:`~onestop.deadlines.DossierClock` applies the policy; this module holds the rules.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, ClassVar

import attrs

from onestop.deadlines._types import WorkingTime
from onestop.deadlines.calendar import WorkCalendar, months_after
from onestop.deadlines.deadline import Deadline
from onestop.deadlines.explain import Topic
from onestop.deadlines.rules import Rule
from onestop.deadlines.timeliness import SupplementSpan
from onestop.errors import DeadlineError, InvalidInputError
from onestop.models import ProcessingTime, TimeUnit
from onestop.tz import VN_TZ, vn_date

__all__ = [
    "PAUSE",
    "PAUSE_MEASURES",
    "RESTART",
    "SUPPLEMENT_POLICIES",
    "PauseDuringSupplement",
    "PauseMeasure",
    "RestartOnResubmission",
    "Resumed",
    "Shifted",
    "SupplementContext",
    "SupplementPolicy",
    "supplement_policy_by_name",
]


@attrs.frozen(slots=True)
class SupplementContext:
    """What a supplement policy counts from: the deadline counted at receipt.

    Attributes:
        base: the deadline counted at receipt (its calendar, processing time and policy).
    """

    base: Deadline

    @property
    def calendar(self) -> WorkCalendar:
        """The calendar the deadline was counted on."""
        return self.base.calendar

    @property
    def processing_time(self) -> ProcessingTime:
        """The processing time counted."""
        return self.base.processing_time

    def count(self, start: dt.datetime) -> Deadline:
        """The full processing time counted from ``start`` by the same policy."""
        return self.base.policy.due(start, self.base.processing_time, calendar=self.calendar)

    def extend(self, extra: int) -> Deadline:
        """The deadline counted from receipt with ``extra`` more units."""
        pt = self.base.processing_time
        longer = ProcessingTime(amount=pt.amount + extra, unit=pt.unit)
        return self.base.policy.due(self.base.received_at, longer, calendar=self.calendar)


@attrs.frozen(slots=True)
class Resumed:
    """The due instant once the completed dossier is back, and what to explain about it.

    Attributes:
        due_at: the new due instant.
        deadline: the deadline counted again (``None`` when the due date was moved instead).
        topic: the explanation's topic (:attr:`Topic.SUPPLEMENT_RESTART` or
            :attr:`Topic.SUPPLEMENT_PAUSE`).
        values: the explanation's values (``resubmitted_at``, ``due_at``, ``due_before`` and
            ``processing_time`` or ``paused``).
    """

    due_at: dt.datetime
    deadline: Deadline | None
    topic: Topic
    values: Mapping[str, Any]


class SupplementPolicy(ABC):
    """What a supplement request does to the clock: a named, documented rule.

    Subclasses compute the due instant once the completed dossier is back. Use
    :data:`RESTART` or :data:`PAUSE` (or :func:`supplement_policy_by_name`).
    """

    name: ClassVar[str]
    """The registry name (``"restart"``, ``"pause"``)."""
    basis: ClassVar[Rule]
    """The rule it applies (cited by the rule set in force)."""

    @abstractmethod
    def resume(
        self,
        ctx: SupplementContext,
        spans: Sequence[SupplementSpan],
        due_before: dt.datetime,
    ) -> Resumed:
        """The due instant after the last of ``spans`` (all answered) is resubmitted.

        Args:
            ctx: the deadline counted from receipt.
            spans: every supplement request so far, in order; the last one is the one resumed.
            due_before: the due instant before the last request.
        """

    def __repr__(self) -> str:
        return f"<SupplementPolicy {self.name}>"


def _resubmitted(span: SupplementSpan) -> dt.datetime:
    if span.resubmitted_at is None:
        raise DeadlineError(
            "supplements: a pending request has no resubmission to resume from",
            field="supplements",
        )
    return span.resubmitted_at


class RestartOnResubmission(SupplementPolicy):
    """Count the whole processing time again from the receipt of the completed dossier.

    "Thời hạn giải quyết được tính lại từ đầu sau khi nhận đủ hồ sơ": NĐ 61/2018/NĐ-CP Art.
    19(4), NĐ 118/2025/NĐ-CP Art. 19(5) from 1 July 2025. The new deadline is counted by the
    same policy as the first one, from ``resubmitted_at``.
    """

    name = "restart"
    basis = Rule.SUPPLEMENT_RESTART

    def resume(
        self, ctx: SupplementContext, spans: Sequence[SupplementSpan], due_before: dt.datetime
    ) -> Resumed:
        """See :meth:`SupplementPolicy.resume`."""
        resubmitted_at = _resubmitted(spans[-1])
        deadline = ctx.count(resubmitted_at)
        values = {
            "processing_time": ctx.processing_time,
            "resubmitted_at": resubmitted_at,
            "due_at": deadline.due_at,
            "due_before": due_before,
        }
        return Resumed(deadline.due_at, deadline, Topic.SUPPLEMENT_RESTART, values)


# ---------------------------------------------------------------------------- pause measures


@attrs.frozen(slots=True)
class Shifted:
    """The due instant with the pauses added back.

    Attributes:
        due_at: the due instant.
        deadline: the deadline counted again with more units (``None`` when moved instead).
        paused: the total pause: office time, or ``(amount, unit)`` of days or months.
    """

    due_at: dt.datetime
    deadline: Deadline | None
    paused: WorkingTime | tuple[int, TimeUnit]


def _paused_working_days(cal: WorkCalendar, spans: Sequence[SupplementSpan]) -> int:
    """Working days from each request day (excluded) to its resubmission day (included)."""
    total = 0
    for s in spans:
        total += cal.working_days_between(
            vn_date(s.requested_at, field="requested_at"),
            vn_date(_resubmitted(s), field="resubmitted_at"),
        )
    return total


def _paused_calendar_days(spans: Sequence[SupplementSpan]) -> int:
    """Calendar days from each request date to its resubmission date."""
    total = 0
    for s in spans:
        resubmitted = vn_date(_resubmitted(s), field="resubmitted_at")
        total += (resubmitted - vn_date(s.requested_at, field="requested_at")).days
    return total


class PauseMeasure(ABC):
    """How :data:`PAUSE` measures the paused time and adds it back, for one counting policy."""

    @abstractmethod
    def shift(self, ctx: SupplementContext, spans: Sequence[SupplementSpan]) -> Shifted:
        """The due instant with every answered span's pause added to the first deadline."""


class ExtendWorkingDays(PauseMeasure):
    """Count the paused working days as extra days of the period, from the receipt.

    Day-granular: the days from the request day (excluded) to the resubmission day (included)
    are not counted, as a restart would not count the resubmission day either (Civil Code
    Art. 147(2)). A request answered the same day pauses nothing.
    """

    def shift(self, ctx: SupplementContext, spans: Sequence[SupplementSpan]) -> Shifted:
        """See :meth:`PauseMeasure.shift`."""
        days = _paused_working_days(ctx.calendar, spans)
        if days == 0:
            return Shifted(ctx.base.due_at, None, (0, TimeUnit.WORKING_DAYS))
        deadline = ctx.extend(days)
        return Shifted(deadline.due_at, deadline, (days, TimeUnit.WORKING_DAYS))


class ExtendCalendarDays(PauseMeasure):
    """Count the paused calendar days as extra days of the period, from the receipt.

    The period's last day is then moved to the next working day if needed (Civil Code 2015
    Art. 148(5)), by the counting policy itself.
    """

    def shift(self, ctx: SupplementContext, spans: Sequence[SupplementSpan]) -> Shifted:
        """See :meth:`PauseMeasure.shift`."""
        days = _paused_calendar_days(spans)
        if days == 0:
            return Shifted(ctx.base.due_at, None, (0, TimeUnit.CALENDAR_DAYS))
        deadline = ctx.extend(days)
        return Shifted(deadline.due_at, deadline, (days, TimeUnit.CALENDAR_DAYS))


def _on_day_like(cal: WorkCalendar, due: dt.datetime, day: dt.date) -> dt.datetime:
    """``due``'s time of day moved to ``day``; a due at closing time stays at closing time."""
    local = due.astimezone(VN_TZ)
    if local == cal.closing_time(local.date()):
        return cal.closing_time(day)
    return dt.datetime.combine(day, local.timetz())


class ShiftWorkingDays(PauseMeasure):
    """Move the due date by the paused working days (same-day deadlines have no amount)."""

    def shift(self, ctx: SupplementContext, spans: Sequence[SupplementSpan]) -> Shifted:
        """See :meth:`PauseMeasure.shift`."""
        days = _paused_working_days(ctx.calendar, spans)
        base = ctx.base.due_at
        if days == 0:
            return Shifted(base, None, (0, TimeUnit.WORKING_DAYS))
        day = ctx.calendar.add_working_days(ctx.base.due_date, days)
        return Shifted(_on_day_like(ctx.calendar, base, day), None, (days, TimeUnit.WORKING_DAYS))


class ShiftMonthPeriod(PauseMeasure):
    """Add the paused calendar days to the month period's nominal last day, then Art. 148(5)."""

    def shift(self, ctx: SupplementContext, spans: Sequence[SupplementSpan]) -> Shifted:
        """See :meth:`PauseMeasure.shift`."""
        days = _paused_calendar_days(spans)
        base = ctx.base.due_at
        if days == 0:
            return Shifted(base, None, (0, TimeUnit.CALENDAR_DAYS))
        nominal = ctx.base.trace.nominal_last
        if nominal is None:  # a deadline counted by another policy under the "months" name
            nominal = months_after(ctx.base.received_at.date(), ctx.base.amount)
        day = ctx.calendar.roll_forward(nominal + dt.timedelta(days=days))
        return Shifted(_on_day_like(ctx.calendar, base, day), None, (days, TimeUnit.CALENDAR_DAYS))


class AddWorkingTime(PauseMeasure):
    """Add the office time between each request and its resubmission to the due instant."""

    def shift(self, ctx: SupplementContext, spans: Sequence[SupplementSpan]) -> Shifted:
        """See :meth:`PauseMeasure.shift`."""
        cal = ctx.calendar
        paused = WorkingTime(0)
        for s in spans:
            paused += cal.working_time_between(s.requested_at, _resubmitted(s))
        base = ctx.base.due_at
        if paused.microseconds <= 0:
            return Shifted(base, None, paused)
        return Shifted(cal.add_working_time(base, paused), None, paused)


#: How :data:`PAUSE` measures and adds back the pause, per counting policy name (data, not
#: hidden branches). A custom counting policy must be added here to be paused.
PAUSE_MEASURES: Mapping[str, PauseMeasure] = MappingProxyType(
    {
        "working-days": ExtendWorkingDays(),
        "calendar-days": ExtendCalendarDays(),
        "same-day": ShiftWorkingDays(),
        "months": ShiftMonthPeriod(),
        "working-hours": AddWorkingTime(),
    }
)


class PauseDuringSupplement(SupplementPolicy):
    """Stop the clock while the applicant completes the dossier, then add the pause back.

    Decision 766/QĐ-TTg indicator 2.1 subtracts the supplement time (resubmitted − requested)
    from the processing time, and deployed systems add it to the due date. The pause is measured
    in the deadline's unit (:data:`PAUSE_MEASURES`): working days for working-day and same-day
    deadlines (request day excluded, resubmission day included), calendar days for calendar-day
    and month periods (then Civil Code Art. 148(5)), office time for working-hour deadlines.
    Pauses add up over several requests, always from the deadline counted at receipt.
    """

    name = "pause"
    basis = Rule.SUPPLEMENT_PAUSE

    def resume(
        self, ctx: SupplementContext, spans: Sequence[SupplementSpan], due_before: dt.datetime
    ) -> Resumed:
        """See :meth:`SupplementPolicy.resume`."""
        resubmitted_at = _resubmitted(spans[-1])
        measure = PAUSE_MEASURES.get(ctx.base.policy.name)
        if measure is None:
            raise DeadlineError(
                f"supplement_policy: the pause policy does not know how to pause a deadline "
                f"counted by {ctx.base.policy.name!r}; known: {', '.join(sorted(PAUSE_MEASURES))}",
                field="supplement_policy",
            )
        shifted = measure.shift(ctx, spans)
        values = {
            "resubmitted_at": resubmitted_at,
            "paused": shifted.paused,
            "due_at": shifted.due_at,
            "due_before": due_before,
        }
        return Resumed(shifted.due_at, shifted.deadline, Topic.SUPPLEMENT_PAUSE, values)


#: Count again from the completed dossier (NĐ 61/2018 Art. 19(4), NĐ 118/2025 Art. 19(5)).
RESTART: SupplementPolicy = RestartOnResubmission()
#: Add the waiting time back (Decision 766 formula, deployed systems).
PAUSE: SupplementPolicy = PauseDuringSupplement()
#: The supplement policies by name.
SUPPLEMENT_POLICIES: Mapping[str, SupplementPolicy] = MappingProxyType(
    {RESTART.name: RESTART, PAUSE.name: PAUSE}
)


def supplement_policy_by_name(name: str) -> SupplementPolicy:
    """The supplement policy called ``name`` (``"restart"`` or ``"pause"``).

    Raises:
        InvalidInputError: unknown name; the message lists the valid ones.
    """
    try:
        return SUPPLEMENT_POLICIES[name]
    except (KeyError, TypeError):
        raise InvalidInputError(
            f"supplement_policy: unknown policy {name!r}; expected one of "
            + ", ".join(sorted(SUPPLEMENT_POLICIES)),
            field="supplement_policy",
        ) from None
