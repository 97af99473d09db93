"""Wire models of VNPost's public-service (BCCI) order API, through NGSP/LGSP or MyVNPost.

Field for field what one-stop systems send and receive, tolerant like every wire model
(unknown keys ignored). Each class is named after the wire's own object with the suffix
``Record``; the one place that builds them from the domain models is
:mod:`onestop.connectors._postal_mapping`.

What is confirmed by deployed code, and what is inferred:

* **order** (:class:`OrderRecord`) [confirmed]: the same field set in OpenCPS
  (``VNPostManagementImpl``: ``MOrder`` of the MITC NGSP SDK) and TD.DichVuCongApi
  (``VNPostRequest.cs`` ``OrderLGSPWithItemCode``, which adds ``ItemCode`` and
  ``FlagConfig``); provinces and districts are VNPost's numeric codes;
* **answer** (:class:`KetQuaRecord`) [confirmed]: ``{"Status", "Message"}``, ``"100"`` success;
  TD also accepts ``"101"`` (an order number already registered [inferred]);
* **cancel** [confirmed: ``customerCode`` + ``orderNumber``; key casing inferred];
* **tracking** (:class:`TrackingPageRecord`) [inferred]: OpenCPS pages with ``pagesize`` and a
  ``lastId`` cursor and reads ``getEmbedded().getRhDoc()`` items with ``getId().getoid()``,
  ``getOrderNumber()``, ``getStatusCode()``, ``getStatusMessage()``: a RESTHeart (MongoDB)
  HAL page ``{"_embedded": {"rh:doc": [{"_id": {"$oid"}, "orderNumber", "statusCode",
  "statusMessage"}]}}``, the cursor being the last item's ObjectId (24 hex digits; the first
  page is asked with 24 zeros);
* **price** (:class:`GiaCuocRecord`) [confirmed for the LGSP ``getprice`` operation in
  OpenCPS]: ``{weight, mainSrv: "HCC", isreturn: 1, sender{provCode, distCode},
  receiver{provCode, distCode}}`` answered by ``{"content": {"price"}}``; the weight unit
  (grams) is inferred from MyVNPost's price API.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import AliasChoices, Field, field_validator, model_validator

from onestop.connectors._wire import WireModel

__all__ = [
    "FIRST_CURSOR",
    "DiaChiGiaRecord",
    "GiaCuocAnswerRecord",
    "GiaCuocRecord",
    "HuyDonRecord",
    "KetQuaRecord",
    "OrderRecord",
    "TrackingDocRecord",
    "TrackingPageRecord",
]

#: The ``lastId`` that asks for the first tracking page (an ObjectId of zeros).
FIRST_CURSOR = "0" * 24

_CURSOR = re.compile(r"^[0-9a-fA-F]{24}$")


class OrderRecord(WireModel):
    """An order of the postal public service (``order/post``), VNPost's field names.

    Personal data (names, phones, addresses) never appear in its ``repr``.
    """

    customer_code: str = Field(alias="CustomerCode")
    order_number: str = Field(alias="OrderNumber")
    cod_amount: int = Field(default=0, alias="CODAmount")
    sender_province: int = Field(default=0, alias="SenderProvince")
    sender_district: int = Field(default=0, alias="SenderDistrict")
    sender_address: str = Field(default="", alias="SenderAddress", repr=False)
    sender_name: str = Field(default="", alias="SenderName", repr=False)
    sender_email: str = Field(default="", alias="SenderEmail", repr=False)
    sender_tel: str = Field(default="", alias="SenderTel", repr=False)
    sender_desc: str = Field(default="", alias="SenderDesc", repr=False)
    description: str = Field(default="", alias="Description")
    receiver_name: str = Field(default="", alias="ReceiverName", repr=False)
    receiver_address: str = Field(default="", alias="ReceiverAddress", repr=False)
    receiver_tel: str = Field(default="", alias="ReceiverTel", repr=False)
    receiver_province: int = Field(default=0, alias="ReceiverProvince")
    receiver_district: int = Field(default=0, alias="ReceiverDistrict")
    receiver_email: str = Field(default="", alias="ReceiverEmail", repr=False)
    item_code: str | None = Field(default=None, alias="ItemCode")
    flag_config: int | None = Field(default=None, alias="FlagConfig")

    def to_wire(self) -> dict[str, Any]:
        """The JSON-ready dict; ``ItemCode`` and ``FlagConfig`` only when set (TD's fields)."""
        return self.model_dump(by_alias=True, mode="json", exclude_none=True)


class KetQuaRecord(WireModel):
    """VNPost's answer to an order or a cancellation: ``{"Status", "Message"}``."""

    status: str = Field(validation_alias=AliasChoices("Status", "status"))
    message: str = Field(default="", validation_alias=AliasChoices("Message", "message"))

    @field_validator("status", mode="before")
    @classmethod
    def _code(cls, value: Any) -> Any:
        text = str(value).strip() if isinstance(value, int | str) else ""
        if isinstance(value, bool) or not text.isdigit() or len(text) > 10:
            raise ValueError("Status must be a numeric code such as '100'")
        return text

    @field_validator("message", mode="before")
    @classmethod
    def _none(cls, value: Any) -> Any:
        return "" if value is None else value


class HuyDonRecord(WireModel):
    """A cancellation (``order/cancel``): the customer code and the order number."""

    customer_code: str = Field(alias="CustomerCode")
    order_number: str = Field(alias="OrderNumber")


class TrackingDocRecord(WireModel):
    """One status event of the tracking feed (a RESTHeart ``rh:doc``)."""

    id: str = Field(validation_alias=AliasChoices("_id", "id"))
    order_number: str = Field(validation_alias=AliasChoices("orderNumber", "OrderNumber"))
    status_code: str = Field(validation_alias=AliasChoices("statusCode", "StatusCode"))
    status_message: str = Field(
        default="", validation_alias=AliasChoices("statusMessage", "StatusMessage"), repr=False
    )
    item_code: str | None = Field(
        default=None, validation_alias=AliasChoices("itemCode", "ItemCode")
    )

    @field_validator("id", mode="before")
    @classmethod
    def _object_id(cls, value: Any) -> Any:
        if isinstance(value, dict):
            value = value.get("$oid")
        if not isinstance(value, str) or not _CURSOR.match(value):
            raise ValueError("_id must be a MongoDB ObjectId (24 hexadecimal digits)")
        return value.lower()

    @field_validator("status_code", mode="before")
    @classmethod
    def _status(cls, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError("statusCode must be a number")
        text = str(value).strip()
        if not text.isdigit():
            raise ValueError("statusCode must be a number")
        return text

    @field_validator("status_message", mode="before")
    @classmethod
    def _none(cls, value: Any) -> Any:
        return "" if value is None else value


class TrackingPageRecord(WireModel):
    """One page of the tracking feed: ``{"_embedded": {"rh:doc": [...]}}``.

    A page without ``_embedded`` (RESTHeart leaves it out when nothing is newer than the
    cursor) holds no event.
    """

    docs: list[TrackingDocRecord] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _unwrap(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        embedded = value.get("_embedded", {})
        if not isinstance(embedded, dict):
            raise ValueError("_embedded must be an object")
        docs = embedded.get("rh:doc", [])
        return {"docs": docs}


class DiaChiGiaRecord(WireModel):
    """A place for the price (``sender`` / ``receiver``): VNPost province and district codes."""

    province: int = Field(alias="provCode")
    district: int = Field(alias="distCode")


class GiaCuocRecord(WireModel):
    """A price request for the public-service tariff (``mainSrv: "HCC"``)."""

    weight: int = Field(alias="weight")
    main_service: str = Field(default="HCC", alias="mainSrv")
    with_return: int = Field(default=1, alias="isreturn")
    sender: DiaChiGiaRecord = Field(alias="sender")
    receiver: DiaChiGiaRecord = Field(alias="receiver")


class GiaCuocAnswerRecord(WireModel):
    """The price answer: ``{"content": {"price": "22000"}}``."""

    content: dict[str, Any] = Field(alias="content")

    @property
    def price(self) -> int:
        """The price in VND.

        Raises:
            ValueError: ``content.price`` is missing or not a whole number of đồng.
        """
        value = self.content.get("price")
        text = str(value).strip().replace(",", "") if isinstance(value, int | str) else ""
        if isinstance(value, bool) or not text.isdigit():
            raise ValueError("content.price is not a whole number of VND")
        return int(text)
