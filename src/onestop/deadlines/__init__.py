"""Calendars and deadlines.

The Vietnamese lunar calendar (UTC+7), public holidays and the official civil-service
schedules, office hours, and the deadline engine.
"""

from __future__ import annotations

from onestop.deadlines._ics import to_ics
from onestop.deadlines._types import Holiday, HolidayKind
from onestop.deadlines.calendar import (
    DayInfo,
    DayKind,
    HolidaySource,
    StaticHolidaySource,
    WorkCalendar,
    civil_service_calendar,
)
from onestop.deadlines.holidays import (
    HolidaySchedule,
    Notice,
    load_notice,
    official_schedule,
)
from onestop.deadlines.hours import OfficeHours, OfficeHoursSchedule, Session
from onestop.deadlines.lunar import (
    LunarCalendar,
    LunarDate,
    from_lunar,
    hung_kings_day,
    leap_month,
    lunar_new_year,
    month_starts,
    to_lunar,
)
from onestop.deadlines.policies import (
    POLICIES,
    CalendarDaysPolicy,
    CountingPolicy,
    Deadline,
    ExplanationStep,
    MonthsPolicy,
    SameDayPolicy,
    StepKind,
    WorkingDaysPolicy,
    WorkingHoursPolicy,
    compute_due,
    policy_by_name,
    policy_for,
)

__all__ = [
    "POLICIES",
    "CalendarDaysPolicy",
    "CountingPolicy",
    "DayInfo",
    "DayKind",
    "Deadline",
    "ExplanationStep",
    "Holiday",
    "HolidayKind",
    "HolidaySchedule",
    "HolidaySource",
    "LunarCalendar",
    "LunarDate",
    "MonthsPolicy",
    "Notice",
    "OfficeHours",
    "OfficeHoursSchedule",
    "SameDayPolicy",
    "Session",
    "StaticHolidaySource",
    "StepKind",
    "WorkCalendar",
    "WorkingDaysPolicy",
    "WorkingHoursPolicy",
    "civil_service_calendar",
    "compute_due",
    "from_lunar",
    "hung_kings_day",
    "leap_month",
    "load_notice",
    "lunar_new_year",
    "month_starts",
    "official_schedule",
    "policy_by_name",
    "policy_for",
    "to_ics",
    "to_lunar",
]
