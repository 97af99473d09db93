"""The one HTTP core of onestop's service clients (private; public names re-exported elsewhere).

Every client of an external service (the portal and its gateways, remote signing, time-stamp
authorities, and the postal and payment services to come) is three layers:

* a **protocol module** without I/O: what to send, how to read the answer, which calls are
  idempotent, multi-step flows as generators;
* a **driver** from here, :class:`SyncHttp` or :class:`AsyncHttp`: it sends one request and
  returns the answer read whole, or raises a typed error;
* a thin **client class** that joins the two and adds nothing but its public methods.

What the drivers do, the same for every service:

* **client ownership**: a driver builds its own ``httpx`` client (``transport=`` injects a
  fake) or borrows the caller's (``http_client=``: proxies, mTLS), which it never closes;
* **headers**: ``User-Agent: onestop/<version>`` on every request (:data:`USER_AGENT`);
* **bounds of one call** (:class:`CallBudget`): ``timeout`` is a *total* deadline covering
  connecting, sending and receiving the whole answer (a login the call needs included), and
  ``max_response_bytes`` caps the answer as received and after gzip decoding. Both apply
  through event hooks put first on the ``httpx`` client (and, in the async driver's own
  transport, in the transport itself), so they also hold inside an auth flow, and on a
  borrowed client only for onestop's own calls;
* **errors**: an ``httpx`` failure without an answer becomes a
  :class:`~onestop.errors.TransportError` (:func:`transport_error`); a protocol module turns
  an error status into the fitting :class:`~onestop.errors.APIStatusError` subclass with
  :func:`status_error`, which reads ``Retry-After`` (:func:`parse_retry_after`);
* **retries**: :func:`should_retry` decides, purely, whether and when a failed call is tried
  again under a :class:`RetryPolicy`; the drivers' ``retrying`` loops ask it, passing the
  test switch (:func:`set_testing`) as an argument;
* **logs**: one DEBUG line per exchange on the client's logger, with the call's label, the
  status and the elapsed milliseconds, never a body, a credential or personal data.

Importing this module does not import ``httpx`` (the retry rule is used by the outbox, which
works without the ``http`` extra); the drivers import it when they are built, and the pieces
that subclass httpx and httpcore types live in :mod:`onestop._http._io`.

A new service client (postal, payment) adds a protocol module and a client class; it passes
its :class:`Peer` (how messages and logs name the service) to the drivers, builds requests
with ``driver.build(...)``, sends them with ``driver.send(request, label=...)`` inside
``driver.retrying(...)``, and turns an error status into an error with :func:`status_error`.
"""

from __future__ import annotations

import asyncio
import contextvars
import copy
import datetime as dt
import email.utils
import json
import logging
import math
import random
import re
import time
import urllib.request
import zlib
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

import attrs

from onestop._version import __version__
from onestop.errors import (
    APIStatusError,
    AuthenticationError,
    ConfigurationError,
    ConflictError,
    ConnectTimeoutError,
    NetworkError,
    NotFoundError,
    OneStopError,
    RateLimitedError,
    ReadTimeoutError,
    ServerError,
    TransportError,
    UnexpectedResponseError,
    mask_id,
)

if TYPE_CHECKING:
    import httpx

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "USER_AGENT",
    "AsyncHttp",
    "BodyMeter",
    "CallBudget",
    "NoBackoff",
    "Peer",
    "RetryPolicy",
    "SyncHttp",
    "check_base_url",
    "check_max_response_bytes",
    "check_seconds",
    "check_timeout",
    "current_budget",
    "encode_json",
    "header",
    "is_retryable",
    "join_url",
    "masked_body",
    "on_asyncio",
    "parse_retry_after",
    "safe_text",
    "set_testing",
    "should_retry",
    "status_error",
    "testing_mode",
    "transport_error",
]

#: ``User-Agent`` of every request onestop sends.
USER_AGENT = f"onestop/{__version__}"

#: The largest answer read by default: 32 MiB, far above the national catalogue's list (a few
#: MiB), far below what would exhaust a worker's memory once parsed.
DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024

_T = TypeVar("_T")


# ------------------------------------------------------------------------------ retry rule


def _seconds(_inst: object, attribute: attrs.Attribute[float], value: object) -> None:
    check_seconds(value, field=attribute.name)


