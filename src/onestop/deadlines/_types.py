"""Value types shared by the holiday data, the lunar calendar and the working calendar."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Iterator
from enum import StrEnum

import attrs

from onestop.deadlines._text import Lang, formatter
from onestop.errors import InvalidInputError

__all__ = ["Holiday", "HolidayKind", "RestDayRule", "WeeklyRest", "WorkingTime"]


class HolidayKind(StrEnum):
    """What a calendar entry does to the civil-service working week.

    Every kind except ``MAKE_UP_WORKING_DAY`` is a day off.
    """

    STATUTORY = "statutory"
    """A public holiday of the Labor Code (e.g. BLLĐ 2019 Art. 112(1))."""
    COMPENSATORY = "compensatory"
    """Nghỉ bù: a holiday fell on a weekly rest day (BLLĐ 2019 Art. 111(3))."""
    SWAPPED_DAY_OFF = "swapped_day_off"
    """Ngày nghỉ hoán đổi: a working day given off, worked back on a make-up day."""
    MAKE_UP_WORKING_DAY = "make_up_working_day"
    """Ngày làm bù: a weekly rest day (usually a Saturday) that is worked."""
    EXTRA_DAY_OFF = "extra_day_off"
    """Any other official closure (a province's own notice, a national mourning day off...)."""

    @property
    def is_day_off(self) -> bool:
        """Whether the kind makes the day a non-working day."""
        return self is not HolidayKind.MAKE_UP_WORKING_DAY


@attrs.frozen(slots=True, order=False)
class Holiday:
    """One dated entry of the civil-service calendar.

    Attributes:
        date: the calendar day (Gregorian, Vietnam local date).
        name_vi: Vietnamese name, e.g. ``"Tết Nguyên đán"``.
        name_en: English name, e.g. ``"Lunar New Year"``.
        kind: what the entry does (day off or make-up working day).
        basis: the legal basis or notice, e.g. ``"BLLĐ 2019 Điều 112"`` or
            ``"Công văn 12729/VPCP-KGVX"``.
        source_url: where the notice can be read, when known.
        provisional: ``True`` when no official notice for the year was available and the entry
            was derived from the statutes alone.
    """

    date: dt.date
    name_vi: str
    name_en: str
    kind: HolidayKind
    basis: str
    source_url: str | None = None
    provisional: bool = False

    @property
    def is_day_off(self) -> bool:
        """Whether the entry makes its date a non-working day."""
        return self.kind.is_day_off


def _weekdays_converter(value: Iterable[int]) -> frozenset[int]:
    try:
        days = frozenset(value)
    except TypeError:
        raise InvalidInputError(
            "rest_days: expected a set of weekday numbers 0 (Monday) .. 6 (Sunday), e.g. {5, 6}; "
            f"got {type(value).__name__}",
            field="rest_days",
        ) from None
    if not all(type(d) is int for d in days) or not days <= frozenset(range(7)) or len(days) == 7:
        raise InvalidInputError(
            "rest_days: expected weekday numbers 0 (Monday) .. 6 (Sunday), not all seven",
            field="rest_days",
        )
    return days


@attrs.frozen(slots=True)
class RestDayRule:
    """The weekly rest days in force from a date on.

    Attributes:
        effective_from: the first local date the rule applies to.
        weekdays: the rest days, ``date.weekday()`` numbers (0 = Monday … 6 = Sunday); not all
            seven (an empty set is a seven-day week).
        basis: the text that sets them, cited by explanations (e.g.
            ``"QĐ 188/1999/QĐ-TTg Điều 1"``).
    """

    effective_from: dt.date
    weekdays: frozenset[int] = attrs.field(converter=_weekdays_converter)
    basis: str = ""

    def __attrs_post_init__(self) -> None:
        if type(self.effective_from) is not dt.date:
            raise InvalidInputError(
                "rest_days: effective_from must be a datetime.date, got "
                f"{type(self.effective_from).__name__}",
                field="rest_days",
            )


def _rules_converter(value: Iterable[RestDayRule]) -> tuple[RestDayRule, ...]:
    try:
        rules = tuple(value)
    except TypeError:
        rules = ()
    if not rules or not all(isinstance(r, RestDayRule) for r in rules):
        raise InvalidInputError(
            "rest_days: expected at least one RestDayRule(effective_from, weekdays, basis)",
            field="rest_days",
        )
    rules = tuple(sorted(rules, key=lambda r: r.effective_from))
    if len({r.effective_from for r in rules}) != len(rules):
        raise InvalidInputError(
            "rest_days: two rules take effect on the same date", field="rest_days"
        )
    return rules


@attrs.frozen(slots=True)
class WeeklyRest:
    """Effective-dated weekly rest days: which weekdays are not worked, from which date.

    The one source of the weekly rest days: the civil-service calendar
    (:data:`onestop.deadlines.CIVIL_SERVICE_REST_DAYS`) is read by both the holiday schedule
    and the working calendar, and an agency with another week gives its own to
    :class:`~onestop.deadlines.WorkCalendar` (``rest_days=``). Dates before the first rule
    follow the first rule.

    Attributes:
        rules: the rules, sorted by ``effective_from`` (each applies until the next one).

    Example:
        >>> import datetime as dt
        >>> week = WeeklyRest((RestDayRule(dt.date(1995, 1, 1), {6}),
        ...                    RestDayRule(dt.date(1999, 10, 2), {5, 6})))
        >>> week.is_rest_day(dt.date(1999, 9, 25)), week.is_rest_day(dt.date(1999, 10, 2))
        (False, True)
    """

    rules: tuple[RestDayRule, ...] = attrs.field(converter=_rules_converter)
    _starts: tuple[int, ...] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_starts", tuple(r.effective_from.toordinal() for r in self.rules))

    @classmethod
    def constant(cls, weekdays: Iterable[int], *, basis: str = "") -> WeeklyRest:
        """The same rest days on every date (e.g. ``WeeklyRest.constant({6})``)."""
        return cls((RestDayRule(dt.date.min, _weekdays_converter(weekdays), basis),))

    def rule_on(self, day: dt.date) -> RestDayRule:
        """The rule in force on ``day``."""
        if len(self.rules) == 1:
            return self.rules[0]
        i = bisect.bisect_right(self._starts, day.toordinal()) - 1
        return self.rules[max(i, 0)]

    def weekdays_on(self, day: dt.date) -> frozenset[int]:
        """The rest weekdays in force on ``day``."""
        return self.rule_on(day).weekdays

    def is_rest_day(self, day: dt.date) -> bool:
        """Whether ``day`` is a weekly rest day (before any holiday or make-up day)."""
        return day.weekday() in self.rule_on(day).weekdays

    def basis_on(self, day: dt.date) -> str:
        """The text that makes ``day``'s weekday a rest day (empty when none is recorded)."""
        return self.rule_on(day).basis

    def segments(
        self, first: dt.date, last: dt.date
    ) -> Iterator[tuple[dt.date, dt.date, RestDayRule]]:
        """``(from, to, rule)`` for each run of ``first .. last`` (inclusive) under one rule."""
        lo, hi = first.toordinal(), last.toordinal()
        for k, rule in enumerate(self.rules):
            start = max(lo, rule.effective_from.toordinal() if k else lo)
            end = hi if k + 1 == len(self.rules) else min(hi, self._starts[k + 1] - 1)
            if start <= end:
                yield dt.date.fromordinal(start), dt.date.fromordinal(end), rule


_US_PER_SECOND = 1_000_000
_US_PER_MINUTE = 60_000_000


def _int_us(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError(
            "working time: expected an integer number of microseconds, got "
            f"{type(value).__name__}; use WorkingTime.of(hours=..., minutes=...)",
            field="working_time",
        )
    return value


@attrs.frozen(slots=True, order=True, repr=False)
class WorkingTime:
    """An exact, signed duration of office time (giờ làm việc).

    Office time counts only the sessions of working days: from Friday 16:00 to Monday 08:30 there
    is 1 h 30 min of it under the usual timetable. Returned by
    :meth:`WorkCalendar.working_time_between <onestop.deadlines.WorkCalendar.working_time_between>`,
    :meth:`Deadline.remaining <onestop.deadlines.Deadline.remaining>` and the dossier clock;
    accepted (as is a :class:`datetime.timedelta`) by ``add_working_time``. It is not a
    :class:`~datetime.timedelta`, whose text ("1 day, 22:30:00") would read as elapsed time.

    Attributes:
        microseconds: the duration in microseconds (negative once a deadline is overdue).

    Example:
        >>> WorkingTime.of(hours=2, minutes=30).text("vi")
        '2 giờ 30 phút làm việc'
        >>> WorkingTime.of(hours=2, minutes=30).text("en")
        '2 h 30 min of office time'
    """

    microseconds: int = attrs.field(converter=_int_us)

    @classmethod
    def of(cls, *, hours: int = 0, minutes: int = 0, seconds: int = 0) -> WorkingTime:
        """A duration from whole hours, minutes and seconds (each may be negative)."""
        total = (_int_us(hours) * 60 + _int_us(minutes)) * 60 + _int_us(seconds)
        return cls(total * _US_PER_SECOND)

    @classmethod
    def from_timedelta(cls, value: dt.timedelta) -> WorkingTime:
        """The same length as ``value``, read as office time."""
        if not isinstance(value, dt.timedelta):
            raise InvalidInputError(
                f"working time: expected a datetime.timedelta, got {type(value).__name__}",
                field="working_time",
            )
        return cls((value.days * 86_400 + value.seconds) * _US_PER_SECOND + value.microseconds)

    def total_seconds(self) -> float:
        """The duration in seconds (as :meth:`datetime.timedelta.total_seconds`)."""
        return self.microseconds / _US_PER_SECOND

    def total_minutes(self) -> int:
        """The duration in whole minutes, rounded down (``-1`` for -30 seconds)."""
        return self.microseconds // _US_PER_MINUTE

    def to_timedelta(self) -> dt.timedelta:
        """The same length as a :class:`datetime.timedelta`."""
        return dt.timedelta(microseconds=self.microseconds)

    def text(self, lang: Lang = "vi") -> str:
        """The duration in words: ``2 giờ 30 phút làm việc`` / ``2 h 30 min of office time``."""
        return formatter(lang).working_time(self.microseconds)

    def __add__(self, other: object) -> WorkingTime:
        if not isinstance(other, WorkingTime):
            return NotImplemented
        return WorkingTime(self.microseconds + other.microseconds)

    def __sub__(self, other: object) -> WorkingTime:
        if not isinstance(other, WorkingTime):
            return NotImplemented
        return WorkingTime(self.microseconds - other.microseconds)

    def __mul__(self, factor: object) -> WorkingTime:
        """Scaled by a number (rounded to the microsecond, as :class:`datetime.timedelta`)."""
        if isinstance(factor, bool) or not isinstance(factor, int | float):
            return NotImplemented
        return WorkingTime(round(self.microseconds * factor))

    __rmul__ = __mul__

    def __neg__(self) -> WorkingTime:
        return WorkingTime(-self.microseconds)

    def __abs__(self) -> WorkingTime:
        return WorkingTime(abs(self.microseconds))

    def __bool__(self) -> bool:
        return self.microseconds != 0

    def __str__(self) -> str:
        return self.text("en")

    def __repr__(self) -> str:
        return f"<WorkingTime {self.text('en')}>"
