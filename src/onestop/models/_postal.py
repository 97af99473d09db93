"""Postal public service (bưu chính công ích, BCCI): addresses, parties, orders and statuses.

A dossier can come in and go out by post: VNPost collects it at the applicant's address and
brings it to the one-stop counter (a *pickup* order), and brings the result back (a
*delivery* order). Both are VNPost orders linked to the dossier code (TD.DichVuCongApi sends
``OrderNumber = MaHoSo``); a :class:`~onestop.models.Dossier` records its orders and the last
status VNPost reported for each (:class:`PostalOrder`).

Addresses (:class:`PostalAddress`) are those of the 34 provinces in force from 1 July 2025
(Nghị quyết 202/2025/QH15; codes of Quyết định 19/2025/QĐ-TTg) and of their communes
(phường, xã, đặc khu): the district level no longer exists. VNPost's order API still takes
its own *numeric* province and district codes (``SenderProvince``, ``SenderDistrict``…; e.g.
Hà Nội ``10``, district ``1100`` in a MyVNPost client); no published table maps the 2025
communes to them, so onestop ships none and takes them from the caller, as VNPost's master
data gives them (MyVNPost ``getAllProvince`` / ``getAllDistrict``).

The status codes 0–22 are VNPost's order statuses as a MyVNPost client lists them (the Odoo
module ``hieukun1011/Shipping``, ``data/shipping_vnpost_state_data.xml``); the English labels
follow that list, the Vietnamese labels are onestop's translation of it (VNPost's own
Vietnamese wording was not found in a public source).
"""

from __future__ import annotations

import datetime as dt
from enum import IntEnum
from typing import Annotated, Any, Self

from pydantic import Field, field_validator, model_validator

from onestop.errors import InvalidDossierError, InvalidInputError
from onestop.models._base import FrozenModel, Instant, Text
from onestop.models._provinces import Province, find_province
from onestop.models._status import ModelEnum
from onestop.tz import require_aware

__all__ = [
    "ORDER_NUMBER_PATTERN",
    "PostalAddress",
    "PostalOrder",
    "PostalOrderKind",
    "PostalParty",
    "PostalStatus",
]

#: A VNPost order number: the dossier code's characters (letters, digits, ``.``, ``-``,
#: ``_``, ``/``), 1–60 of them, starting with a letter or digit.
ORDER_NUMBER_PATTERN = r"^[0-9A-Za-z][0-9A-Za-z._\-/]{0,59}$"

_OrderNumber = Annotated[str, Field(pattern=ORDER_NUMBER_PATTERN)]
_PHONE = r"^\+?[0-9 .\-()]{6,30}$"
_EMAIL = r"^[^@\s\x00-\x1f\x7f-\x9f]+@[^@\s\x00-\x1f\x7f-\x9f]+\.[^@\s\x00-\x1f\x7f-\x9f]+$"
#: VNPost's numeric codes: positive integers (provinces have 2 digits, districts 3-4 in the
#: clients seen; the range is left open so that a longer code is not refused).
_VNPostCode = Annotated[int, Field(ge=1, le=999_999, strict=True)]


