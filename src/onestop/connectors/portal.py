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

Both clients send through onestop's one HTTP core (the drivers shared with remote signing and
the other service clients), which enforces the bounds of one call (one HTTP exchange, with the
login or token request it may need):

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

import copy
import logging
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Self, cast

import httpx

from onestop._http import (
    DEFAULT_MAX_RESPONSE_BYTES,
    USER_AGENT,
    AsyncHttp,
    Peer,
    RetryPolicy,
    SyncHttp,
    check_base_url,
    join_url,
)
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
from onestop.connectors._settings import ENV_VARS, PortalSettings
from onestop.connectors._wire import (
    DanhMucRecord,
    Envelope,
    HoSoRecord,
    ThuTucRecord,
    ThuTucTomTatRecord,
    TienTrinhRecord,
)
from onestop.errors import ConfigurationError, ConflictError, NotFoundError

if TYPE_CHECKING:
    from onestop.models import Dossier

__all__ = ["USER_AGENT", "AsyncPortalClient", "PortalClient", "UpsertResult"]

#: The portal as the HTTP core names it in messages and logs.
_PORTAL = Peer(
    "the portal",
    logging.getLogger("onestop.connectors.portal"),
    size_hint=f"max_response_bytes / {ENV_VARS['max_response_bytes']}",
)

#: Headers of every portal call besides ``User-Agent``.
_HEADERS = {
    "Accept": "application/json",
    "Accept-Encoding": "gzip",
    "Content-Type": "application/json; charset=utf-8",
}


def _to_record(dossier: Dossier | HoSoRecord) -> HoSoRecord:
    if isinstance(dossier, HoSoRecord):
        return dossier
    from onestop.connectors._mapping import dossier_to_record

    return dossier_to_record(dossier)  # checks that it is a Dossier


