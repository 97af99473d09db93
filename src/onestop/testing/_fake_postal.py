"""A fake of VNPost's public-service order API behind NGSP/LGSP or MyVNPost (a test double).

:class:`FakePostal` keeps orders and a tracking feed in memory and answers as the clients
studied expect (see :mod:`onestop.connectors._postal_wire`): ``{"Status": "100"}`` for a new
order, ``"101"`` for an order number it already holds (nothing created), a RESTHeart-style
tracking page with ObjectId cursors, a price ``{"content": {"price"}}``. It accepts the
gateway's client credentials (``/token``, as the fake portal) and MyVNPost's account token
(``GetAccessToken`` then ``h-token``). Faults are those of every shipped fake
(:class:`~onestop.testing._fake_http.FaultyService`), plus :meth:`FakePostal.garble_next`
(a success status with a body that is not VNPost's).

What the fake decides on its own, because no public source says: refusals answer
``Status "99"`` with a Vietnamese message; the price is a flat illustrative tariff (22,000 đ
for the first 500 g, 5,000 đ per further 500 g, 10,000 đ more between provinces), not
VNPost's. A new order starts with a ``1`` (created) event; :meth:`FakePostal.advance` and
:meth:`FakePostal.deliver` move orders along.

It runs in-process (:meth:`~FakePostal.transport`, :meth:`~FakePostal.async_transport`) or on
loopback (:meth:`~FakePostal.serve`, ``onestop postal fake --port 8766``). Not for production.

Example:
    >>> from onestop.testing import FakePostal
    >>> postal = FakePostal()
    >>> postal.fail_next(1, status=503)
    >>> postal.pending_faults
    1
"""

from __future__ import annotations

import collections
import json
import random
import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from onestop.connectors._postal_wire import OrderRecord
from onestop.errors import ConfigurationError
from onestop.models import PostalAddress, PostalParty, PostalStatus, provinces
from onestop.testing._fake_http import FaultyService, Reply, json_bytes

__all__ = ["FakePostal", "make_postal_address", "make_postal_party"]

#: Operation names an LGSP routes with ``?service=`` (OpenCPS ``VnPostTerm``).
_LGSP_SERVICES = {
    "orderpost": "order",
    "ordercancel": "cancel",
    "ordertracking": "tracking",
    "pricehcc": "price",
    "getprice": "price",
}

#: A plausible route of a pickup or delivery, created → delivered.
DELIVERY_ROUTE: tuple[PostalStatus, ...] = (
    PostalStatus.SENT_TO_POSTMAN,
    PostalStatus.PICKING_UP,
    PostalStatus.PICKED_UP,
    PostalStatus.POST_OFFICE_RECEIVED,
    PostalStatus.IN_TRANSIT,
    PostalStatus.ARRIVED,
    PostalStatus.DELIVERING,
    PostalStatus.DELIVERED,
)

_REQUIRED: tuple[str, ...] = ("OrderNumber", "SenderName", "SenderTel", "SenderAddress")
_REQUIRED += ("ReceiverName", "ReceiverTel", "ReceiverAddress")

_STREETS = ("Lê Lợi", "Trần Phú", "Nguyễn Trãi", "Hai Bà Trưng", "Quang Trung", "Lý Thường Kiệt")
_FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi")
_GIVEN = ("Văn An", "Thị Bình", "Minh Châu", "Quốc Dũng", "Thu Hà", "Đức Long")


def make_postal_address(seed: int = 0) -> PostalAddress:
    """A well-formed, fictitious postal address in one of the 34 provinces (same for a seed).

    The commune is named but carries no code, and VNPost's numeric codes are left out: onestop
    does not invent official codes (see :class:`~onestop.models.PostalAddress`).
    """
    rng = random.Random(seed)
    province = rng.choice(provinces("2025"))
    return PostalAddress(
        street=f"Số {rng.randint(1, 299)} đường {rng.choice(_STREETS)}",
        commune_name=f"Phường {rng.choice(_STREETS)}",
        province_code=province.code,
    )


def make_postal_party(seed: int = 0) -> PostalParty:
    """A fictitious sender or receiver (name, phone, address), the same for the same seed."""
    rng = random.Random(seed)
    return PostalParty(
        name=f"{rng.choice(_FAMILY)} {rng.choice(_GIVEN)}",
        phone="09" + "".join(str(rng.randint(0, 9)) for _ in range(8)),
        address=make_postal_address(seed),
    )


@attrs.frozen
class _Event:
    event_id: str
    order_number: str
    status: PostalStatus