class PostalStatus(IntEnum):
    """VNPost's order status codes 0–22, with Vietnamese and English labels.

    :attr:`is_terminal` tells the statuses after which nothing more happens to the order
    (delivered, cancelled, completed, returned in part, COD paid) from those of an order still
    on its way (:attr:`is_in_transit`). A failed pickup or delivery (5, 8, 15) is not
    terminal: the postman tries again or the item is returned.
    """

    DRAFT = 0
    """Lưu nháp (draft saved)."""
    CREATED = 1
    """Đã tạo đơn (created)."""
    SENT_TO_POSTMAN = 2
    """Đã chuyển tin cho bưu tá (sent to the postman)."""
    PROCESSING = 3
    """Đang xử lý (processing)."""
    PICKING_UP = 4
    """Đang nhận hàng (receiving the item)."""
    PICKUP_FAILED = 5
    """Nhận hàng không thành công (pickup failed)."""
    PICKED_UP = 6
    """Đã nhận hàng thành công (picked up)."""
    POST_OFFICE_RECEIVED = 7
    """Bưu cục đã nhận hàng (the post office has received the item)."""
    COLLECTION_FAILED = 8
    """Thu gom không thành công (retrieval failed)."""
    COLLECTION_CANCELLED = 9
    """Hủy thu gom (collection cancelled)."""
    IN_TRANSIT = 10
    """Đang vận chuyển (being transported)."""
    ARRIVED = 11
    """Đã đến bưu cục phát (arrived at the post office)."""
    DELIVERING = 12
    """Đang phát (delivering)."""
    FORWARDED = 13
    """Chuyển tiếp (forwarded)."""
    DELIVERED = 14
    """Phát thành công (delivered)."""
    DELIVERY_FAILED = 15
    """Phát không thành công (delivery failed)."""
    AWAITING_RETURN = 16
    """Chờ chuyển hoàn (waiting for the return transfer)."""
    RETURN_APPROVED = 17
    """Đã duyệt hoàn (return approved)."""
    RETURNING = 18
    """Đang chuyển hoàn (return transfer started)."""
    COMPLETED = 19
    """Hoàn tất (completed)."""
    PARTLY_RETURNED = 20
    """Đã hoàn một phần (one part returned)."""
    COD_PAID = 21
    """Đã trả tiền thu hộ (COD paid)."""
    DELIVERY_CANCELLED = 22
    """Hủy phát (delivery cancelled)."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        shown = repr(value)[:20] if isinstance(value, int | str) else type(value).__name__
        raise InvalidInputError(
            f"postal_status: {shown} is not a VNPost order status; expected a code 0-22",
            field="postal_status",
        )

    @classmethod
    def parse(cls, value: int | str) -> PostalStatus:
        """Read a status code as VNPost sends it (``14`` or ``"14"``).

        Raises:
            InvalidInputError: not a code 0-22.
        """
        if isinstance(value, bool):
            return cls(-1)  # raises through _missing_
        if isinstance(value, str):
            text = value.strip()
            if not text.isdigit() or len(text) > 3:
                raise InvalidInputError(
                    f"postal_status: {text[:20]!r} is not a VNPost order status; expected a "
                    "code 0-22",
                    field="postal_status",
                )
            return cls(int(text))
        return cls(value)

    @property
    def label_vi(self) -> str:
        """Vietnamese label, e.g. ``"Phát thành công"``."""
        return _LABELS[self][0]

    @property
    def label_en(self) -> str:
        """English label, e.g. ``"Delivered"``."""
        return _LABELS[self][1]

    @property
    def is_terminal(self) -> bool:
        """Nothing more happens to the order: delivered, cancelled, completed, returned, paid."""
        return self in _TERMINAL

    @property
    def is_in_transit(self) -> bool:
        """The order was handed to VNPost and is not finished (neither draft nor terminal)."""
        return self is not PostalStatus.DRAFT and self not in _TERMINAL

    @property
    def is_failure(self) -> bool:
        """A failed attempt (pickup, collection or delivery) or a cancellation."""
        return self in _FAILURES


_LABELS: dict[PostalStatus, tuple[str, str]] = {
    PostalStatus.DRAFT: ("Lưu nháp", "Draft saved"),
    PostalStatus.CREATED: ("Đã tạo đơn", "Created"),
    PostalStatus.SENT_TO_POSTMAN: ("Đã chuyển tin cho bưu tá", "Sent to the postman"),
    PostalStatus.PROCESSING: ("Đang xử lý", "Processing"),
    PostalStatus.PICKING_UP: ("Đang nhận hàng", "Receiving the item"),
    PostalStatus.PICKUP_FAILED: ("Nhận hàng không thành công", "Pickup failed"),
    PostalStatus.PICKED_UP: ("Đã nhận hàng thành công", "Picked up"),
    PostalStatus.POST_OFFICE_RECEIVED: ("Bưu cục đã nhận hàng", "Received at the post office"),
    PostalStatus.COLLECTION_FAILED: ("Thu gom không thành công", "Retrieval failed"),
    PostalStatus.COLLECTION_CANCELLED: ("Hủy thu gom", "Collection cancelled"),
    PostalStatus.IN_TRANSIT: ("Đang vận chuyển", "In transit"),
    PostalStatus.ARRIVED: ("Đã đến bưu cục phát", "Arrived at the post office"),
    PostalStatus.DELIVERING: ("Đang phát", "Delivering"),
    PostalStatus.FORWARDED: ("Chuyển tiếp", "Forwarded"),
    PostalStatus.DELIVERED: ("Phát thành công", "Delivered"),
    PostalStatus.DELIVERY_FAILED: ("Phát không thành công", "Delivery failed"),
    PostalStatus.AWAITING_RETURN: ("Chờ chuyển hoàn", "Waiting for the return transfer"),
    PostalStatus.RETURN_APPROVED: ("Đã duyệt hoàn", "Return approved"),
    PostalStatus.RETURNING: ("Đang chuyển hoàn", "Return transfer started"),
    PostalStatus.COMPLETED: ("Hoàn tất", "Completed"),
    PostalStatus.PARTLY_RETURNED: ("Đã hoàn một phần", "One part returned"),
    PostalStatus.COD_PAID: ("Đã trả tiền thu hộ", "COD paid"),
    PostalStatus.DELIVERY_CANCELLED: ("Hủy phát", "Delivery cancelled"),
}
_TERMINAL = frozenset(
    {
        PostalStatus.COLLECTION_CANCELLED,
        PostalStatus.DELIVERED,
        PostalStatus.COMPLETED,
        PostalStatus.PARTLY_RETURNED,
        PostalStatus.COD_PAID,
        PostalStatus.DELIVERY_CANCELLED,
    }
)
_FAILURES = frozenset(
    {
        PostalStatus.PICKUP_FAILED,
        PostalStatus.COLLECTION_FAILED,
        PostalStatus.COLLECTION_CANCELLED,
        PostalStatus.DELIVERY_FAILED,
        PostalStatus.DELIVERY_CANCELLED,
    }
)


class PostalOrderKind(ModelEnum):
    """What a postal order carries."""

    PICKUP = "pickup"
    """VNPost collects the dossier at the applicant's address and brings it to the agency."""
    DELIVERY = "delivery"
    """VNPost brings the result from the agency to the applicant (trả kết quả qua bưu chính)."""


