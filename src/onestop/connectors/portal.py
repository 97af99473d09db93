"""Clients of the national public service portal (Cổng DVCQG) and its LGSP/NGSP gateways.

:class:`PortalClient` and :class:`AsyncPortalClient` have the same surface; what they send and
how answers are read is in :mod:`onestop.connectors._protocol` (pure), and only the send loop
differs. Example with the shipped fake::

    from onestop.connectors.auth import AdapterAuth
    from onestop.connectors.portal import PortalClient
    from onestop.testing import FakePortal

    portal = FakePortal()
    with PortalClient(
        "https://adapter.example",
        auth=AdapterAuth("user", "pass"),
        unit_code="H56",
        transport=portal.transport(),
    ) as client:
        client.lookup_dossier("H56-260315-0001")  # None: not synced yet

Bounds of one call (one HTTP exchange, with the login or token request it may need), enforced
in one place for both clients (event hooks on the httpx client and a guard around the answer's
body):

* ``timeout`` is a **total deadline**: connecting, sending and receiving the whole answer must
  end within it, so a server that trickles its answer a byte at a time cannot hold a call (or
  an outbox lease) longer. Each network wait gets what is left of it; the async client also
  cancels the call at the deadline; the sync client checks it after every piece of the answer
  it receives. A blocking read cannot be interrupted, so the sync client does not cut a server
  that trickles its *headers* (up to httpcore's 100 KiB of them); the async client does;
* ``max_response_bytes`` caps the answer (default 32 MiB, as received and after gzip
  decoding): a larger one is refused with :class:`~onestop.errors.UnexpectedResponseError`
  as soon as the limit is passed, without being read whole.

Retries follow :func:`onestop.connectors.should_retry`; every call is logged at DEBUG on the
``onestop.connectors.portal`` logger with the service, HTTP status, elapsed milliseconds and the
attempt, never with bodies, credentials or personal data.
"""

from __future__ import annotations

import contextvars
import copy
import itertools
import logging
import math
import random
import time
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

import anyio
import httpx

from onestop._version import __version__
from onestop.connectors._protocol import (
    PROGRESS_CHUNK,
    SERVICE_AGENCIES,
    SERVICE_FIELDS,
    UPSERT_MAX_CALLS,
    Call,
    UpsertFlow,
    UpsertResult,
    dictionary_call,
    encode_body,
    lookup_call,
    parse_dictionary,
    parse_lookup,
    parse_procedure,
    parse_procedure_list,
    parse_response,
    procedure_call,
    procedure_list_call,
    progress_calls,
    request_body,
    upsert_flow,
)
from onestop.connectors._retry import RetryPolicy, should_retry
from onestop.connectors._settings import DEFAULT_MAX_RESPONSE_BYTES, ENV_VARS, PortalSettings
from onestop.connectors._wire import (
    DictionaryEntry,
    DossierRecord,
    Envelope,
    ProcedureRecord,
    ProcedureSummary,
    ProgressRecord,
)
from onestop.errors import (
    ConfigurationError,
    ConflictError,
    ConnectTimeoutError,
    NetworkError,
    NotFoundError,
    OneStopError,
    ReadTimeoutError,
    TransportError,
    UnexpectedResponseError,
)

if TYPE_CHECKING:
    from onestop.models import Dossier

__all__ = ["USER_AGENT", "AsyncPortalClient", "PortalClient", "UpsertResult"]

logger = logging.getLogger("onestop.connectors.portal")
_T = TypeVar("_T")

#: Connections per underlying httpx pool of the async client.
_POOL_SHARD = 8

#: ``User-Agent`` of every request.
USER_AGENT = f"onestop/{__version__}"


def translate_transport_error(exc: httpx.HTTPError, *, service: str) -> TransportError:
    """The onestop error for an httpx failure that produced no HTTP answer."""
    name = type(exc).__name__
    if isinstance(exc, httpx.ConnectTimeout):
        return ConnectTimeoutError(f"{service}: connecting to the portal timed out ({name})")
    if isinstance(exc, httpx.TimeoutException):
        return ReadTimeoutError(f"{service}: the portal did not answer in time ({name})")
    return NetworkError(f"{service}: the connection failed or was dropped ({name})")


