"""Wire models of the national payment platform (Nền tảng thanh toán trên Cổng DVCQG).

Messages are named by ``LoaiBanTin``: ``INIT`` opens a transaction (:class:`InitRecord`, its
receipt data :class:`ThongTinBienLaiRecord` with the fee lines :class:`PhiLePhiRecord`),
``QUERY`` asks its state and ``GET_BILL`` its receipt (:class:`QueryRecord` for both), and the
platform calls back the provincial system with the outcome (:class:`IpnRecord`), which
answers :class:`IpnReplyRecord`. Field names and defaults follow TD.DichVuCongApi
(``InitDvcPaymentRequest.cs``, ``DvcPaymentService.cs``, ``ConfirmDvcPaymentCommandHandler``,
2024) and OpenCPS (``pay-gate-integration``, ``PayGateUtil``, 2020); every value is a string
on the wire except ``SoTien`` in an IPN (a number in TD's class, kept here as its decimal text,
which is what the checksum covers).

What is confirmed by deployed code, and what is inferred:

* INIT fields and their defaults (``PhienBan "1.0.6"``, ``LoaiHinhThanhToan "PAY"``,
  ``MaKenhThanhToan "1"``, ``MaThietBi "1"``, ``NgonNgu "vi-VN"``, ``MaTienTe "VND"``,
  ``MaNganHang "PAYMENT"``, ``MaDichVu "2"``, ``MaDVC`` = ``MaTTHC`` + ``".01"``) [confirmed, TD];
* the INIT answer ``{"error_code": "0", "message": "<JSON with UrlThanhToan>"}`` [confirmed, TD];
* QUERY / GET_BILL fields, the QUERY answer and ``TrangThaiGD`` 1/3/4 [confirmed, TD];
* GET_BILL answered by the receipt's bytes (TD saves the body as a PDF) [confirmed, TD];
* IPN fields and the reply ``{MaLoi, MoTaLoi, MaDoiTac, MaThamChieu, ThoiGianGD, MaXacThuc}``
  [confirmed, TD and OpenCPS]; the value of ``LoaiBanTin`` in an IPN is not known (it is
  covered by the checksum as received);
* ``LoaiPhiLePhi`` ``"Phi"`` for a fee [confirmed, TD]; ``"LePhi"`` for a charge [inferred].
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import AliasChoices, Field, field_validator

from onestop.connectors._wire import WireModel

__all__ = [
    "PROTOCOL_VERSION",
    "InitAnswerRecord",
    "InitRecord",
    "IpnRecord",
    "IpnReplyRecord",
    "KhoanNopRecord",
    "PhiLePhiRecord",
    "QueryAnswerRecord",
    "QueryRecord",
    "ThongTinBienLaiRecord",
]

#: ``PhienBan`` sent by TD.DichVuCongApi (2024).
PROTOCOL_VERSION = "1.0.6"


def _text(value: Any) -> Any:
    """A wire value as its text: ``None`` → ``""``, numbers as decimal text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise ValueError("expected text or a number")
    if isinstance(value, int):
        return str(value)
    return value


