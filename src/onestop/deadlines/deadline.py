"""The result of counting a processing time: a :class:`Deadline`.

A deadline carries what it was computed from — the receipt instant, the processing time, the
counting policy object and the calendar — and what the count recorded (a small
:class:`~onestop.deadlines.explain.Trace`), so that it can say why it is what it is
(:attr:`Deadline.explanation`, built only when asked for) and how much office time is left
(:meth:`Deadline.remaining`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import attrs

from onestop.deadlines._text import Lang, check_lang
from onestop.deadlines._types import WorkingTime
from onestop.deadlines.calendar import WorkCalendar
from onestop.deadlines.explain import Explanation, Trace, count_explanation
from onestop.deadlines.rules import RuleSet, rules_for
from onestop.models import ProcessingTime, TimeUnit
from onestop.tz import VN_TZ

if TYPE_CHECKING:
    from onestop.deadlines.policies import CountingPolicy

__all__ = ["Deadline"]


@attrs.frozen(slots=True)
class Deadline:
    """A computed due instant with what it was computed from.

    Get one from :func:`~onestop.deadlines.compute_due` (or a policy's
    :meth:`~onestop.deadlines.CountingPolicy.due`).

    Attributes:
        due_at: the aware due instant (Asia/Ho_Chi_Minh).
        received_at: the aware receipt instant (Asia/Ho_Chi_Minh).
        processing_time: the processing time counted.
        policy: the counting policy that counted it.
        calendar: the working calendar used.
        provisional: whether the due date is provisional (dự kiến): a day the count looked at
            (from the receipt day to the due date, inclusive) falls in a year without an
            official civil-service notice, whose days off are computed from the Labor Code and
            may move when the notice is published. Independent of warning filters and of the
            calendar's ``warn_provisional``.
        trace: what the count recorded for its explanation.

    The legal texts its explanation cites are :attr:`rules`: the rule set in force at the
    receipt (:func:`~onestop.deadlines.rules_for`), or the one the caller chose with
    ``rules=``. Two deadlines are equal when their instants, processing times and policies
    are.
    """

    due_at: dt.datetime
    received_at: dt.datetime
    processing_time: ProcessingTime
    policy: CountingPolicy
    calendar: WorkCalendar = attrs.field(eq=False, repr=False)
    provisional: bool
    trace: Trace = attrs.field(eq=False, repr=False)
    _rules: RuleSet | None = attrs.field(default=None, eq=False, repr=False, alias="rules")

    @property
    def rules(self) -> RuleSet:
        """The rule set the explanation cites.

        The caller's choice (``rules=``), else the one in force at the receipt: NĐ
        61/2018/NĐ-CP before 1 July 2025, NĐ 118/2025/NĐ-CP from then on.
        """
        return self._rules if self._rules is not None else rules_for(self.received_at)

    @property
    def era(self) -> str:
        """The era of :attr:`rules`, e.g. ``"ND-118-2025"``."""
        return self.rules.era

    @property
    def due_date(self) -> dt.date:
        """The local date of :attr:`due_at`."""
        return self.due_at.astimezone(VN_TZ).date()

    @property
    def amount(self) -> int:
        """The processing time's amount."""
        return self.processing_time.amount

    @property
    def unit(self) -> TimeUnit:
        """The processing time's unit."""
        return self.processing_time.unit

    @property
    def provisional_years(self) -> tuple[int, ...]:
        """The years from receipt to due date (inclusive) that have no official notice yet.

        Read from the calendar's holiday source; ``()`` for a deadline whose every day counted
        lies in years with a published notice.
        """
        if not self.provisional:
            return ()
        return self.calendar.provisional_years(self.received_at.date(), self.due_date)

    @property
    def explanation(self) -> Explanation:
        """The step-by-step reasoning (built from the trace on each access; not stored).

        The steps are the receipt, the counting rule, the days counted or skipped (each day off
        citing its notice), a note when the date is provisional, and the due instant, last.
        """
        return count_explanation(
            self.trace,
            received_at=self.received_at,
            due_at=self.due_at,
            processing_time=self.processing_time,
            calendar=self.calendar,
            provisional_years=self.provisional_years,
            rules=self._rules,
        )

    def explain(self, lang: Lang = "vi") -> str:
        """The reasoning as numbered lines in Vietnamese (``"vi"``) or English (``"en"``).

        Raises:
            InvalidInputError: ``lang`` is not ``"vi"`` or ``"en"``.
        """
        return self.explanation.text(check_lang(lang))

    def remaining(self, at: dt.datetime) -> WorkingTime:
        """Office time left from ``at`` to :attr:`due_at` (negative once overdue)."""
        return self.calendar.working_time_between(at, self.due_at)

    def to_dict(self, *, explain: bool = False) -> dict[str, Any]:
        """A JSON-ready form with stable keys.

        Keys: ``due_at``, ``received_at`` (ISO 8601 in Vietnam time), ``amount``, ``unit``,
        ``cutoff`` (``HH:MM:SS`` or ``None``), ``policy`` (its registry name),
        ``provisional`` and ``era`` (the governing text, e.g. ``"ND-118-2025"``).

        Args:
            explain: add ``explanation`` with ``vi``, ``en`` and ``steps``.
        """
        cutoff = self.processing_time.cutoff
        out: dict[str, Any] = {
            "due_at": self.due_at.isoformat(),
            "received_at": self.received_at.isoformat(),
            "amount": self.amount,
            "unit": self.unit.value,
            "cutoff": None if cutoff is None else cutoff.isoformat(),
            "policy": self.policy.name,
            "provisional": self.provisional,
            "era": self.era,
        }
        if explain:
            out["explanation"] = self.explanation.to_dict()
        return out
