"""Calendars and deadlines.

The Vietnamese lunar calendar (UTC+7), public holidays and the official civil-service
schedules, office hours, and the deadline engine.
"""

from __future__ import annotations

from onestop.deadlines._types import Holiday, HolidayKind
from onestop.deadlines.calendar import (
    DayInfo,
    DayKind,
    HolidaySource,
    StaticHolidaySource,
    WorkCalendar,
    civil_service_calendar,
)
from onestop.deadlines.hours import OfficeHours, OfficeHoursSchedule, Session

__all__ = [
    "DayInfo",
    "DayKind",
    "Holiday",
    "HolidayKind",
    "HolidaySource",
    "OfficeHours",
    "OfficeHoursSchedule",
    "Session",
    "StaticHolidaySource",
    "WorkCalendar",
    "civil_service_calendar",
]
