"""iCalendar (RFC 5545) export of a year of the civil-service calendar.

Each entry becomes an all-day ``VEVENT`` (``DTSTART;VALUE=DATE`` and the next day as the
exclusive ``DTEND``). Output is deterministic: ``UID`` is derived from the date and kind,
``DTSTAMP`` is fixed unless one is given, lines end with CRLF, text values are escaped
(RFC 5545 §3.3.11) and content lines are folded at 75 octets without splitting a UTF-8
character (§3.1).
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from typing import TYPE_CHECKING

from onestop.deadlines._types import Holiday, HolidayKind
from onestop.deadlines.holidays import HolidaySchedule, warn_provisional_year
from onestop.errors import InvalidInputError, ProvisionalCalendarWarning
from onestop.tz import require_aware

if TYPE_CHECKING:
    from onestop.deadlines.calendar import HolidaySource

__all__ = ["DEFAULT_DTSTAMP", "escape_text", "fold_line", "to_ics"]

#: ``DTSTAMP`` used when none is given, so that the same data always gives the same file.
DEFAULT_DTSTAMP = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

_PRODID = "-//onestop//Vietnam civil-service calendar//VI"


def escape_text(value: str) -> str:
    r"""Escape a TEXT value: backslash, semicolon, comma and newlines (RFC 5545 §3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold_line(line: str, *, limit: int = 75) -> str:
    """Fold one content line into CRLF-separated chunks of at most ``limit`` octets.

    Continuation lines start with one space, which counts towards their octets; a multi-byte
    UTF-8 character is never split.

    Returns:
        The folded line, without the final CRLF.
    """
    chunks: list[str] = []
    current = ""
    size = 0
    budget = limit
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > budget:
            chunks.append(current)
            current, size, budget = "", 0, limit - 1
        current += char
        size += width
    chunks.append(current)
    return "\r\n ".join(chunks)


_DOMAIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")


def _stamp(value: object) -> str:
    # written in UTC, so it must be an instant (aware), never a guessed local time
    return require_aware(value, field="dtstamp").astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _event(holiday: Holiday, stamp: str, domain: str) -> list[str]:
    start = holiday.date
    end = start + dt.timedelta(days=1)
    summary = holiday.name_vi
    if holiday.provisional:
        summary += " (dự kiến)"
    description = f"{holiday.name_en}. {holiday.basis}"
    if holiday.source_url:
        description += f". {holiday.source_url}"
    lines = [
        "BEGIN:VEVENT",
        f"UID:{start:%Y%m%d}-{holiday.kind.value}@{domain}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{start:%Y%m%d}",
        f"DTEND;VALUE=DATE:{end:%Y%m%d}",
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"CATEGORIES:{escape_text(holiday.kind.value)}",
        # A make-up working day keeps people busy; a day off does not.
        "TRANSP:OPAQUE"
        if holiday.kind is HolidayKind.MAKE_UP_WORKING_DAY
        else "TRANSP:TRANSPARENT",
    ]
    if holiday.source_url:
        lines.append(f"URL;VALUE=URI:{holiday.source_url}")
    lines.append("END:VEVENT")
    return lines


def _entries(schedule: object, year: object, *, warn: bool) -> tuple[bool, list[Holiday]]:
    """``(provisional, entries)`` of ``year`` from a schedule or a working calendar."""
    if not isinstance(year, int) or isinstance(year, bool):
        raise InvalidInputError(
            f"year: expected an integer year, got {type(year).__name__}", field="year"
        )
    if isinstance(schedule, HolidaySchedule):
        provisional = schedule.is_provisional(year)
        if warn and provisional:
            warn_provisional_year(year)
        return provisional, schedule.holidays(year, warn=False)
    is_provisional = getattr(schedule, "is_provisional", None)
    holidays = getattr(schedule, "holidays", None)
    if not callable(is_provisional) or not callable(holidays):
        raise InvalidInputError(
            "schedule: expected a HolidaySchedule (official_schedule()) or a calendar with "
            "holidays(year) and is_provisional(year) (civil_service_calendar()), got "
            f"{type(schedule).__name__}",
            field="schedule",
        )
    provisional = bool(is_provisional(year))
    with warnings.catch_warnings():
        # warned once below, in the caller's name, whatever the source does
        warnings.simplefilter("ignore", ProvisionalCalendarWarning)
        entries = list(holidays(year))
    for entry in entries:
        if not isinstance(entry, Holiday):
            raise InvalidInputError(
                f"schedule: holidays({year}) returned a {type(entry).__name__}, not a Holiday",
                field="schedule",
            )
    if warn and provisional:
        warn_provisional_year(year)
    return provisional, entries


def to_ics(
    schedule: HolidaySchedule | HolidaySource,
    year: int,
    *,
    dtstamp: dt.datetime | None = None,
    domain: str = "onestop.vn-calendar",
    warn: bool = True,
) -> str:
    """Export the entries of ``year`` as an iCalendar file.

    Args:
        schedule: the schedule to export: a :class:`HolidaySchedule` (e.g.
            :func:`~onestop.deadlines.holidays.official_schedule`), or a working calendar or
            any holiday source with ``holidays(year)`` and ``is_provisional(year)`` (e.g.
            :func:`~onestop.deadlines.calendar.civil_service_calendar`, whose extra entries
            are then exported too).
        year: the Gregorian year.
        dtstamp: the ``DTSTAMP`` of every event (aware datetime, written in UTC); defaults to
            :data:`DEFAULT_DTSTAMP` so the output is reproducible.
        domain: right-hand side of each ``UID`` (``<yyyymmdd>-<kind>@<domain>``): a host
            name (letters, digits, dots and hyphens).
        warn: emit :class:`~onestop.errors.ProvisionalCalendarWarning` for a provisional year
            (its events are marked "(dự kiến)" either way).

    Returns:
        The calendar text, with CRLF line endings.

    Raises:
        CalendarDataMissingError: ``year`` is outside the supported range.
        InvalidInputError: ``year`` is not an integer; ``dtstamp`` is not an aware datetime;
            ``domain`` is not a host name; ``schedule`` is not a schedule or calendar.

    Example:
        >>> from onestop.deadlines import civil_service_calendar, official_schedule
        >>> text = to_ics(official_schedule(), 2026)
        >>> text.count("BEGIN:VEVENT"), text.count("20260102-swapped_day_off@")
        (17, 1)
        >>> to_ics(civil_service_calendar(), 2026) == text
        True
    """
    stamp = _stamp(DEFAULT_DTSTAMP if dtstamp is None else dtstamp)
    given: object = domain
    if not isinstance(given, str) or _DOMAIN.fullmatch(given) is None:
        raise InvalidInputError(
            f"domain: expected a host name (letters, digits, dots, hyphens), got {domain!r}",
            field="domain",
        )
    provisional, entries = _entries(schedule, year, warn=warn)
    name = f"Lịch nghỉ cán bộ, công chức {year}"
    if provisional:
        name += " (dự kiến)"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{_PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        "X-WR-TIMEZONE:Asia/Ho_Chi_Minh",
    ]
    for holiday in entries:
        lines.extend(_event(holiday, stamp, domain))
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + "\r\n" for line in lines)
