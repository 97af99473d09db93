"""Retry policy: one pure function decides whether and when a failed call is tried again.

The rule (the same for the sync and the async client and for the outbox worker):

* only named failures are retried: no answer (:class:`~onestop.errors.TransportError`),
  ``429`` (:class:`~onestop.errors.RateLimitedError`, honouring ``Retry-After``) and ``5xx``
  (:class:`~onestop.errors.ServerError`);
* a call that is not idempotent (a bare *create*) is retried only when the request surely
  never reached the service (a connect timeout); everything else is left to the caller, which
  for dossiers restarts the idempotent look-up-then-upsert sequence;
* attempts and total time are bounded; the delay grows exponentially with full jitter.

:func:`set_testing` removes every delay (and optionally caps attempts) for test-suites.
"""

from __future__ import annotations

import math

import attrs

from onestop.errors import (
    ConfigurationError,
    ConnectTimeoutError,
    RateLimitedError,
    ServerError,
    TransportError,
)

__all__ = ["RetryPolicy", "is_retryable", "set_testing", "should_retry", "testing_enabled"]


def _positive(_inst: object, attribute: attrs.Attribute[float], value: object) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < 0
    ):
        raise ConfigurationError(
            f"{attribute.name}: must be a finite number of seconds, zero or positive, "
            f"got {value!r}",
            field=attribute.name,
        )


def _at_least_one(_inst: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(
            f"{attribute.name}: must be at least 1, got {value}", field=attribute.name
        )


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """Bounds of the retry loop.

    Attributes:
        attempts: total tries of one call, the first included (1 = no retry).
        initial_backoff: delay before the second try, in seconds (before jitter).
        max_backoff: cap of one delay, in seconds.
        total_timeout: no retry starts once this many seconds have elapsed since the first try.
        max_retry_after: a ``Retry-After`` longer than this (seconds) is not waited for.
    """

    attempts: int = attrs.field(default=4, validator=_at_least_one)
    initial_backoff: float = attrs.field(default=0.25, validator=_positive)
    max_backoff: float = attrs.field(default=8.0, validator=_positive)
    total_timeout: float = attrs.field(default=60.0, validator=_positive)
    max_retry_after: float = attrs.field(default=60.0, validator=_positive)

    @classmethod
    def no_retry(cls) -> RetryPolicy:
        """A policy that never retries."""
        return cls(attempts=1)


_testing: dict[str, int | bool | None] = {"enabled": False, "attempts": None}


def set_testing(enabled: bool, *, attempts: int | None = None) -> None:  # noqa: FBT001
    """Switch test mode on or off (process-wide).

    In test mode every backoff and ``Retry-After`` delay is zero, and ``attempts`` (when given)
    replaces the policies' attempt counts, so fault-injection tests run instantly.

    Args:
        enabled: ``True`` to enable test mode.
        attempts: optional cap on the number of tries per call while enabled.
    """
    _testing["enabled"] = enabled
    _testing["attempts"] = attempts if enabled else None


def testing_enabled() -> bool:
    """Whether :func:`set_testing` switched test mode on."""
    return bool(_testing["enabled"])


def is_retryable(error: BaseException, *, idempotent: bool) -> bool:
    """Whether ``error`` is of a kind worth retrying, ignoring attempt and time budgets.

    Args:
        error: the failure of the previous try.
        idempotent: whether repeating the call cannot change the outcome.
    """
    if isinstance(error, ConnectTimeoutError):
        return True  # the request never left: safe even for a create
    if not idempotent:
        return False
    return isinstance(error, TransportError | RateLimitedError | ServerError)


def should_retry(
    error: BaseException,
    *,
    attempt: int,
    elapsed: float,
    idempotent: bool,
    policy: RetryPolicy,
    jitter: float = 0.5,
) -> float | None:
    """Decide whether to try a failed call again, and after how long.

    Pure: the same inputs give the same answer (pass ``jitter`` from a random source).

    Args:
        error: the failure of try number ``attempt``.
        attempt: how many tries were made so far (1 after the first failure).
        elapsed: seconds since the first try started.
        idempotent: whether the call may be repeated safely.
        policy: the bounds.
        jitter: a number in ``[0, 1)``; the delay is ``backoff * (0.5 + jitter)`` capped at
            ``policy.max_backoff`` (so 0.5 gives the plain exponential value).

    Returns:
        Seconds to wait before the next try, or ``None`` to give up and raise ``error``.
    """
    max_attempts = policy.attempts
    if _testing["enabled"] and isinstance(_testing["attempts"], int):
        max_attempts = min(max_attempts, _testing["attempts"])
    if attempt >= max_attempts or not is_retryable(error, idempotent=idempotent):
        return None
    if isinstance(error, RateLimitedError) and error.retry_after is not None:
        if error.retry_after > policy.max_retry_after:
            return None
        delay = max(0.0, error.retry_after)
    else:
        base = policy.initial_backoff * (2.0 ** (attempt - 1))
        delay = min(policy.max_backoff, base * (0.5 + jitter))
    if _testing["enabled"]:
        delay = 0.0
    if elapsed + delay > policy.total_timeout:
        return None
    return delay
