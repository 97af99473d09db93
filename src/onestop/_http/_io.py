"""The pieces of the HTTP core that subclass httpx and httpcore types (imported with them).

* :class:`GuardedBody`: an answer's body read under its call's deadline and size cap;
* :class:`PoolTransport`: the async driver's own transport: httpcore connection pools of a
  single connection each, chosen least busy first, over :class:`AsyncioBackend`; it reads
  every body whole (under the call's budget) before it answers.

Why a transport of onestop's own. On asyncio, httpcore's default network backend goes through
anyio, which adds a cancel scope, an exception map and a task look-up to every socket read and
write, and builds the whole table of a socket's attributes each time the pool checks whether
an idle connection was closed by the server: measured on the portal benchmark, about a fifth
of the async client's CPU per call, enough for a sequential sync client to outrun eight
concurrent async calls on a fast network. :class:`AsyncioBackend` does the same I/O on asyncio
streams directly (httpcore's documented network-backend interface); under any other event
loop (trio) it hands every connection to httpcore's anyio backend. And httpcore inspects every
connection of a pool whenever a request starts or ends, so the connections are spread over
pools of one connection each rather than kept in one large pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import select
import ssl
import sys
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Protocol

import httpcore
import httpx

if TYPE_CHECKING:
    import socket

__all__ = ["AsyncioBackend", "Budget", "GuardedBody", "Meter", "PoolTransport"]


class GuardedBody(httpx.SyncByteStream, httpx.AsyncByteStream):
    """An answer's body read piece by piece through ``take`` (a call's ``BodyMeter.take``)."""

    def __init__(
        self, inner: httpx.SyncByteStream | httpx.AsyncByteStream, take: Callable[[bytes], bytes]
    ) -> None:
        self._inner = inner
        self._take = take

    def __iter__(self) -> Iterator[bytes]:
        if not isinstance(self._inner, httpx.SyncByteStream):
            raise TypeError("an async answer read by a sync client")
        for chunk in self._inner:
            out = self._take(chunk)
            if out:
                yield out

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if not isinstance(self._inner, httpx.AsyncByteStream):
            raise TypeError("a sync answer read by an async client")
        async for chunk in self._inner:
            out = self._take(chunk)
            if out:
                yield out

    def close(self) -> None:
        """Close the inner stream (a sync one)."""
        if isinstance(self._inner, httpx.SyncByteStream):
            self._inner.close()

    async def aclose(self) -> None:
        """Close the inner stream (an async one)."""
        if isinstance(self._inner, httpx.AsyncByteStream):
            await self._inner.aclose()


# ------------------------------------------------------------------------------ asyncio I/O


def _socket_readable(sock: socket.socket | None) -> bool:
    """Whether ``sock`` has data or an end of file waiting (a closed socket counts)."""
    if sock is None or sock.fileno() < 0:
        return True
    if sys.platform == "win32" or not hasattr(select, "poll"):  # pragma: no cover - not Linux
        readable, _, _ = select.select([sock], [], [], 0)
        return bool(readable)
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


class AsyncioStream(httpcore.AsyncNetworkStream):
    """One connection on asyncio streams, as httpcore's HTTP/1.1 code uses it.

    A request's head is held back until its body is written (or the answer is read), so that
    both leave in one segment: one system call instead of two, and the server woken once.
    """

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self._held = b""

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        """At most ``max_bytes`` bytes; ``b""`` once the server closed the connection."""
        if self._held:
            await self._send(b"", timeout)
        try:
            async with asyncio.timeout(timeout):
                return await self._reader.read(max_bytes)
        except TimeoutError as exc:
            raise httpcore.ReadTimeout(str(exc)) from exc
        except OSError as exc:
            raise httpcore.ReadError(str(exc)) from exc

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        """Send ``buffer``; the first piece after an answer is held for the next one."""
        if not buffer:
            return
        if not self._held:
            self._held = bytes(buffer)
            return
        await self._send(buffer, timeout)

    async def _send(self, buffer: bytes, timeout: float | None) -> None:
        data, self._held = self._held + buffer, b""
        try:
            self._writer.write(data)
            async with asyncio.timeout(timeout):
                await self._writer.drain()
        except TimeoutError as exc:
            raise httpcore.WriteTimeout(str(exc)) from exc
        except (OSError, RuntimeError) as exc:  # RuntimeError: written after the transport closed
            raise httpcore.WriteError(str(exc)) from exc

    async def aclose(self) -> None:
        """Close the connection (without waiting for the server)."""
        self._writer.close()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Upgrade the connection to TLS in place."""
        try:
            async with asyncio.timeout(timeout):
                await self._writer.start_tls(ssl_context, server_hostname=server_hostname)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(str(exc)) from exc
        except (OSError, ssl.SSLError) as exc:
            self._writer.close()
            raise httpcore.ConnectError(str(exc)) from exc
        return self

    def get_extra_info(self, info: str) -> Any:
        """``ssl_object``, ``client_addr``, ``server_addr``, ``socket`` or ``is_readable``."""
        writer = self._writer
        if info == "is_readable":
            reader = self._reader
            return (
                reader.at_eof()
                or reader.exception() is not None
                or _socket_readable(writer.get_extra_info("socket"))
            )
        names = {"client_addr": "sockname", "server_addr": "peername"}
        if info in ("ssl_object", "socket", "client_addr", "server_addr"):
            return writer.get_extra_info(names.get(info, info))
        return None


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network I/O on asyncio streams; anyio's backend under another event loop.

    Args:
        on_asyncio: tells whether the caller runs on asyncio.
    """

    def __init__(self, on_asyncio: Callable[[], bool]) -> None:
        self._on_asyncio = on_asyncio
        self._fallback = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Open a TCP connection to ``host:port``."""
        if not self._on_asyncio():
            return await self._fallback.connect_tcp(
                host,
                port,
                timeout=timeout,
                local_address=local_address,
                socket_options=socket_options,
            )
        local = None if local_address is None else (local_address, 0)
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(host, port, local_addr=local)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(str(exc)) from exc
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        sock = writer.get_extra_info("socket")
        for option in socket_options or ():
            sock.setsockopt(*option)
        return AsyncioStream(reader, writer)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:  # pragma: no cover - onestop's clients speak TCP
        """A Unix socket connection, through httpcore's anyio backend."""
        return await self._fallback.connect_unix_socket(
            path, timeout=timeout, socket_options=socket_options
        )

    async def sleep(self, seconds: float) -> None:
        """Sleep on the running event loop."""
        if self._on_asyncio():
            await asyncio.sleep(seconds)
        else:  # pragma: no cover - trio
            await self._fallback.sleep(seconds)


