"""Vietnam time: the one time zone, the one "timezone-aware" check, the one instant parser.

Every instant in onestop is an aware :class:`datetime.datetime`. Dossiers are received, due and
finished in Vietnam local time (``Asia/Ho_Chi_Minh``: UTC+7 since 13 June 1975, UTC+8 before), so
the calendar date of an instant — which decides working days, holidays and "the same day" — is
always its date in that zone, whatever offset the instant was given with.

This module is the only place that defines the zone and checks awareness; the rest of the
library calls it, so that every API rejects a naive datetime the same way, with the same error
(:class:`~onestop.errors.InvalidInputError`, which is also a :class:`ValueError`).

Example:
    >>> import datetime as dt
    >>> from onestop.tz import VN_TZ, parse_instant, to_vn
    >>> to_vn(dt.datetime(2026, 2, 13, 3, 0, tzinfo=dt.UTC), field="received_at").isoformat()
    '2026-02-13T10:00:00+07:00'
    >>> parse_instant("13/02/2026 10:00", field="received_at").isoformat()
    '2026-02-13T10:00:00+07:00'
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from onestop.errors import InvalidInputError

__all__ = [
    "VN_TZ",
    "format_instant",
    "is_aware",
    "parse_date",
    "parse_instant",
    "require_aware",
    "to_vn",
    "vn_date",
]

#: The time zone of every one-stop office: Asia/Ho_Chi_Minh (UTC+7).
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

_EXAMPLE = "2026-02-13T10:00:00+07:00"
# dd/mm/yyyy [HH:MM[:SS]] as Vietnamese exports and forms write it (also with '-' or '.').
_VN_STYLE = re.compile(
    r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
)


def is_aware(value: object) -> bool:
    """Whether ``value`` is a datetime whose time zone gives an offset (not naive)."""
    return isinstance(value, dt.datetime) and value.utcoffset() is not None


def require_aware(value: object, *, field: str) -> dt.datetime:
    """``value`` itself when it is a timezone-aware datetime.

    A datetime is aware when ``utcoffset()`` is not ``None``; a ``tzinfo`` that returns
    ``None`` counts as naive (Python's own rule).

    Args:
        value: the argument to check.
        field: the argument's name, for the error.

    Raises:
        InvalidInputError: ``value`` is not a datetime, or is naive. The message names
            ``field`` and shows the expected form; it never shows the value.
    """
    if not isinstance(value, dt.datetime):
        raise InvalidInputError(
            f"{field}: expected a timezone-aware datetime such as {_EXAMPLE}, got "
            f"{type(value).__name__}",
            field=field,
        )
    if value.utcoffset() is None:
        raise InvalidInputError(
            f"{field}: naive datetime (no time zone, or a tzinfo without an offset); expected a "
            f"timezone-aware datetime such as {_EXAMPLE} (Vietnam local time: "
            "tzinfo=onestop.tz.VN_TZ)",
            field=field,
        )
    return value


def to_vn(value: object, *, field: str) -> dt.datetime:
    """``value`` (an aware datetime) converted to Vietnam time.

    Raises:
        InvalidInputError: ``value`` is not an aware datetime, or cannot be represented in
            Vietnam time (``datetime.max`` with a negative offset overflows).
    """
    if isinstance(value, dt.datetime) and value.utcoffset() is not None:
        instant = value  # the hot path: one check, no second call
    else:
        instant = require_aware(value, field=field)  # raises, saying what is wrong
    if instant.tzinfo is VN_TZ:
        return instant
    try:
        return instant.astimezone(VN_TZ)
    except OverflowError:
        raise InvalidInputError(
            f"{field}: {instant.isoformat()} is outside the range of dates once converted to "
            "Vietnam time (UTC+7)",
            field=field,
        ) from None


def vn_date(value: object, *, field: str) -> dt.date:
    """The calendar date of an aware instant in Vietnam time.

    Raises:
        InvalidInputError: as :func:`to_vn`.
    """
    return to_vn(value, field=field).date()


def parse_instant(text: str, *, field: str) -> dt.datetime:
    """Read an instant typed by a person or found in an export.

    Accepted: ISO 8601 (``2026-02-13T10:00:00+07:00``, ``2026-02-13T03:00:00Z``,
    ``2026-02-13 10:00``) and the Vietnamese ``dd/mm/yyyy HH:MM[:SS]`` form
    (``13/02/2026 10:00``; ``-`` or ``.`` also separate the date). A time without an offset is
    Vietnam local time; a date alone is the start of that day in Vietnam.

    Returns:
        An aware datetime in Vietnam time when no offset was given, else with the offset given.

    Raises:
        InvalidInputError: anything else; the message names ``field`` and shows the forms.
    """
    raw = text.strip()
    value: dt.datetime | None = None
    match = _VN_STYLE.match(raw)
    try:
        if match is not None:
            day, month, year, hour, minute, second = match.groups()
            value = dt.datetime(
                int(year),
                int(month),
                int(day),
                int(hour or 0),
                int(minute or 0),
                int(second or 0),
            )
        elif raw:
            value = dt.datetime.fromisoformat(raw)
    except ValueError:
        value = None
    if value is None:
        raise InvalidInputError(
            f"{field}: {text!r} is not a date-time; expected ISO 8601 such as {_EXAMPLE} "
            "(a time without offset is Vietnam time) or dd/mm/yyyy HH:MM such as 13/02/2026 10:00",
            field=field,
        )
    if value.utcoffset() is None:
        return value.replace(tzinfo=VN_TZ)
    return value


def parse_date(text: str, *, field: str) -> dt.date:
    """Read a calendar date: ``2026-02-13`` (ISO 8601) or ``13/02/2026``.

    Raises:
        InvalidInputError: anything else, naming ``field``.
    """
    raw = text.strip()
    match = _VN_STYLE.match(raw)
    try:
        if match is not None and match.group(4) is None:
            day, month, year = match.group(1, 2, 3)
            return dt.date(int(year), int(month), int(day))
        if match is None and raw:
            return dt.date.fromisoformat(raw)
    except ValueError:
        pass
    raise InvalidInputError(
        f"{field}: {text!r} is not a date; expected YYYY-MM-DD (2026-02-13) or dd/mm/yyyy "
        "(13/02/2026)",
        field=field,
    )


def format_instant(value: dt.datetime) -> str:
    """An aware instant as onestop prints it: ISO 8601 in Vietnam time (``+07:00``).

    Raises:
        InvalidInputError: ``value`` is naive, or out of range in Vietnam time.
    """
    return to_vn(value, field="instant").isoformat()
