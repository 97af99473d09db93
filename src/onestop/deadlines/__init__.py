"""Calendars and deadlines.

The Vietnamese lunar calendar (UTC+7), public holidays and the official civil-service
schedules, office hours, and the deadline engine.
"""

from __future__ import annotations

from onestop.deadlines._types import Holiday, HolidayKind

__all__ = ["Holiday", "HolidayKind"]