class FakePostal(FaultyService):
    """In-memory fake of VNPost's BCCI order API (a test double).

    Args:
        customer_code: the VNPost customer code it accepts.
        consumer_key: the gateway consumer it accepts (more with :meth:`add_consumer`).
        consumer_secret: its secret.
        username: the MyVNPost account it accepts.
        password: its password.
        token_path: the gateway's token path.
        login_path: MyVNPost's ``GetAccessToken`` path.
        order_path: the order path (``cancel_path``, ``tracking_path``, ``price_path``
            likewise), matched at the end of the request's path (so under any base URL); a
            path routed with ``?service=`` (LGSP) works too.
        cancel_path: the cancellation path.
        tracking_path: the tracking path.
        price_path: the price path.
        seed: seed of the random fault generator.
        clock: monotonic clock for token expiry.

    Attributes:
        creates: orders created, per order number (never above 1: a repeat answers 101).
        duplicates: ``"101"`` answers given, per order number.
        cancels: accepted cancellations, per order number.
        calls: calls per operation (plus ``"token"`` and ``"login"``).
    """

    service_name = "fake postal"

    def __init__(
        self,
        *,
        customer_code: str = "HCC-ONESTOP",
        consumer_key: str = "onestop-key",
        consumer_secret: str = "onestop-secret",  # noqa: S107 - the fake's documented default
        username: str = "onestop",
        password: str = "onestop",  # noqa: S107
        token_path: str = "/token",  # noqa: S107 - a path, not a secret
        login_path: str = "/api/MobileAuthentication/GetAccessToken",
        order_path: str = "/order/post",
        cancel_path: str = "/order/cancel",
        tracking_path: str = "/order/tracking",
        price_path: str = "/order/price",
        seed: int = 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(
            seed=seed, clock=clock, consumer_key=consumer_key, consumer_secret=consumer_secret
        )
        self.customer_code = customer_code
        self._accounts = {username: password}
        self._account_tokens: set[str] = set()
        self.token_path = token_path
        self.login_path = login_path
        self._routes = {
            order_path.split("?")[0]: "order",
            cancel_path.split("?")[0]: "cancel",
            tracking_path.split("?")[0]: "tracking",
            price_path.split("?")[0]: "price",
        }
        self._orders: dict[str, dict[str, Any]] = {}
        self._events: list[_Event] = []
        self._sequence = 0
        self._garble = 0
        self.creates: collections.Counter[str] = collections.Counter()
        self.duplicates: collections.Counter[str] = collections.Counter()
        self.cancels: collections.Counter[str] = collections.Counter()
        self.calls: collections.Counter[str] = collections.Counter()

    # ----------------------------------------------------------------- configuration

    def garble_next(self, n: int = 1) -> None:
        """Answer the next ``n`` service calls with HTTP 200 and a body that is not VNPost's.

        The calls take effect (an order is created); the body echoes the receiver's name and
        phone, so that a test can check they are masked in the client's error.
        """
        count: object = n
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ConfigurationError(f"n: must be zero or positive, got {n}", field="n")
        with self._lock:
            self._garble += n

    def expire_account_tokens(self) -> None:
        """Invalidate every MyVNPost token."""
        with self._lock:
            self._account_tokens.clear()

    # ----------------------------------------------------------------- moving orders

    def _event(self, order_number: str, status: PostalStatus) -> str:
        self._sequence += 1
        event = _Event(f"{self._sequence:024x}", order_number, status)
        self._events.append(event)
        return event.event_id

    def advance(self, order_number: str, status: PostalStatus | int) -> str:
        """Report a new status of an order in the tracking feed; returns the event's id.

        Raises:
            ConfigurationError: the fake holds no such order.
        """
        with self._lock:
            if order_number not in self._orders:
                raise ConfigurationError(
                    f"order_number: the fake holds no order {order_number[:60]!r}",
                    field="order_number",
                )
            return self._event(order_number, PostalStatus.parse(status))

    def deliver(self, order_number: str) -> None:
        """Move an order along a plausible route to ``14`` (delivered)."""
        for status in DELIVERY_ROUTE:
            self.advance(order_number, status)

    # ----------------------------------------------------------------- inspection

    def order(self, order_number: str) -> OrderRecord | None:
        """The order held under this number, or ``None``."""
        with self._lock:
            data = self._orders.get(order_number)
            return None if data is None else OrderRecord.model_validate(data)

    def order_numbers(self) -> list[str]:
        """Every order number held, sorted."""
        with self._lock:
            return sorted(self._orders)

    def status(self, order_number: str) -> PostalStatus | None:
        """The last status reported for an order, or ``None``."""
        with self._lock:
            for event in reversed(self._events):
                if event.order_number == order_number:
                    return event.status
            return None

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
            if method != "POST":
                return Reply(405, json_bytes({"error": "method not allowed"}), delay=delay)
            if path == self.token_path:
                self.calls["token"] += 1
                return attrs.evolve(self._token(headers, body), delay=delay)
            if path == self.login_path:
                self.calls["login"] += 1
                return attrs.evolve(self._login(body), delay=delay)
            operation = _LGSP_SERVICES.get(query.get("service", "")) or self._route(path)
            if operation is None:
                return Reply(404, json_bytes({"error": "not found"}), delay=delay)
            refused = self._authorize(headers, operation)
            if refused is not None:
                return attrs.evolve(refused, delay=delay)
            self.calls[operation] += 1
            return self._service_call(lambda: self._answer(operation, body), delay=delay)

    def _route(self, path: str) -> str | None:
        """The operation whose path ends ``path`` (a base URL may put a prefix before it)."""
        for route, operation in self._routes.items():
            if path == route or path.endswith(route.rstrip("/")):
                return operation
        return None

    def _login(self, body: bytes) -> Reply:
        try:
            data = json.loads(body)
            user, password = str(data["TenDangNhap"]), str(data["MatKhau"])
        except (ValueError, KeyError, TypeError):
            return Reply(400, json_bytes({"IsSuccess": False, "Message": "Thiếu tài khoản"}))
        if self._accounts.get(user) != password:
            return Reply(200, json_bytes({"IsSuccess": False, "Message": "Sai tài khoản"}))
        token = secrets.token_hex(16)
        self._account_tokens.add(token)
        return Reply(200, json_bytes({"IsSuccess": True, "Token": token}))

    def _authorize(self, headers: Mapping[str, str], operation: str) -> Reply | None:
        account_token = headers.get("h-token") or headers.get("token")
        if account_token is not None:
            if account_token in self._account_tokens:
                return None
            return Reply(401, json_bytes({"Message": "Token không hợp lệ"}))
        return self._check_bearer(headers, operation)

    def _answer(self, operation: str, body: bytes) -> Reply:
        try:
            data = json.loads(body)
        except ValueError:
            return Reply(400, json_bytes({"Message": "Dữ liệu không phải JSON"}))
        if not isinstance(data, dict):
            return Reply(400, json_bytes({"Message": "Dữ liệu không phải đối tượng JSON"}))
        if operation == "order":
            reply = self._order(data)
        elif operation == "cancel":
            reply = self._cancel(data)
        elif operation == "tracking":
            reply = self._tracking(data)
        else:
            reply = self._price(data)
        if self._garble and operation in ("order", "cancel"):
            self._garble -= 1
            echo = {
                "status": "ok",
                "receiver": data.get("ReceiverName"),
                "tel": data.get("ReceiverTel"),
                "note": f"liên hệ {data.get('ReceiverTel')}",
            }
            return Reply(200, json_bytes(echo))
        return reply

    @staticmethod
    def _status(code: str, message: str) -> Reply:
        return Reply(200, json_bytes({"Status": code, "Message": message}))

    def _order(self, data: dict[str, Any]) -> Reply:
        if data.get("CustomerCode") != self.customer_code:
            return self._status("99", "Mã khách hàng không đúng")
        missing = [k for k in _REQUIRED if not str(data.get(k) or "").strip()]
        if missing:
            return self._status("99", f"Thiếu thông tin bắt buộc: {', '.join(missing)}")
        try:
            record = OrderRecord.model_validate(data)
        except ValueError:  # InvalidInputError is a ValueError
            return self._status("99", "Dữ liệu đơn hàng không hợp lệ")
        number = record.order_number
        if number in self._orders:
            self.duplicates[number] += 1
            return self._status("101", f"Đơn hàng {number} đã tồn tại")
        self._orders[number] = record.to_wire()
        self.creates[number] += 1
        self._event(number, PostalStatus.CREATED)
        return self._status("100", "Thành công")

    def _cancel(self, data: dict[str, Any]) -> Reply:
        number = str(data.get("OrderNumber") or "")
        if data.get("CustomerCode") != self.customer_code:
            return self._status("99", "Mã khách hàng không đúng")
        if number not in self._orders:
            return self._status("99", "Không tìm thấy đơn hàng")
        current = self.status(number)
        if current is not None and current.is_terminal:
            return self._status("99", "Đơn hàng đã kết thúc, không thể hủy")
        picked = current is not None and current >= PostalStatus.PICKED_UP
        self._event(
            number,
            PostalStatus.DELIVERY_CANCELLED if picked else PostalStatus.COLLECTION_CANCELLED,
        )
        self.cancels[number] += 1
        return self._status("100", "Hủy đơn thành công")

    def _tracking(self, data: dict[str, Any]) -> Reply:
        cursor = str(data.get("lastId") or "0" * 24).lower()
        size = data.get("pagesize", 100)
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 1000:
            return Reply(400, json_bytes({"Message": "pagesize không hợp lệ"}))
        newer = [e for e in self._events if e.event_id > cursor][:size]
        docs = [
            {
                "_id": {"$oid": e.event_id},
                "orderNumber": e.order_number,
                "statusCode": str(int(e.status)),
                "statusMessage": e.status.label_vi,
            }
            for e in newer
        ]
        page: dict[str, Any] = {"_returned": len(docs)}
        if docs:
            page["_embedded"] = {"rh:doc": docs}
        return Reply(200, json_bytes(page))

    @staticmethod
    def _price(data: dict[str, Any]) -> Reply:
        try:
            weight = int(data["weight"])
            sender = int(data["sender"]["provCode"])
            receiver = int(data["receiver"]["provCode"])
        except (KeyError, TypeError, ValueError):
            return Reply(400, json_bytes({"Message": "Thiếu thông tin tính cước"}))
        if data.get("mainSrv") != "HCC" or weight < 1:
            return Reply(400, json_bytes({"Message": "Dịch vụ hoặc khối lượng không hợp lệ"}))
        steps = (weight - 1) // 500
        price = 22_000 + 5_000 * steps + (0 if sender == receiver else 10_000)
        return Reply(200, json_bytes({"content": {"price": str(price)}}))