def _to_record(dossier: Dossier | DossierRecord) -> DossierRecord:
    if isinstance(dossier, DossierRecord):
        return dossier
    from onestop.connectors._mapping import dossier_to_record

    return dossier_to_record(dossier)  # checks that it is a Dossier


def _check_timeout(timeout: object) -> float:
    if (
        isinstance(timeout, bool)
        or not isinstance(timeout, int | float)
        or not math.isfinite(timeout)
        or timeout <= 0
    ):
        raise ConfigurationError(
            f"timeout: expected a positive number of seconds (the total time of one HTTP "
            f"call), got {timeout!r}",
            field="timeout",
        )
    return float(timeout)


def _check_max_bytes(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(
            f"max_response_bytes: expected a positive number of bytes, got {value!r}",
            field="max_response_bytes",
        )
    return value


#: Seconds the async client lets httpx's own timeouts fire before it cancels a call (httpx's
#: errors say which step timed out: a connect timeout is safe to retry even for a create).
_CANCEL_GRACE = 0.05


class _CallBudget:
    """The deadline and the size cap of the call being sent (one per call, any thread/task)."""

    __slots__ = ("deadline", "max_bytes", "service", "timeout")

    def __init__(self, service: str, timeout: float, max_bytes: int) -> None:
        self.service = service
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.deadline = time.monotonic() + timeout

    def remaining(self) -> float:
        """Seconds left before the deadline; raises once it has passed."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise self.expired()
        return left

    def expired(self) -> ReadTimeoutError:
        return ReadTimeoutError(
            f"{self.service}: the call did not complete within its {self.timeout:g} s "
            "deadline (timeout covers connecting, sending and receiving the whole answer)"
        )

    def too_large(self) -> UnexpectedResponseError:
        return UnexpectedResponseError(
            f"{self.service}: the answer is larger than {self.max_bytes:,} bytes and was not "
            f"read further (raise max_response_bytes / {ENV_VARS['max_response_bytes']} if "
            "the portal really sends that much)"
        )

    def arm(self, request: httpx.Request) -> None:
        """Give every network wait of ``request`` (login included) what is left of the deadline."""
        left = self.remaining()
        request.extensions["timeout"] = {"connect": left, "read": left, "write": left, "pool": left}

    def guard(self, response: httpx.Response) -> None:
        """Refuse an answer announced too large; read the others through :class:`_GuardedBody`."""
        self.remaining()
        length = response.headers.get("content-length", "").strip()
        if length.isdigit() and int(length) > self.max_bytes:
            raise self.too_large()
        try:
            content = response.content  # an in-memory transport answers with the body read
        except httpx.ResponseNotRead:
            pass
        else:
            if len(content) > self.max_bytes:
                raise self.too_large()
            return
        encoding = response.headers.get("content-encoding", "").strip().lower()
        decoder = None
        if encoding in ("gzip", "x-gzip"):
            decoder = zlib.decompressobj(zlib.MAX_WBITS | 16)
            # Decoded here, within the cap; httpx must not decode (unbounded) a second time.
            del response.headers["content-encoding"]
        elif encoding not in ("", "identity"):
            raise UnexpectedResponseError(
                f"{self.service}: the answer is compressed with {encoding[:20]!r}, which onestop "
                "did not ask for (it accepts gzip)"
            )
        response.stream = _GuardedBody(response.stream, self, decoder)


class _GuardedBody(httpx.SyncByteStream, httpx.AsyncByteStream):
    """An answer's body read under its call's deadline and size cap (gzip decoded within it)."""

    def __init__(
        self,
        inner: httpx.SyncByteStream | httpx.AsyncByteStream,
        budget: _CallBudget,
        decoder: zlib._Decompress | None,
    ) -> None:
        self._inner = inner
        self._budget = budget
        self._decoder = decoder
        self._received = 0
        self._decoded = 0

    def _take(self, chunk: bytes) -> bytes:
        budget = self._budget
        budget.remaining()
        self._received += len(chunk)
        if self._received > budget.max_bytes:
            raise budget.too_large()
        if self._decoder is None:
            return chunk
        try:
            out = self._decoder.decompress(chunk, budget.max_bytes - self._decoded + 1)
        except zlib.error:
            raise UnexpectedResponseError(
                f"{budget.service}: the gzip-compressed answer is corrupt"
            ) from None
        self._decoded += len(out)
        if self._decoded > budget.max_bytes:
            raise budget.too_large()
        return out

    def __iter__(self) -> Iterator[bytes]:
        if not isinstance(self._inner, httpx.SyncByteStream):
            raise TypeError("an async answer read by the sync client")
        for chunk in self._inner:
            out = self._take(chunk)
            if out:
                yield out

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if not isinstance(self._inner, httpx.AsyncByteStream):
            raise TypeError("a sync answer read by the async client")
        async for chunk in self._inner:
            out = self._take(chunk)
            if out:
                yield out

    def close(self) -> None:
        if isinstance(self._inner, httpx.SyncByteStream):
            self._inner.close()

    async def aclose(self) -> None:
        if isinstance(self._inner, httpx.AsyncByteStream):
            await self._inner.aclose()


#: The call being sent in this thread or task (``None`` outside onestop's calls: the hooks then
#: leave the requests of a caller-supplied ``http_client`` alone).
_CURRENT_CALL: contextvars.ContextVar[_CallBudget | None] = contextvars.ContextVar(
    "onestop_portal_call", default=None
)


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


class _ClientCore:
    """What both clients share: configuration, request building, retry decisions, logging."""

    def __init__(
        self,
        base_url: str,
        *,
        auth: httpx.Auth,
        unit_code: str,
        service_path: str,
        share_path: str | None,
        retry: RetryPolicy | None,
        timeout: float,
        max_response_bytes: int,
    ) -> None:
        url: object = base_url
        unit: object = unit_code
        auth_obj: object = auth
        retry_obj: object = retry
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ConfigurationError(
                "base_url: expected an http:// or https:// URL of the adapter or gateway, "
                "e.g. 'https://adapter.tinh.gov.vn'",
                field="base_url",
            )
        if not isinstance(unit, str) or not unit.strip():
            raise ConfigurationError(
                "unit_code: empty; expected the unit code (madonvi) of the account, e.g. 'H56'",
                field="unit_code",
            )
        if not isinstance(auth_obj, httpx.Auth):
            raise ConfigurationError(
                f"auth: expected AdapterAuth(...) or GatewayAuth(...) (an httpx.Auth), "
                f"got {type(auth_obj).__name__}",
                field="auth",
            )
        if retry_obj is not None and not isinstance(retry_obj, RetryPolicy):
            raise ConfigurationError(
                f"retry: expected a RetryPolicy, got {type(retry_obj).__name__}", field="retry"
            )
        self.base_url = base_url
        self.unit_code = unit_code.strip()
        self.service_path = service_path
        self.share_path = share_path or service_path
        self.retry = retry or RetryPolicy()
        self.timeout = _check_timeout(timeout)
        """Total seconds of one HTTP call: connect, send and receive the whole answer."""
        self.max_response_bytes = _check_max_bytes(max_response_bytes)
        """The largest answer read, in bytes (as received and after gzip decoding)."""
        self._owns_http = True
        self._auth = auth
        self._rng = random.Random()
        self._urls: dict[tuple[int, bool], httpx.URL] = {}
        self.headers = {
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
            "Accept-Encoding": "gzip",
            "Content-Type": "application/json; charset=utf-8",
        }

    @property
    def max_upsert_seconds(self) -> float:
        """The longest one :meth:`upsert_dossier` can take with this client's bounds, in seconds.

        No retry starts after ``retry.total_timeout`` seconds, and one try of the upsert is at
        most ``UPSERT_MAX_CALLS`` (4) calls of ``timeout`` seconds each, so the bound is
        ``retry.total_timeout + 4 * timeout``. One chunk of :meth:`push_progress` takes less.
        The outbox workers refuse a client whose bound is not below the outbox lease.
        """
        return self.retry.total_timeout + UPSERT_MAX_CALLS * self.timeout

    def _budget(self, call: Call) -> _CallBudget:
        return _CallBudget(call.service, self.timeout, self.max_response_bytes)

    def _url(self, http: httpx.Client | httpx.AsyncClient, *, share: bool) -> httpx.URL:
        """The full URL of the service (or share) path on ``http``'s base URL, cached.

        Same rule as httpx's own merge (the path is appended to the base URL's path), done
        once per client instead of parsing the URL again on every call.
        """
        key = (id(http), share)
        url = self._urls.get(key)
        if url is None:
            target = httpx.URL(self.share_path if share else self.service_path)
            if target.is_relative_url:
                base = http.base_url
                target = base.copy_with(raw_path=base.raw_path + target.raw_path.lstrip(b"/"))
            url = self._urls[key] = target
        return url

    def _build(self, http: httpx.Client | httpx.AsyncClient, call: Call) -> httpx.Request:
        content = encode_body(request_body(call, unit_code=self.unit_code))
        return http.build_request(
            "POST",
            self._url(http, share=call.share),
            content=content,
            headers=self.headers,
            timeout=self.timeout,
        )

    def with_options(
        self,
        *,
        timeout: float | None = None,
        retry: RetryPolicy | None = None,
        max_response_bytes: int | None = None,
    ) -> Self:
        """A copy that shares this client's connections and auth, with other bounds.

        Closing the copy does not close the shared connections.

        Args:
            timeout: total seconds of one HTTP call for the copy.
            retry: retry bounds for the copy.
            max_response_bytes: the largest answer the copy reads.
        """
        clone = copy.copy(self)
        clone._owns_http = False
        if timeout is not None:
            clone.timeout = _check_timeout(timeout)
        if retry is not None:
            clone.retry = retry
        if max_response_bytes is not None:
            clone.max_response_bytes = _check_max_bytes(max_response_bytes)
        return clone

    def _parse(
        self, call: Call, response: httpx.Response, started: float, attempt: int
    ) -> Envelope:
        logger.debug(
            "portal %s -> HTTP %d in %.1f ms (attempt %d)",
            call.service,
            response.status_code,
            (time.perf_counter() - started) * 1000,
            attempt,
        )
        return parse_response(
            response.status_code, response.headers, response.content, service=call.service
        )

    def _failed(self, call: Call, exc: httpx.HTTPError, started: float) -> TransportError:
        err = translate_transport_error(exc, service=call.service)
        logger.debug(
            "portal %s -> %s after %.1f ms",
            call.service,
            err.code,
            (time.perf_counter() - started) * 1000,
        )
        return err

    def _delay(
        self, err: OneStopError, *, attempt: int, since: float, idempotent: bool, what: str
    ) -> float | None:
        delay = should_retry(
            err,
            attempt=attempt,
            elapsed=time.monotonic() - since,
            idempotent=idempotent,
            policy=self.retry,
            jitter=self._rng.random(),
        )
        if delay is None:
            # DEBUG only: the error is raised to the caller, who reports it (once).
            logger.debug("portal %s failed after %d attempt(s): %s", what, attempt, err.code)
        else:
            logger.debug("portal %s: %s, retrying in %.2f s", what, err.code, delay)
        return delay


def _step(flow: UpsertFlow, outcome: Envelope | ConflictError | NotFoundError) -> Call:
    if isinstance(outcome, ConflictError | NotFoundError):
        return flow.throw(outcome)
    return flow.send(outcome)


class PortalClient(_ClientCore):
    """Synchronous client of the portal adapter or gateway.

    Args:
        base_url: adapter or gateway base URL, e.g. ``"https://adapter.tinh.gov.vn"``.
        auth: :class:`~onestop.connectors.auth.AdapterAuth` or
            :class:`~onestop.connectors.auth.GatewayAuth` (any ``httpx.Auth`` works).
        unit_code: the unit code (``madonvi``) of the account.
        service_path: path of the integration (write) endpoint.
        share_path: path of the share (read) endpoint; defaults to ``service_path``.
        transport: an ``httpx.BaseTransport`` (e.g. ``FakePortal().transport()``).
        timeout: total seconds of one HTTP call: connecting, sending and receiving the whole
            answer (a login it needs included).
        retry: bounds of retries (default :class:`RetryPolicy`).
        http_client: an existing ``httpx.Client`` (proxies, mTLS); it is not closed by
            :meth:`close`. ``timeout`` and ``max_response_bytes`` apply to onestop's calls on
            it too (through an event hook added first to its hooks; other requests made with
            it are left alone).
        max_response_bytes: the largest answer read (default 32 MiB); a larger one raises
            :class:`~onestop.errors.UnexpectedResponseError` without being read whole.
    """

    def __init__(
        self,
        base_url: str,
        *,
        auth: httpx.Auth,
        unit_code: str,
        service_path: str = "/service",
        share_path: str | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        http_client: httpx.Client | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        super().__init__(
            base_url,
            auth=auth,
            unit_code=unit_code,
            service_path=service_path,
            share_path=share_path,
            retry=retry,
            timeout=timeout,
            max_response_bytes=max_response_bytes,
        )
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(
            base_url=base_url, transport=transport, timeout=self.timeout
        )
        _install_guard(self._http)

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy | None = None,
        **overrides: str | float | None,
    ) -> PortalClient:
        """Build a client from ``ONESTOP_PORTAL_*`` variables (see :class:`PortalSettings`).

        Raises:
            ConfigurationError: a required setting is missing.
        """
        s = PortalSettings.from_env(environ, **overrides)
        return cls(
            s.base_url,
            auth=s.make_auth(),
            unit_code=s.unit_code,
            service_path=s.service_path,
            share_path=s.share_path,
            transport=transport,
            timeout=s.timeout,
            retry=retry,
            max_response_bytes=s.max_response_bytes,
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool (unless the ``http_client`` was given by the caller)."""
        if self._owns_http:
            self._http.close()

    def _send(self, call: Call, attempt: int = 1) -> Envelope:
        request = self._build(self._http, call)
        started = time.perf_counter()
        token = _CURRENT_CALL.set(self._budget(call))
        try:
            response = self._http.send(request, auth=self._auth)
        except httpx.HTTPError as exc:
            raise self._failed(call, exc, started) from exc
        finally:
            _CURRENT_CALL.reset(token)
        return self._parse(call, response, started, attempt)

    def _retrying(self, attempt: Callable[[int], _T], *, idempotent: bool, what: str) -> _T:
        """Run ``attempt(1)``, ``attempt(2)``… until one succeeds or the retry rule says stop."""
        since, number = time.monotonic(), 0
        while True:
            number += 1
            try:
                return attempt(number)
            except OneStopError as err:
                delay = self._delay(
                    err, attempt=number, since=since, idempotent=idempotent, what=what
                )
                if delay is None:
                    raise
                time.sleep(delay)

    def _call(self, call: Call) -> Envelope:
        return self._retrying(
            lambda number: self._send(call, number),
            idempotent=call.idempotent,
            what=call.service,
        )

    def _drive(self, flow: UpsertFlow) -> UpsertResult:
        try:
            call = next(flow)
            while True:
                try:
                    outcome: Envelope | ConflictError | NotFoundError = self._send(call)
                except (ConflictError, NotFoundError) as err:
                    outcome = err
                call = _step(flow, outcome)
        except StopIteration as stop:
            return cast("UpsertResult", stop.value)
        finally:
            flow.close()

    def upsert_dossier(
        self, dossier: Dossier | DossierRecord, *, known_to_exist: bool = False
    ) -> UpsertResult:
        """Create the dossier on the portal, or update it if it is there; idempotent.

        Looks the dossier up (``TraCuuHoSo``), then creates it (``DongBoHoSoMC`` with
        ``isUpdating: "False"``) or updates it (``"True"``). A failure anywhere restarts the
        whole sequence within the retry policy, so a lost answer never creates a duplicate.

        Args:
            dossier: a domain :class:`~onestop.models.Dossier` or a ready wire record.
            known_to_exist: the portal confirmed this dossier before: update first and look up
                only if the portal answers that it does not exist (one call instead of two).

        Returns:
            The dossier code and whether it was created.
        """
        record = _to_record(dossier)
        return self._retrying(
            lambda _: self._drive(upsert_flow(record, known_to_exist=known_to_exist)),
            idempotent=True,
            what="upsert",
        )

    def push_progress(
        self, rows: Iterable[ProgressRecord], *, chunk_size: int = PROGRESS_CHUNK
    ) -> int:
        """Send processing steps (``CapNhatTienDoHoSoMC``) in chunks of ``chunk_size`` rows.

        Returns:
            The number of rows sent.
        """
        sent = 0
        for call in progress_calls(rows, chunk_size=chunk_size):
            self._call(call)
            sent += len(call.params["data"])
        return sent

    def lookup_dossier(self, code: str) -> DossierRecord | None:
        """The dossier as the portal holds it (``TraCuuHoSo``), or ``None`` if it has none."""
        return parse_lookup(self._call(lookup_call(code)))

    def get_procedure(self, code: str) -> ProcedureRecord:
        """One procedure of the national catalogue (``LayThuTuc``).

        Raises:
            NotFoundError: the catalogue has no such procedure.
        """
        return parse_procedure(self._call(procedure_call(code)), code=code)

    def iter_procedures(self) -> Iterator[ProcedureSummary]:
        """The procedures of the catalogue (``LayDanhSachTTHC``), one by one."""
        yield from parse_procedure_list(self._call(procedure_list_call()))

    def get_dictionary(self, service: str) -> list[DictionaryEntry]:
        """The entries of a dictionary service, e.g. ``"LayDanhMucCoQuan"``."""
        return parse_dictionary(self._call(dictionary_call(service)), service=service)

    def list_agencies(self) -> list[DictionaryEntry]:
        """The agency dictionary (``LayDanhMucCoQuan``)."""
        return self.get_dictionary(SERVICE_AGENCIES)

    def list_fields(self) -> list[DictionaryEntry]:
        """The field dictionary (``LayDanhMucLinhVuc``)."""
        return self.get_dictionary(SERVICE_FIELDS)