class PostalAddress(FrozenModel):
    """A postal address in Vietnam after the 1 July 2025 reform (province → commune).

    Attributes:
        street: house number, street, hamlet (số nhà, đường, thôn/ấp/tổ dân phố).
        commune_name: the commune, ward or special zone (xã, phường, đặc khu), e.g.
            ``"Phường Hạc Thành"``.
        commune_code: its 5-digit code (Quyết định 19/2025/QĐ-TTg), when known; onestop
            checks its form, not that it exists.
        province_code: the 2-digit code of one of the 34 provinces (Quyết định
            19/2025/QĐ-TTg), e.g. ``"38"`` (Thanh Hóa); checked against onestop's table.
        vnpost_province_code: VNPost's numeric province code, as its master data gives it
            (sent as ``SenderProvince`` / ``ReceiverProvince``); ``None`` when unknown.
        vnpost_district_code: VNPost's numeric district code (``SenderDistrict`` /
            ``ReceiverDistrict``); ``None`` when unknown (sent as ``0``, as TD.DichVuCongApi
            does).
    """

    street: Annotated[Text, Field(min_length=1, max_length=300)] = Field(repr=False)
    commune_name: Annotated[Text, Field(min_length=1, max_length=100)]
    commune_code: Annotated[str, Field(pattern=r"^[0-9]{5}$")] | None = None
    province_code: Annotated[str, Field(pattern=r"^[0-9]{2}$")]
    vnpost_province_code: _VNPostCode | None = None
    vnpost_district_code: _VNPostCode | None = None

    @field_validator("province_code")
    @classmethod
    def _known_province(cls, value: str) -> str:
        if find_province(value, era="2025") is None:
            raise InvalidDossierError(
                f"province_code: {value!r} is not one of the 34 provinces in force from "
                "1 July 2025 (Quyết định 19/2025/QĐ-TTg); see `onestop provinces`",
                field="province_code",
            )
        return value

    @property
    def province(self) -> Province:
        """The province (2025 era)."""
        found = find_province(self.province_code, era="2025")
        if found is None:  # pragma: no cover - checked on construction
            raise InvalidDossierError("province_code: unknown", field="province_code")
        return found

    def one_line(self) -> str:
        """The address as one line: street, commune, province (e.g. for ``SenderAddress``)."""
        return f"{self.street}, {self.commune_name}, {self.province.full_name_vi}"


