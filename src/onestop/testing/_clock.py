"""A frozen clock for tests: an instant you move by hand and pass as ``now=`` / ``at=``.

onestop never reads the system clock in its domain code: every question about time takes the
instant explicitly (``DossierClock.remaining(at)``, ``Dossier.accept(at=...)``,
``sign_pdf(..., now=...)``). A test therefore needs no patching of :mod:`datetime`; it needs an
instant that moves only when the test says so. :class:`FrozenClock` is that instant.
"""

from __future__ import annotations

import datetime as dt

from onestop.errors import InvalidInputError
from onestop.tz import VN_TZ, format_instant, parse_instant, require_aware

__all__ = ["FrozenClock"]


def _instant(value: object, field: str) -> dt.datetime:
    if isinstance(value, str):
        return parse_instant(value, field=field)
    if isinstance(value, dt.datetime):
        return require_aware(value, field=field)
    raise InvalidInputError(
        f"{field}: expected an aware datetime or text such as 2026-02-13T10:00+07:00, got "
        f"{type(value).__name__}",
        field=field,
    )


class FrozenClock:
    """An instant that moves only when told to; call it to read it.

    The clock is read in Vietnam time (Asia/Ho_Chi_Minh); text without an offset is Vietnam
    time (:func:`onestop.tz.parse_instant`: ISO 8601 or ``dd/mm/yyyy HH:MM``).

    Example:
        >>> clock = FrozenClock("2026-02-13T10:00+07:00")
        >>> clock().isoformat()
        '2026-02-13T10:00:00+07:00'
        >>> clock.advance(hours=2).isoformat()
        '2026-02-13T12:00:00+07:00'
        >>> clock.monotonic()
        7200.0

    Pass ``clock()`` where onestop takes an instant (``at=``, ``now=``); where a
    ``clock=`` parameter takes a function returning seconds, pass :meth:`monotonic` (for
    ``time.monotonic``: token lifetimes, retry timers, the fake portal) or :meth:`timestamp`
    (for ``time.time``: the outbox).

    Args:
        start: the first instant (aware ``datetime`` or text).

    Raises:
        InvalidInputError: ``start`` is naive, not a date-time, or cannot be read.
    """

    __slots__ = ("_now", "_start")

    def __init__(self, start: dt.datetime | str) -> None:
        self._start = _instant(start, "start").astimezone(VN_TZ)
        self._now = self._start

    def __call__(self) -> dt.datetime:
        """The current instant (aware, Vietnam time)."""
        return self._now

    @property
    def now(self) -> dt.datetime:
        """The current instant (aware, Vietnam time); the same as calling the clock."""
        return self._now

    @property
    def start(self) -> dt.datetime:
        """The instant the clock was created at."""
        return self._start

    def advance(
        self,
        *,
        days: float = 0,
        hours: float = 0,
        minutes: float = 0,
        seconds: float = 0,
    ) -> dt.datetime:
        """Move forward by wall-clock time (not office time) and return the new instant.

        Raises:
            InvalidInputError: a negative total (a clock used as ``now`` never goes back;
                use :meth:`set` to jump to an earlier instant deliberately).
        """
        step = dt.timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
        if step < dt.timedelta(0):
            raise InvalidInputError(
                f"advance: the step {step} is negative; a frozen clock moves forward (use "
                "set() to jump to an earlier instant)",
                field="advance",
            )
        self._now = self._now + step
        return self._now

    def set(self, instant: dt.datetime | str) -> dt.datetime:
        """Jump to ``instant`` (forward or back) and return it, in Vietnam time.

        Raises:
            InvalidInputError: ``instant`` is naive, not a date-time, or cannot be read.
        """
        self._now = _instant(instant, "instant").astimezone(VN_TZ)
        return self._now

    def monotonic(self) -> float:
        """Seconds elapsed since :attr:`start` (negative after a :meth:`set` before it).

        A drop-in for a ``clock: Callable[[], float]`` parameter that defaults to
        ``time.monotonic`` (token and session lifetimes, retry timers, the fake portal).
        """
        return (self._now - self._start).total_seconds()

    def timestamp(self) -> float:
        """The current instant as POSIX seconds.

        A drop-in for a ``clock`` parameter that defaults to ``time.time`` (the outbox's).
        """
        return self._now.timestamp()

    def __repr__(self) -> str:
        return f"FrozenClock({format_instant(self._now)!r})"
