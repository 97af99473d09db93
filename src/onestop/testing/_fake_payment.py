"""A fake of the national online-payment platform (INIT, QUERY, GET_BILL, signed IPNs; test double).

:class:`FakePayment` keeps transactions in memory and answers as the deployed clients expect
(see :mod:`onestop.connectors._payment_wire`): it checks every request's ``MaXacThuc`` with
the deployment's secret and algorithm, answers an INIT with a payment page, a QUERY with the
transaction and its ``TrangThaiGD``, a GET_BILL with a PDF receipt. The payment page works:
``GET /pay/<reference>?outcome=success`` (or :meth:`FakePayment.pay`) settles the transaction
and queues its IPN, which :meth:`FakePayment.deliver_ipns` sends (signed) to the provincial
system's endpoint, again until it is acknowledged.

The IPNs can be made to misbehave, as the issue's "lost callbacks" and the threats of a public
callback URL require: sent twice (:meth:`~FakePayment.duplicate_ipns`), preceded by a copy
with a field changed (:meth:`~FakePayment.tamper_ipns`), signed with another secret or for an
unknown reference (:meth:`~FakePayment.forge_ipn`), held back until after the reconciliation
settled the transaction (:meth:`~FakePayment.hold_ipns`, :meth:`~FakePayment.release_held`),
or never sent (:meth:`~FakePayment.pay` with ``notify=False``: a lost callback). HTTP faults
are those of every shipped fake.

What the fake decides on its own (no public source says): error codes other than ``"0"`` /
``"00"`` (``"2"`` wrong checksum, ``"3"`` wrong partner, ``"4"`` reference reused, ``"01"``
unknown transaction, ``"02"`` not paid), an IPN's ``LoaiBanTin`` (``"IPN"``), and that a
repeated INIT of the same reference and amount answers the same page. Not for production.

Example:
    >>> from onestop.testing import FakePayment
    >>> payment = FakePayment()
    >>> payment.partner_code
    'ONESTOP'
"""

from __future__ import annotations

import collections
import json
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, Literal
from urllib.parse import unquote

import attrs

from onestop.connectors._payment_protocol import (
    ERROR_OK,
    ChecksumAlgorithm,
    check_algorithm,
    sign,
)
from onestop.connectors._payment_wire import InitRecord, QueryRecord
from onestop.errors import ConfigurationError
from onestop.models import OnlinePaymentState
from onestop.testing._fake_http import FakeServer, FaultyService, Reply, json_bytes

__all__ = ["FakePayment", "IpnDelivery"]

#: How a sent IPN was made: a genuine one (and its repeat), or a forgery.
IpnKind = Literal["genuine", "duplicate", "tampered", "wrong_secret", "unknown_reference"]

#: A minimal, valid one-page PDF: what GET_BILL returns for a paid transaction.
_RECEIPT = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@attrs.define
class _Transaction:
    reference: str
    amount: str
    currency: str
    time: str
    description: str
    url: str
    state: OnlinePaymentState = OnlinePaymentState.PENDING
    transaction_id: str = ""
    bank_code: str = ""


@attrs.frozen
class IpnDelivery:
    """One IPN the fake sent, and what the receiver answered.

    Attributes:
        reference: the transaction it claims.
        kind: genuine, a duplicate of a genuine one, or a forgery (tampered, wrong secret,
            unknown reference).
        status: the HTTP status of the answer (0 when the receiver could not be reached).
        acknowledged: the receiver answered 200 with the reference echoed.
    """

    reference: str
    kind: str
    status: int
    acknowledged: bool

    @property
    def genuine(self) -> bool:
        """Sent by the platform as it is (a duplicate is genuine too)."""
        return self.kind in ("genuine", "duplicate")


@attrs.define
class _Queued:
    body: dict[str, Any]
    kind: str
    attempts: int = 0


