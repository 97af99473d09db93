"""Counting policies: how a processing time becomes a due instant.

What differs between laws, sectors and provinces is a named policy object, never an ``if`` in
the engine. Each policy documents its legal basis:

=====================  ===============================================================
``working-days``       :class:`WorkingDaysPolicy` — Civil Code style: the receipt day is
                       not counted, due at the close of office hours on the N-th working
                       day (BLDS 2015 Arts. 147(2), 148; NĐ 61/2018 Arts. 17-19, NĐ
                       118/2025 Art. 17(3) from 1 July 2025).
``working-hours``      :class:`WorkingHoursPolicy` — N working days × the hours of a
                       working day (or N working hours), counted from the receipt instant
                       inside office hours, as deployed provincial systems count.
``same-day``           :class:`SameDayPolicy` — the result the same working day, or the next
                       working day when received after the cut-off
                       (:data:`~onestop.models.SAME_DAY_CUTOFF`, 15:00): Luật Hộ tịch
                       2014 Art. 5(3), NĐ 23/2015 Art. 7, NĐ 99/2022 Art. 16(1).
``calendar-days``      :class:`CalendarDaysPolicy` — BLDS 2015 Arts. 147(2), 148(1), 148(5).
``months``             :class:`MonthsPolicy` — BLDS 2015 Arts. 147(2), 148(3), 148(5).
=====================  ===============================================================

The one way to get a deadline is :func:`compute_due` (``received_at, processing_time``, then
options); a policy's :meth:`CountingPolicy.due` takes the same arguments in the same order.
Every computation returns a :class:`~onestop.deadlines.Deadline` that records what it did (a
small trace), from which its explanation is built only when asked for, so deadline arithmetic
stays cheap.

Example:
    >>> import datetime as dt
    >>> from onestop.models import ProcessingTime
    >>> from onestop.tz import VN_TZ
    >>> received = dt.datetime(2026, 2, 13, 10, tzinfo=VN_TZ)  # Friday before Tết
    >>> compute_due(received, ProcessingTime.working_days(5)).due_at.isoformat()
    '2026-02-27T17:00:00+07:00'
"""

from __future__ import annotations

import abc
import datetime as dt
import functools
from collections.abc import Mapping
from types import MappingProxyType
from typing import ClassVar, Literal

import attrs

from onestop.deadlines._warn import warn_caller, warns_for_its_calls
from onestop.deadlines.calendar import (
    WorkCalendar,
    days_after,
    default_calendar,
    months_after,
)
from onestop.deadlines.deadline import Deadline
from onestop.deadlines.explain import Count, Trace
from onestop.deadlines.rules import Rule, RuleSet, resolve_rules
from onestop.errors import (
    DeadlineError,
    InvalidDossierError,
    InvalidInputError,
    ProvisionalCalendarWarning,
)
from onestop.models import SAME_DAY_CUTOFF, ProcessingTime, TimeUnit
from onestop.tz import VN_TZ, to_vn

__all__ = [
    "POLICIES",
    "CalendarDaysPolicy",
    "CountingPolicy",
    "MonthsPolicy",
    "SameDayPolicy",
    "WorkingDaysPolicy",
    "WorkingHoursPolicy",
    "check_calendar",
    "compute_due",
    "parse_processing_time",
    "parse_unit",
    "policy_by_name",
    "policy_for",
    "resolve_policy",
]


def parse_unit(value: object) -> TimeUnit:
    """``value`` as a :class:`~onestop.models.TimeUnit`: the enum, its value, or with hyphens.

    ``"working_days"``, ``"working-days"`` and ``TimeUnit.WORKING_DAYS`` are the same unit.

    Raises:
        InvalidInputError: anything else, naming the ``unit`` field and listing the units.
    """
    if type(value) is TimeUnit:
        return value
    if isinstance(value, str):
        text = value.strip().lower().replace("-", "_")
        for unit in TimeUnit:
            if unit.value == text:
                return unit
    shown = repr(value[:40]) if isinstance(value, str) else type(value).__name__
    raise InvalidInputError(
        f"unit: {shown} is not a time unit; expected one of "
        f"{', '.join(u.value.replace('_', '-') for u in TimeUnit)}",
        field="unit",
    )


