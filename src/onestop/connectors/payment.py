"""Clients of the national online-payment platform of Cổng DVCQG (INIT, QUERY, GET_BILL).

:class:`PaymentClient` and :class:`AsyncPaymentClient` have the same surface and send through
onestop's one HTTP core (the drivers of the portal and postal clients). The messages and the
``MaXacThuc`` checksum are in :mod:`onestop.connectors._payment_protocol` (pure); the durable
record of transactions and the application of IPNs is :class:`PaymentLedger`. A payment::

    ledger = PaymentLedger("payments.sqlite", partner_code="H56", secret=secret)
    with PaymentClient(url, partner_code="H56", secret=secret) as client:
        payment, page = client.begin_payment(ledger, dossier)   # redirect the citizen to page
    # the platform's callback, in the web handler:
    outcome = ledger.handle_ipn(request_body)                 # answer outcome.reply
    # a reconciliation job, every few minutes:
    client.reconcile(ledger)                                  # QUERY what stayed pending

* :meth:`~PaymentClient.begin_payment` mints a reference, records the pending transaction in
  the ledger *before* the INIT (so a crash leaves a known reference, settled later by the
  reconciliation), sends the INIT and records the payment page;
* **retries only where safe**: an INIT is not repeated (the platform's handling of a repeated
  ``MaThamChieu`` is not documented) except when the connection was never made; a QUERY and
  a GET_BILL are repeated under the retry policy;
* :meth:`~PaymentClient.reconcile` QUERYs transactions pending for longer than a threshold
  (30 minutes by default, up to 3 days: TD.DichVuCongApi's window) and applies the outcome
  through the ledger, with the same checks as an IPN.

Every call is logged at DEBUG on the ``onestop.connectors.payment`` logger (operation, status,
milliseconds), never with a body, a checksum, the secret or personal data.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
from collections.abc import Callable, Mapping
from typing import Any, Literal, Self, TypeVar

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
from onestop.connectors._ledger import (
    IpnOutcome,
    LedgerEvent,
    PaymentLedger,
    ReconcileReport,
    new_reference,
)
from onestop.connectors._payment_protocol import (
    ChecksumAlgorithm,
    IpnVerification,
    QueryResult,
    check_algorithm,
    init_body,
    parse_bill,
    parse_init,
    parse_query,
    query_body,
    verify_ipn,
)
from onestop.connectors._payment_wire import (
    InitRecord,
    KhoanNopRecord,
    PhiLePhiRecord,
    QueryRecord,
    ThongTinBienLaiRecord,
)
from onestop.connectors._settings import PAYMENT_ENV_VARS, PaymentSettings
from onestop.connectors._wire import format_portal_datetime
from onestop.errors import (
    ConfigurationError,
    InvalidInputError,
    OneStopError,
    PaymentRejectedError,
)
from onestop.models import Dossier, FeeItem, FeeKind, OnlinePayment
from onestop.tz import VN_TZ, require_aware

__all__ = [
    "AsyncPaymentClient",
    "IpnOutcome",
    "IpnVerification",
    "LedgerEvent",
    "PaymentBeneficiary",
    "PaymentClient",
    "PaymentLedger",
    "PaymentPaths",
    "QueryResult",
    "ReconcileReport",
    "new_reference",
    "verify_ipn",
]

_T = TypeVar("_T")

_PAYMENT = Peer(
    "the payment platform",
    logging.getLogger("onestop.connectors.payment"),
    size_hint=f"max_response_bytes / {PAYMENT_ENV_VARS['max_response_bytes']}",
)

#: ``TenTTHC`` is cut to this many characters (TD: longer names become 200 + "...").
_NAME_LIMIT = 250


@attrs.frozen(kw_only=True)
class PaymentPaths:
    """The path (or full URL) of each message; TD.DichVuCongApi configures three URLs.

    Attributes:
        init: ``INIT``.
        query: ``QUERY``.
        bill: ``GET_BILL``.
    """

    init: str = "/init"
    query: str = "/query"
    bill: str = "/getbill"


@attrs.frozen(kw_only=True)
class PaymentBeneficiary:
    """Who receives the money, printed on the receipt (``ThongTinBienLai``).

    Attributes:
        unit_code: ``MaDonVi``: the agency's code.
        unit_name: ``TenDonVi``.
        account: ``TKThuHuong``: the beneficiary account number.
        bank_code: ``MaNHThuHuong``.
        account_name: ``TenTKThuHuong``.
    """

    unit_code: str = ""
    unit_name: str = ""
    account: str = ""
    bank_code: str = ""
    account_name: str = ""


def _fee_kind(kind: FeeKind) -> str:
    """``LoaiPhiLePhi``: ``"Phi"`` for a fee (TD), ``"LePhi"`` for a charge."""
    return "Phi" if kind is FeeKind.FEE else "LePhi"


def _payer_id(dossier: Dossier) -> str:
    applicant = dossier.applicant
    for value in (applicant.citizen_id, applicant.legacy_id, applicant.tax_code):
        if value is not None:
            return str(value)
    return ""


def _payer_address(dossier: Dossier) -> str:
    contact = dossier.applicant.contact
    if contact.address:
        return contact.address
    return "" if contact.postal_address is None else contact.postal_address.one_line()


class _PaymentCore:
    """What both clients share besides their driver: messages and answers (no I/O)."""

    _http: SyncHttp | AsyncHttp

    def __init__(
        self,
        base_url: str,
        *,
        partner_code: str,
        secret: str,
        algorithm: ChecksumAlgorithm,
        paths: PaymentPaths | None,
        beneficiary: PaymentBeneficiary | None,
        ip: str,
    ) -> None:
        check_base_url(base_url, example="the payment platform, e.g. 'https://thanhtoan.gov.vn'")
        for name, value in (("partner_code", partner_code), ("secret", secret)):
            given: object = value
            if not isinstance(given, str) or not given.strip():
                raise ConfigurationError(
                    f"{name}: empty; set {PAYMENT_ENV_VARS[name]} or pass it explicitly",
                    field=name,
                )
        self.base_url = base_url
        self.partner_code = partner_code.strip()
        self._secret = secret
        self.algorithm = check_algorithm(algorithm)
        self.paths = paths or PaymentPaths()
        self.beneficiary = beneficiary or PaymentBeneficiary()
        self.ip = ip

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.base_url!r}, partner_code={self.partner_code!r})"

    @property
    def timeout(self) -> float:
        """Total seconds of one HTTP call."""
        return self._http.timeout

    @property
    def retry(self) -> RetryPolicy:
        """The retry bounds of QUERY and GET_BILL (an INIT is not repeated)."""
        return self._http.retry

    def with_options(
        self,
        *,
        timeout: float | None = None,
        retry: RetryPolicy | None = None,
        max_response_bytes: int | None = None,
    ) -> Self:
        """A copy that shares this client's connections, with other bounds."""
        clone = copy.copy(self)
        clone._http = self._http.derive(
            timeout=timeout, retry=retry, max_response_bytes=max_response_bytes
        )
        return clone

    def init_record(self, payment: OnlinePayment, *, dossier: Dossier) -> InitRecord:
        """The INIT of ``payment`` for ``dossier`` (not signed, not sent).

        The receipt carries the procedure, the dossier code, the payer (the applicant: name,
        ID number, address) and the fee lines; with no fee lines, one line of the amount.
        """
        if not isinstance(dossier, Dossier):
            raise InvalidInputError(
                f"dossier: expected a Dossier, got {type(dossier).__name__}", field="dossier"
            )
        code = str(dossier.code)
        content = f"THANH TOAN HO SO {code}"
        name = dossier.procedure.name
        if len(name) > _NAME_LIMIT:
            name = name[:200] + "..."
        fees = payment.fees or (FeeItem(name=content, amount=payment.amount),)
        procedure = str(dossier.procedure.code)
        beneficiary = self.beneficiary
        receipt = ThongTinBienLaiRecord(
            MaDVC=f"{procedure}.01",
            TenDVC=name,
            MaTTHC=procedure,
            TenTTHC=name,
            MaDonVi=beneficiary.unit_code,
            TenDonVi=beneficiary.unit_name,
            MaHoSo=code,
            TKThuHuong=beneficiary.account,
            MaNHThuHuong=beneficiary.bank_code,
            TenTKThuHuong=beneficiary.account_name,
            NoiDungThanhToan=content,
            HoTenNguoiNop=dossier.applicant.name,
            SoCMNDNguoiNop=_payer_id(dossier),
            DiaChiNguoiNop=_payer_address(dossier),
            PhiLePhi=[
                PhiLePhiRecord(
                    LoaiPhiLePhi=_fee_kind(f.kind),
                    MaPhiLePhi=f.code or f"{procedure}.01",
                    TenPhiLePhi=f.name,
                    SoTien=str(f.amount),
                )
                for f in fees
            ],
            DSKhoanNop=[KhoanNopRecord(NoiDung=content, SoTien=str(payment.amount))],
        )
        return InitRecord(
            MaDoiTac=self.partner_code,
            MaThamChieu=payment.reference,
            SoTien=str(payment.amount),
            MaTienTe=payment.currency,
            ThongTinGiaoDich=content,
            ThoiGianGD=format_portal_datetime(payment.initiated_at),
            Ip=self.ip,
            ThongTinBienLai=receipt,
        )

    def _query_request(
        self, message: Literal["QUERY", "GET_BILL"], reference: str, at: dt.datetime | None
    ) -> httpx.Request:
        ref: object = reference
        if not isinstance(ref, str) or not ref.strip():
            raise InvalidInputError(
                "reference: expected the transaction reference (MaThamChieu)", field="reference"
            )
        moment = dt.datetime.now(VN_TZ) if at is None else require_aware(at, field="at")
        record = QueryRecord(
            LoaiBanTin=message,
            MaDoiTac=self.partner_code,
            MaThamChieu=ref.strip(),
            ThoiGianGD=format_portal_datetime(moment),
        )
        body = query_body(record, secret=self._secret, algorithm=self.algorithm)
        path = self.paths.query if message == "QUERY" else self.paths.bill
        return self._http.build("POST", join_url(self.base_url, path), content=encode_json(body))

    def _init_request(self, payment: OnlinePayment, dossier: Dossier) -> httpx.Request:
        record = self.init_record(payment, dossier=dossier)
        body = init_body(record, secret=self._secret, algorithm=self.algorithm)
        return self._http.build(
            "POST", join_url(self.base_url, self.paths.init), content=encode_json(body)
        )

    @staticmethod
    def _new_payment(
        dossier: Dossier, *, amount: int | None, fees: tuple[FeeItem, ...] | None, at: dt.datetime
    ) -> OnlinePayment:
        lines = tuple(dossier.fees) if fees is None and amount is None else tuple(fees or ())
        total = sum(f.amount for f in lines) if amount is None else amount
        return OnlinePayment(
            reference=new_reference(str(dossier.code), at=at),
            amount=total,
            fees=lines,
            initiated_at=at,
        )


