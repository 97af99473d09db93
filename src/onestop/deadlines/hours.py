"""Office hours (giờ làm việc) of an agency: daily sessions, effective-dated.

The civil-service week is 40 hours in five days (QĐ 188/1999/QĐ-TTg Art. 1); the daily
timetable is set by each province or agency, typically 07:30–11:30 and 13:00–17:00 (some
provinces use 07:00–11:30 and 13:30–17:00, or summer and winter timetables). An
:class:`OfficeHours` is one daily timetable; an :class:`OfficeHoursSchedule` says which timetable
applies from which date, so that a timetable change does not rewrite past deadlines.

Times are Vietnam local wall-clock times (Asia/Ho_Chi_Minh, UTC+7, no daylight saving time).
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable
from typing import cast

import attrs

from onestop.errors import InvalidInputError

__all__ = [
    "DEFAULT_OFFICE_HOURS",
    "OfficeHours",
    "OfficeHoursSchedule",
    "Session",
]

_US_PER_MINUTE = 60_000_000
_SESSION_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$")


def _minute_of(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def _check_time(value: dt.time, field: str) -> None:
    if not isinstance(value, dt.time):
        raise InvalidInputError(
            f"{field} must be a datetime.time, got {type(value).__name__}", field=field
        )
    if value.tzinfo is not None or value.second or value.microsecond:
        raise InvalidInputError(
            f"{field} must be a local wall-clock time in whole minutes without a time zone "
            f"(e.g. time(7, 30)), got {value.isoformat()}",
            field=field,
        )


@attrs.frozen(slots=True)
class Session:
    """One office session of a working day, ``[start, end)`` in local wall-clock time.

    Attributes:
        start: opening time, whole minutes (e.g. ``time(7, 30)``).
        end: closing time, whole minutes, later than ``start`` on the same day.
    """

    start: dt.time
    end: dt.time

    def __attrs_post_init__(self) -> None:
        _check_time(self.start, "session.start")
        _check_time(self.end, "session.end")
        if _minute_of(self.end) <= _minute_of(self.start):
            raise InvalidInputError(
                f"session.end ({self.end:%H:%M}) must be later than session.start "
                f"({self.start:%H:%M}) on the same day",
                field="session.end",
            )

    @property
    def minutes(self) -> int:
        """Length of the session in minutes."""
        return _minute_of(self.end) - _minute_of(self.start)

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


def _sessions_converter(value: Iterable[Session]) -> tuple[Session, ...]:
    try:
        sessions = tuple(value)
    except TypeError:
        raise InvalidInputError(
            "office_hours.sessions must be an iterable of Session objects, got "
            f"{type(value).__name__}",
            field="office_hours.sessions",
        ) from None
    for s in sessions:
        if not isinstance(s, Session):
            raise InvalidInputError(
                f"office_hours.sessions must contain Session objects, got {type(s).__name__}; "
                "use OfficeHours.parse('07:30-11:30, 13:00-17:00') for text",
                field="office_hours.sessions",
            )
    return tuple(sorted(sessions, key=lambda s: _minute_of(s.start)))


@attrs.frozen(slots=True)
class OfficeHours:
    """The daily office timetable of an agency: one or more sessions.

    Every working day of a :class:`~onestop.deadlines.calendar.WorkCalendar` uses the same
    sessions (a make-up Saturday is a full working day). Sessions are sorted and must not
    overlap.

    Attributes:
        sessions: the sessions of the day, sorted by start.

    Example:
        >>> OfficeHours.parse("07:30-11:30, 13:00-17:00").minutes
        480
    """

    sessions: tuple[Session, ...] = attrs.field(converter=_sessions_converter)
    _bounds: tuple[tuple[int, int], ...] = attrs.field(init=False, repr=False, eq=False)
    """Each session's start and end in microseconds after midnight (derived once: the
    working-time arithmetic reads them on every call)."""

    def __attrs_post_init__(self) -> None:
        if not self.sessions:
            raise InvalidInputError(
                "office_hours.sessions must contain at least one session such as 07:30-11:30",
                field="office_hours.sessions",
            )
        for before, after in zip(self.sessions, self.sessions[1:], strict=False):
            if _minute_of(after.start) < _minute_of(before.end):
                raise InvalidInputError(
                    f"office_hours.sessions overlap: {before} and {after}; give disjoint "
                    "sessions such as 07:30-11:30, 13:00-17:00",
                    field="office_hours.sessions",
                )
        bounds = tuple(
            (_minute_of(s.start) * _US_PER_MINUTE, _minute_of(s.end) * _US_PER_MINUTE)
            for s in self.sessions
        )
        object.__setattr__(self, "_bounds", bounds)

    @classmethod
    def parse(cls, text: str) -> OfficeHours:
        """Build office hours from text such as ``"07:30-11:30, 13:00-17:00"``.

        Args:
            text: comma-separated ``HH:MM-HH:MM`` sessions, local time.

        Returns:
            The office hours.

        Raises:
            InvalidInputError: when a session is not of the form ``HH:MM-HH:MM``.
        """
        if not isinstance(text, str):
            raise InvalidInputError(
                "office_hours must be text such as '07:30-11:30, 13:00-17:00', got "
                f"{type(text).__name__}",
                field="office_hours",
            )
        sessions: list[Session] = []
        for part in text.split(","):
            match = _SESSION_RE.match(part)
            if match is None:
                raise InvalidInputError(
                    f"office_hours: {part.strip()!r} is not a session of the form HH:MM-HH:MM "
                    "(e.g. '07:30-11:30, 13:00-17:00')",
                    field="office_hours",
                )
            h1, m1, h2, m2 = (int(g) for g in match.groups())
            try:
                sessions.append(Session(dt.time(h1, m1), dt.time(h2, m2)))
            except ValueError as exc:
                if isinstance(exc, InvalidInputError):
                    raise
                raise InvalidInputError(
                    f"office_hours: {part.strip()!r} has an impossible time; use 00:00-23:59",
                    field="office_hours",
                ) from None
        return cls(tuple(sessions))

    @property
    def minutes(self) -> int:
        """Working minutes in one working day (e.g. 480 for eight hours)."""
        return sum(s.minutes for s in self.sessions)

    @property
    def opening(self) -> dt.time:
        """Start of the first session."""
        return self.sessions[0].start

    @property
    def closing(self) -> dt.time:
        """End of the last session: the time at which a day-based deadline falls due."""
        return self.sessions[-1].end

    def is_open(self, t: dt.time) -> bool:
        """Whether local time ``t`` is inside a session (start included, end excluded)."""
        us = ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond
        return any(start <= us < end for start, end in self._bounds)

    def worked_before(self, t: dt.time) -> int:
        """Working time elapsed in the day before local time ``t``, in microseconds.

        ``0`` before the opening; :attr:`minutes` × 60,000,000 from the closing on.
        """
        return self.worked_before_us(
            ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond
        )

    def worked_before_us(self, time_us: int) -> int:
        """:meth:`worked_before` of a time of day given in microseconds after midnight."""
        total = 0
        for start, end in self._bounds:
            if time_us <= start:
                break
            total += min(time_us, end) - start
        return total

    def time_at(self, worked: int) -> dt.time:
        """The local time at which ``worked`` microseconds of the day have been worked.

        A value that completes a session maps to that session's end (so the whole day maps to
        :attr:`closing`, not to the next opening).

        Args:
            worked: microseconds of working time, ``0 <= worked <= minutes × 60,000,000``.

        Returns:
            The local wall-clock time.
        """
        # a session ends at 23:59 at the latest (Session refuses an end not after its start)
        seconds, micro = divmod(self.time_at_us(worked), 1_000_000)
        return dt.time(seconds // 3600, seconds // 60 % 60, seconds % 60, micro)

    def time_at_us(self, worked: int) -> int:
        """:meth:`time_at` as microseconds after midnight."""
        remaining = worked
        for start, end in self._bounds:
            if remaining <= end - start:
                return start + remaining
            remaining -= end - start
        raise InvalidInputError(
            f"worked time {worked} µs exceeds the {self.minutes} minutes of the day",
            field="worked",
        )

    def __str__(self) -> str:
        return ", ".join(str(s) for s in self.sessions)


#: The common timetable 07:30–11:30 and 13:00–17:00 (eight hours), used when none is given.
DEFAULT_OFFICE_HOURS = OfficeHours((Session(dt.time(7, 30), dt.time(11, 30)),
                                    Session(dt.time(13, 0), dt.time(17, 0))))  # fmt: skip


def _entries_converter(
    value: Iterable[tuple[dt.date, OfficeHours]],
) -> tuple[tuple[dt.date, OfficeHours], ...]:
    items: tuple[object, ...]
    try:
        items = tuple(value)
    except TypeError:
        items = (value,)
    if not all(isinstance(e, tuple) and len(e) == 2 for e in items):
        raise InvalidInputError(
            "office_hours_schedule.entries must be (effective_from date, OfficeHours) pairs",
            field="office_hours_schedule.entries",
        )
    entries = cast("tuple[tuple[dt.date, OfficeHours], ...]", items)
    for day, _ in entries:
        if type(day) is not dt.date:
            raise InvalidInputError(
                "office_hours_schedule.entries: effective_from must be a datetime.date, got "
                f"{type(day).__name__}",
                field="office_hours_schedule.entries",
            )
    return tuple(sorted(entries, key=lambda e: e[0]))


@attrs.frozen(slots=True)
class OfficeHoursSchedule:
    """Effective-dated office hours of one agency.

    Each entry ``(effective_from, hours)`` applies from its date until the next entry. Dates
    before the first entry use the first entry (so a schedule of one entry is constant).

    Attributes:
        entries: ``(effective_from, OfficeHours)`` pairs, sorted by date.
        agency: optional label of the agency (e.g. an agency code), for display only.

    Example:
        >>> import datetime as dt
        >>> summer = OfficeHours.parse("07:00-11:30, 13:30-17:00")
        >>> s = OfficeHoursSchedule([(dt.date(2020, 1, 1), DEFAULT_OFFICE_HOURS),
        ...                          (dt.date(2026, 4, 15), summer)])
        >>> str(s.for_date(dt.date(2026, 5, 4)))
        '07:00–11:30, 13:30–17:00'
    """

    entries: tuple[tuple[dt.date, OfficeHours], ...] = attrs.field(converter=_entries_converter)
    agency: str | None = None
    _starts: tuple[int, ...] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        if not self.entries:
            raise InvalidInputError(
                "office_hours_schedule.entries must contain at least one (date, OfficeHours)",
                field="office_hours_schedule.entries",
            )
        starts = []
        for day, hours in self.entries:
            if type(day) is not dt.date:
                raise InvalidInputError(
                    "office_hours_schedule.entries: effective_from must be a datetime.date",
                    field="office_hours_schedule.entries",
                )
            if not isinstance(hours, OfficeHours):
                raise InvalidInputError(
                    "office_hours_schedule.entries: hours must be an OfficeHours",
                    field="office_hours_schedule.entries",
                )
            starts.append(day.toordinal())
        if len(set(starts)) != len(starts):
            raise InvalidInputError(
                "office_hours_schedule.entries has two entries with the same effective date",
                field="office_hours_schedule.entries",
            )
        object.__setattr__(self, "_starts", tuple(starts))

    @classmethod
    def constant(cls, hours: OfficeHours, *, agency: str | None = None) -> OfficeHoursSchedule:
        """A schedule with the same office hours on every date."""
        return cls(((dt.date(1, 1, 1), hours),), agency=agency)

    @property
    def is_constant(self) -> bool:
        """Whether every date has the same office hours."""
        return len({h for _, h in self.entries}) == 1

    def for_date(self, day: dt.date) -> OfficeHours:
        """The office hours in force on ``day``."""
        if len(self.entries) == 1:
            return self.entries[0][1]
        i = bisect.bisect_right(self._starts, day.toordinal()) - 1
        return self.entries[max(i, 0)][1]

    def distinct(self) -> tuple[OfficeHours, ...]:
        """The distinct timetables of the schedule, in order of first use."""
        return tuple(dict.fromkeys(h for _, h in self.entries))