class _ClientCore:
    """What both clients share besides their driver: settings, URLs, bodies, answers (no I/O)."""

    _http: SyncHttp | AsyncHttp

    def __init__(
        self,
        base_url: str,
        *,
        auth: httpx.Auth,
        unit_code: str,
        service_path: str,
        share_path: str | None,
    ) -> None:
        unit: object = unit_code
        auth_obj: object = auth
        check_base_url(
            base_url, example="the adapter or gateway, e.g. 'https://adapter.tinh.gov.vn'"
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
        self.base_url = base_url
        self.unit_code = unit_code.strip()
        self.service_path = service_path
        self.share_path = share_path or service_path
        self._auth = auth
        self._urls = {False: self._join(self.service_path), True: self._join(self.share_path)}

    def _join(self, path: str) -> httpx.URL:
        """``path`` on the base URL (appended to its path, as httpx's ``base_url`` does)."""
        return join_url(self.base_url, path)

    @property
    def timeout(self) -> float:
        """Total seconds of one HTTP call: connect, send and receive the whole answer."""
        return self._http.timeout

    @property
    def retry(self) -> RetryPolicy:
        """The retry bounds of every call."""
        return self._http.retry

    @property
    def max_response_bytes(self) -> int:
        """The largest answer read, in bytes (as received and after gzip decoding)."""
        return self._http.max_response_bytes

    @property
    def max_upsert_seconds(self) -> float:
        """The longest one :meth:`upsert_dossier` can take with this client's bounds, in seconds.

        No retry starts after ``retry.total_timeout`` seconds, and one try of the upsert is at
        most ``UPSERT_MAX_CALLS`` (4) calls of ``timeout`` seconds each, so the bound is
        ``retry.total_timeout + 4 * timeout``. One chunk of :meth:`push_progress` takes less.
        The outbox workers refuse a client whose bound is not below the outbox lease.
        """
        return self.retry.total_timeout + UPSERT_MAX_CALLS * self.timeout

    def _build(self, call: Call) -> httpx.Request:
        content = encode_body(request_body(call, unit_code=self.unit_code))
        return self._http.build("POST", self._urls[call.share], content=content)

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
        clone._http = self._http.derive(
            timeout=timeout, retry=retry, max_response_bytes=max_response_bytes
        )
        return clone

    @staticmethod
    def _parse(call: Call, response: httpx.Response) -> Envelope:
        return parse_response(
            response.status_code, response.headers, response.content, service=call.service
        )


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
        )
        self._http: SyncHttp = SyncHttp(
            _PORTAL,
            transport=transport,
            http_client=http_client,
            timeout=timeout,
            max_response_bytes=max_response_bytes,
            retry=retry,
            headers=_HEADERS,
        )

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
        self._http.close()

    def _send(self, call: Call, attempt: int = 1) -> Envelope:
        response = self._http.send(
            self._build(call), label=call.service, auth=self._auth, attempt=attempt
        )
        return self._parse(call, response)

    def _call(self, call: Call) -> Envelope:
        return self._http.retrying(
            lambda number: self._send(call, number),
            idempotent=call.idempotent,
            label=call.service,
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
        self, dossier: Dossier | HoSoRecord, *, known_to_exist: bool = False
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
        return self._http.retrying(
            lambda _: self._drive(upsert_flow(record, known_to_exist=known_to_exist)),
            idempotent=True,
            label="upsert",
        )

    def push_progress(
        self, rows: Iterable[TienTrinhRecord], *, chunk_size: int = PROGRESS_CHUNK
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

    def lookup_dossier(self, code: str) -> HoSoRecord | None:
        """The dossier as the portal holds it (``TraCuuHoSo``), or ``None`` if it has none."""
        return parse_lookup(self._call(lookup_call(code)))

    def get_procedure(self, code: str) -> ThuTucRecord:
        """One procedure of the national catalogue (``LayThuTuc``).

        Raises:
            NotFoundError: the catalogue has no such procedure.
        """
        return parse_procedure(self._call(procedure_call(code)), code=code)

    def iter_procedures(self) -> Iterator[ThuTucTomTatRecord]:
        """The procedures of the catalogue (``LayDanhSachTTHC``), one by one."""
        yield from parse_procedure_list(self._call(procedure_list_call()))

    def get_dictionary(self, service: str) -> list[DanhMucRecord]:
        """The entries of a dictionary service, e.g. ``"LayDanhMucCoQuan"``."""
        return parse_dictionary(self._call(dictionary_call(service)), service=service)

    def list_agencies(self) -> list[DanhMucRecord]:
        """The agency dictionary (``LayDanhMucCoQuan``)."""
        return self.get_dictionary(SERVICE_AGENCIES)

    def list_fields(self) -> list[DanhMucRecord]:
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
        )
        self._http: AsyncHttp = AsyncHttp(
            _PORTAL,
            transport=transport,
            http_client=http_client,
            timeout=timeout,
            max_response_bytes=max_response_bytes,
            retry=retry,
            headers=_HEADERS,
            max_connections=max_connections,
        )

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
        await self._http.aclose()

    async def _send(self, call: Call, attempt: int = 1) -> Envelope:
        response = await self._http.send(
            self._build(call), label=call.service, auth=self._auth, attempt=attempt
        )
        return self._parse(call, response)

    async def _call(self, call: Call) -> Envelope:
        return await self._http.retrying(
            lambda number: self._send(call, number),
            idempotent=call.idempotent,
            label=call.service,
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
        self, dossier: Dossier | HoSoRecord, *, known_to_exist: bool = False
    ) -> UpsertResult:
        """Create or update the dossier on the portal; see :meth:`PortalClient.upsert_dossier`."""
        record = _to_record(dossier)
        return await self._http.retrying(
            lambda _: self._drive(upsert_flow(record, known_to_exist=known_to_exist)),
            idempotent=True,
            label="upsert",
        )

    async def push_progress(
        self, rows: Iterable[TienTrinhRecord], *, chunk_size: int = PROGRESS_CHUNK
    ) -> int:
        """Send processing steps in chunks; see :meth:`PortalClient.push_progress`."""
        sent = 0
        for call in progress_calls(rows, chunk_size=chunk_size):
            await self._call(call)
            sent += len(call.params["data"])
        return sent

    async def lookup_dossier(self, code: str) -> HoSoRecord | None:
        """The dossier as the portal holds it, or ``None``."""
        return parse_lookup(await self._call(lookup_call(code)))

    async def get_procedure(self, code: str) -> ThuTucRecord:
        """One procedure of the national catalogue (raises ``NotFoundError`` if absent)."""
        return parse_procedure(await self._call(procedure_call(code)), code=code)

    async def iter_procedures(self) -> AsyncIterator[ThuTucTomTatRecord]:
        """The procedures of the catalogue, one by one."""
        for item in parse_procedure_list(await self._call(procedure_list_call())):
            yield item

    async def get_dictionary(self, service: str) -> list[DanhMucRecord]:
        """The entries of a dictionary service."""
        return parse_dictionary(await self._call(dictionary_call(service)), service=service)

    async def list_agencies(self) -> list[DanhMucRecord]:
        """The agency dictionary (``LayDanhMucCoQuan``)."""
        return await self.get_dictionary(SERVICE_AGENCIES)

    async def list_fields(self) -> list[DanhMucRecord]:
        """The field dictionary (``LayDanhMucLinhVuc``)."""
        return await self.get_dictionary(SERVICE_FIELDS)