def check_calendar(calendar: object) -> WorkCalendar:
    """``calendar`` itself when it is a :class:`~onestop.deadlines.WorkCalendar`.

    ``None`` is the shared default civil-service calendar
    (:func:`~onestop.deadlines.default_calendar`).

    Raises:
        InvalidInputError: anything else, naming the ``calendar`` argument.
    """
    if calendar is None:
        return default_calendar()
    if isinstance(calendar, WorkCalendar):
        return calendar
    raise _not_a_calendar(calendar)


def _not_a_calendar(calendar: object) -> InvalidInputError:
    return InvalidInputError(
        "calendar: expected a WorkCalendar (e.g. civil_service_calendar()) or None for the "
        f"civil-service calendar, got {type(calendar).__name__}",
        field="calendar",
    )


def _not_a_processing_time(value: object) -> InvalidInputError:
    return InvalidInputError(
        "processing_time: expected a ProcessingTime such as ProcessingTime.working_days(5), "
        f"got {type(value).__name__}",
        field="processing_time",
    )


def _warn_provisional(years: tuple[int, ...]) -> None:
    """Warn (in the caller's name) that a deadline depends on years without a notice."""
    warn_caller(
        f"the due date is provisional (dự kiến): it depends on {', '.join(map(str, years))}, "
        "which has no official civil-service notice yet; its days off come from the statutes "
        "alone (Deadline.provisional is True)",
        ProvisionalCalendarWarning,
    )


class CountingPolicy(abc.ABC):
    """A named rule turning a receipt instant and a processing time into a deadline.

    Subclasses are immutable (attrs frozen) and set :attr:`name`, :attr:`units` and
    :attr:`basis`.
    """

    name: ClassVar[str]
    """The registry name, e.g. ``"working-days"``."""
    units: ClassVar[frozenset[TimeUnit]]
    """The units the policy counts in."""
    basis: ClassVar[tuple[Rule, ...]]
    """The rules the policy applies; :meth:`RuleSet.cite <onestop.deadlines.RuleSet.cite>`
    gives the texts that set them in an era."""

    @abc.abstractmethod
    def _count(
        self, calendar: WorkCalendar, received: dt.datetime, amount: int, unit: TimeUnit
    ) -> tuple[dt.datetime, Trace]:
        """The due instant and the trace (``received`` is already in Vietnam local time)."""

    @property
    def default_unit(self) -> TimeUnit:
        """The unit a processing time is read in when none is given.

        Working days when the policy counts them, else its own unit.
        """
        return TimeUnit.WORKING_DAYS if TimeUnit.WORKING_DAYS in self.units else min(self.units)

    def check_unit(self, unit: TimeUnit) -> None:
        """Refuse a unit the policy does not count in.

        Raises:
            DeadlineError: ``unit`` is not one of :attr:`units`.
        """
        if unit not in self.units:
            raise DeadlineError(
                f"unit: the {self.name} policy counts in "
                f"{', '.join(sorted(u.value for u in self.units))}, not {unit.value}; choose "
                "another policy or unit",
                field="unit",
            )

    @warns_for_its_calls
    def due(
        self,
        received_at: dt.datetime,
        processing_time: ProcessingTime,
        *,
        calendar: WorkCalendar | None = None,
        rules: RuleSet | str | None = None,
    ) -> Deadline:
        """Count ``processing_time`` from ``received_at`` by this policy.

        When the count looked at a year without an official notice, the deadline is
        :attr:`~onestop.deadlines.Deadline.provisional` and one
        :class:`~onestop.errors.ProvisionalCalendarWarning` is emitted (at the caller's line)
        unless the calendar's ``warn_provisional`` is off.

        Args:
            received_at: the aware receipt instant of the complete dossier.
            processing_time: the processing time to count.
            calendar: the working calendar; ``None`` is the civil-service calendar.
            rules: the rule set the explanation cites (a :class:`~onestop.deadlines.RuleSet`
                or an era name such as ``"ND-61-2018"``); ``None``: the one in force at the
                receipt (:func:`~onestop.deadlines.rules_for`). The count is the same in
                every era; only the citations change.

        Returns:
            The deadline.

        Raises:
            InvalidInputError: a naive ``received_at``, a value of the wrong type, an unknown
                era name.
            DeadlineError: a unit the policy does not count in.
            CalendarDataMissingError: a year the calendar has no data for.
        """
        chosen = None if rules is None else resolve_rules(rules)
        cal = default_calendar() if calendar is None else calendar
        if not isinstance(cal, WorkCalendar):  # inline: due() is the hot path
            raise _not_a_calendar(cal)
        local = to_vn(received_at, field="received_at")
        if not isinstance(processing_time, ProcessingTime):
            raise _not_a_processing_time(processing_time)
        unit = processing_time.unit
        if unit not in self.units:
            self.check_unit(unit)
        due_at, trace = self._count(cal, local, processing_time.amount, unit)
        # One warning for the whole deadline, whichever calendar methods the count used (they
        # leave it to this method, see warns_for_its_calls).
        years = cal.provisional_years(local.date(), due_at.date())
        if years and cal.warn_provisional:
            _warn_provisional(years)
        if chosen is None:
            return Deadline(due_at, local, processing_time, self, cal, bool(years), trace)
        return Deadline(due_at, local, processing_time, self, cal, bool(years), trace, chosen)