class AsyncPortalClient(_ClientCore):
    """Asynchronous client with the same surface as :class:`PortalClient`.

    Args:
        base_url: adapter or gateway base URL.
        auth: :class:`~onestop.connectors.auth.AdapterAuth` or
            :class:`~onestop.connectors.auth.GatewayAuth`.
        unit_code: the unit code (``madonvi``) of the account.
        service_path: path of the integration (write) endpoint.
        share_path: path of the share (read) endpoint; defaults to ``service_path``.
        transport: an ``httpx.AsyncBaseTransport`` (e.g. ``FakePortal().async_transport()``).
        timeout: total seconds of one HTTP call (connect, send, receive the whole answer); the
            call is cancelled at the deadline.
        retry: bounds of retries.
        max_connections: size of the connection pool (bounds concurrency on the wire).
        http_client: an existing ``httpx.AsyncClient``; it is not closed by :meth:`aclose`
            (the bounds apply to onestop's calls on it, as for :class:`PortalClient`).
        max_response_bytes: the largest answer read (default 32 MiB).
    """

    def __init__(
        self,
        base_url: str,
        *,
        auth: httpx.Auth,
        unit_code: str,
        service_path: str = "/service",
        share_path: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        max_connections: int = 20,
        http_client: httpx.AsyncClient | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        super().__init__(
            base_url,
            auth=auth,
            unit_code=unit_code,
            service_path=service_path,
            share_path=share_path,
            retry=retry,
            timeout=timeout,
            max_response_bytes=max_response_bytes,
        )
        pool: object = max_connections
        if isinstance(pool, bool) or not isinstance(pool, int) or pool < 1:
            raise ConfigurationError(
                f"max_connections: expected a positive integer, got {max_connections!r}",
                field="max_connections",
            )
        self._owns_http = http_client is None
        if http_client is not None:
            clients = [http_client]
        else:
            # httpcore inspects every pooled connection on each request (O(pool) per call),
            # so a large pool is split into several small ones used in turn.
            shards = 1 if transport is not None else math.ceil(max_connections / _POOL_SHARD)
            per_pool = math.ceil(max_connections / shards)
            clients = [
                httpx.AsyncClient(
                    base_url=base_url,
                    transport=transport,
                    timeout=self.timeout,
                    limits=httpx.Limits(
                        max_connections=per_pool, max_keepalive_connections=per_pool
                    ),
                )
                for _ in range(shards)
            ]
        for client in clients:
            _install_guard(client)
        self._clients = clients
        self._rotation = itertools.cycle(clients)
        self._http = clients[0]

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
        max_connections: int = 20,
        **overrides: str | float | None,
    ) -> AsyncPortalClient:
        """Build a client from ``ONESTOP_PORTAL_*`` variables (see :class:`PortalSettings`).

        Raises:
            ConfigurationError: a required setting is missing or malformed.
        """
        s = PortalSettings.from_env(environ, **overrides)
        return cls(
            s.base_url,
            auth=s.make_auth(),
            unit_code=s.unit_code,
            service_path=s.service_path,
            share_path=s.share_path,
            transport=transport,
            timeout=s.timeout,
            retry=retry,
            max_connections=max_connections,
            max_response_bytes=s.max_response_bytes,
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pools (unless the ``http_client`` was given by the caller)."""
        if self._owns_http:
            for client in self._clients:
                await client.aclose()

    async def _send(self, call: Call, attempt: int = 1) -> Envelope:
        http = next(self._rotation)
        request = self._build(http, call)
        started = time.perf_counter()
        budget = self._budget(call)
        token = _CURRENT_CALL.set(budget)
        response: httpx.Response | None = None
        try:
            # The hard stop: a server trickling even its headers cannot pass the deadline.
            with anyio.move_on_after(budget.timeout + _CANCEL_GRACE):
                try:
                    response = await http.send(request, auth=self._auth)
                except httpx.HTTPError as exc:
                    raise self._failed(call, exc, started) from exc
        finally:
            _CURRENT_CALL.reset(token)
        if response is None:
            raise budget.expired()
        return self._parse(call, response, started, attempt)

    async def _retrying(
        self, attempt: Callable[[int], Awaitable[_T]], *, idempotent: bool, what: str
    ) -> _T:
        """Await ``attempt(1)``, ``attempt(2)``… until one succeeds or the retry rule says stop."""
        since, number = time.monotonic(), 0
        while True:
            number += 1
            try:
                return await attempt(number)
            except OneStopError as err:
                delay = self._delay(
                    err, attempt=number, since=since, idempotent=idempotent, what=what
                )
                if delay is None:
                    raise
                await anyio.sleep(delay)

    async def _call(self, call: Call) -> Envelope:
        return await self._retrying(
            lambda number: self._send(call, number),
            idempotent=call.idempotent,
            what=call.service,
        )

    async def _drive(self, flow: UpsertFlow) -> UpsertResult:
        try:
            call = next(flow)
            while True:
                try:
                    outcome: Envelope | ConflictError | NotFoundError = await self._send(call)
                except (ConflictError, NotFoundError) as err:
                    outcome = err
                call = _step(flow, outcome)
        except StopIteration as stop:
            return cast("UpsertResult", stop.value)
        finally:
            flow.close()

    async def upsert_dossier(
        self, dossier: Dossier | DossierRecord, *, known_to_exist: bool = False
    ) -> UpsertResult:
        """Create or update the dossier on the portal; see :meth:`PortalClient.upsert_dossier`."""
        record = _to_record(dossier)
        return await self._retrying(
            lambda _: self._drive(upsert_flow(record, known_to_exist=known_to_exist)),
            idempotent=True,
            what="upsert",
        )

    async def push_progress(
        self, rows: Iterable[ProgressRecord], *, chunk_size: int = PROGRESS_CHUNK
    ) -> int:
        """Send processing steps in chunks; see :meth:`PortalClient.push_progress`."""
        sent = 0
        for call in progress_calls(rows, chunk_size=chunk_size):
            await self._call(call)
            sent += len(call.params["data"])
        return sent

    async def lookup_dossier(self, code: str) -> DossierRecord | None:
        """The dossier as the portal holds it, or ``None``."""
        return parse_lookup(await self._call(lookup_call(code)))

    async def get_procedure(self, code: str) -> ProcedureRecord:
        """One procedure of the national catalogue (raises ``NotFoundError`` if absent)."""
        return parse_procedure(await self._call(procedure_call(code)), code=code)

    async def iter_procedures(self) -> AsyncIterator[ProcedureSummary]:
        """The procedures of the catalogue, one by one."""
        for item in parse_procedure_list(await self._call(procedure_list_call())):
            yield item

    async def get_dictionary(self, service: str) -> list[DictionaryEntry]:
        """The entries of a dictionary service."""
        return parse_dictionary(await self._call(dictionary_call(service)), service=service)

    async def list_agencies(self) -> list[DictionaryEntry]:
        """The agency dictionary (``LayDanhMucCoQuan``)."""
        return await self.get_dictionary(SERVICE_AGENCIES)

    async def list_fields(self) -> list[DictionaryEntry]:
        """The field dictionary (``LayDanhMucLinhVuc``)."""
        return await self.get_dictionary(SERVICE_FIELDS)
