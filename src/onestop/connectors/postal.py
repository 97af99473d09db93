"""Clients of VNPost's postal public service (bưu chính công ích, BCCI) for one-stop systems.

:class:`PostalClient` and :class:`AsyncPostalClient` have the same surface; what they send and
how answers are read is in :mod:`onestop.connectors._postal_protocol` (pure), and they send
through onestop's one HTTP core (the drivers of the portal client), with the same bounds of
one call (``timeout`` a total deadline, ``max_response_bytes`` a cap). Example with the shipped
fake::

    from onestop.connectors.auth import GatewayAuth
    from onestop.connectors.postal import PostalClient
    from onestop.testing import FakePostal, make_dossier, make_postal_party

    postal = FakePostal()
    with PostalClient(
        "https://api.mitc.vn/apiVNPostNGSP/p1.0",
        auth=GatewayAuth("onestop-key", "onestop-secret"),
        customer_code="HCC-H56",
        agency=make_postal_party(seed=1),
        transport=postal.transport(),
    ) as client:
        result = client.pickup(dossier, applicant=make_postal_party(seed=2))

What the client does:

* **orders** (:meth:`~PostalClient.pickup`, :meth:`~PostalClient.deliver_result`,
  :meth:`~PostalClient.send_order`): one ``order/post`` per order, numbered after the dossier
  code; ``Status "100"`` is success and ``"101"`` an order number VNPost already holds
  (:attr:`OrderResult.duplicate`), so a resend after a lost answer never creates a second
  pickup. For a send that must survive a crash, put the order in the durable outbox
  (:meth:`~onestop.connectors.Outbox.enqueue_postal`);
* **cancel** (:meth:`~PostalClient.cancel_order`), **price** (:meth:`~PostalClient.quote`,
  ``mainSrv "HCC"``);
* **tracking** by cursor polling (:meth:`~PostalClient.track`): each page holds the status
  events after ``last_id`` and the cursor for the next page; VNPost has no callback for
  status changes in the code studied, so a system polls.

Retries follow :func:`onestop.connectors.should_retry` (every call here is idempotent or keyed
by its order number). Every call is logged at DEBUG on the ``onestop.connectors.postal`` logger
with its operation, HTTP status and elapsed milliseconds, never with a body, a credential or
personal data.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, Self, TypeVar

import attrs
import httpx

from onestop._http import (
    DEFAULT_MAX_RESPONSE_BYTES,
    AsyncHttp,
    Peer,
    RetryPolicy,
    SyncHttp,
    check_base_url,
    encode_json,
    join_url,
)
from onestop.connectors._postal_mapping import order_record
from onestop.connectors._postal_protocol import (
    OrderResult,
    PostalCall,
    PostalOperation,
    TrackingPage,
    cancel_call,
    order_call,
    parse_price,
    parse_result,
    parse_tracking,
    price_call,
    tracking_call,
)
from onestop.connectors._postal_wire import OrderRecord
from onestop.connectors._settings import POSTAL_ENV_VARS, PostalSettings
from onestop.errors import ConfigurationError, InvalidInputError
from onestop.models import Dossier, PostalAddress, PostalOrderKind, PostalParty

__all__ = [
    "AsyncPostalClient",
    "OrderResult",
    "PostalClient",
    "PostalPaths",
    "TrackingPage",
    "load_agency",
]

_POSTAL = Peer(
    "VNPost",
    logging.getLogger("onestop.connectors.postal"),
    size_hint=f"max_response_bytes / {POSTAL_ENV_VARS['max_response_bytes']}",
)

_HEADERS = {
    "Accept": "application/json",
    "Accept-Encoding": "gzip",
    "Content-Type": "application/json; charset=utf-8",
}

_T = TypeVar("_T")

#: The largest agency file read (a PostalParty is well under a kilobyte).
_AGENCY_FILE_LIMIT = 1024 * 1024

#: Tracking pages read at most by one :meth:`PostalClient.iter_tracking` (a bound, not a goal).
MAX_TRACKING_PAGES = 1000


@attrs.frozen(kw_only=True)
class PostalPaths:
    """The path of each operation on the base URL (a path may carry ``?service=``).

    The defaults are the NGSP layout of the MITC SDK under ``/apiVNPostNGSP/p1.0``
    (``order/post``, ``order/cancel``, ``order/tracking``); the price path is inferred. An
    LGSP routes with a query instead, e.g. ``order="/vnpost?service=orderpost"``.

    Attributes:
        order: creating an order.
        cancel: cancelling one.
        tracking: the tracking feed.
        price: the public-service price.
    """

    order: str = "/order/post"
    cancel: str = "/order/cancel"
    tracking: str = "/order/tracking"
    price: str = "/order/price"

    def of(self, operation: PostalOperation) -> str:
        """The path of ``operation``."""
        path: str = getattr(self, operation)
        return path


def load_agency(path: str | Path) -> PostalParty:
    """The agency's :class:`~onestop.models.PostalParty` from a JSON file.

    Raises:
        InvalidInputError: the file cannot be read, is larger than 1 MiB, is not UTF-8 text,
            or is not a PostalParty.
    """
    target = Path(path)
    try:
        with target.open("rb") as file:
            raw = file.read(_AGENCY_FILE_LIMIT + 1)
    except OSError as exc:
        raise InvalidInputError(
            f"agency_file: cannot read {str(target)!r} ({exc.strerror or type(exc).__name__})",
            field="agency_file",
        ) from None
    if len(raw) > _AGENCY_FILE_LIMIT:
        raise InvalidInputError(
            f"agency_file: {str(target)!r} is larger than {_AGENCY_FILE_LIMIT} bytes; expected "
            "one PostalParty as JSON",
            field="agency_file",
        )
    try:
        data = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInputError(
            f"agency_file: {str(target)!r} is not UTF-8 text; save it as UTF-8 and try again",
            field="agency_file",
        ) from None
    return PostalParty.from_json(data)


class _PostalCore:
    """What both clients share besides their driver: settings, URLs, orders, answers (no I/O)."""

    _http: SyncHttp | AsyncHttp

    def __init__(
        self,
        base_url: str,
        *,
        auth: httpx.Auth,
        customer_code: str,
        agency: PostalParty | None,
        paths: PostalPaths | None,
    ) -> None:
        check_base_url(
            base_url, example="the postal order API, e.g. 'https://api.mitc.vn/apiVNPostNGSP/p1.0'"
        )
        code: object = customer_code
        given_auth: object = auth
        given_agency: object = agency
        given_paths: object = paths
        if not isinstance(code, str) or not code.strip():
            raise ConfigurationError(
                "customer_code: empty; expected the deployment's VNPost customer code "
                f"({POSTAL_ENV_VARS['customer_code']})",
                field="customer_code",
            )
        if not isinstance(given_auth, httpx.Auth):
            raise ConfigurationError(
                "auth: expected GatewayAuth(...) or MyVNPostAuth(...) (an httpx.Auth), got "
                f"{type(given_auth).__name__}",
                field="auth",
            )
        if given_agency is not None and not isinstance(given_agency, PostalParty):
            raise ConfigurationError(
                f"agency: expected a PostalParty, got {type(given_agency).__name__}",
                field="agency",
            )
        if given_paths is not None and not isinstance(given_paths, PostalPaths):
            raise ConfigurationError(
                f"paths: expected PostalPaths, got {type(given_paths).__name__}", field="paths"
            )
        self.base_url = base_url
        self.customer_code = code.strip()
        self.agency = agency
        self.paths = paths or PostalPaths()
        self._auth = auth

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
        """The largest answer read, in bytes."""
        return self._http.max_response_bytes

    @property
    def max_send_seconds(self) -> float:
        """The longest one order send can take: ``retry.total_timeout + timeout`` seconds.

        No retry starts after ``retry.total_timeout``, and a try is one call of at most
        ``timeout`` seconds. The outbox workers refuse a client whose bound is not below the
        outbox lease.
        """
        return self.retry.total_timeout + self.timeout

    def with_options(
        self,
        *,
        timeout: float | None = None,
        retry: RetryPolicy | None = None,
        max_response_bytes: int | None = None,
    ) -> Self:
        """A copy that shares this client's connections and auth, with other bounds."""
        clone = copy.copy(self)
        clone._http = self._http.derive(
            timeout=timeout, retry=retry, max_response_bytes=max_response_bytes
        )
        return clone

    def _order(
        self,
        dossier: Dossier,
        kind: PostalOrderKind,
        applicant: PostalParty | None,
        order_number: str | None,
    ) -> OrderRecord:
        if self.agency is None:
            raise ConfigurationError(
                "agency: the client has no agency party (the counter's name, phone and address) "
                f"to send from or to; pass agency= or set {POSTAL_ENV_VARS['agency_file']}",
                field="agency",
            )
        return order_record(
            dossier,
            kind=kind,
            agency=self.agency,
            customer_code=self.customer_code,
            applicant=applicant,
            order_number=order_number,
        )

    def pickup_order(
        self,
        dossier: Dossier,
        *,
        applicant: PostalParty | None = None,
        order_number: str | None = None,
    ) -> OrderRecord:
        """The order that collects ``dossier`` at the applicant's address (not sent).

        Args:
            dossier: the dossier.
            applicant: where to collect; by default the applicant with its contact's
                ``postal_address``.
            order_number: by default the dossier code followed by ``-TG``.
        """
        return self._order(dossier, PostalOrderKind.PICKUP, applicant, order_number)

    def delivery_order(
        self,
        dossier: Dossier,
        *,
        applicant: PostalParty | None = None,
        order_number: str | None = None,
    ) -> OrderRecord:
        """The order that brings the result of ``dossier`` to the applicant (not sent).

        Args:
            dossier: the dossier.
            applicant: where to deliver; by default the applicant's contact address.
            order_number: by default the dossier code (as TD.DichVuCongApi does).
        """
        return self._order(dossier, PostalOrderKind.DELIVERY, applicant, order_number)

    def _build(self, call: PostalCall) -> httpx.Request:
        url = join_url(self.base_url, self.paths.of(call.operation))
        return self._http.build("POST", url, content=encode_json(call.body))

    @staticmethod
    def _parse_result(call: PostalCall, response: httpx.Response) -> OrderResult:
        return parse_result(response.status_code, response.headers, response.content, call=call)

    def _tracking(self, since: str | None, page_size: int) -> PostalCall:
        return tracking_call(self.customer_code, since, page_size)


