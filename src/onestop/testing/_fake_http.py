"""What the shipped fakes share: fault injection, in-process transports, a loopback server.

Every fake service of :mod:`onestop.testing` (:class:`~onestop.testing.FakePortal`,
:class:`~onestop.testing.FakePostal`, :class:`~onestop.testing.FakePayment`) is a
:class:`FaultyService`: it answers one HTTP request at a time in :meth:`FaultyService.handle`,
and this module adds, the same for all of them:

* **fault injection**: 5xx answers, no answer before the client's timeout, a dropped
  connection, 429 with ``Retry-After``, an answer trickled a byte at a time, an oversized (or
  gzip-bomb) answer, latency; for the next N service calls (``fail_next``, ``timeout_next``…)
  or at random with a rate (``set_fault_rate``), a timeout or drop either before or after the
  call took effect;
* **gateway tokens**: the OAuth2 client-credentials endpoint of an LGSP/NGSP gateway (WSO2
  style) and the check of the Bearer token on service calls;
* **front ends**: an ``httpx`` transport for in-process tests (:meth:`FaultyService.transport`,
  :meth:`FaultyService.async_transport`) and a real HTTP/1.1 server on loopback
  (:meth:`FaultyService.serve`, :class:`FakeServer`).

These are test doubles, not for production.
"""

from __future__ import annotations

import asyncio
import base64
import collections
import ipaddress
import json
import math
import random
import secrets
import socket
import threading
import time
import zlib
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, Literal, Self
from urllib.parse import parse_qsl, urlsplit

import attrs

from onestop.errors import ConfigurationError

if TYPE_CHECKING:
    import httpx

__all__ = [
    "FAULT_KINDS",
    "FakeServer",
    "Fault",
    "FaultKind",
    "FaultyService",
    "Reply",
    "check_loopback",
    "json_bytes",
]

#: Kinds of injectable faults: an HTTP 5xx, no answer before the client's timeout, a connection
#: closed without an answer, HTTP 429 with ``Retry-After``, an answer trickled a byte at a time
#: (``trickle``), or an answer larger than any client should read (``oversize``).
FaultKind = Literal["5xx", "timeout", "drop", "429", "trickle", "oversize"]

FAULT_KINDS: tuple[FaultKind, ...] = ("5xx", "timeout", "drop", "429", "trickle", "oversize")

#: Default size of an ``oversize`` answer: above the clients' default cap of 32 MiB.
_OVERSIZE_DEFAULT = 40 * 1024 * 1024
_PAD_CHUNK = 64 * 1024


def _finite_at_least_zero(value: object) -> bool:
    return (
        not isinstance(value, bool)
        and isinstance(value, int | float)
        and math.isfinite(value)
        and value >= 0
    )


@attrs.frozen
class Fault:
    """One injected fault (see :data:`FaultKind`)."""

    kind: FaultKind
    status: int = 503
    after_processing: bool = False
    retry_after: float = 1.0
    interval: float = 0.2
    trickle_head: bool = False
    size: int = _OVERSIZE_DEFAULT
    gzip: bool = False
    announce_length: bool = False


def _padded_chunks(prefix: bytes, size: int) -> Iterator[bytes]:
    """``size`` bytes of JSON: ``prefix`` (an object without its closing brace), spaces, ``}``."""
    yield prefix
    left = size - len(prefix) - 1
    while left > 0:
        n = min(left, _PAD_CHUNK)
        yield b" " * n
        left -= n
    yield b"}"


def _answer_chunks(reply: Reply) -> Iterator[bytes]:
    """The body of a reply as sent: as is, a byte at a time (trickle), or padded (oversize)."""
    fault = reply.fault
    if fault is not None and fault.kind == "oversize":
        padded = _padded_chunks(reply.body.rstrip()[:-1], fault.size)
        yield from _gzip_chunks(padded) if fault.gzip else padded
    elif fault is not None and fault.kind == "trickle":
        for i in range(len(reply.body)):
            yield reply.body[i : i + 1]
    else:
        yield reply.body