class FakePayment(FaultyService):
    """In-memory fake of the national payment platform (a test double).

    Args:
        partner_code: the ``MaDoiTac`` it accepts.
        secret: the shared secret of ``MaXacThuc``.
        algorithm: ``"sha256-secret"`` (default) or ``"hmac-sha256"``.
        access_token: a Bearer token to require, or ``None``.
        init_path: the INIT path (``query_path``, ``bill_path`` likewise).
        query_path: the QUERY path.
        bill_path: the GET_BILL path.
        page_base: the base of the payment pages in-process (:meth:`serve` uses its own URL).
        max_ipn_attempts: sends of a genuine IPN before the fake gives up on it.
        seed: seed of the random fault generator.
        clock: monotonic clock.

    Attributes:
        deliveries: every IPN sent, with the answer (see :class:`IpnDelivery`).
        calls: calls per message (``INIT``, ``QUERY``, ``GET_BILL``, ``pay``).
    """

    service_name = "fake payment"

    def __init__(
        self,
        *,
        partner_code: str = "ONESTOP",
        secret: str = "onestop-payment-secret",  # noqa: S107 - the fake's documented default
        algorithm: ChecksumAlgorithm = "sha256-secret",
        access_token: str | None = None,
        init_path: str = "/init",
        query_path: str = "/query",
        bill_path: str = "/getbill",
        page_base: str = "https://thanhtoan.fake",
        max_ipn_attempts: int = 20,
        seed: int = 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(seed=seed, clock=clock)
        self.partner_code = partner_code
        self._secret = secret
        self.algorithm = check_algorithm(algorithm)
        self.access_token = access_token
        self._routes = {init_path: "INIT", query_path: "QUERY", bill_path: "GET_BILL"}
        self.page_base = page_base.rstrip("/")
        self.max_ipn_attempts = max_ipn_attempts
        self._txns: dict[str, _Transaction] = {}
        self._ipn_queue: list[_Queued] = []
        self._held: list[_Queued] = []
        self._hold = 0
        self._duplicate = 0
        self._tamper: collections.deque[str] = collections.deque()
        self._sequence = 0
        self.deliveries: list[IpnDelivery] = []
        self.given_up: list[str] = []
        self.calls: collections.Counter[str] = collections.Counter()
        self._sender: threading.Thread | None = None
        self._sender_stop = threading.Event()

    def __repr__(self) -> str:
        return f"FakePayment(partner_code={self.partner_code!r}, algorithm={self.algorithm!r})"

    def serve(self, *, host: str = "127.0.0.1", port: int = 0) -> FakeServer:
        """Serve on loopback; payment pages then point at the server (``{url}/pay/<ref>``)."""
        server = FakeServer(self, host=host, port=port)
        self.page_base = server.url
        server.start()
        return server

    # ----------------------------------------------------------------- the citizen pays

    def pay(self, reference: str, *, success: bool = True, notify: bool = True) -> None:
        """Settle a transaction as the citizen's bank would, and queue its IPN.

        Args:
            reference: the transaction.
            success: paid (``TrangThaiGD`` 1) or failed (4).
            notify: queue the IPN; ``False`` loses the callback (only a QUERY learns it).

        Raises:
            ConfigurationError: no such transaction.
        """
        with self._lock:
            txn = self._txns.get(reference)
            if txn is None:
                raise ConfigurationError(
                    f"reference: the fake holds no transaction {reference[:60]!r}",
                    field="reference",
                )
            self.calls["pay"] += 1
            if txn.state is OnlinePaymentState.PENDING:
                self._sequence += 1
                txn.state = OnlinePaymentState.SUCCEEDED if success else OnlinePaymentState.FAILED
                txn.transaction_id = f"GD{self._sequence:010d}"
                txn.bank_code = "NCB"
            if notify:
                self._queue_ipn(txn)

    def references(self) -> list[str]:
        """Every transaction reference held, sorted."""
        with self._lock:
            return sorted(self._txns)

    def state(self, reference: str) -> OnlinePaymentState | None:
        """A transaction's state on the platform, or ``None``."""
        with self._lock:
            txn = self._txns.get(reference)
            return None if txn is None else txn.state

    # ----------------------------------------------------------------- IPNs

    def ipn_for(self, reference: str, *, secret: str | None = None) -> dict[str, Any]:
        """The signed IPN of a settled transaction (with another ``secret``: a forgery)."""
        with self._lock:
            txn = self._txns[reference]
            body = {
                "LoaiBanTin": "IPN",
                "MaLoi": ERROR_OK if txn.state is OnlinePaymentState.SUCCEEDED else "01",
                "MaDoiTac": self.partner_code,
                "MaThamChieu": txn.reference,
                "SoTien": int(txn.amount),
                "MaTienTe": txn.currency,
                "MaGiaoDich": txn.transaction_id,
                "MaNganHang": txn.bank_code,
                "ThoiGianGD": txn.time,
                "ThongTinGiaoDich": txn.description,
            }
            body["MaXacThuc"] = sign(
                body,
                "IPN",
                secret=self._secret if secret is None else secret,
                algorithm=self.algorithm,
            )
            return body

    def _queue_ipn(self, txn: _Transaction) -> None:
        genuine = self.ipn_for(txn.reference)
        if self._tamper:
            field = self._tamper.popleft()
            self._ipn_queue.append(_Queued(_tampered(genuine, field), "tampered"))
        target = self._ipn_queue
        if self._hold:
            self._hold -= 1
            target = self._held
        target.append(_Queued(genuine, "genuine"))
        if self._duplicate:
            self._duplicate -= 1
            target.append(_Queued(dict(genuine), "duplicate"))

    def duplicate_ipns(self, n: int = 1) -> None:
        """Send each of the next ``n`` genuine IPNs twice."""
        with self._lock:
            self._duplicate += _count(n)

    def tamper_ipns(self, n: int = 1, *, field: str = "SoTien") -> None:
        """Precede each of the next ``n`` genuine IPNs by a copy with ``field`` changed.

        ``SoTien`` is raised by 1000 đ, ``MaLoi`` turns a failure into ``"00"`` (and a success
        into ``"01"``), any other field gets ``"X"`` appended; the checksum is left as it was.
        """
        with self._lock:
            self._tamper.extend([field] * _count(n))

    def hold_ipns(self, n: int = 1) -> None:
        """Keep the next ``n`` genuine IPNs back until :meth:`release_held` (late callbacks)."""
        with self._lock:
            self._hold += _count(n)

    def release_held(self) -> int:
        """Queue the held IPNs for sending; returns how many."""
        with self._lock:
            held, self._held = self._held, []
            self._ipn_queue.extend(held)
            return len(held)

    def forge_ipn(
        self,
        reference: str,
        *,
        how: Literal["wrong_secret", "unknown_reference"] = "wrong_secret",
    ) -> None:
        """Queue a forged IPN: signed with another secret, or for a reference never opened.

        For ``"unknown_reference"`` the body is otherwise genuine-looking and correctly
        signed (the forger knows the secret but invents a transaction).
        """
        with self._lock:
            if how == "wrong_secret":
                body = self.ipn_for(reference, secret="not-" + self._secret)
            else:
                body = dict(self.ipn_for(reference))
                body["MaThamChieu"] = reference + "X"
                body["MaXacThuc"] = sign(body, "IPN", secret=self._secret, algorithm=self.algorithm)
            self._ipn_queue.append(_Queued(body, how))

    @property
    def queued_ipns(self) -> int:
        """IPNs waiting to be sent (held ones not counted)."""
        with self._lock:
            return len(self._ipn_queue)

    def deliver_ipns(
        self, target: str | Callable[[bytes], Any], *, timeout: float = 5.0
    ) -> list[IpnDelivery]:
        """Send every queued IPN once to ``target``; unacknowledged genuine ones stay queued.

        Args:
            target: the provincial system's IPN URL, or an in-process handler called with the
                body: it returns ``(status, reply)`` or an object with ``http_status`` and
                ``reply`` (e.g. :meth:`~onestop.connectors.PaymentLedger.handle_ipn`).
            timeout: seconds per HTTP send.

        Returns:
            The deliveries of this round (also appended to :attr:`deliveries`).
        """
        with self._lock:
            batch, self._ipn_queue = self._ipn_queue, []
        if not batch:
            return []
        round_: list[IpnDelivery] = []
        http = None
        if not callable(target):
            import httpx

            http = httpx.Client(timeout=timeout)
        try:
            for item in batch:
                round_.append(self._deliver_one(item, target, http))
        finally:
            if http is not None:
                http.close()
        return round_

    def _deliver_one(
        self, item: _Queued, target: str | Callable[[bytes], Any], http: Any
    ) -> IpnDelivery:
        """Send one queued IPN; a genuine one not acknowledged is queued again."""
        body = json.dumps(item.body, ensure_ascii=False).encode("utf-8")
        status, reply = _send(target, body, http=http)
        ref = str(item.body.get("MaThamChieu", ""))
        acked = status == 200 and isinstance(reply, dict) and reply.get("MaThamChieu") == ref
        delivery = IpnDelivery(ref, item.kind, status, acked)
        item.attempts += 1
        genuine = item.kind in ("genuine", "duplicate")
        with self._lock:
            self.deliveries.append(delivery)
            if genuine and not acked:
                if item.attempts < self.max_ipn_attempts:
                    self._ipn_queue.append(item)
                else:
                    self.given_up.append(ref)
        return delivery

    def start_ipn_sender(self, url: str, *, interval: float = 0.05) -> None:
        """Deliver IPNs to ``url`` in a background thread every ``interval`` seconds."""
        self.stop_ipn_sender()
        self._sender_stop = threading.Event()
        stop = self._sender_stop

        def run() -> None:
            while not stop.wait(interval):
                self.deliver_ipns(url, timeout=2.0)

        self._sender = threading.Thread(target=run, daemon=True, name="fake-payment-ipn")
        self._sender.start()

    def stop_ipn_sender(self) -> None:
        """Stop the background sender (waits for its current round)."""
        if self._sender is not None:
            self._sender_stop.set()
            self._sender.join(30)
            self._sender = None

    # ----------------------------------------------------------------- the service

    def handle(
        self,
        method: str,
        path: str,
        query: Mapping[str, str],
        headers: Mapping[str, str],
        body: bytes,
    ) -> Reply:
        """Answer one HTTP request (headers with lower-case names); used by every front end."""
        with self._lock:
            delay = self._latency
            if method == "GET" and path.startswith("/pay/"):
                return attrs.evolve(self._page(path, query), delay=delay)
            if method != "POST":
                return Reply(405, json_bytes({"error": "method not allowed"}), delay=delay)
            message = self._routes.get(path)
            if message is None:
                return Reply(404, json_bytes({"error": "not found"}), delay=delay)
            if self.access_token is not None and (
                headers.get("authorization") != f"Bearer {self.access_token}"
            ):
                return Reply(401, json_bytes({"error": "invalid token"}), delay=delay)
            self.calls[message] += 1
            return self._service_call(lambda: self._answer(message, body), delay=delay)

    def _page(self, path: str, query: Mapping[str, str]) -> Reply:
        reference = unquote(path[len("/pay/") :])
        if reference not in self._txns:
            return Reply(404, json_bytes({"error": "no such transaction"}))
        self.pay(reference, success=query.get("outcome", "success") != "failure")
        state = self._txns[reference].state.value
        return Reply(200, json_bytes({"reference": reference, "state": state}))

    def _signed(self, data: dict[str, Any], message: str) -> bool:
        given = str(data.get("MaXacThuc", ""))
        expected = sign(data, message, secret=self._secret, algorithm=self.algorithm)
        return given.lower() == expected

    def _answer(self, message: str, body: bytes) -> Reply:
        try:
            data = json.loads(body)
        except ValueError:
            return Reply(400, json_bytes({"error_code": "1", "message": "Dữ liệu không hợp lệ"}))
        if not isinstance(data, dict):
            return Reply(400, json_bytes({"error_code": "1", "message": "Dữ liệu không hợp lệ"}))
        if message == "INIT":
            return self._init(data)
        return self._query(data, bill=message == "GET_BILL")

    @staticmethod
    def _init_error(code: str, text: str) -> Reply:
        return Reply(200, json_bytes({"error_code": code, "message": text}))

    def _init(self, data: dict[str, Any]) -> Reply:
        try:
            record = InitRecord.model_validate(data)
        except ValueError:  # InvalidInputError is a ValueError
            return self._init_error("1", "Thiếu thông tin giao dịch")
        if not self._signed(data, "INIT"):
            return self._init_error("2", "Sai mã xác thực")
        if record.partner_code != self.partner_code:
            return self._init_error("3", "Sai mã đối tác")
        if not record.amount.isdigit() or int(record.amount) < 1:
            return self._init_error("1", "Số tiền không hợp lệ")
        held = self._txns.get(record.reference)
        if held is not None and (held.amount, held.currency) != (record.amount, record.currency):
            return self._init_error("4", "Mã tham chiếu đã được sử dụng")
        if held is None:
            held = _Transaction(
                reference=record.reference,
                amount=record.amount,
                currency=record.currency,
                time=record.time,
                description=record.description,
                url=f"{self.page_base}/pay/{record.reference}",
            )
            self._txns[record.reference] = held
        return Reply(
            200,
            json_bytes({"error_code": "0", "message": json.dumps({"UrlThanhToan": held.url})}),
        )

    def _query(self, data: dict[str, Any], *, bill: bool) -> Reply:
        message = "GET_BILL" if bill else "QUERY"
        try:
            record = QueryRecord.model_validate(data)
        except ValueError:
            return Reply(200, json_bytes({"MaLoi": "1", "MoTaLoi": "Thiếu thông tin"}))
        if not self._signed(data, message):
            return Reply(200, json_bytes({"MaLoi": "2", "MoTaLoi": "Sai mã xác thực"}))
        if record.partner_code != self.partner_code:
            return Reply(200, json_bytes({"MaLoi": "3", "MoTaLoi": "Sai mã đối tác"}))
        txn = self._txns.get(record.reference)
        if txn is None:
            return Reply(200, json_bytes({"MaLoi": "01", "MoTaLoi": "Không tìm thấy giao dịch"}))
        if bill:
            if txn.state is not OnlinePaymentState.SUCCEEDED:
                return Reply(200, json_bytes({"MaLoi": "02", "MoTaLoi": "Chưa thanh toán"}))
            return Reply(200, _RECEIPT, headers=(("Content-Type", "application/pdf"),))
        answer = {
            "MaLoi": ERROR_OK,
            "MoTaLoi": "Thành công",
            "MaDoiTac": self.partner_code,
            "MaThamChieu": txn.reference,
            "ThoiGianGD": txn.time,
            "LoaiBanTin": "QUERY",
            "SoTien": txn.amount,
            "MaTienTe": txn.currency,
            "MaGiaoDich": txn.transaction_id,
            "MaNganHang": txn.bank_code,
            "ThongTinGiaoDich": txn.description,
            "TrangThaiGD": str(txn.state.code),
        }
        answer["MaXacThuc"] = sign(answer, "IPN", secret=self._secret, algorithm=self.algorithm)
        return Reply(200, json_bytes(answer))


def _count(n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ConfigurationError(f"n: must be zero or positive, got {n!r}", field="n")
    return n


def _tampered(body: dict[str, Any], field: str) -> dict[str, Any]:
    """A copy of an IPN with one field changed and the checksum left as it was."""
    copy = dict(body)
    if field == "SoTien":
        copy["SoTien"] = int(copy["SoTien"]) + 1000
    elif field == "MaLoi":
        copy["MaLoi"] = "01" if copy["MaLoi"] == ERROR_OK else ERROR_OK
    else:
        copy[field] = f"{copy.get(field, '')}X"
    return copy


def _send(target: str | Callable[[bytes], Any], body: bytes, *, http: Any) -> tuple[int, Any]:
    """Deliver one IPN body; ``(status, decoded reply)``, status 0 when nobody answered.

    ``http`` is the ``httpx.Client`` of the round when ``target`` is a URL.
    """
    if callable(target):
        answer = target(body)
        if isinstance(answer, tuple):
            status, reply = answer
        else:
            status, reply = answer.http_status, answer.reply
        if isinstance(reply, bytes | str):
            try:
                reply = json.loads(reply)
            except ValueError:
                reply = None
        return int(status), dict(reply) if isinstance(reply, Mapping) else reply
    import httpx

    try:
        response = http.post(
            target, content=body, headers={"Content-Type": "application/json; charset=utf-8"}
        )
    except httpx.HTTPError:
        return 0, None
    try:
        return response.status_code, response.json()
    except ValueError:
        return response.status_code, None