# The traces that record nothing but the rule (built once: due() is the hot path).
_WORKING_DAYS = Trace(Count.WORKING_DAYS)
_FROM_RECEIPT = Trace(Count.WORKING_DAYS_FROM_RECEIPT)
_ZERO_WORKING_DAYS = Trace(Count.ZERO_WORKING_DAYS)


@attrs.frozen(slots=True)
class WorkingDaysPolicy(CountingPolicy):
    """Working days, Civil Code style (the default for ``ngày làm việc``).

    The receipt day is not counted (BLDS 2015 Art. 147(2)); the result is due at the close of
    office hours on the N-th working day after the receipt day. A dossier received on a rest
    day or after hours is handled the same way: counting starts the next working day. With
    ``amount == 0`` the result is due at the close of the receipt day, or of the next working
    day when the receipt day is not one.

    Attributes:
        receipt_day_counts: count the receipt day itself when it is a working day (some sector
            rules say "kể từ ngày nhận"); default ``False``.
    """

    name: ClassVar[str] = "working-days"
    units: ClassVar[frozenset[TimeUnit]] = frozenset({TimeUnit.WORKING_DAYS})
    basis: ClassVar[tuple[Rule, ...]] = (Rule.WORKING_DAYS,)
    receipt_day_counts: bool = attrs.field(default=False, kw_only=True)

    def _count(
        self,
        calendar: WorkCalendar,
        received: dt.datetime,
        amount: int,
        unit: TimeUnit,  # noqa: ARG002 - the base class's signature
    ) -> tuple[dt.datetime, Trace]:
        day = received.date()
        if amount == 0:
            return calendar.closing_time(calendar.roll_forward(day)), _ZERO_WORKING_DAYS
        if self.receipt_day_counts and calendar.is_working_day(day):
            last = calendar.add_working_days(day, amount - 1)
            return calendar.closing_time(last), _FROM_RECEIPT
        return calendar.closing_time(calendar.add_working_days(day, amount)), _WORKING_DAYS


