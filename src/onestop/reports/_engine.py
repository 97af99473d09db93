"""The one place where reports call the deadline engine.

Every call :mod:`onestop.reports` makes into :mod:`onestop.deadlines` goes through this module
(bulk due dates, bulk early/on-time/late, working days taken, and the scalar deadline with its
explanation for the audit), so that a change of the engine's signatures is absorbed here.

The bulk and scalar paths are given the same counting policy for a unit: the policy registered
under the unit's own name (``working_days`` -> ``"working-days"``, ``same_day`` ->
``"same-day"`` with its 15:00 cut-off, …), so the audit's explanation always describes the
date the bulk path computed.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from typing import Any

import numpy as np

from onestop.deadlines import WorkCalendar, bulk, compute_due
from onestop.deadlines import default_calendar as _shared_calendar
from onestop.models import ProcessingTime, TimeUnit
from onestop.tz import VN_TZ

__all__ = [
    "EARLY",
    "LATE",
    "ON_TIME",
    "VN_TZ",
    "WorkCalendar",
    "default_calendar",
    "due_dates",
    "explain_due",
    "outcomes",
    "policy_name",
    "provisional_years",
    "quiet",
    "working_days_taken",
]

#: Outcome codes of a finished dossier (Circular 01/2018/TT-VPCP Art. 13 date rule).
EARLY, ON_TIME, LATE = bulk.EARLY, bulk.ON_TIME, bulk.LATE


def default_calendar() -> WorkCalendar:
    """The civil-service calendar with the official notices (the engine's shared default)."""
    return _shared_calendar()


_QUIET: weakref.WeakKeyDictionary[WorkCalendar, WorkCalendar] = weakref.WeakKeyDictionary()
_QUIET_LOCK = threading.Lock()


def quiet(calendar: WorkCalendar) -> WorkCalendar:
    """``calendar`` without its :class:`~onestop.errors.ProvisionalCalendarWarning`.

    The report flags provisional years itself (:func:`provisional_years`), per row, so that
    batches can run on several threads: Python's warning filters are process-wide, so
    capturing warnings on one thread while another emits them is not reliable. The quiet
    twin is made once per calendar (it builds its own index).
    """
    if not calendar.warn_provisional:
        return calendar
    with _QUIET_LOCK:
        twin = _QUIET.get(calendar)
        if twin is None:
            twin = _QUIET[calendar] = calendar.replace(warn_provisional=False)
    return twin


def provisional_years(calendar: WorkCalendar) -> frozenset[int]:
    """The years of ``calendar`` without an official civil-service notice."""
    first, last = dt.date(calendar.first_year, 1, 1), dt.date(calendar.last_year, 12, 31)
    return frozenset(calendar.provisional_years(first, last))


def policy_name(unit: TimeUnit) -> str:
    """The registered counting policy used for ``unit`` (bulk and scalar alike)."""
    return unit.value.replace("_", "-")


def due_dates(
    calendar: WorkCalendar,
    received: np.ndarray[Any, Any],
    amounts: np.ndarray[Any, Any],
    unit: TimeUnit,
) -> np.ndarray[Any, Any]:
    """Due instants (local ``datetime64[us]``) for local receipts and amounts of one unit."""
    return bulk.due_dates(received, amounts, unit=unit, calendar=calendar, policy=policy_name(unit))


def outcomes(end: np.ndarray[Any, Any], due: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Early / on-time / late codes of finished rows (local instants, no ``NaT``)."""
    return bulk.classify(end, due)


def working_days_taken(
    calendar: WorkCalendar, start: np.ndarray[Any, Any], end: np.ndarray[Any, Any]
) -> np.ndarray[Any, Any]:
    """Working days from each start date (excluded) to each end date (included)."""
    return bulk.working_days_between(start, end, calendar=calendar)


def explain_due(
    calendar: WorkCalendar, received: dt.datetime, amount: int, unit: TimeUnit
) -> tuple[dt.datetime, str, str]:
    """``(due, explanation in Vietnamese, in English)`` of one deadline (aware ``received``)."""
    deadline = compute_due(
        received,
        ProcessingTime(amount=amount, unit=unit),
        calendar=calendar,
        policy=policy_name(unit),
    )
    return deadline.due_at, deadline.explain("vi"), deadline.explain("en")