class _Message(WireModel):
    """Base of the payment messages: ``None`` read as ``""`` (the checksum covers text)."""

    @field_validator("*", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        return value if isinstance(value, list | dict | WireModel) else _text(value)


class PhiLePhiRecord(_Message):
    """A fee line of the receipt (``PhiLePhi`` item); ``SoTien`` in VND."""

    kind: str = Field(default="Phi", alias="LoaiPhiLePhi")
    code: str = Field(default="", alias="MaPhiLePhi")
    name: str = Field(default="", alias="TenPhiLePhi")
    amount: str = Field(default="0", alias="SoTien")


class KhoanNopRecord(_Message):
    """An item paid (``DSKhoanNop`` item)."""

    content: str = Field(default="", alias="NoiDung")
    amount: str = Field(default="0", alias="SoTien")


class ThongTinBienLaiRecord(_Message):
    """The receipt data of an INIT (``ThongTinBienLai``); payer fields are personal data."""

    service_code: str = Field(default="2", alias="MaDichVu")
    public_service_code: str = Field(default="", alias="MaDVC")
    public_service_name: str = Field(default="", alias="TenDVC")
    procedure_code: str = Field(default="", alias="MaTTHC")
    procedure_name: str = Field(default="", alias="TenTTHC")
    unit_code: str = Field(default="", alias="MaDonVi")
    unit_name: str = Field(default="", alias="TenDonVi")
    dossier_code: str = Field(default="", alias="MaHoSo")
    beneficiary_account: str = Field(default="", alias="TKThuHuong")
    beneficiary_bank: str = Field(default="", alias="MaNHThuHuong")
    beneficiary_name: str = Field(default="", alias="TenTKThuHuong")
    payment_content: str = Field(default="", alias="NoiDungThanhToan")
    payer_name: str = Field(default="", alias="HoTenNguoiNop", repr=False)
    payer_id: str = Field(default="", alias="SoCMNDNguoiNop", repr=False)
    payer_address: str = Field(default="", alias="DiaChiNguoiNop", repr=False)
    payer_district: str = Field(default="", alias="HuyenNguoiNop", repr=False)
    payer_province: str = Field(default="", alias="TinhNguoiNop", repr=False)
    fees: list[PhiLePhiRecord] = Field(default_factory=list, alias="PhiLePhi")
    items: list[KhoanNopRecord] = Field(default_factory=list, alias="DSKhoanNop")


class InitRecord(_Message):
    """``INIT``: open a transaction."""

    message_type: str = Field(default="INIT", alias="LoaiBanTin")
    version: str = Field(default=PROTOCOL_VERSION, alias="PhienBan")
    partner_code: str = Field(alias="MaDoiTac")
    reference: str = Field(alias="MaThamChieu")
    amount: str = Field(alias="SoTien")
    payment_type: str = Field(default="PAY", alias="LoaiHinhThanhToan")
    channel: str = Field(default="1", alias="MaKenhThanhToan")
    device: str = Field(default="1", alias="MaThietBi")
    language: str = Field(default="vi-VN", alias="NgonNgu")
    currency: str = Field(default="VND", alias="MaTienTe")
    bank_code: str = Field(default="PAYMENT", alias="MaNganHang")
    description: str = Field(default="", alias="ThongTinGiaoDich")
    time: str = Field(alias="ThoiGianGD")
    ip: str = Field(default="", alias="Ip")
    checksum: str = Field(default="", alias="MaXacThuc", repr=False)
    receipt: ThongTinBienLaiRecord = Field(
        default_factory=ThongTinBienLaiRecord, alias="ThongTinBienLai"
    )


class QueryRecord(_Message):
    """``QUERY`` (a transaction's state) or ``GET_BILL`` (its receipt)."""

    message_type: str = Field(default="QUERY", alias="LoaiBanTin")
    version: str = Field(default=PROTOCOL_VERSION, alias="PhienBan")
    partner_code: str = Field(alias="MaDoiTac")
    reference: str = Field(alias="MaThamChieu")
    time: str = Field(alias="ThoiGianGD")
    checksum: str = Field(default="", alias="MaXacThuc", repr=False)


class InitAnswerRecord(WireModel):
    """The INIT answer: ``{"error_code", "message"}``, ``message`` a JSON text on success."""

    error_code: str = Field(validation_alias=AliasChoices("error_code", "errorCode"))
    message: str = ""

    @field_validator("error_code", "message", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        return _text(value)

    @property
    def ok(self) -> bool:
        """``error_code`` ``"0"`` (or ``"00"``)."""
        return self.error_code.strip().lstrip("0") == "" and self.error_code.strip() != ""

    def payment_url(self) -> str:
        """``UrlThanhToan`` of the inner JSON.

        Raises:
            ValueError: ``message`` is not a JSON object with an http(s) ``UrlThanhToan``.
        """
        inner = json.loads(self.message)
        url = inner.get("UrlThanhToan") if isinstance(inner, dict) else None
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise ValueError("message has no http(s) UrlThanhToan")
        return url


class QueryAnswerRecord(_Message):
    """The QUERY answer: the transaction as the platform holds it."""

    error_code: str = Field(default="", alias="MaLoi")
    error_text: str = Field(default="", alias="MoTaLoi")
    partner_code: str = Field(default="", alias="MaDoiTac")
    reference: str = Field(default="", alias="MaThamChieu")
    time: str = Field(default="", alias="ThoiGianGD")
    checksum: str = Field(default="", alias="MaXacThuc", repr=False)
    message_type: str = Field(default="", alias="LoaiBanTin")
    amount: str = Field(default="", alias="SoTien")
    currency: str = Field(default="", alias="MaTienTe")
    transaction_id: str = Field(default="", alias="MaGiaoDich")
    bank_code: str = Field(default="", alias="MaNganHang")
    description: str = Field(default="", alias="ThongTinGiaoDich")
    state: str = Field(default="", alias="TrangThaiGD")


class IpnRecord(_Message):
    """The platform's callback with a transaction's outcome (IPN)."""

    message_type: str = Field(alias="LoaiBanTin")
    error_code: str = Field(alias="MaLoi")
    partner_code: str = Field(alias="MaDoiTac")
    reference: str = Field(alias="MaThamChieu")
    amount: str = Field(alias="SoTien")
    currency: str = Field(alias="MaTienTe")
    transaction_id: str = Field(default="", alias="MaGiaoDich")
    bank_code: str = Field(default="", alias="MaNganHang")
    time: str = Field(alias="ThoiGianGD")
    description: str = Field(default="", alias="ThongTinGiaoDich")
    checksum: str = Field(alias="MaXacThuc", repr=False)


class IpnReplyRecord(_Message):
    """What the provincial system answers to an IPN."""

    error_code: str = Field(alias="MaLoi")
    error_text: str = Field(default="", alias="MoTaLoi")
    partner_code: str = Field(default="", alias="MaDoiTac")
    reference: str = Field(default="", alias="MaThamChieu")
    time: str = Field(default="", alias="ThoiGianGD")
    checksum: str = Field(default="", alias="MaXacThuc", repr=False)