def _headers(access_token: str | None) -> dict[str, str]:
    headers = {
        "Accept": "application/json",
        "Accept-Encoding": "gzip",
        "Content-Type": "application/json; charset=utf-8",
    }
    if access_token:
        headers["Authorization"] = f"Bearer {access_token}"
    return headers


def _settings_kwargs(settings: PaymentSettings) -> dict[str, Any]:
    return {
        "partner_code": settings.partner_code,
        "secret": settings.secret,
        "algorithm": settings.algorithm,
        "access_token": settings.access_token,
        "paths": PaymentPaths(
            init=settings.init_path, query=settings.query_path, bill=settings.bill_path
        ),
        "ip": settings.ip,
        "timeout": settings.timeout,
        "max_response_bytes": settings.max_response_bytes,
    }


def _read_query(response: httpx.Response) -> QueryResult:
    return parse_query(response.status_code, response.headers, response.content)


def _read_bill(response: httpx.Response) -> bytes:
    return parse_bill(response.status_code, response.headers, response.content)


def _read_init(response: httpx.Response) -> str:
    return parse_init(response.status_code, response.headers, response.content)


class PaymentClient(_PaymentCore):
    """Synchronous client of the national payment platform.

    Args:
        base_url: the platform's base URL (paths are joined to it; a path may be a full URL).
        partner_code: this deployment's ``MaDoiTac``.
        secret: the shared secret of ``MaXacThuc`` (never shown).
        algorithm: ``"sha256-secret"`` (default) or ``"hmac-sha256"``.
        access_token: a Bearer token, when the platform gave one.
        paths: the path of each message (default :class:`PaymentPaths`).
        beneficiary: the receiving account printed on receipts.
        ip: the server's address sent as ``Ip``.
        transport: an ``httpx.BaseTransport`` (e.g. ``FakePayment().transport()``).
        timeout: total seconds of one HTTP call.
        retry: retry bounds of QUERY and GET_BILL.
        http_client: an existing ``httpx.Client``; not closed by :meth:`close`.
        max_response_bytes: the largest answer read.
    """

    def __init__(
        self,
        base_url: str,
        *,
        partner_code: str,
        secret: str,
        algorithm: ChecksumAlgorithm = "sha256-secret",
        access_token: str | None = None,
        paths: PaymentPaths | None = None,
        beneficiary: PaymentBeneficiary | None = None,
        ip: str = "127.0.0.1",
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        http_client: httpx.Client | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        super().__init__(
            base_url,
            partner_code=partner_code,
            secret=secret,
            algorithm=algorithm,
            paths=paths,
            beneficiary=beneficiary,
            ip=ip,
        )
        self._http: SyncHttp = SyncHttp(
            _PAYMENT,
            transport=transport,
            http_client=http_client,
            timeout=timeout,
            max_response_bytes=max_response_bytes,
            retry=retry,
            headers=_headers(access_token),
        )

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy | None = None,
        beneficiary: PaymentBeneficiary | None = None,
        **overrides: str | float | None,
    ) -> PaymentClient:
        """Build a client from ``ONESTOP_PAYMENT_*`` variables (see :class:`PaymentSettings`)."""
        settings = PaymentSettings.from_env(environ, **overrides)
        return cls(
            settings.base_url,
            transport=transport,
            retry=retry,
            beneficiary=beneficiary,
            **_settings_kwargs(settings),
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool (unless the ``http_client`` was the caller's)."""
        self._http.close()

    def _call(
        self,
        build: Callable[[], httpx.Request],
        read: Callable[[httpx.Response], _T],
        *,
        label: str,
        idempotent: bool,
    ) -> _T:
        return self._http.retrying(
            lambda number: read(self._http.send(build(), label=label, attempt=number)),
            idempotent=idempotent,
            label=label,
        )

    def init(self, payment: OnlinePayment, *, dossier: Dossier) -> str:
        """Send the INIT of ``payment``; returns the payment page (``UrlThanhToan``).

        Not repeated on a lost answer (only when the connection was never made). Prefer
        :meth:`begin_payment`, which records the transaction first.
        """
        return self._call(
            lambda: self._init_request(payment, dossier), _read_init, label="INIT", idempotent=False
        )

    def query(self, reference: str, *, at: dt.datetime | None = None) -> QueryResult:
        """The transaction's state on the platform (``QUERY``).

        Args:
            reference: ``MaThamChieu``.
            at: ``ThoiGianGD`` to send: the transaction's time (default: now).
        """
        return self._call(
            lambda: self._query_request("QUERY", reference, at),
            _read_query,
            label="QUERY",
            idempotent=True,
        )

    def get_bill(self, reference: str, *, at: dt.datetime | None = None) -> bytes:
        """The receipt of a paid transaction, as the platform's PDF (``GET_BILL``)."""
        return self._call(
            lambda: self._query_request("GET_BILL", reference, at),
            _read_bill,
            label="GET_BILL",
            idempotent=True,
        )

    def begin_payment(
        self,
        ledger: PaymentLedger,
        dossier: Dossier,
        *,
        amount: int | None = None,
        fees: tuple[FeeItem, ...] | None = None,
        at: dt.datetime | None = None,
    ) -> tuple[OnlinePayment, str]:
        """Open a transaction for ``dossier``: recorded in ``ledger``, then INIT; the page URL.

        Args:
            ledger: the ledger that will apply the outcome.
            dossier: the dossier paid for.
            amount: the amount in VND; by default the sum of ``fees``.
            fees: the fee lines; by default the dossier's fees.
            at: when (default: now, Vietnam time).

        Returns:
            The pending transaction (record it on the dossier with
            :meth:`~onestop.models.Dossier.with_online_payment`) and the payment page.
        """
        moment = dt.datetime.now(VN_TZ) if at is None else require_aware(at, field="at")
        payment = ledger.open(
            self._new_payment(dossier, amount=amount, fees=fees, at=moment),
            dossier_code=str(dossier.code),
        )
        url = self.init(payment, dossier=dossier)
        ledger.record_url(payment.reference, url)
        return payment, url

    def reconcile(
        self,
        ledger: PaymentLedger,
        *,
        older_than: dt.timedelta = dt.timedelta(minutes=30),
        not_older_than: dt.timedelta = dt.timedelta(days=3),
        now: dt.datetime | None = None,
    ) -> ReconcileReport:
        """QUERY the transactions pending for longer than ``older_than`` and apply the answers.

        A failed QUERY leaves its transaction pending for the next run; a refused answer
        (another amount, currency or partner) is counted and not applied.
        """
        report = ReconcileReport()
        for payment in ledger.pending(
            older_than=older_than, not_older_than=not_older_than, now=now
        ):
            report.queried += 1
            try:
                result = self.query(payment.reference, at=payment.initiated_at)
            except OneStopError:
                report.failed += 1
                continue
            _count(report, ledger, result)
        return report


def _count(report: ReconcileReport, ledger: PaymentLedger, result: QueryResult) -> None:
    """Apply one QUERY answer and count it in ``report``."""
    try:
        outcome = ledger.apply_query(result)
    except PaymentRejectedError:
        report.rejected += 1
        return
    if outcome.applied:
        report.settled += 1
    elif not outcome.state.is_final:
        report.still_pending += 1


class AsyncPaymentClient(_PaymentCore):
    """Asynchronous client with the same surface as :class:`PaymentClient`.

    The ledger's SQLite calls run in a worker thread, off the event loop.

    Args:
        base_url: the platform's base URL.
        partner_code: this deployment's ``MaDoiTac``.
        secret: the shared secret of ``MaXacThuc``.
        algorithm: ``"sha256-secret"`` (default) or ``"hmac-sha256"``.
        access_token: a Bearer token, when the platform gave one.
        paths: the path of each message.
        beneficiary: the receiving account printed on receipts.
        ip: the server's address sent as ``Ip``.
        transport: an ``httpx.AsyncBaseTransport``.
        timeout: total seconds of one HTTP call; the call is cancelled at the deadline.
        retry: retry bounds of QUERY and GET_BILL.
        max_connections: size of the connection pool.
        http_client: an existing ``httpx.AsyncClient``; not closed by :meth:`aclose`.
        max_response_bytes: the largest answer read.
    """

    def __init__(
        self,
        base_url: str,
        *,
        partner_code: str,
        secret: str,
        algorithm: ChecksumAlgorithm = "sha256-secret",
        access_token: str | None = None,
        paths: PaymentPaths | None = None,
        beneficiary: PaymentBeneficiary | None = None,
        ip: str = "127.0.0.1",
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        max_connections: int = 20,
        http_client: httpx.AsyncClient | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        super().__init__(
            base_url,
            partner_code=partner_code,
            secret=secret,
            algorithm=algorithm,
            paths=paths,
            beneficiary=beneficiary,
            ip=ip,
        )
        self._http: AsyncHttp = AsyncHttp(
            _PAYMENT,
            transport=transport,
            http_client=http_client,
            timeout=timeout,
            max_response_bytes=max_response_bytes,
            retry=retry,
            headers=_headers(access_token),
            max_connections=max_connections,
        )

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
        beneficiary: PaymentBeneficiary | None = None,
        max_connections: int = 20,
        **overrides: str | float | None,
    ) -> AsyncPaymentClient:
        """Build a client from ``ONESTOP_PAYMENT_*`` variables (see :class:`PaymentSettings`)."""
        settings = PaymentSettings.from_env(environ, **overrides)
        return cls(
            settings.base_url,
            transport=transport,
            retry=retry,
            beneficiary=beneficiary,
            max_connections=max_connections,
            **_settings_kwargs(settings),
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pools (unless the ``http_client`` was the caller's)."""
        await self._http.aclose()

    async def _call(
        self,
        build: Callable[[], httpx.Request],
        read: Callable[[httpx.Response], _T],
        *,
        label: str,
        idempotent: bool,
    ) -> _T:
        async def attempt(number: int) -> _T:
            return read(await self._http.send(build(), label=label, attempt=number))

        return await self._http.retrying(attempt, idempotent=idempotent, label=label)

    async def init(self, payment: OnlinePayment, *, dossier: Dossier) -> str:
        """Send the INIT of ``payment``; see :meth:`PaymentClient.init`."""
        return await self._call(
            lambda: self._init_request(payment, dossier), _read_init, label="INIT", idempotent=False
        )

    async def query(self, reference: str, *, at: dt.datetime | None = None) -> QueryResult:
        """The transaction's state; see :meth:`PaymentClient.query`."""
        return await self._call(
            lambda: self._query_request("QUERY", reference, at),
            _read_query,
            label="QUERY",
            idempotent=True,
        )

    async def get_bill(self, reference: str, *, at: dt.datetime | None = None) -> bytes:
        """The receipt PDF; see :meth:`PaymentClient.get_bill`."""
        return await self._call(
            lambda: self._query_request("GET_BILL", reference, at),
            _read_bill,
            label="GET_BILL",
            idempotent=True,
        )

    async def begin_payment(
        self,
        ledger: PaymentLedger,
        dossier: Dossier,
        *,
        amount: int | None = None,
        fees: tuple[FeeItem, ...] | None = None,
        at: dt.datetime | None = None,
    ) -> tuple[OnlinePayment, str]:
        """Open a transaction; see :meth:`PaymentClient.begin_payment`."""
        import anyio.to_thread

        moment = dt.datetime.now(VN_TZ) if at is None else require_aware(at, field="at")
        pending = self._new_payment(dossier, amount=amount, fees=fees, at=moment)
        code = str(dossier.code)
        payment = await anyio.to_thread.run_sync(lambda: ledger.open(pending, dossier_code=code))
        url = await self.init(payment, dossier=dossier)
        await anyio.to_thread.run_sync(ledger.record_url, payment.reference, url)
        return payment, url

    async def reconcile(
        self,
        ledger: PaymentLedger,
        *,
        older_than: dt.timedelta = dt.timedelta(minutes=30),
        not_older_than: dt.timedelta = dt.timedelta(days=3),
        now: dt.datetime | None = None,
        concurrency: int = 8,
    ) -> ReconcileReport:
        """QUERY the pending transactions, ``concurrency`` at a time.

        See :meth:`PaymentClient.reconcile`; ``concurrency`` bounds the QUERYs in flight.
        """
        import anyio
        import anyio.to_thread

        given: object = concurrency
        if isinstance(given, bool) or not isinstance(given, int) or given < 1:
            raise ConfigurationError(
                f"concurrency: expected a positive integer, got {concurrency!r}",
                field="concurrency",
            )
        report = ReconcileReport()
        pending = await anyio.to_thread.run_sync(
            lambda: ledger.pending(older_than=older_than, not_older_than=not_older_than, now=now)
        )
        limit = anyio.Semaphore(concurrency)

        async def one(payment: OnlinePayment) -> None:
            async with limit:
                try:
                    result = await self.query(payment.reference, at=payment.initiated_at)
                except OneStopError:
                    report.failed += 1
                    return
                await anyio.to_thread.run_sync(_count, report, ledger, result)

        async with anyio.create_task_group() as tg:
            for payment in pending:
                report.queried += 1
                tg.start_soon(one, payment)
        return report
