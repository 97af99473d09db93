"""The VNPost public-service protocol without I/O: what to send, and what an answer means.

The postal clients (:class:`~onestop.connectors.postal.PostalClient` and its async twin) and
the outbox worker use these functions; they add only sending and sleeping. Nothing here
imports httpx.

* An order or a cancellation is answered ``{"Status", "Message"}``: ``"100"`` is success
  (TD.DichVuCongApi ``VNPostServices``); ``"101"`` is what TD also accepts, read by onestop
  as "this order number is already registered" (:attr:`OrderResult.duplicate`) [inferred:
  the meaning of 101 is not documented]. Success is decided by the code, never by the
  message's words. Any other code is an :class:`~onestop.errors.APIStatusError` carrying it.
* **Retries**: an order is keyed by its ``OrderNumber`` (VNPost answers 101 to a number it
  already holds), so sending it again after a lost answer cannot create a second order; it
  is retried like an idempotent call. A cancellation, a tracking page and a price are
  idempotent.
* An answer that is not what the operation returns raises
  :class:`~onestop.errors.UnexpectedResponseError` whose ``payload`` is the body with personal
  data masked (:func:`onestop._http.masked_body`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

import attrs

from onestop._http import masked_body, safe_text, status_error
from onestop.connectors._postal_wire import (
    FIRST_CURSOR,
    DiaChiGiaRecord,
    GiaCuocAnswerRecord,
    GiaCuocRecord,
    HuyDonRecord,
    KetQuaRecord,
    OrderRecord,
    TrackingPageRecord,
)
from onestop.errors import (
    APIStatusError,
    InvalidInputError,
    UnexpectedResponseError,
)
from onestop.models import PostalAddress, PostalStatus

__all__ = [
    "STATUS_DUPLICATE",
    "STATUS_OK",
    "OrderResult",
    "PostalCall",
    "PostalOperation",
    "TrackingEvent",
    "TrackingPage",
    "cancel_call",
    "order_call",
    "parse_price",
    "parse_result",
    "parse_tracking",
    "price_call",
    "tracking_call",
]

#: ``Status`` of an accepted order or cancellation.
STATUS_OK = "100"
#: ``Status`` of an order whose number VNPost already holds (accepted as a duplicate).
STATUS_DUPLICATE = "101"

#: The operations of the order API, each on its own path (or ``?service=`` of an LGSP).
PostalOperation = Literal["order", "cancel", "tracking", "price"]

#: Who the HTTP core names in messages.
WHO = "VNPost"

_HTTP_HINTS = {
    401: "credentials rejected; check the gateway consumer or the MyVNPost account",
    403: "no permission for this operation; check the gateway subscription to VNPost",
    404: "not found; check the postal base URL and the operation's path",
}


@attrs.frozen
class PostalCall:
    """One call of the order API, before any transport concern.

    Attributes:
        operation: which operation (its path comes from the client's settings).
        body: the JSON body, VNPost's field names.
        label: what the logs and messages call it, e.g. ``"order/post"`` (no personal data).
        order_number: the order concerned, when there is one.
    """

    operation: PostalOperation
    body: Mapping[str, Any]
    label: str
    order_number: str | None = None
    idempotent: bool = True
    """Whether repeating the call cannot change the outcome (all of them are: see above)."""


@attrs.frozen
class OrderResult:
    """VNPost's answer to an order or a cancellation.

    Attributes:
        order_number: the order (``OrderNumber``).
        status: ``"100"`` or, for an order, ``"101"``.
        duplicate: VNPost already held this order number (``"101"``): an earlier send of the
            same order (whose answer was lost) created it; nothing new was created.
        message: VNPost's message, one line, ID-like numbers masked.
    """

    order_number: str
    status: str
    duplicate: bool
    message: str = ""


@attrs.frozen
class TrackingEvent:
    """One status report of the tracking feed.

    Attributes:
        event_id: the feed's id of the event (the cursor after it).
        order_number: the order it concerns.
        status: the status, or ``None`` for a code outside 0-22 (VNPost's international
            events 101-111), kept in ``status_code``.
        status_code: the code as received.
        item_code: the waybill number, when the feed gives it.
    """

    event_id: str
    order_number: str
    status: PostalStatus | None
    status_code: str
    item_code: str | None = None


@attrs.frozen
class TrackingPage:
    """A page of the tracking feed and the cursor to ask for the next one.

    Attributes:
        events: the events after the cursor, oldest first.
        last_id: the cursor for the next call: the last event's id, or the cursor given when
            the page is empty (nothing newer yet).
    """

    events: tuple[TrackingEvent, ...]
    last_id: str


def _order_number_arg(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(
            "order_number: expected the VNPost order number (OrderNumber), e.g. the dossier "
            "code 'H56.14-260316-0001'",
            field="order_number",
        )
    return value.strip()


def order_call(record: OrderRecord) -> PostalCall:
    """``order/post`` of one order (keyed by its ``OrderNumber``: safe to repeat).

    Raises:
        InvalidInputError: ``record`` is not an :class:`OrderRecord`.
    """
    if not isinstance(record, OrderRecord):
        raise InvalidInputError(
            f"order: expected an OrderRecord (from pickup_order() or delivery_order()), got "
            f"{type(record).__name__}",
            field="order",
        )
    return PostalCall("order", record.to_wire(), "order/post", record.order_number)


def cancel_call(customer_code: str, order_number: str) -> PostalCall:
    """``order/cancel`` of one order."""
    number = _order_number_arg(order_number)
    body = HuyDonRecord(CustomerCode=customer_code, OrderNumber=number).to_wire()
    return PostalCall("cancel", body, "order/cancel", number)


def tracking_call(customer_code: str, last_id: str | None, page_size: int) -> PostalCall:
    """``order/tracking``: the events after ``last_id`` (the first page when ``None``).

    Raises:
        InvalidInputError: ``last_id`` is not 24 hexadecimal digits, or ``page_size`` is not
            1-1000.
    """
    cursor: object = FIRST_CURSOR if last_id is None else last_id
    if (
        not isinstance(cursor, str)
        or len(cursor) != 24
        or any(c not in "0123456789abcdefABCDEF" for c in cursor)
    ):
        raise InvalidInputError(
            "last_id: expected the cursor of the previous page (24 hexadecimal digits, as "
            "TrackingPage.last_id gives it), or nothing for the first page",
            field="last_id",
        )
    size: object = page_size
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 1000:
        raise InvalidInputError(
            f"page_size: expected 1-1000 events per page, got {page_size!r}", field="page_size"
        )
    body = {"CustomerCode": customer_code, "pagesize": page_size, "lastId": str(cursor).lower()}
    return PostalCall("tracking", body, "order/tracking")


def price_call(*, sender: PostalAddress, receiver: PostalAddress, weight_grams: int) -> PostalCall:
    """The public-service price (``mainSrv: "HCC"``) of an item between two addresses.

    Raises:
        InvalidInputError: an address lacks VNPost's province or district code, or the
            weight is not a positive number of grams.
    """
    places = []
    for name, address in (("sender", sender), ("receiver", receiver)):
        if not isinstance(address, PostalAddress):
            raise InvalidInputError(
                f"{name}: expected a PostalAddress, got {type(address).__name__}", field=name
            )
        if address.vnpost_province_code is None or address.vnpost_district_code is None:
            raise InvalidInputError(
                f"{name}: a price needs VNPost's province and district codes "
                "(vnpost_province_code, vnpost_district_code) from VNPost's master data",
                field=name,
            )
        places.append(
            DiaChiGiaRecord(
                provCode=address.vnpost_province_code, distCode=address.vnpost_district_code
            )
        )
    weight: object = weight_grams
    if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= 100_000:
        raise InvalidInputError(
            f"weight_grams: expected a whole number of grams (1-100000), got {weight_grams!r}",
            field="weight_grams",
        )
    body = GiaCuocRecord(weight=weight, sender=places[0], receiver=places[1]).to_wire()
    return PostalCall("price", body, "price")


def _unexpected(label: str, what: str, content: bytes) -> UnexpectedResponseError:
    return UnexpectedResponseError(
        f"{label}: the answer is not {what} ({len(content)} bytes; its masked payload is on "
        "the error's .payload)",
        payload=masked_body(content),
    )


def _http_error(status_code: int, headers: Mapping[str, str], content: bytes, label: str) -> None:
    if 200 <= status_code < 300:
        return
    detail = ""
    try:
        data = json.loads(content)
    except ValueError:
        data = None
    if isinstance(data, dict):
        message = data.get("Message") or data.get("message") or data.get("error_description")
        detail = safe_text(message) if isinstance(message, str) else ""
    raise status_error(
        status_code, where=label, who=WHO, detail=detail, headers=headers, hints=_HTTP_HINTS
    )


def parse_result(
    status_code: int,
    headers: Mapping[str, str],
    content: bytes,
    *,
    call: PostalCall,
) -> OrderResult:
    """The outcome of an order or a cancellation, or the fitting typed error.

    Raises:
        APIStatusError: (or a subclass) an HTTP error, or a ``Status`` other than ``"100"``
            (and, for an order, ``"101"``); ``error_code`` is VNPost's ``Status``.
        UnexpectedResponseError: a 2xx answer that is not ``{"Status", "Message"}``.
    """
    _http_error(status_code, headers, content, call.label)
    try:
        answer = KetQuaRecord.model_validate_json(content)
    except InvalidInputError as exc:
        raise _unexpected(call.label, 'VNPost\'s {"Status", "Message"}', content) from exc
    number = call.order_number or ""
    accepted = {STATUS_OK, STATUS_DUPLICATE} if call.operation == "order" else {STATUS_OK}
    if answer.status not in accepted:
        raise APIStatusError(
            f"{call.label}: VNPost refused the order (Status {safe_text(answer.status, limit=10)}"
            f"): {safe_text(answer.message)}",
            status_code=status_code,
            error_code=answer.status[:10],
            field="order_number",
        )
    return OrderResult(
        order_number=number,
        status=answer.status,
        duplicate=answer.status == STATUS_DUPLICATE,
        message=safe_text(answer.message),
    )


def parse_tracking(
    status_code: int,
    headers: Mapping[str, str],
    content: bytes,
    *,
    since: str | None,
) -> TrackingPage:
    """A page of the tracking feed and its cursor.

    Raises:
        APIStatusError: an HTTP error.
        UnexpectedResponseError: the answer is not a page of events (an event without an
            ObjectId, an order number or a numeric status).
    """
    label = "order/tracking"
    _http_error(status_code, headers, content, label)
    try:
        page = TrackingPageRecord.model_validate_json(content)
    except InvalidInputError as exc:
        raise _unexpected(label, "a tracking page (_embedded.rh:doc)", content) from exc
    events = []
    for doc in page.docs:
        code = int(doc.status_code)
        status = PostalStatus(code) if code <= PostalStatus.DELIVERY_CANCELLED else None
        events.append(
            TrackingEvent(
                event_id=doc.id,
                order_number=doc.order_number,
                status=status,
                status_code=doc.status_code,
                item_code=doc.item_code or None,
            )
        )
    cursor = events[-1].event_id if events else (since or FIRST_CURSOR).lower()
    return TrackingPage(events=tuple(events), last_id=cursor)


def parse_price(status_code: int, headers: Mapping[str, str], content: bytes) -> int:
    """The price in VND of a price answer ``{"content": {"price"}}``.

    Raises:
        APIStatusError: an HTTP error.
        UnexpectedResponseError: no whole-number price in the answer.
    """
    label = "price"
    _http_error(status_code, headers, content, label)
    try:
        return GiaCuocAnswerRecord.model_validate_json(content).price
    except ValueError as exc:  # InvalidInputError is a ValueError too
        raise _unexpected(label, 'a price {"content": {"price"}}', content) from exc