# httpcore's errors -> httpx's, the most specific first (what httpx's own transport does).
_ERRORS: tuple[tuple[type[Exception], type[httpx.HTTPError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
)


@contextlib.contextmanager
def _httpx_errors() -> Iterator[None]:
    try:
        yield
    except httpx.HTTPError:
        raise
    except Exception as exc:
        for source, target in _ERRORS:
            if isinstance(exc, source):
                raise target(str(exc)) from exc
        raise


def _as_is(part: bytes) -> bytes:
    return part


class Meter(Protocol):
    """Reads an answer's body piece by piece within its call's bounds."""

    def take(self, chunk: bytes) -> bytes:
        """The next piece (decoded), or raise once the call is over its bounds."""
        ...


class Budget(Protocol):
    """What the transport needs of a call's budget (``onestop._http.CallBudget``)."""

    hard_stop: bool

    def remaining(self) -> float:
        """Seconds left before the deadline (raises once it has passed)."""
        ...

    def meter(self, headers: httpx.Headers) -> Meter:
        """The meter of an answer with ``headers`` (may remove its ``Content-Encoding``)."""
        ...


class PoolTransport(httpx.AsyncBaseTransport):
    """The async driver's transport: single-connection pools on :class:`AsyncioBackend`.

    Args:
        ssl_context: the TLS settings of every connection (loaded once).
        max_connections: connections kept open at most, one per pool.
        current_budget: the budget of the onestop call being sent, if any.
        on_asyncio: tells whether the caller runs on asyncio.
        keepalive_expiry: seconds an idle connection is kept.
    """

    def __init__(
        self,
        *,
        ssl_context: ssl.SSLContext,
        max_connections: int,
        current_budget: Callable[[], Budget | None],
        on_asyncio: Callable[[], bool],
        keepalive_expiry: float = 5.0,
    ) -> None:
        self._current_budget = current_budget
        backend = AsyncioBackend(on_asyncio)
        self._pools = [
            httpcore.AsyncConnectionPool(
                ssl_context=ssl_context,
                max_connections=1,
                max_keepalive_connections=1,
                keepalive_expiry=keepalive_expiry,
                network_backend=backend,
            )
            for _ in range(max_connections)
        ]
        self._busy = [0] * max_connections

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` on the least busy pool, within the budget of onestop's call.

        The answer's body is read whole before the answer is returned (onestop reads every
        answer whole), which spares four layers of streams. For one of onestop's calls (a
        login included) the transport enforces the call's budget itself: connecting and
        waiting for a connection get what is left of the deadline (a connect timeout must stay
        recognisable: even a create may be retried after one), reads and writes are bounded by
        the driver's hard stop at the deadline, and the body is read through the call's
        :class:`~onestop._http.BodyMeter`.
        """
        budget = self._current_budget()
        extensions = request.extensions
        if budget is not None:
            left = budget.remaining()
            io = None if budget.hard_stop else left
            extensions = {
                **extensions,
                "timeout": {"connect": left, "pool": left, "read": io, "write": io},
            }
        busy = self._busy
        index = busy.index(min(busy))
        url = request.url
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=extensions,
        )
        busy[index] += 1
        try:
            with _httpx_errors():
                response = await self._pools[index].handle_async_request(core_request)
                headers = httpx.Headers(response.headers)
                stream: Any = response.stream
                try:
                    take = _as_is if budget is None else budget.meter(headers).take
                    content = b"".join([take(part) async for part in stream])
                finally:
                    await stream.aclose()
        finally:
            busy[index] -= 1
        return httpx.Response(
            status_code=response.status,
            headers=headers,
            content=content,
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        """Close every pool."""
        for pool in self._pools:
            await pool.aclose()