def _at_least_one(_inst: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(
            f"{attribute.name}: must be at least 1, got {value!r}", field=attribute.name
        )


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """Bounds of retrying one call (or, in the outbox, one entry).

    The delay before try ``n + 1`` is ``initial_backoff * 2 ** (n - 1)`` scaled by a jitter
    factor in ``[0.5, 1.5)`` and capped at ``max_backoff`` (:meth:`backoff`), unless the
    service said how long to wait (``Retry-After``).

    Attributes:
        attempts: total tries, the first included (1 = no retry).
        initial_backoff: delay before the second try, in seconds (before jitter).
        max_backoff: cap of one delay, in seconds.
        total_timeout: no retry starts once this many seconds have passed since the first try.
        max_retry_after: a ``Retry-After`` longer than this (seconds) is not waited for: the
            error is raised instead.
    """

    attempts: int = attrs.field(default=4, validator=_at_least_one)
    initial_backoff: float = attrs.field(default=0.25, validator=_seconds)
    max_backoff: float = attrs.field(default=8.0, validator=_seconds)
    total_timeout: float = attrs.field(default=60.0, validator=_seconds)
    max_retry_after: float = attrs.field(default=60.0, validator=_seconds)

    @classmethod
    def no_retry(cls) -> RetryPolicy:
        """A policy that never retries."""
        return cls(attempts=1)

    def replace(
        self,
        *,
        attempts: int | None = None,
        initial_backoff: float | None = None,
        max_backoff: float | None = None,
        total_timeout: float | None = None,
        max_retry_after: float | None = None,
    ) -> RetryPolicy:
        """A copy with the given bounds changed (checked again), e.g. from the outbox's default.

        Example:
            >>> from onestop.connectors.outbox import OUTBOX_RETRY
            >>> OUTBOX_RETRY.replace(attempts=3).max_backoff
            300.0
        """
        changes: dict[str, Any] = {
            "attempts": attempts,
            "initial_backoff": initial_backoff,
            "max_backoff": max_backoff,
            "total_timeout": total_timeout,
            "max_retry_after": max_retry_after,
        }
        return attrs.evolve(self, **{k: v for k, v in changes.items() if v is not None})

    def backoff(self, attempt: int, *, jitter: float = 0.5) -> float:
        """Seconds to wait after the ``attempt``-th failed try (exponential, jittered, capped).

        Args:
            attempt: tries made so far (1 after the first failure).
            jitter: a number in ``[0, 1)``; 0.5 gives the plain exponential value.
        """
        base = self.initial_backoff * 2.0 ** max(0, attempt - 1)
        return min(self.max_backoff, base * (0.5 + jitter))


@attrs.frozen
class NoBackoff:
    """The test switch of the retry rule: no delay before a retry, optionally fewer attempts.

    Attributes:
        attempts: a cap on the tries of one call, or ``None`` to keep the policies' counts.
    """

    attempts: int | None = None


_TESTING: list[NoBackoff | None] = [None]


def set_testing(enabled: bool, *, attempts: int | None = None) -> None:  # noqa: FBT001
    """Switch test mode on or off (process-wide; the clients pass it to :func:`should_retry`).

    In test mode every backoff and ``Retry-After`` delay is zero, and ``attempts`` (when given)
    caps the tries of each call, so fault-injection tests run instantly. The
    ``fake_portal`` pytest fixture switches it on for the test's duration.

    Args:
        enabled: ``True`` to enable test mode.
        attempts: optional cap on the number of tries per call while enabled.
    """
    _TESTING[0] = NoBackoff(attempts) if enabled else None


def testing_mode() -> NoBackoff | None:
    """What :func:`set_testing` switched on, or ``None`` outside test mode."""
    return _TESTING[0]


def is_retryable(error: BaseException, *, idempotent: bool) -> bool:
    """Whether ``error`` is of a kind worth retrying, ignoring attempt and time budgets.

    Retried: no answer (:class:`~onestop.errors.TransportError`), ``429``
    (:class:`~onestop.errors.RateLimitedError`) and ``5xx`` (:class:`~onestop.errors.ServerError`),
    but for a call that is not idempotent only a connect timeout (the request surely never
    left). Never retried: any other status, an unexpected answer, bad input.

    Args:
        error: the failure of the previous try.
        idempotent: whether repeating the call cannot change the outcome.
    """
    if isinstance(error, ConnectTimeoutError):
        return True
    if not idempotent:
        return False
    return isinstance(error, TransportError | RateLimitedError | ServerError)


def should_retry(
    error: BaseException,
    *,
    attempt: int,
    elapsed: float | None,
    idempotent: bool,
    policy: RetryPolicy,
    jitter: float = 0.5,
    testing: NoBackoff | None = None,
    retryable: bool | None = None,
) -> float | None:
    """Decide whether to try a failed call again, and after how long.

    Pure: the same arguments always give the same answer. The clients pass a random
    ``jitter`` and the current :func:`testing_mode`.

    Args:
        error: the failure of try number ``attempt``.
        attempt: how many tries were made so far (1 after the first failure).
        elapsed: seconds since the first try started, or ``None`` for a caller that keeps no
            such clock (the outbox, whose entries are bounded by their attempts): then
            ``policy.total_timeout`` does not apply.
        idempotent: whether the call may be repeated safely.
        policy: the bounds.
        jitter: a number in ``[0, 1)`` for :meth:`RetryPolicy.backoff`.
        testing: the test switch: no delay, and at most ``testing.attempts`` tries.
        retryable: the caller's own verdict on ``error`` (the outbox also retries a rejected
            login); ``None`` asks :func:`is_retryable`.

    Returns:
        Seconds to wait before the next try, or ``None`` to give up and raise ``error``.
    """
    max_attempts = policy.attempts
    if testing is not None and testing.attempts is not None:
        max_attempts = min(max_attempts, testing.attempts)
    if retryable is None:
        retryable = is_retryable(error, idempotent=idempotent)
    if attempt >= max_attempts or not retryable:
        return None
    if isinstance(error, RateLimitedError) and error.retry_after is not None:
        if error.retry_after > policy.max_retry_after:
            return None
        delay = max(0.0, error.retry_after)
    else:
        delay = policy.backoff(attempt, jitter=jitter)
    if testing is not None:
        delay = 0.0
    if elapsed is not None and elapsed + delay > policy.total_timeout:
        return None
    return delay


# ------------------------------------------------------------------------------ answers


def parse_retry_after(value: str | None, *, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (RFC 9110 §10.2.3).

    Args:
        value: the header value (delay-seconds or an HTTP date), or ``None``.
        now: the current time for the HTTP-date form (defaults to the system clock, UTC).

    Returns:
        Non-negative seconds, or ``None`` when absent or unreadable.
    """
    if value is None:
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    current = now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - current).total_seconds())


def encode_json(body: Mapping[str, Any]) -> bytes:
    """A JSON request body: compact UTF-8, Vietnamese kept as is (the services expect UTF-8)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def header(headers: Mapping[str, str], name: str) -> str | None:
    """The value of header ``name`` (lower case) in any mapping, whatever its keys' case."""
    get = getattr(headers, "get", None)
    if get is not None:
        value = get(name)
        if value is not None:
            return str(value)
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


#: Runs of 9 or more digits: CMND (9), phone numbers (10-11), CCCD / personal ID (12), tax
#: codes. Dossier and procedure codes have shorter runs (``H56.14-260315-0001``, ``1.003560``).
_ID_LIKE = re.compile(r"\d{9,}")


def safe_text(message: object, *, limit: int = 160) -> str:
    """A service's own message, fit for an exception or a log: one line, bounded, IDs masked.

    A service may echo what it was sent (an ID number, a phone number); those never reach
    onestop's exception text (:func:`onestop.errors.mask_id`).
    """
    text = _ID_LIKE.sub(lambda m: mask_id(m.group()), " ".join(str(message).split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: Keys of a JSON answer whose values are personal data (names, addresses, phone numbers,
#: e-mail addresses, ID numbers), compared in lower case without ``_``: their values are
#: replaced whole by :func:`masked_body`.
_PERSONAL_KEYS = re.compile(
    r"(^ten|name|hoten|address|diachi|tel$|tel[^e]|phone|dienthoai|email|thudientu|cmnd|"
    r"cccd|dinhdanh|giayto|nguoinop|desc|hovaten|sender|receiver|recipient|nguoigui|nguoinhan)"
)


def _mask_json(value: Any, *, personal: bool = False) -> Any:
    if isinstance(value, dict):
        return {
            str(k)[:40]: _mask_json(
                v, personal=bool(_PERSONAL_KEYS.search(str(k).lower().replace("_", "")))
            )
            for k, v in list(value.items())[:50]
        }
    if isinstance(value, list):
        return [_mask_json(v, personal=personal) for v in value[:20]]
    if isinstance(value, str):
        if personal and value:
            return "***"
        return _ID_LIKE.sub(lambda m: mask_id(m.group()), value[:200])
    return value


def masked_body(content: bytes, *, limit: int = 2000) -> str:
    """An answer's body, fit to travel with an exception: personal data masked, bounded.

    A JSON body is re-encoded with the values of personal keys (names, addresses, phone
    numbers, e-mail addresses, ID numbers: see ``_PERSONAL_KEYS``) replaced by ``***``,
    runs of 9 or more digits elsewhere masked (:func:`onestop.errors.mask_id`), at most 50
    keys per object and 20 items per list kept; any other body is decoded (UTF-8, errors
    replaced) and its digit runs masked. The result is cut to ``limit`` characters.

    Args:
        content: the raw body.
        limit: the most characters returned.
    """
    try:
        data = json.loads(content)
    except ValueError:
        text = content[: limit * 4].decode("utf-8", "replace")
        text = _ID_LIKE.sub(lambda m: mask_id(m.group()), text)
    else:
        text = json.dumps(_mask_json(data), ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def status_error(
    status_code: int,
    *,
    where: str,
    who: str,
    detail: str = "",
    error_code: str | None = None,
    headers: Mapping[str, str] | None = None,
    hints: Mapping[int, str] | None = None,
) -> APIStatusError:
    """The typed error of an error status, the same for every service.

    ====================  ==========================================
    status                error
    ====================  ==========================================
    401, 403              :class:`~onestop.errors.AuthenticationError`
    404                   :class:`~onestop.errors.NotFoundError`
    409                   :class:`~onestop.errors.ConflictError`
    429                   :class:`~onestop.errors.RateLimitedError` with ``retry_after``
    500-599               :class:`~onestop.errors.ServerError`
    anything else         :class:`~onestop.errors.APIStatusError`
    ====================  ==========================================

    Args:
        status_code: the HTTP status, or the status a service wrote in its answer's body.
        where: what was called, e.g. ``"TraCuuHoSo"``; starts the message.
        who: the service, e.g. ``"the portal"``, for the hint.
        detail: the service's own message, already made safe (:func:`safe_text`).
        error_code: the service's own error code, when it sent one.
        headers: the answer's headers, for ``Retry-After``.
        hints: what to check, per status, when the service knows better than the defaults
            (e.g. the portal's 404 names the service path setting).
    """
    text = f"{where}: HTTP {status_code}" + (f": {detail}" if detail else "")
    hint = (hints or {}).get(status_code)
    kwargs: dict[str, Any] = {"status_code": status_code, "error_code": error_code}
    if status_code == 429:
        retry_after = parse_retry_after(header(headers or {}, "retry-after"))
        wait = "?" if retry_after is None else f"{retry_after:g}"
        return RateLimitedError(
            f"{text} ({hint or f'rate limited by {who}'}; retry after {wait} s)",
            retry_after=retry_after,
            **kwargs,
        )
    if status_code in (401, 403):
        default = (
            "credentials rejected; check the account and its secret"
            if status_code == 401
            else "no permission for this call; check the account's rights"
        )
        return AuthenticationError(f"{text} ({hint or default})", **kwargs)
    if status_code == 404:
        return NotFoundError(
            f"{text} ({hint or 'not found; check the base URL and path'})", **kwargs
        )
    if status_code == 409:
        return ConflictError(f"{text} ({hint})" if hint else text, **kwargs)
    if 500 <= status_code <= 599:
        return ServerError(f"{text} ({hint or f'{who} failed; try again later'})", **kwargs)
    return APIStatusError(f"{text} ({hint})" if hint else text, **kwargs)


def transport_error(exc: BaseException, *, where: str, who: str) -> TransportError:
    """The onestop error for an ``httpx`` failure that produced no HTTP answer.

    A connect timeout (the request never left, so even a create may be retried) is told apart
    from a timeout later in the exchange and from a refused or dropped connection.
    """
    import httpx

    name = type(exc).__name__
    if isinstance(exc, httpx.ConnectTimeout):
        return ConnectTimeoutError(f"{where}: connecting to {who} timed out ({name})")
    if isinstance(exc, httpx.TimeoutException):
        return ReadTimeoutError(f"{where}: {who} did not answer in time ({name})")
    return NetworkError(f"{where}: the connection to {who} failed or was dropped ({name})")


# ------------------------------------------------------------------------------ settings


def check_base_url(value: object, *, example: str) -> str:
    """A service's base URL: an ``http://`` or ``https://`` URL.

    Raises:
        ConfigurationError: anything else; the message shows ``example``.
    """
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        raise ConfigurationError(
            f"base_url: expected an http:// or https:// URL of {example}",
            field="base_url",
        )
    return value


def join_url(base_url: str, path: str) -> httpx.URL:
    """``path`` on ``base_url``: appended to its path (as httpx's ``base_url`` does).

    A full URL is taken as is; a path may carry a query (``/vnpost?service=orderpost``).
    """
    import httpx

    target = httpx.URL(path)
    if not target.is_relative_url:
        return target
    base = httpx.URL(base_url)
    raw = base.raw_path if base.raw_path.endswith(b"/") else base.raw_path + b"/"
    return base.copy_with(raw_path=raw + target.raw_path.lstrip(b"/"))


def check_seconds(value: object, *, field: str, positive: bool = False, hint: str = "") -> float:
    """A finite number of seconds (at least 0, or above 0 when ``positive``), as a float.

    Raises:
        ConfigurationError: naming ``field``, with ``hint`` (where the value came from).
    """
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < 0
        or (positive and value == 0)
    ):
        what = "a positive" if positive else "a finite, zero or positive"
        raise ConfigurationError(
            f"{field}: expected {what} number of seconds{hint}, got {value!r}", field=field
        )
    return float(value)


def check_timeout(value: object, *, field: str = "timeout", hint: str = "") -> float:
    """The total seconds of one HTTP call: a positive, finite number."""
    return check_seconds(
        value, field=field, positive=True, hint=hint or " (the total time of one HTTP call)"
    )


def check_max_response_bytes(value: object, *, hint: str = "") -> int:
    """A positive whole number of bytes, or :class:`~onestop.errors.ConfigurationError`."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(
            f"max_response_bytes: expected a positive whole number of bytes{hint}, got {value!r}",
            field="max_response_bytes",
        )
    return value


@attrs.frozen
class Peer:
    """The service a driver talks to, as its messages and logs name it.

    Attributes:
        who: the service in messages, e.g. ``"the portal"``, ``"the CA"``.
        logger: where each exchange is logged at DEBUG.
        size_hint: what to raise when an answer is over the size cap, e.g.
            ``"max_response_bytes / ONESTOP_PORTAL_MAX_RESPONSE_BYTES"``.
    """

    who: str
    logger: logging.Logger
    size_hint: str = "max_response_bytes"


# ------------------------------------------------------------------------------ call bounds

#: Seconds the async driver lets httpx's own timeouts fire before it cancels a call (httpx's
#: errors say which step timed out: a connect timeout is safe to retry even for a create).
_CANCEL_GRACE = 0.05


class CallBudget:
    """The deadline and the size cap of the call being sent (one per call, any thread/task)."""

    __slots__ = ("deadline", "hard_stop", "label", "max_bytes", "peer", "timeout")

    def __init__(
        self, label: str, peer: Peer, timeout: float, max_bytes: int, *, hard_stop: bool = False
    ) -> None:
        self.label = label
        self.peer = peer
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.deadline = time.monotonic() + timeout
        self.hard_stop = hard_stop
        """Whether the driver cancels the call at the deadline (the async one does)."""

    def remaining(self) -> float:
        """Seconds left before the deadline; raises :meth:`expired` once it has passed."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise self.expired()
        return left

    def expired(self) -> ReadTimeoutError:
        """The error of a call that outlived its deadline."""
        return ReadTimeoutError(
            f"{self.label}: the call did not complete within its {self.timeout:g} s "
            "deadline (timeout covers connecting, sending and receiving the whole answer)"
        )

    def too_large(self) -> UnexpectedResponseError:
        """The error of an answer over the size cap."""
        return UnexpectedResponseError(
            f"{self.label}: the answer is larger than {self.max_bytes:,} bytes and was not "
            f"read further (raise {self.peer.size_hint} if {self.peer.who} really sends that "
            "much)"
        )

    def arm(self, request: httpx.Request) -> None:
        """Give each network wait of ``request`` (a login included) what is left of the deadline."""
        left = self.remaining()
        request.extensions["timeout"] = {"connect": left, "read": left, "write": left, "pool": left}

    def meter(self, headers: MutableMapping[str, str]) -> BodyMeter:
        """A meter for the body of an answer with ``headers``, or the error it deserves.

        An announced length over the cap is refused before anything is read; a gzip body is
        decoded within the cap (its ``Content-Encoding`` is removed from ``headers`` so that
        httpx does not decode it a second time, without a bound); another encoding, which
        onestop never asks for, is refused.
        """
        self.remaining()
        length = headers.get("content-length", "").strip()
        if length.isdigit() and int(length) > self.max_bytes:
            raise self.too_large()
        encoding = headers.get("content-encoding", "").strip().lower()
        decoder = None
        if encoding in ("gzip", "x-gzip"):
            decoder = zlib.decompressobj(zlib.MAX_WBITS | 16)
            del headers["content-encoding"]
        elif encoding not in ("", "identity"):
            raise UnexpectedResponseError(
                f"{self.label}: the answer is compressed with {encoding[:20]!r}, which onestop "
                "did not ask for (it accepts gzip)"
            )
        return BodyMeter(self, decoder)

    def guard(self, response: httpx.Response) -> None:
        """Check an answer against the budget; an unread body is then read through a meter."""
        import httpx

        self.remaining()
        try:
            content = response.content  # an in-memory transport answers with the body read
        except httpx.ResponseNotRead:
            pass
        else:
            if len(content) > self.max_bytes:
                raise self.too_large()
            return
        from onestop._http._io import GuardedBody

        response.stream = GuardedBody(response.stream, self.meter(response.headers).take)


class BodyMeter:
    """Counts the pieces of an answer's body against its call's deadline and size cap."""

    __slots__ = ("_budget", "_decoded", "_decoder", "_received")

    def __init__(self, budget: CallBudget, decoder: Any) -> None:
        self._budget = budget
        self._decoder = decoder
        self._received = 0
        self._decoded = 0

    def take(self, chunk: bytes) -> bytes:
        """The next piece of the body (decoded), or the error of a call over its budget."""
        budget = self._budget
        budget.remaining()
        self._received += len(chunk)
        if self._received > budget.max_bytes:
            raise budget.too_large()
        if self._decoder is None:
            return chunk
        try:
            out: bytes = self._decoder.decompress(chunk, budget.max_bytes - self._decoded + 1)
        except zlib.error:
            raise UnexpectedResponseError(
                f"{budget.label}: the gzip-compressed answer is corrupt"
            ) from None
        self._decoded += len(out)
        if self._decoded > budget.max_bytes:
            raise budget.too_large()
        return out


#: The call being sent in this thread or task (``None`` outside onestop's calls: the hooks then
#: leave the requests of a caller-supplied ``http_client`` alone).
_CURRENT_CALL: contextvars.ContextVar[CallBudget | None] = contextvars.ContextVar(
    "onestop_http_call", default=None
)


def on_asyncio() -> bool:
    """Whether the calling code runs on an asyncio event loop (not trio, not sync)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def current_budget() -> CallBudget | None:
    """The budget of the onestop call being sent in this thread or task, if any."""
    return _CURRENT_CALL.get()


def _on_request(request: httpx.Request) -> None:
    budget = _CURRENT_CALL.get()
    if budget is not None:
        budget.arm(request)


def _on_response(response: httpx.Response) -> None:
    budget = _CURRENT_CALL.get()
    if budget is not None:
        budget.guard(response)


async def _on_request_async(request: httpx.Request) -> None:
    _on_request(request)


async def _on_response_async(response: httpx.Response) -> None:
    _on_response(response)


def _install_guard(http: httpx.Client | httpx.AsyncClient) -> None:
    """Put the deadline and size guard first among ``http``'s event hooks (once)."""
    import httpx

    hooks = http.event_hooks
    if isinstance(http, httpx.Client):
        on_request: Callable[..., Any] = _on_request
        on_response: Callable[..., Any] = _on_response
    else:
        on_request, on_response = _on_request_async, _on_response_async
    if on_request in hooks.get("request", []):
        return
    http.event_hooks = {
        **hooks,
        "request": [on_request, *hooks.get("request", [])],
        "response": [on_response, *hooks.get("response", [])],
    }


# ------------------------------------------------------------------------------ drivers


def _check_client(given: object, expected: type) -> None:
    if given is not None and not isinstance(given, expected):
        raise ConfigurationError(
            f"http_client: expected an httpx.{expected.__name__}, got {type(given).__name__}",
            field="http_client",
        )


class _Driver:
    """What both drivers share: bounds, headers, retry decisions and logging (no I/O)."""

    def __init__(
        self,
        peer: Peer,
        *,
        timeout: float,
        max_response_bytes: int,
        retry: RetryPolicy | None,
        headers: Mapping[str, str] | None,
    ) -> None:
        given: object = retry
        if given is not None and not isinstance(given, RetryPolicy):
            raise ConfigurationError(
                f"retry: expected a RetryPolicy, got {type(given).__name__}", field="retry"
            )
        self.peer = peer
        self.timeout = check_timeout(timeout)
        """Total seconds of one call: connect, send and receive the whole answer."""
        self.max_response_bytes = check_max_response_bytes(max_response_bytes)
        """The largest answer read, in bytes (as received and after gzip decoding)."""
        self.retry = retry or RetryPolicy()
        self.headers = {"User-Agent": USER_AGENT, **(headers or {})}
        self._owns_http = True
        self._plain_client = False
        self._rng = random.Random()
        import httpx

        self._httpx = httpx

    def derive(
        self,
        *,
        timeout: float | None = None,
        retry: RetryPolicy | None = None,
        max_response_bytes: int | None = None,
    ) -> Self:
        """A copy sharing this driver's connections (and not closing them), with other bounds."""
        clone = copy.copy(self)
        clone._owns_http = False
        if timeout is not None:
            clone.timeout = check_timeout(timeout)
        if retry is not None:
            if not isinstance(retry, RetryPolicy):
                raise ConfigurationError(
                    f"retry: expected a RetryPolicy, got {type(retry).__name__}", field="retry"
                )
            clone.retry = retry
        if max_response_bytes is not None:
            clone.max_response_bytes = check_max_response_bytes(max_response_bytes)
        return clone

    def _answered(self, label: str, response: httpx.Response, started: float, attempt: int) -> None:
        logger = self.peer.logger
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s -> HTTP %d in %.1f ms (attempt %d)",
                label,
                response.status_code,
                (time.perf_counter() - started) * 1000,
                attempt,
            )

    def _failed(self, label: str, exc: BaseException, started: float) -> TransportError:
        err = transport_error(exc, where=label, who=self.peer.who)
        logger = self.peer.logger
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s -> %s after %.1f ms", label, err.code, (time.perf_counter() - started) * 1000
            )
        return err

    def _delay(
        self, err: OneStopError, *, attempt: int, elapsed: float, idempotent: bool, label: str
    ) -> float | None:
        delay = should_retry(
            err,
            attempt=attempt,
            elapsed=elapsed,
            idempotent=idempotent,
            policy=self.retry,
            jitter=self._rng.random(),
            testing=testing_mode(),
        )
        logger = self.peer.logger
        if delay is None:
            # DEBUG only: the error is raised to the caller, who reports it (once).
            logger.debug("%s failed after %d attempt(s): %s", label, attempt, err.code)
        else:
            logger.debug("%s: %s, retrying in %.2f s", label, err.code, delay)
        return delay

    def _request(
        self,
        http: httpx.Client | httpx.AsyncClient,
        method: str,
        url: str | httpx.URL,
        *,
        content: bytes | None,
        headers: Mapping[str, str] | None,
    ) -> httpx.Request:
        merged = self.headers if not headers else {**self.headers, **headers}
        if self._plain_client:
            # The driver's own client has no default headers, cookies or parameters to merge
            # (the call's timeout comes from its budget), so the request is built directly.
            return self._httpx.Request(method, url, content=content, headers=merged)
        return http.build_request(method, url, content=content, headers=merged)


class SyncHttp(_Driver):
    """The synchronous driver: sends one request under its bounds and returns the answer read.

    Args:
        peer: the service, for messages and logs.
        transport: an ``httpx.BaseTransport`` for the client the driver builds (tests inject
            a fake's transport).
        http_client: an ``httpx.Client`` to borrow instead (proxies, mTLS); never closed here.
            The bounds apply to onestop's calls on it through event hooks put first among its
            hooks; its other requests are left alone.
        timeout: total seconds of one call.
        max_response_bytes: the largest answer read.
        retry: the retry bounds of :meth:`retrying` (default :class:`RetryPolicy`).
        headers: headers of every request besides ``User-Agent``.
    """

    def __init__(
        self,
        peer: Peer,
        *,
        transport: httpx.BaseTransport | None = None,
        http_client: httpx.Client | None = None,
        timeout: float = 30.0,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        retry: RetryPolicy | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        import httpx

        super().__init__(
            peer,
            timeout=timeout,
            max_response_bytes=max_response_bytes,
            retry=retry,
            headers=headers,
        )
        _check_client(http_client, httpx.Client)
        self._owns_http = self._plain_client = http_client is None
        self.http = http_client or httpx.Client(transport=transport, timeout=self.timeout)
        _install_guard(self.http)

    def close(self) -> None:
        """Close the connection pool (unless the ``http_client`` was the caller's)."""
        if self._owns_http:
            self.http.close()

    def build(
        self,
        method: str,
        url: str | httpx.URL,
        *,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Request:
        """A request with the driver's headers (and a borrowed client's own defaults)."""
        return self._request(self.http, method, url, content=content, headers=headers)

    def send(
        self,
        request: httpx.Request,
        *,
        label: str,
        auth: httpx.Auth | None = None,
        attempt: int = 1,
    ) -> httpx.Response:
        """Send ``request`` within the call's deadline and size cap; the answer is read whole.

        Args:
            request: from :meth:`build`.
            label: what is called, for messages and logs (never personal data).
            auth: an ``httpx.Auth`` for this request (its login shares the deadline).
            attempt: the try number, for the log.

        Raises:
            TransportError: no answer (a subclass says which step failed).
            ReadTimeoutError: the deadline passed.
            UnexpectedResponseError: the answer is over the size cap.
        """
        import httpx

        started = time.perf_counter()
        token = _CURRENT_CALL.set(
            CallBudget(label, self.peer, self.timeout, self.max_response_bytes)
        )
        try:
            response = self.http.send(request, auth=auth) if auth else self.http.send(request)
        except httpx.HTTPError as exc:
            raise self._failed(label, exc, started) from exc
        finally:
            _CURRENT_CALL.reset(token)
        self._answered(label, response, started, attempt)
        return response

    def retrying(
        self,
        attempt: Callable[[int], _T],
        *,
        idempotent: bool,
        label: str,
        sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> _T:
        """Run ``attempt(1)``, ``attempt(2)``… until one succeeds or :func:`should_retry` says stop.

        Args:
            attempt: one try, given its number; raises a :class:`~onestop.errors.OneStopError`
                to fail.
            idempotent: whether a try may be repeated safely.
            label: what is tried, for the log.
            sleep: waits between tries (tests inject a fake).
            clock: a monotonic clock in seconds, for the retry budget.
        """
        since, number = clock(), 0
        while True:
            number += 1
            try:
                return attempt(number)
            except OneStopError as err:
                delay = self._delay(
                    err,
                    attempt=number,
                    elapsed=clock() - since,
                    idempotent=idempotent,
                    label=label,
                )
                if delay is None:
                    raise
                sleep(delay)


class AsyncHttp(_Driver):
    """The asynchronous driver; same arguments and behaviour as :class:`SyncHttp`.

    The deadline is also a hard stop: the call is cancelled when it passes, so a server that
    trickles even its headers cannot hold it. The client the driver builds sends through
    :class:`~onestop._http._io.PoolTransport` (asyncio I/O without anyio's per-read cost, one
    pool per connection).

    Args:
        peer: the service, for messages and logs.
        transport: an ``httpx.AsyncBaseTransport`` (tests inject a fake's transport).
        http_client: an ``httpx.AsyncClient`` to borrow instead; never closed here.
        timeout: total seconds of one call.
        max_response_bytes: the largest answer read.
        retry: the retry bounds of :meth:`retrying`.
        headers: headers of every request besides ``User-Agent``.
        max_connections: connections kept open at most (bounds concurrency on the wire).
    """

    def __init__(
        self,
        peer: Peer,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        http_client: httpx.AsyncClient | None = None,
        timeout: float = 30.0,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        retry: RetryPolicy | None = None,
        headers: Mapping[str, str] | None = None,
        max_connections: int = 20,
    ) -> None:
        import httpx

        super().__init__(
            peer,
            timeout=timeout,
            max_response_bytes=max_response_bytes,
            retry=retry,
            headers=headers,
        )
        _check_client(http_client, httpx.AsyncClient)
        pool: object = max_connections
        if isinstance(pool, bool) or not isinstance(pool, int) or pool < 1:
            raise ConfigurationError(
                f"max_connections: expected a positive integer, got {max_connections!r}",
                field="max_connections",
            )
        self._owns_http = self._plain_client = http_client is None
        if http_client is None and transport is None:
            from onestop._http._io import PoolTransport

            ssl_context = httpx.create_ssl_context()
            # The transport enforces each call's budget itself (no event hooks needed).
            self.http = httpx.AsyncClient(
                transport=PoolTransport(
                    ssl_context=ssl_context,
                    max_connections=max_connections,
                    current_budget=current_budget,
                    on_asyncio=on_asyncio,
                ),
                verify=ssl_context,  # for the proxies the environment may set
                timeout=self.timeout,
            )
            if urllib.request.getproxies():
                # httpx sends through its own transport to a proxy the environment names.
                _install_guard(self.http)
        else:
            self.http = http_client or httpx.AsyncClient(transport=transport, timeout=self.timeout)
            _install_guard(self.http)

    async def aclose(self) -> None:
        """Close the connection pools (unless the ``http_client`` was the caller's)."""
        if self._owns_http:
            await self.http.aclose()

    def build(
        self,
        method: str,
        url: str | httpx.URL,
        *,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Request:
        """A request with the driver's headers (and a borrowed client's own defaults)."""
        return self._request(self.http, method, url, content=content, headers=headers)

    async def send(
        self,
        request: httpx.Request,
        *,
        label: str,
        auth: httpx.Auth | None = None,
        attempt: int = 1,
    ) -> httpx.Response:
        """Send ``request`` within its deadline and size cap; see :meth:`SyncHttp.send`."""
        budget = CallBudget(label, self.peer, self.timeout, self.max_response_bytes, hard_stop=True)
        started = time.perf_counter()
        response: httpx.Response | None = None
        token = _CURRENT_CALL.set(budget)
        try:
            # The hard stop: a server trickling even its headers cannot pass the deadline.
            # asyncio's own timeout where it runs (a fraction of the cost of an anyio cancel
            # scope), anyio's elsewhere (trio).
            stop_at = budget.timeout + _CANCEL_GRACE
            if on_asyncio():
                try:
                    async with asyncio.timeout(stop_at) as scope:
                        response = await self._exchange(request, label, auth, started)
                except TimeoutError:
                    if not scope.expired():
                        raise  # an error of the call that is a TimeoutError too
            else:  # pragma: no cover - trio
                import anyio

                with anyio.move_on_after(stop_at):
                    response = await self._exchange(request, label, auth, started)
        finally:
            _CURRENT_CALL.reset(token)
        if response is None:
            raise budget.expired()
        self._answered(label, response, started, attempt)
        return response

    async def _exchange(
        self, request: httpx.Request, label: str, auth: httpx.Auth | None, started: float
    ) -> httpx.Response:
        import httpx

        try:
            return (
                await self.http.send(request, auth=auth) if auth else await self.http.send(request)
            )
        except httpx.HTTPError as exc:
            raise self._failed(label, exc, started) from exc

    async def retrying(
        self,
        attempt: Callable[[int], Awaitable[_T]],
        *,
        idempotent: bool,
        label: str,
        sleep: Callable[[float], Awaitable[object]] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> _T:
        """Await ``attempt(1)``, ``attempt(2)``… until one succeeds or the retry rule says stop.

        Same arguments as :meth:`SyncHttp.retrying`; ``sleep`` defaults to ``anyio.sleep``.
        """
        since, number = clock(), 0
        while True:
            number += 1
            try:
                return await attempt(number)
            except OneStopError as err:
                delay = self._delay(
                    err,
                    attempt=number,
                    elapsed=clock() - since,
                    idempotent=idempotent,
                    label=label,
                )
                if delay is None:
                    raise
                if sleep is None:
                    import anyio

                    await anyio.sleep(delay)
                else:
                    await sleep(delay)