@attrs.frozen(slots=True)
class WorkingHoursPolicy(CountingPolicy):
    """Working time counted from the receipt instant, inside office hours.

    For ``working_days`` an amount of N days is converted to N × the hours of a working day
    (8 hours under the usual timetable; set :attr:`hours_per_day` to fix it), then counted like
    ``working_hours``: only time inside office hours of working days counts, and a dossier
    received outside office hours starts counting at the next opening. This is how deployed
    provincial one-stop systems count (precedent, not law: the Thanh Hóa system stores time in
    hours, 8 h = 1 working day, received after closing → next morning). The due instant is the
    earliest instant at which the time has elapsed.

    Attributes:
        hours_per_day: hours per working day for the conversion; default the office hours in
            force on the receipt day.
    """

    name: ClassVar[str] = "working-hours"
    units: ClassVar[frozenset[TimeUnit]] = frozenset(
        {TimeUnit.WORKING_HOURS, TimeUnit.WORKING_DAYS}
    )
    basis: ClassVar[tuple[Rule, ...]] = (Rule.WORKING_HOURS,)
    hours_per_day: int | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        value: object = self.hours_per_day
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 24
        ):
            raise InvalidInputError(
                f"hours_per_day must be an integer between 1 and 24, got {self.hours_per_day!r}",
                field="hours_per_day",
            )

    def minutes_per_day(self, calendar: WorkCalendar, day: dt.date) -> int:
        """Office minutes one working day converts to, for a receipt on ``day``."""
        if self.hours_per_day is not None:
            return self.hours_per_day * 60
        return calendar.hours_on(day).minutes

    def _count(
        self, calendar: WorkCalendar, received: dt.datetime, amount: int, unit: TimeUnit
    ) -> tuple[dt.datetime, Trace]:
        if unit is TimeUnit.WORKING_HOURS:
            per_day, minutes = 0, amount * 60
        else:
            per_day = self.minutes_per_day(calendar, received.date())
            minutes = amount * per_day
        # counting starts at the receipt, or at the next opening outside office hours
        due_at = calendar.add_working_time(received, minutes)
        return due_at, Trace(Count.WORKING_TIME, None, minutes, per_day)


def _check_cutoff(_inst: object, _attr: object, value: object) -> None:
    if value is not None and (type(value) is not dt.time or value.tzinfo is not None):
        raise InvalidInputError(
            "cutoff must be a local wall-clock datetime.time without tzinfo, e.g. 15:00",
            field="cutoff",
        )


@attrs.frozen(slots=True)
class SameDayPolicy(CountingPolicy):
    """Within the day, with a cut-off hour (trong ngày; sau 15 giờ thì ngày làm việc tiếp theo).

    A dossier received on a working day up to :attr:`cutoff` (and before closing) is due at the
    close of office hours that day; one received after the cut-off ("sau 15 giờ": 15:00:00
    itself is not after 15:00), at or after closing, or on a non-working day is due at the
    close of the next working day. This is a sector rule: Luật Hộ tịch 2014 Art. 5(3) (civil
    status), NĐ 23/2015/NĐ-CP Art. 7 (certification), NĐ 99/2022/NĐ-CP Art. 16(1)
    (registration of security interests).

    Attributes:
        cutoff: local wall-clock cut-off (default :data:`~onestop.models.SAME_DAY_CUTOFF`,
            15:00); ``None`` for no cut-off (only the close of office hours matters). The
            default policy of a same-day :class:`~onestop.models.ProcessingTime` takes the
            processing time's own cut-off (:func:`policy_for`).
    """

    name: ClassVar[str] = "same-day"
    units: ClassVar[frozenset[TimeUnit]] = frozenset({TimeUnit.SAME_DAY})
    basis: ClassVar[tuple[Rule, ...]] = (Rule.SAME_DAY,)
    cutoff: dt.time | None = attrs.field(
        default=SAME_DAY_CUTOFF, kw_only=True, validator=_check_cutoff
    )

    def _count(
        self,
        calendar: WorkCalendar,
        received: dt.datetime,
        amount: int,  # noqa: ARG002 - the base class's signature
        unit: TimeUnit,  # noqa: ARG002 - the base class's signature
    ) -> tuple[dt.datetime, Trace]:
        day = received.date()
        t = received.time()
        if not calendar.is_working_day(day):
            count = Count.SAME_DAY_NON_WORKING_DAY
        elif self.cutoff is not None and t > self.cutoff:
            count = Count.SAME_DAY_AFTER_CUTOFF
        elif t >= calendar.hours_on(day).closing:
            count = Count.SAME_DAY_AFTER_HOURS
        else:
            return calendar.closing_time(day), Trace(
                Count.SAME_DAY_IN_TIME, None, 0, 0, self.cutoff
            )
        due_at = calendar.closing_time(calendar.add_working_days(day, 1))
        return due_at, Trace(count, None, 0, 0, self.cutoff)