def _read_price(response: httpx.Response) -> int:
    return parse_price(response.status_code, response.headers, response.content)


def _tracking_reader(since: str | None) -> Callable[[httpx.Response], TrackingPage]:
    def read(response: httpx.Response) -> TrackingPage:
        return parse_tracking(response.status_code, response.headers, response.content, since=since)

    return read


def _settings_kwargs(settings: PostalSettings, agency: PostalParty | None) -> dict[str, Any]:
    if agency is None and settings.agency_file is not None:
        agency = load_agency(settings.agency_file)
    return {
        "auth": settings.make_auth(),
        "customer_code": settings.customer_code,
        "agency": agency,
        "paths": PostalPaths(
            order=settings.order_path,
            cancel=settings.cancel_path,
            tracking=settings.tracking_path,
            price=settings.price_path,
        ),
        "timeout": settings.timeout,
        "max_response_bytes": settings.max_response_bytes,
    }


class PostalClient(_PostalCore):
    """Synchronous client of VNPost's order API (through NGSP/LGSP or MyVNPost).

    Args:
        base_url: base URL of the order API, e.g.
            ``"https://api.mitc.vn/apiVNPostNGSP/p1.0"``.
        auth: :class:`~onestop.connectors.auth.GatewayAuth` (NGSP/LGSP client credentials)
            or :class:`~onestop.connectors.auth.MyVNPostAuth` (account token).
        customer_code: the deployment's VNPost customer code (``CustomerCode``).
        agency: the agency's party (its counter): sender of results, receiver of pickups.
        paths: the path of each operation (default :class:`PostalPaths`).
        transport: an ``httpx.BaseTransport`` (e.g. ``FakePostal().transport()``).
        timeout: total seconds of one HTTP call.
        retry: retry bounds (default :class:`RetryPolicy`).
        http_client: an existing ``httpx.Client`` (proxies, mTLS); not closed by
            :meth:`close`.
        max_response_bytes: the largest answer read (default 32 MiB).
    """

    def __init__(
        self,
        base_url: str,
        *,
        auth: httpx.Auth,
        customer_code: str,
        agency: PostalParty | None = None,
        paths: PostalPaths | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        http_client: httpx.Client | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        super().__init__(
            base_url, auth=auth, customer_code=customer_code, agency=agency, paths=paths
        )
        self._http: SyncHttp = SyncHttp(
            _POSTAL,
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
        agency: PostalParty | None = None,
        **overrides: str | float | None,
    ) -> PostalClient:
        """Build a client from ``ONESTOP_POSTAL_*`` variables (see :class:`PostalSettings`).

        ``agency``, when given, is used instead of reading ``ONESTOP_POSTAL_AGENCY_FILE``.

        Raises:
            ConfigurationError: a required setting is missing or malformed.
            InvalidInputError: the agency file cannot be read.
        """
        settings = PostalSettings.from_env(environ, **overrides)
        return cls(
            settings.base_url,
            transport=transport,
            retry=retry,
            **_settings_kwargs(settings, agency),
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool (unless the ``http_client`` was given by the caller)."""
        self._http.close()

    def _call(self, call: PostalCall, parse: Callable[[httpx.Response], _T]) -> _T:
        """Send ``call`` and read its answer, the pair retried as one try."""
        return self._http.retrying(
            lambda number: parse(
                self._http.send(
                    self._build(call), label=call.label, auth=self._auth, attempt=number
                )
            ),
            idempotent=call.idempotent,
            label=call.label,
        )

    def _result(self, call: PostalCall) -> OrderResult:
        return self._call(call, lambda response: self._parse_result(call, response))

    def send_order(self, order: OrderRecord) -> OrderResult:
        """Send one order; safe to repeat (VNPost answers ``"101"`` to a number it holds).

        Raises:
            APIStatusError: VNPost refused the order (``error_code`` is its ``Status``).
            UnexpectedResponseError: the answer is not ``{"Status", "Message"}``.
        """
        return self._result(order_call(order))

    def pickup(
        self,
        dossier: Dossier,
        *,
        applicant: PostalParty | None = None,
        order_number: str | None = None,
    ) -> OrderResult:
        """Order the collection of ``dossier`` (the order of :meth:`pickup_order`)."""
        return self.send_order(
            self.pickup_order(dossier, applicant=applicant, order_number=order_number)
        )

    def deliver_result(
        self,
        dossier: Dossier,
        *,
        applicant: PostalParty | None = None,
        order_number: str | None = None,
    ) -> OrderResult:
        """Order the delivery of the result of ``dossier`` (see :meth:`delivery_order`)."""
        return self.send_order(
            self.delivery_order(dossier, applicant=applicant, order_number=order_number)
        )

    def cancel_order(self, order_number: str) -> OrderResult:
        """Cancel an order (``order/cancel``)."""
        return self._result(cancel_call(self.customer_code, order_number))

    def quote(self, *, sender: PostalAddress, receiver: PostalAddress, weight_grams: int) -> int:
        """The public-service price in VND of an item of ``weight_grams`` between two places."""
        call = price_call(sender=sender, receiver=receiver, weight_grams=weight_grams)
        return self._call(call, _read_price)

    def track(self, since: str | None = None, *, page_size: int = 100) -> TrackingPage:
        """The status events after the cursor ``since`` (the first page when ``None``).

        Keep the returned :attr:`TrackingPage.last_id` (durably) and pass it next time.
        """
        return self._call(self._tracking(since, page_size), _tracking_reader(since))

    def iter_tracking(
        self, since: str | None = None, *, page_size: int = 100
    ) -> Iterator[TrackingPage]:
        """Every page after ``since`` until an empty one (at most ``MAX_TRACKING_PAGES``)."""
        cursor = since
        for _ in range(MAX_TRACKING_PAGES):
            page = self.track(cursor, page_size=page_size)
            if not page.events:
                return
            yield page
            cursor = page.last_id


class AsyncPostalClient(_PostalCore):
    """Asynchronous client with the same surface as :class:`PostalClient`.

    Args:
        base_url: base URL of the order API.
        auth: :class:`~onestop.connectors.auth.GatewayAuth` or
            :class:`~onestop.connectors.auth.MyVNPostAuth`.
        customer_code: the deployment's VNPost customer code.
        agency: the agency's party.
        paths: the path of each operation.
        transport: an ``httpx.AsyncBaseTransport`` (e.g. ``FakePostal().async_transport()``).
        timeout: total seconds of one HTTP call; the call is cancelled at the deadline.
        retry: retry bounds.
        max_connections: size of the connection pool.
        http_client: an existing ``httpx.AsyncClient``; not closed by :meth:`aclose`.
        max_response_bytes: the largest answer read.
    """

    def __init__(
        self,
        base_url: str,
        *,
        auth: httpx.Auth,
        customer_code: str,
        agency: PostalParty | None = None,
        paths: PostalPaths | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        max_connections: int = 20,
        http_client: httpx.AsyncClient | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        super().__init__(
            base_url, auth=auth, customer_code=customer_code, agency=agency, paths=paths
        )
        self._http: AsyncHttp = AsyncHttp(
            _POSTAL,
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
        agency: PostalParty | None = None,
        **overrides: str | float | None,
    ) -> AsyncPostalClient:
        """Build a client from ``ONESTOP_POSTAL_*`` variables (see :class:`PostalSettings`).

        ``agency``, when given, is used instead of reading ``ONESTOP_POSTAL_AGENCY_FILE``.
        """
        settings = PostalSettings.from_env(environ, **overrides)
        return cls(
            settings.base_url,
            transport=transport,
            retry=retry,
            max_connections=max_connections,
            **_settings_kwargs(settings, agency),
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pools (unless the ``http_client`` was given by the caller)."""
        await self._http.aclose()

    async def _send(self, call: PostalCall, number: int) -> httpx.Response:
        return await self._http.send(
            self._build(call), label=call.label, auth=self._auth, attempt=number
        )

    async def _call(self, call: PostalCall, parse: Callable[[httpx.Response], _T]) -> _T:
        """Send ``call`` and read its answer, the pair retried as one try."""

        async def attempt(number: int) -> _T:
            return parse(await self._send(call, number))

        return await self._http.retrying(attempt, idempotent=call.idempotent, label=call.label)

    async def _result(self, call: PostalCall) -> OrderResult:
        return await self._call(call, lambda response: self._parse_result(call, response))

    async def send_order(self, order: OrderRecord) -> OrderResult:
        """Send one order; see :meth:`PostalClient.send_order`."""
        return await self._result(order_call(order))

    async def pickup(
        self,
        dossier: Dossier,
        *,
        applicant: PostalParty | None = None,
        order_number: str | None = None,
    ) -> OrderResult:
        """Order the collection of ``dossier``; see :meth:`PostalClient.pickup`."""
        return await self.send_order(
            self.pickup_order(dossier, applicant=applicant, order_number=order_number)
        )

    async def deliver_result(
        self,
        dossier: Dossier,
        *,
        applicant: PostalParty | None = None,
        order_number: str | None = None,
    ) -> OrderResult:
        """Order the delivery of the result; see :meth:`PostalClient.deliver_result`."""
        return await self.send_order(
            self.delivery_order(dossier, applicant=applicant, order_number=order_number)
        )

    async def cancel_order(self, order_number: str) -> OrderResult:
        """Cancel an order; see :meth:`PostalClient.cancel_order`."""
        return await self._result(cancel_call(self.customer_code, order_number))

    async def quote(
        self, *, sender: PostalAddress, receiver: PostalAddress, weight_grams: int
    ) -> int:
        """The public-service price in VND; see :meth:`PostalClient.quote`."""
        call = price_call(sender=sender, receiver=receiver, weight_grams=weight_grams)
        return await self._call(call, _read_price)

    async def track(self, since: str | None = None, *, page_size: int = 100) -> TrackingPage:
        """The status events after ``since``; see :meth:`PostalClient.track`."""
        return await self._call(self._tracking(since, page_size), _tracking_reader(since))

    async def iter_tracking(
        self, since: str | None = None, *, page_size: int = 100
    ) -> AsyncIterator[TrackingPage]:
        """Every page after ``since`` until an empty one; see :meth:`PostalClient.iter_tracking`."""
        cursor = since
        for _ in range(MAX_TRACKING_PAGES):
            page = await self.track(cursor, page_size=page_size)
            if not page.events:
                return
            yield page
            cursor = page.last_id
