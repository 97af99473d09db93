"""Calendars and deadlines.

The Vietnamese lunar calendar (UTC+7), public holidays and the official civil-service
schedules, office hours, the deadline engine (:func:`compute_due`), the dossier clock
(:class:`DossierClock`) and the explanations of both (:mod:`onestop.deadlines.explain`). The
NumPy twins of the calendar and the engine are in :mod:`onestop.deadlines.bulk` (``numpy``
extra).
"""

from __future__ import annotations

from onestop.deadlines._ics import to_ics
from onestop.deadlines._index import CalendarIndex
from onestop.deadlines._statutes import CIVIL_SERVICE_REST_DAYS
from onestop.deadlines._types import Holiday, HolidayKind, RestDayRule, WeeklyRest, WorkingTime
from onestop.deadlines.calendar import (
    DayInfo,
    DayKind,
    HolidaySource,
    StaticHolidaySource,
    WorkCalendar,
    civil_service_calendar,
    default_calendar,
)
from onestop.deadlines.clock import (
    ClockFlag,
    DossierClock,
    ExtensionSpan,
    FlagCode,
    LienThongSpan,
    StepDeadline,
    Submission,
)
from onestop.deadlines.deadline import Deadline
from onestop.deadlines.explain import Explanation, ExplanationStep, StepKind, Topic
from onestop.deadlines.holidays import (
    HolidaySchedule,
    Notice,
    load_notice,
    official_schedule,
    parse_notice,
)
from onestop.deadlines.hours import OfficeHours, OfficeHoursSchedule, Session
from onestop.deadlines.lunar import (
    LunarArrays,
    LunarCalendar,
    LunarDate,
    from_lunar,
    hung_kings_day,
    leap_month,
    lunar_new_year,
    month_starts,
    to_lunar,
    to_lunar_array,
)
from onestop.deadlines.policies import (
    POLICIES,
    CalendarDaysPolicy,
    CountingPolicy,
    MonthsPolicy,
    SameDayPolicy,
    WorkingDaysPolicy,
    WorkingHoursPolicy,
    compute_due,
    parse_processing_time,
    policy_by_name,
    policy_for,
    resolve_policy,
)
from onestop.deadlines.rules import (
    ERAS,
    RULE_SETS,
    RULES_61_2018,
    RULES_118_2025,
    Citation,
    Rule,
    RuleSet,
    rules_by_name,
    rules_for,
)
from onestop.deadlines.supplements import (
    PAUSE,
    RESTART,
    SUPPLEMENT_POLICIES,
    PauseDuringSupplement,
    RestartOnResubmission,
    SupplementPolicy,
    supplement_policy_by_name,
)
from onestop.deadlines.timeliness import (
    EndInstant,
    EndKind,
    SupplementSpan,
    Timeliness,
    classify,
    classify_766,
    end_instant_766,
)

__all__ = [
    "CIVIL_SERVICE_REST_DAYS",
    "ERAS",
    "PAUSE",
    "POLICIES",
    "RESTART",
    "RULES_61_2018",
    "RULES_118_2025",
    "RULE_SETS",
    "SUPPLEMENT_POLICIES",
    "CalendarDaysPolicy",
    "CalendarIndex",
    "Citation",
    "ClockFlag",
    "CountingPolicy",
    "DayInfo",
    "DayKind",
    "Deadline",
    "DossierClock",
    "EndInstant",
    "EndKind",
    "Explanation",
    "ExplanationStep",
    "ExtensionSpan",
    "FlagCode",
    "Holiday",
    "HolidayKind",
    "HolidaySchedule",
    "HolidaySource",
    "LienThongSpan",
    "LunarArrays",
    "LunarCalendar",
    "LunarDate",
    "MonthsPolicy",
    "Notice",
    "OfficeHours",
    "OfficeHoursSchedule",
    "PauseDuringSupplement",
    "RestDayRule",
    "RestartOnResubmission",
    "Rule",
    "RuleSet",
    "SameDayPolicy",
    "Session",
    "StaticHolidaySource",
    "StepDeadline",
    "StepKind",
    "Submission",
    "SupplementPolicy",
    "SupplementSpan",
    "Timeliness",
    "Topic",
    "WeeklyRest",
    "WorkCalendar",
    "WorkingDaysPolicy",
    "WorkingHoursPolicy",
    "WorkingTime",
    "civil_service_calendar",
    "classify",
    "classify_766",
    "compute_due",
    "default_calendar",
    "end_instant_766",
    "from_lunar",
    "hung_kings_day",
    "leap_month",
    "load_notice",
    "lunar_new_year",
    "month_starts",
    "official_schedule",
    "parse_notice",
    "parse_processing_time",
    "policy_by_name",
    "policy_for",
    "resolve_policy",
    "rules_by_name",
    "rules_for",
    "supplement_policy_by_name",
    "to_ics",
    "to_lunar",
    "to_lunar_array",
]