def _check_day_end(_inst: object, _attr: object, value: object) -> None:
    if value not in ("close", "midnight"):
        raise InvalidInputError("day_end must be 'close' or 'midnight'", field="day_end")


@attrs.frozen(slots=True)
class _PeriodPolicy(CountingPolicy):
    """A Civil Code period (days or months) whose last day is found by the calendar."""

    day_end: Literal["close", "midnight"] = attrs.field(
        default="close", kw_only=True, validator=_check_day_end
    )

    @staticmethod
    @abc.abstractmethod
    def _nominal_last(day: dt.date, n: int) -> dt.date:
        """The period's last day before any move (Civil Code Art. 148(1), 148(3))."""

    def _count(
        self,
        calendar: WorkCalendar,
        received: dt.datetime,
        amount: int,
        unit: TimeUnit,  # noqa: ARG002 - the base class's signature
    ) -> tuple[dt.datetime, Trace]:
        nominal = self._nominal_last(received.date(), amount)
        last = calendar.roll_forward(nominal)  # Art. 148(5)
        if self.day_end == "close":
            due_at = calendar.closing_time(last)
        else:
            due_at = dt.datetime.combine(last, dt.time(23, 59, 59, 999_999), VN_TZ)
        count = Count.CALENDAR_DAYS if isinstance(self, CalendarDaysPolicy) else Count.MONTHS
        return due_at, Trace(count, nominal)


@attrs.frozen(slots=True)
class CalendarDaysPolicy(_PeriodPolicy):
    """Calendar days (ngày), Civil Code 2015 Arts. 147–148.

    The receipt day is not counted (Art. 147(2)); the period ends on receipt day + N
    (Art. 148(1)); when that day is a weekly rest day or a day off, the period ends on the next
    working day (Art. 148(5)).

    Attributes:
        day_end: ``"close"`` (default) puts the due instant at the close of office hours of the
            last day, as appointment slips do; ``"midnight"`` at the end of the day (24:00,
            Art. 148(6), given as 23:59:59.999999).
    """

    name: ClassVar[str] = "calendar-days"
    units: ClassVar[frozenset[TimeUnit]] = frozenset({TimeUnit.CALENDAR_DAYS})
    basis: ClassVar[tuple[Rule, ...]] = (
        Rule.FIRST_DAY_EXCLUDED,
        Rule.DAY_PERIOD_END,
        Rule.NEXT_WORKING_DAY,
    )

    _nominal_last = staticmethod(days_after)


@attrs.frozen(slots=True)
class MonthsPolicy(_PeriodPolicy):
    """Months (tháng), Civil Code 2015 Arts. 147–148.

    The period ends on the same day-number of the N-th month after receipt, or that month's
    last day when the day-number does not exist (Art. 148(3)); a last day that is a rest day or
    day off moves to the next working day (Art. 148(5)).

    Attributes:
        day_end: ``"close"`` (default) or ``"midnight"``, as for :class:`CalendarDaysPolicy`.
    """

    name: ClassVar[str] = "months"
    units: ClassVar[frozenset[TimeUnit]] = frozenset({TimeUnit.MONTHS})
    basis: ClassVar[tuple[Rule, ...]] = (
        Rule.FIRST_DAY_EXCLUDED,
        Rule.MONTH_PERIOD_END,
        Rule.NEXT_WORKING_DAY,
    )

    _nominal_last = staticmethod(months_after)


#: The default instance of each policy, by name.
POLICIES: Mapping[str, CountingPolicy] = MappingProxyType(
    {
        p.name: p
        for p in (
            WorkingDaysPolicy(),
            WorkingHoursPolicy(),
            SameDayPolicy(),
            CalendarDaysPolicy(),
            MonthsPolicy(),
        )
    }
)