class PostalParty(FrozenModel):
    """The sender or the receiver of a postal order (personal data: never logged).

    For a pickup the applicant sends and the agency receives; for a delivery the other way
    round.

    Attributes:
        name: the person's or the agency's name.
        phone: a phone number the postman can call (VNPost requires one).
        email: an e-mail address, if any.
        address: where VNPost collects or delivers.
    """

    name: Annotated[Text, Field(min_length=1, max_length=300)] = Field(repr=False)
    phone: Annotated[str, Field(max_length=30, pattern=_PHONE)] = Field(repr=False)
    email: Annotated[str, Field(max_length=254, pattern=_EMAIL)] | None = Field(
        default=None, repr=False
    )
    address: PostalAddress = Field(repr=False)


class PostalOrder(FrozenModel):
    """A VNPost order of a dossier and the last status VNPost reported for it.

    Attributes:
        order_number: the order number sent to VNPost (``OrderNumber``), unique per dossier.
        kind: pickup of the dossier or delivery of the result.
        sent_at: when VNPost accepted the order.
        duplicate: VNPost answered that the order number was already registered (``Status
            "101"``): the order existed before this send (a resend after a lost answer).
        item_code: the waybill number (mã vận đơn, e.g. ``"BK990032289VN"``), when known.
        status: the last status reported by VNPost's tracking, ``None`` before any.
        status_at: when that status was observed; set exactly when ``status`` is.
        cancelled_at: when the order was cancelled through the API, if it was.
    """

    order_number: _OrderNumber
    kind: PostalOrderKind
    sent_at: Instant
    duplicate: bool = False
    item_code: Annotated[str, Field(pattern=r"^[0-9A-Za-z]{4,30}$")] | None = None
    status: PostalStatus | None = None
    status_at: Instant | None = None
    cancelled_at: Instant | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        if (self.status is None) != (self.status_at is None):
            raise InvalidDossierError(
                "status_at: set exactly when status is (the time the status was observed)",
                field="status_at",
            )
        for name in ("status_at", "cancelled_at"):
            value = getattr(self, name)
            if value is not None and value < self.sent_at:
                raise InvalidDossierError(
                    f"{name}: earlier than sent_at (when VNPost accepted the order)", field=name
                )
        return self

    @property
    def is_open(self) -> bool:
        """Not cancelled and not in a terminal status: tracking still concerns it."""
        return self.cancelled_at is None and (self.status is None or not self.status.is_terminal)

    def with_status(self, status: PostalStatus | int, *, at: dt.datetime) -> Self:
        """A copy with a newer status; a report older than the one recorded is ignored.

        Args:
            status: the status VNPost reported.
            at: when it was observed (timezone-aware).

        Raises:
            InvalidInputError: ``status`` is not a code 0-22, or ``at`` is naive.
        """
        require_aware(at, field="at")
        value = PostalStatus.parse(status) if not isinstance(status, PostalStatus) else status
        if self.status_at is not None and at < self.status_at:
            return self
        return self._evolve(status=value, status_at=max(at, self.sent_at))

    def cancelled(self, *, at: dt.datetime) -> Self:
        """A copy recording that the order was cancelled at ``at`` (kept if already set)."""
        require_aware(at, field="at")
        if self.cancelled_at is not None:
            return self
        return self._evolve(cancelled_at=max(at, self.sent_at))
