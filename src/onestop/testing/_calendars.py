"""Working calendars for tests: the civil-service calendar with a test's own overrides."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

from onestop.deadlines import (
    CIVIL_SERVICE_REST_DAYS,
    Holiday,
    HolidaySchedule,
    Notice,
    OfficeHours,
    OfficeHoursSchedule,
    WeeklyRest,
    WorkCalendar,
    civil_service_calendar,
    official_schedule,
)

__all__ = ["NoticeLike", "make_work_calendar"]

#: A notice as :meth:`HolidaySchedule.with_notice` takes it: a parsed :class:`Notice`
#: (:func:`onestop.deadlines.parse_notice` reads TOML or JSON text), a mapping in the notice
#: format, or the path of a ``.toml`` / ``.json`` file.
NoticeLike = Notice | Mapping[str, Any] | str | os.PathLike[str]


def _notices(value: NoticeLike | Iterable[NoticeLike]) -> tuple[NoticeLike, ...]:
    if isinstance(value, Notice | Mapping | str | os.PathLike):
        return (value,)  # one notice, not an iterable of them (a path is not its characters)
    return tuple(value)


def make_work_calendar(
    *,
    notices: NoticeLike | Iterable[NoticeLike] = (),
    office_hours: OfficeHours | OfficeHoursSchedule | str | None = None,
    rest_days: WeeklyRest | Iterable[int] = CIVIL_SERVICE_REST_DAYS,
    extra_holidays: Iterable[Holiday] = (),
    culture_day: bool = True,
    warn_provisional: bool = True,
) -> WorkCalendar:
    """The civil-service working calendar with a test's overrides (a new object each call).

    Starts from the official schedule shipped with onestop (statutes and the bundled notices,
    :func:`~onestop.deadlines.official_schedule`) and applies, in order, each of ``notices``
    (later ones win, as ``HolidaySchedule.with_notice`` does): next year's notice before
    onestop ships it, a province's closure, a swap cancelled.
    The rest is :func:`~onestop.deadlines.civil_service_calendar`'s.

    Example:
        >>> import datetime as dt
        >>> from onestop.deadlines import parse_notice
        >>> closure = parse_notice('''
        ... [sources.UBND-X]
        ... title = "Quyết định 99/QĐ-UBND tỉnh X"
        ... [[year]]
        ... year = 2026
        ... [[year.days]]
        ... date = 2026-03-10
        ... kind = "extra_day_off"
        ... source = "UBND-X"
        ... name_vi = "Nghỉ lễ hội địa phương"
        ... name_en = "Local festival closure"
        ... ''')
        >>> cal = make_work_calendar(notices=closure, office_hours="07:00-11:30, 13:30-17:00")
        >>> cal.is_working_day(dt.date(2026, 3, 10))
        False

    Args:
        notices: one notice or several (:data:`NoticeLike`).
        office_hours: the agency's office hours (default 07:30–11:30, 13:00–17:00).
        rest_days: the weekly rest days (default the civil-service rule by era; a set of
            weekday numbers, ``0`` = Monday, applies on every date).
        extra_holidays: entries that override the schedule on their dates.
        culture_day: treat 24/11 (Ngày Văn hóa Việt Nam, NQ 28/2026/QH16 Art. 2) as a day
            off from 1 July 2026.
        warn_provisional: warn when an answer depends on a year without an official notice.

    Returns:
        The calendar.

    Raises:
        CalendarDataError: a notice is invalid (the message names the entry).
        InvalidInputError: an unacceptable office-hours text, rest-day set or entry.
        ConfigurationError: ``culture_day`` is not a bool.
    """
    schedule: HolidaySchedule = official_schedule(culture_day=culture_day)
    for notice in _notices(notices):
        schedule = schedule.with_notice(notice)
    return civil_service_calendar(
        schedule=schedule,
        office_hours=office_hours,
        extra_holidays=extra_holidays,
        rest_days=rest_days,
        warn_provisional=warn_provisional,
    )