_DEFAULT_BY_UNIT: Mapping[TimeUnit, CountingPolicy] = MappingProxyType(
    {
        TimeUnit.WORKING_DAYS: POLICIES["working-days"],
        TimeUnit.WORKING_HOURS: POLICIES["working-hours"],
        TimeUnit.CALENDAR_DAYS: POLICIES["calendar-days"],
        TimeUnit.MONTHS: POLICIES["months"],
        TimeUnit.SAME_DAY: POLICIES["same-day"],
    }
)


def policy_by_name(name: str) -> CountingPolicy:
    """The default policy registered under ``name`` (e.g. ``"working-days"``).

    Underscores are accepted for hyphens (``"working_days"``).

    Raises:
        InvalidInputError: an unknown name (the message lists the known ones).
    """
    policy = POLICIES.get(str(name).strip().lower().replace("_", "-"))
    if policy is None:
        raise InvalidInputError(
            f"policy: unknown counting policy {name!r}; expected one of "
            f"{', '.join(sorted(POLICIES))}",
            field="policy",
        )
    return policy


@functools.lru_cache(maxsize=64)
def _same_day(cutoff: dt.time | None) -> SameDayPolicy:
    return SameDayPolicy(cutoff=cutoff)


def policy_for(processing_time: ProcessingTime | TimeUnit) -> CountingPolicy:
    """The policy that counts a published processing time (or a unit) by default.

    ``working_days`` → :class:`WorkingDaysPolicy`; ``working_hours`` →
    :class:`WorkingHoursPolicy`; ``calendar_days`` → :class:`CalendarDaysPolicy`; ``months`` →
    :class:`MonthsPolicy`; ``same_day`` → :class:`SameDayPolicy` with the processing time's own
    cut-off (a bare unit: :data:`~onestop.models.SAME_DAY_CUTOFF`).

    Raises:
        InvalidInputError: neither a :class:`~onestop.models.ProcessingTime` nor a unit.
    """
    if isinstance(processing_time, ProcessingTime):
        unit = processing_time.unit
        if unit is TimeUnit.SAME_DAY:
            return _same_day(processing_time.cutoff)
        return _DEFAULT_BY_UNIT[unit]
    return _DEFAULT_BY_UNIT[parse_unit(processing_time)]


def resolve_policy(
    policy: CountingPolicy | str | None, processing_time: ProcessingTime
) -> CountingPolicy:
    """The policy object meant by ``policy`` for counting ``processing_time``.

    ``None`` is :func:`policy_for` ``processing_time``; a registry name is that policy, taken
    with the processing time's own settings when it is the processing time's default policy
    (``"same-day"`` keeps a same-day time's cut-off); a policy object is itself.

    Raises:
        InvalidInputError: an unknown name, or a value that is not a policy.
    """
    if policy is None:
        return policy_for(processing_time)
    if isinstance(policy, str):
        named = policy_by_name(policy)
        default = policy_for(processing_time)
        return default if default.name == named.name else named
    if isinstance(policy, CountingPolicy):
        return policy
    raise InvalidInputError(
        f"policy: expected a CountingPolicy or a policy name such as 'working-days', got "
        f"{type(policy).__name__}",
        field="policy",
    )