def _answer_headers(reply: Reply) -> list[tuple[str, str]]:
    """The headers a trickled or oversized answer adds (framing and encoding)."""
    fault = reply.fault
    headers = list(reply.headers)
    if fault is not None and fault.kind == "trickle":
        headers.append(("Content-Length", str(len(reply.body))))
    elif fault is not None and fault.kind == "oversize":
        if fault.gzip:
            headers.append(("Content-Encoding", "gzip"))
        elif fault.announce_length:
            headers.append(("Content-Length", str(fault.size)))
    return headers


def _gzip_chunks(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """``chunks`` gzip-compressed on the fly (a few KiB for MiB of padding: a gzip bomb)."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    for chunk in chunks:
        out = compressor.compress(chunk)
        if out:
            yield out
    yield compressor.flush()


@attrs.frozen
class Reply:
    """A fake's answer to one request, with the fault to play and the latency to add."""

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()
    fault: Fault | None = None
    delay: float = 0.0


def json_bytes(obj: Any) -> bytes:
    """``obj`` as UTF-8 JSON, Vietnamese kept readable."""
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


class FaultyService:
    """Base of the shipped fakes: fault injection, gateway tokens, transports and serving.

    A subclass implements :meth:`handle` and calls :meth:`_service_call` for each *service*
    call (faults apply to those, never to a login or token request).

    Args:
        seed: seed of the random fault generator.
        clock: monotonic clock for token expiry.
        consumer_key: the gateway consumer accepted (more with :meth:`add_consumer`).
        consumer_secret: its secret.
        token_ttl: seconds a gateway token stays valid (``expires_in``).

    Attributes:
        faults_injected: faults produced, per kind.
        hang_seconds: how long the loopback server holds a "timeout" request before closing
            it.
    """

    #: The fake's name in the loopback server's thread and messages.
    service_name = "fake service"

    def __init__(
        self,
        *,
        seed: int = 0,
        clock: Callable[[], float] = time.monotonic,
        consumer_key: str = "onestop-key",
        consumer_secret: str = "onestop-secret",  # noqa: S107 - the fakes' documented default
        token_ttl: float = 3600.0,
    ) -> None:
        self._clock = clock
        self._lock = threading.RLock()
        self._rng = random.Random(seed)
        self._consumers: dict[str, tuple[str, frozenset[str] | None]] = {
            consumer_key: (consumer_secret, None)
        }
        self._tokens: dict[str, tuple[str, float]] = {}
        self.token_ttl = token_ttl
        self._faults: collections.deque[Fault | None] = collections.deque()
        self._fault_rate = 0.0
        self._fault_kinds: tuple[FaultKind, ...] = ("5xx", "timeout", "drop")
        self._after_share = 0.5
        self._latency = 0.0
        self.hang_seconds = 2.0
        self.faults_injected: collections.Counter[str] = collections.Counter()

    def handle(
        self,
        method: str,
        path: str,
        query: Mapping[str, str],
        headers: Mapping[str, str],
        body: bytes,
    ) -> Reply:
        """Answer one HTTP request (headers with lower-case names); used by every front end."""
        raise NotImplementedError

    # ----------------------------------------------------------------- gateway tokens

    def add_consumer(self, key: str, secret: str, *, services: Iterable[str] | None = None) -> None:
        """Accept another gateway consumer, optionally allowed only some services (else 403)."""
        with self._lock:
            self._consumers[key] = (secret, None if services is None else frozenset(services))

    def expire_tokens(self) -> None:
        """Invalidate every gateway token."""
        with self._lock:
            self._tokens.clear()

    def _token(self, headers: Mapping[str, str], body: bytes) -> Reply:
        auth = headers.get("authorization", "")
        unauthorized = Reply(
            401,
            json_bytes(
                {"error": "invalid_client", "error_description": "Client authentication failed"}
            ),
        )
        if not auth.startswith("Basic "):
            return unauthorized
        try:
            key, _, secret = base64.b64decode(auth[6:]).decode("utf-8").partition(":")
        except ValueError:
            return unauthorized
        known = self._consumers.get(key)
        if known is None or known[0] != secret:
            return unauthorized
        if dict(parse_qsl(body.decode("utf-8", "replace"))).get("grant_type") != (
            "client_credentials"
        ):
            return Reply(400, json_bytes({"error": "unsupported_grant_type"}))
        token = secrets.token_hex(16)
        self._tokens[token] = (key, self._clock() + self.token_ttl)
        return Reply(
            200,
            json_bytes(
                {"access_token": token, "token_type": "Bearer", "expires_in": self.token_ttl}
            ),
        )

    def _check_bearer(self, headers: Mapping[str, str], service: str) -> Reply | None:
        """``None`` when the Bearer token is valid and allowed ``service``, else the refusal."""
        auth = headers.get("authorization", "")
        held = self._tokens.get(auth[7:]) if auth.startswith("Bearer ") else None
        if held is None or self._clock() >= held[1]:
            self._tokens.pop(auth[7:], None)
            return Reply(401, json_bytes({"fault": {"code": 900901, "message": "Invalid token"}}))
        allowed = self._consumers[held[0]][1]
        if allowed is not None and service not in allowed:
            return Reply(403, json_bytes({"fault": {"code": 900908, "message": "Forbidden"}}))
        return None

    # ----------------------------------------------------------------- fault injection

    # ----------------------------------------------------------------- fault injection

    def _queue(self, n: int, fault: Fault | None) -> None:
        count: object = n
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ConfigurationError(f"n: must be zero or positive, got {n}", field="n")
        with self._lock:
            self._faults.extend([fault] * n)

    def pass_next(self, n: int = 1) -> None:
        """Let the next ``n`` service calls through before the faults queued after this.

        Example: ``pass_next(1); timeout_next(1, after_processing=True)`` loses the answer of
        the second call (the create that follows a look-up).
        """
        self._queue(n, None)

    def fail_next(self, n: int = 1, *, status: int = 503) -> None:
        """Answer the next ``n`` service calls with HTTP ``status`` (a 5xx), unprocessed."""
        if not 500 <= status <= 599:
            raise ConfigurationError(f"status: expected a 5xx status, got {status}", field="status")
        self._queue(n, Fault("5xx", status=status))

    def timeout_next(self, n: int = 1, *, after_processing: bool = False) -> None:
        """Give no answer to the next ``n`` service calls (the client times out).

        With ``after_processing`` the call takes effect and only its answer is lost.
        """
        self._queue(n, Fault("timeout", after_processing=after_processing))

    def drop_next(self, n: int = 1, *, after_processing: bool = False) -> None:
        """Close the connection of the next ``n`` service calls without an answer."""
        self._queue(n, Fault("drop", after_processing=after_processing))

    def trickle_next(self, n: int = 1, *, interval: float = 0.2, head: bool = False) -> None:
        """Answer the next ``n`` service calls one byte every ``interval`` seconds (processed).

        A slow-loris server: each read of the client gets a byte long before any per-read
        timeout, so only a total deadline per call ends it. With ``head`` the status line and
        headers trickle too (loopback server only; in-process, the body trickles).
        """
        if not _finite_at_least_zero(interval):
            raise ConfigurationError(
                f"interval: expected seconds (0 or more), got {interval!r}", field="interval"
            )
        self._queue(
            n, Fault("trickle", after_processing=True, interval=interval, trickle_head=head)
        )

    def oversize_next(
        self,
        n: int = 1,
        *,
        size: int = _OVERSIZE_DEFAULT,
        gzip: bool = False,
        announce_length: bool = False,
    ) -> None:
        """Answer the next ``n`` service calls with a success envelope padded to ``size`` bytes.

        The call takes effect. The padding is made while it is sent (nothing of that size is
        held in memory). With ``gzip`` the answer is gzip-compressed (a few KiB on the wire
        that decode to ``size`` bytes: a gzip bomb); with ``announce_length`` it carries its
        ``Content-Length`` (else its end is the end of the stream).
        """
        given: object = size
        if isinstance(given, bool) or not isinstance(given, int) or given < 64:
            raise ConfigurationError(
                f"size: expected a whole number of bytes (64 or more), got {size!r}",
                field="size",
            )
        self._queue(
            n,
            Fault(
                "oversize",
                after_processing=True,
                size=size,
                gzip=gzip,
                announce_length=announce_length,
            ),
        )

    def rate_limit_next(self, n: int = 1, *, retry_after: float = 1.0) -> None:
        """Answer the next ``n`` service calls with HTTP 429 and ``Retry-After``."""
        if not _finite_at_least_zero(retry_after):
            raise ConfigurationError(
                f"retry_after: expected seconds (0 or more), got {retry_after!r}",
                field="retry_after",
            )
        self._queue(n, Fault("429", status=429, retry_after=retry_after))

    def set_latency(self, seconds: float) -> None:
        """Delay every answer by ``seconds`` (0 to stop).

        Raises:
            ConfigurationError: ``seconds`` is negative or not a finite number.
        """
        if not _finite_at_least_zero(seconds):
            raise ConfigurationError(
                f"seconds: expected a finite latency of 0 seconds or more, got {seconds!r}",
                field="seconds",
            )
        with self._lock:
            self._latency = float(seconds)

    def set_fault_rate(
        self,
        rate: float,
        *,
        kinds: Iterable[FaultKind] = ("5xx", "timeout", "drop"),
        after_processing_share: float = 0.5,
        seed: int | None = None,
    ) -> None:
        """Fail a random share ``rate`` of service calls with faults drawn from ``kinds``.

        Args:
            rate: probability in ``[0, 1]`` that a service call fails.
            kinds: fault kinds to draw from (uniformly).
            after_processing_share: for timeouts and drops, the share that takes effect
                before the answer is lost.
            seed: reseed the fault generator.
        """
        if not 0.0 <= rate <= 1.0:
            raise ConfigurationError(f"rate: expected 0..1, got {rate}", field="rate")
        chosen = tuple(kinds)
        unknown = [k for k in chosen if k not in FAULT_KINDS]
        if not chosen or unknown:
            raise ConfigurationError(
                f"kinds: expected one or more of {', '.join(FAULT_KINDS)}, got {list(chosen)!r}",
                field="kinds",
            )
        if not 0.0 <= after_processing_share <= 1.0:
            raise ConfigurationError(
                f"after_processing_share: expected 0..1, got {after_processing_share}",
                field="after_processing_share",
            )
        with self._lock:
            self._fault_rate = rate
            self._fault_kinds = chosen
            self._after_share = after_processing_share
            if seed is not None:
                self._rng.seed(seed)

    def clear_faults(self) -> None:
        """Remove queued faults, the random fault rate and the latency."""
        with self._lock:
            self._faults.clear()
            self._fault_rate = 0.0
            self._latency = 0.0

    @property
    def pending_faults(self) -> int:
        """How many queued faults are still to be produced."""
        with self._lock:
            return len(self._faults)

    def _draw_fault(self) -> Fault | None:
        if self._faults:
            return self._faults.popleft()
        if self._fault_rate and self._rng.random() < self._fault_rate:
            kind = self._rng.choice(self._fault_kinds)
            after = kind in ("trickle", "oversize") or (
                kind in ("timeout", "drop") and self._rng.random() < self._after_share
            )
            status = self._rng.choice((500, 502, 503, 504))
            return Fault(kind, status=status if kind == "5xx" else 429, after_processing=after)
        return None

    def _rate_limited_body(self) -> bytes:
        """The body of a 429 answer (the portal's envelope by default)."""
        return json_bytes({"error_code": 429, "message": "Too Many Requests"})

    def _service_call(self, process: Callable[[], Reply], *, delay: float) -> Reply:
        """Draw a fault for one service call, then answer it (or not) accordingly.

        A 5xx or 429 fault answers at once, the call unprocessed; a timeout or drop before
        processing gives no answer and no effect; any other fault (and a timeout or drop
        ``after_processing``) runs ``process`` and plays the fault on its answer.
        """
        fault = self._draw_fault()
        if fault is not None:
            self.faults_injected[fault.kind] += 1
            if fault.kind == "5xx":
                return Reply(fault.status, b"<html>Service Unavailable</html>", delay=delay)
            if fault.kind == "429":
                return Reply(
                    429,
                    self._rate_limited_body(),
                    headers=(("Retry-After", f"{fault.retry_after:g}"),),
                    delay=delay,
                )
            if not fault.after_processing:
                return Reply(0, b"", fault=fault, delay=delay)
        return attrs.evolve(process(), fault=fault, delay=delay)

    # ----------------------------------------------------------------- front ends

    def _handle_httpx(self, request: httpx.Request) -> Reply:
        return self.handle(
            request.method,
            request.url.path,
            dict(request.url.params),
            {k.lower(): v for k, v in request.headers.items()},
            request.content,
        )

    @staticmethod
    def _to_httpx(
        request: httpx.Request, reply: Reply, *, asynchronous: bool = False
    ) -> httpx.Response:
        import httpx

        fault = reply.fault
        if fault is not None and fault.kind == "timeout":
            raise httpx.ReadTimeout("fake service: no answer in time", request=request)
        if fault is not None and fault.kind == "drop":
            raise httpx.RemoteProtocolError(
                "fake service: server disconnected without sending a response", request=request
            )
        if fault is None or fault.kind not in ("trickle", "oversize"):
            return httpx.Response(reply.status, headers=list(reply.headers), content=reply.body)
        pause = fault.interval if fault.kind == "trickle" else 0.0
        chunks = _answer_chunks(reply)

        def slow() -> Iterator[bytes]:
            for i, chunk in enumerate(chunks):
                if i and pause:
                    time.sleep(pause)
                yield chunk

        async def slow_async() -> AsyncIterator[bytes]:
            import anyio

            for i, chunk in enumerate(chunks):
                if i and pause:
                    await anyio.sleep(pause)
                yield chunk

        return httpx.Response(
            reply.status,
            headers=_answer_headers(reply),
            content=slow_async() if asynchronous else slow(),
        )

    def transport(self) -> httpx.MockTransport:
        """An in-process ``httpx`` transport for :class:`httpx.Client` / a client.

        Timeouts raise ``httpx.ReadTimeout`` at once and drops ``httpx.RemoteProtocolError``;
        latency sleeps.
        """
        import httpx

        def handler(request: httpx.Request) -> httpx.Response:
            reply = self._handle_httpx(request)
            if reply.delay:
                time.sleep(reply.delay)
            return self._to_httpx(request, reply)

        return httpx.MockTransport(handler)

    def async_transport(self) -> httpx.MockTransport:
        """An in-process transport for :class:`httpx.AsyncClient` (the async clients)."""
        import anyio
        import httpx

        async def handler(request: httpx.Request) -> httpx.Response:
            reply = self._handle_httpx(request)
            if reply.delay:
                await anyio.sleep(reply.delay)
            return self._to_httpx(request, reply, asynchronous=True)

        return httpx.MockTransport(handler)

    def serve(self, *, host: str = "127.0.0.1", port: int = 0) -> FakeServer:
        """Start a real HTTP server on loopback in a background thread.

        Args:
            host: a loopback address (``127.0.0.1``, ``::1`` or ``localhost``).
            port: TCP port; 0 picks a free one (see :attr:`FakeServer.url`).

        Returns:
            The running server; close it (or use it as a context manager) when done.
        """
        server = FakeServer(self, host=host, port=port)
        server.start()
        return server


def check_loopback(host: str) -> None:
    if host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ConfigurationError(
            f"host: the fakes listen on loopback only; got {host!r}, "
            "expected 127.0.0.1, ::1 or localhost",
            field="host",
        )


_MAX_LINE = 65536
#: Header lines read from one request; past that the server answers 431 and closes, so a
#: client that never ends its header block cannot keep it reading (and storing) forever.
_MAX_HEADERS = 100


class FakeServer:
    """A fake service served over real HTTP/1.1 (keep-alive) on loopback (a test double).

    The server is a small single-threaded asyncio HTTP/1.1 server from the standard library,
    so many concurrent connections cost no thread switches; a "timeout" fault holds its
    connection for :attr:`FaultyService.hang_seconds` without blocking the others.

    Args:
        fake: the fake to serve.
        host: a loopback address.
        port: TCP port, 0 for a free one.
    """

    def __init__(self, fake: FaultyService, *, host: str = "127.0.0.1", port: int = 0) -> None:
        check_loopback(host)
        given: object = port
        if isinstance(given, bool) or not isinstance(given, int) or not 0 <= given <= 65535:
            raise ConfigurationError(
                f"port: expected a TCP port 0-65535 (0 picks a free one), got {port!r}",
                field="port",
            )
        self.fake = fake
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._sock = socket.socket(family, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self._sock.bind((host, port))
        except OSError as exc:
            self._sock.close()
            raise ConfigurationError(
                f"port: cannot listen on {host}:{port} ({exc.strerror}); choose another --port",
                field="port",
            ) from None
        self._sock.listen(256)
        self._sock.setblocking(False)  # noqa: FBT003 - stdlib signature
        self._loop = asyncio.new_event_loop()
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._done = threading.Event()
        # Guards the life cycle: "closed" (close() was called) and "serving" (the loop runs),
        # so that a close() arriving at any moment, even before serving starts, ends cleanly.
        self._state_lock = threading.Lock()
        self._closed = False
        self._started = False
        self._serving = False

    @property
    def port(self) -> int:
        """The TCP port listened on."""
        return int(self._sock.getsockname()[1])

    @property
    def url(self) -> str:
        """Base URL, e.g. ``"http://127.0.0.1:8765"``."""
        host = str(self._sock.getsockname()[0])
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}"

    def start(self) -> None:
        """Serve in a daemon thread (returns once the server accepts connections)."""
        self._thread = threading.Thread(
            target=self._run, daemon=True, name=self.fake.service_name.replace(" ", "-")
        )
        self._thread.start()
        self._ready.wait(30)

    def serve_forever(self) -> None:
        """Serve in the calling thread until :meth:`close` is called from another thread.

        Returns at once if :meth:`close` was called before. The ``onestop … fake``
        commands call :meth:`close` from their SIGTERM/SIGINT handler (in a helper thread), so
        they always exit cleanly whenever the signal arrives.
        """
        self._run()

    def _release(self) -> None:
        """Close the loop and the socket (once, by whoever owns the life cycle)."""
        if not self._loop.is_closed():
            self._loop.close()
        self._sock.close()
        self._done.set()

    def _run(self) -> None:
        with self._state_lock:
            if self._closed or self._started:
                # close() came first (nothing to serve), or the server already ran.
                self._ready.set()
                return
            self._started = True
        loop = self._loop
        asyncio.set_event_loop(loop)
        try:
            server = loop.run_until_complete(
                asyncio.start_server(self._connection, sock=self._sock)
            )
            try:
                with self._state_lock:
                    serve = not self._closed
                    self._serving = serve
                self._ready.set()
                if serve:
                    loop.run_forever()
            finally:
                with self._state_lock:
                    self._serving = False
                server.close()
                tasks = asyncio.all_tasks(loop)
                for task in tasks:
                    task.cancel()
                loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
        finally:
            asyncio.set_event_loop(None)
            self._ready.set()
            self._release()

    def close(self) -> None:
        """Stop serving and release the port (idempotent; callable from any thread).

        Waits (up to 10 s) for the serving thread to finish, except when called from that
        thread itself.
        """
        with self._state_lock:
            if self._closed:
                return
            self._closed = True
            started, serving = self._started, self._serving
            if serving:
                self._loop.call_soon_threadsafe(self._loop.stop)
        if not started:
            self._release()  # never served: nothing else will release the port
            return
        if threading.current_thread() is not self._thread:
            self._done.wait(10)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        raw = writer.get_extra_info("socket")
        if raw is not None:
            raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            while await self._exchange(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:
            # Shutdown cancels open connections. Ending the handler normally (instead of
            # re-raising) keeps asyncio's stream callback from logging a CancelledError
            # traceback on Python 3.11; nothing awaits this task's result.
            pass
        finally:
            writer.close()

    async def _exchange(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Serve one request; return whether the connection stays open."""
        line = await reader.readline()
        if not line:
            return False
        parts = line.decode("latin-1").split()
        if len(parts) != 3:
            writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            return False
        method, target, version = parts
        headers: dict[str, str] = {}
        for _ in range(_MAX_HEADERS + 1):
            header = await reader.readline()
            if header in (b"\r\n", b"\n", b""):
                break
            key, _, value = header.decode("latin-1").partition(":")
            headers[key.strip().lower()] = value.strip()
        else:
            writer.write(
                b"HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\n\r\n"
            )
            return False
        length = int(headers.get("content-length") or 0)
        body = await reader.readexactly(length) if length else b""
        url = urlsplit(target)
        reply = self.fake.handle(method, url.path, dict(parse_qsl(url.query)), headers, body)
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.fault is not None and reply.fault.kind in ("timeout", "drop"):
            if reply.fault.kind == "timeout":
                await asyncio.sleep(self.fake.hang_seconds)
            return False
        keep = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
        if reply.fault is not None and reply.fault.kind in ("trickle", "oversize"):
            return await self._send_faulty(writer, reply, reply.fault, keep=keep)
        head = [f"HTTP/1.1 {reply.status} {HTTPStatus(reply.status).phrase}"]
        head += [f"{k}: {v}" for k, v in reply.headers]
        head += [
            "Content-Type: application/json; charset=utf-8",
            f"Content-Length: {len(reply.body)}",
            f"Connection: {'keep-alive' if keep else 'close'}",
        ]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + reply.body)
        await writer.drain()
        return keep

    @staticmethod
    async def _send_faulty(
        writer: asyncio.StreamWriter, reply: Reply, fault: Fault, *, keep: bool
    ) -> bool:
        """Send a trickled or oversized answer; return whether the connection stays open."""
        extra = _answer_headers(reply)
        framed = any(k.lower() == "content-length" for k, _ in extra)
        keep = keep and framed
        head = [f"HTTP/1.1 {reply.status} {HTTPStatus(reply.status).phrase}"]
        head += [f"{k}: {v}" for k, v in extra]
        head += [
            "Content-Type: application/json; charset=utf-8",
            f"Connection: {'keep-alive' if keep else 'close'}",
        ]
        raw = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
        trickle = fault.kind == "trickle"
        if trickle and fault.trickle_head:
            for i in range(len(raw)):
                writer.write(raw[i : i + 1])
                await writer.drain()
                await asyncio.sleep(fault.interval)
        else:
            writer.write(raw)
        for i, chunk in enumerate(_answer_chunks(reply)):
            if trickle and i:
                await asyncio.sleep(fault.interval)
            writer.write(chunk)
            await writer.drain()
        return keep