def compute_due(
    received_at: dt.datetime,
    processing_time: ProcessingTime,
    *,
    calendar: WorkCalendar | None = None,
    policy: CountingPolicy | str | None = None,
    rules: RuleSet | str | None = None,
) -> Deadline:
    """The deadline of a dossier received at ``received_at`` with a published processing time.

    The one way to get a :class:`~onestop.deadlines.Deadline`. For a procedure's dossier, the
    processing time is the procedure's for the dossier's channel:
    ``compute_due(received_at, procedure.processing_time_for(channel))``.

    Args:
        received_at: the aware instant the complete dossier was received.
        processing_time: the processing time to count.
        calendar: the working calendar; ``None`` is the shared civil-service calendar
            (:func:`~onestop.deadlines.default_calendar`).
        policy: a policy object or registry name; default the processing time's own
            (:func:`policy_for`).
        rules: the rule set whose texts the explanation cites: a
            :class:`~onestop.deadlines.RuleSet` or an era name (``"ND-61-2018"``,
            ``"ND-118-2025"``); default the one in force at the receipt
            (:func:`~onestop.deadlines.rules_for`: NĐ 61/2018/NĐ-CP before 1 July 2025, NĐ
            118/2025/NĐ-CP from then on). Override it for a sector law, or to replay a dossier
            under the other text.

    Returns:
        The deadline.

    Raises:
        InvalidInputError: a naive ``received_at``, a value of the wrong type, an unknown
            policy or era name.
        DeadlineError: a policy that does not count in the processing time's unit.
        CalendarDataMissingError: a year outside the calendar data.
    """
    if not isinstance(processing_time, ProcessingTime):
        raise _not_a_processing_time(processing_time)
    rule = (
        policy_for(processing_time) if policy is None else resolve_policy(policy, processing_time)
    )
    if rules is None:  # the hot path: the era is looked up only when an explanation is read
        return rule.due(received_at, processing_time, calendar=calendar)
    return rule.due(received_at, processing_time, calendar=calendar, rules=rules)


def _parse_cutoff(value: dt.time | str) -> dt.time:
    if isinstance(value, str):
        try:
            value = dt.time.fromisoformat(value.strip())
        except ValueError:
            raise InvalidInputError(
                f"cutoff: {value!r} is not a time; expected HH:MM, e.g. 15:00", field="cutoff"
            ) from None
    if type(value) is not dt.time or value.tzinfo is not None:
        raise InvalidInputError(
            "cutoff: expected a local wall-clock time without offset, such as 15:00",
            field="cutoff",
        )
    return value


def parse_processing_time(
    amount: int,
    unit: TimeUnit | str | None = None,
    *,
    policy: CountingPolicy | str | None = None,
    cutoff: dt.time | str | None = None,
) -> ProcessingTime:
    """The processing time a form or a command line describes in loose parts.

    The unit defaults to working days, or to the policy's own unit when the policy does not
    count working days (``--policy same-day`` is a same-day time, ``--policy months --amount
    1`` one month). A same-day time without ``cutoff`` gets the statutory one
    (:data:`~onestop.models.SAME_DAY_CUTOFF`); to count without a cut-off, build
    ``ProcessingTime(amount=0, unit=TimeUnit.SAME_DAY, cutoff=None)``.

    Args:
        amount: the amount (``>= 0``; ``0`` for a same-day time).
        unit: a :class:`~onestop.models.TimeUnit` or its name (``"working-days"``...).
        policy: the counting policy, object or name, that will count it.
        cutoff: the same-day cut-off (``datetime.time`` or ``"HH:MM"``); same-day only.

    Raises:
        InvalidInputError: an unknown unit or policy, a negative amount, a cut-off for another
            unit, a same-day amount other than 0.
    """
    if unit is not None:
        time_unit = parse_unit(unit)
    elif policy is not None:
        named = policy if isinstance(policy, CountingPolicy) else policy_by_name(policy)
        time_unit = named.default_unit
    else:
        time_unit = TimeUnit.WORKING_DAYS
    if cutoff is not None and time_unit is not TimeUnit.SAME_DAY:
        raise InvalidInputError(
            f"cutoff: a cut-off applies to same-day processing times, not {time_unit.value}",
            field="cutoff",
        )
    given: object = amount  # callers without a type checker may pass anything
    if isinstance(given, bool) or not isinstance(given, int) or given < 0:
        raise InvalidInputError(f"amount: expected an integer >= 0, got {amount!r}", field="amount")
    try:
        if cutoff is None:
            return ProcessingTime(amount=amount, unit=time_unit)
        return ProcessingTime(amount=amount, unit=time_unit, cutoff=_parse_cutoff(cutoff))
    except InvalidDossierError as exc:  # the parts do not make a processing time
        raise InvalidInputError(exc.message, field=exc.field) from None
