"""Wire models of the national portal (Cổng DVCQG) adapter services.

These mirror what the portal sends and expects, field for field (``MaHoSo``, ``NgayHenTra``…),
and are deliberately *tolerant*: unknown keys are ignored and numbers are accepted where the
portal documents strings. Each class is named after the portal's own object, in the portal's
words, with the suffix ``Record`` (:class:`HoSoRecord` for a ``HoSo``, :class:`TienTrinhRecord`,
:class:`ThuTucRecord`, :class:`GiayToKetQuaRecord`…), so that a wire record is never mistaken
for the domain model of the same thing (:class:`~onestop.models.Dossier`,
:class:`~onestop.models.Procedure`, :class:`~onestop.models.ResultDocument`…). They never
leave :mod:`onestop.connectors`; the one place that maps them to and from the domain models is
:mod:`onestop.connectors._mapping`.

Sources (docs/connectors.md, "Sources"): the dossier record follows the field set of the
production clients TD.DichVuCongApi (``HoSoDongBoDVC``) and OpenCPS
(``DVCQGIntegrationActionImpl.createSyncDossierBodyRequest``); dates are ``yyyyMMddHHmmss``
strings in Vietnam time (OpenCPS ``convertDate2String``); statuses are ``TrangThaiHoSo`` 1-10
and the English names of the portal (TD ``FormatTrangThaiHoSoDVCQG``).
"""

from __future__ import annotations

import datetime as dt
from enum import IntEnum
from typing import Any, Self

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError, field_validator

from onestop.errors import InvalidInputError
from onestop.models._base import describe_validation_error
from onestop.tz import VN_TZ, to_vn

__all__ = [
    "CapThucHienRecord",
    "DanhMucRecord",
    "DinhDanhRecord",
    "Envelope",
    "GiayToKetQuaRecord",
    "GiayToKhacRecord",
    "HoSoBoSungRecord",
    "HoSoRecord",
    "KetNoiCSDLRecord",
    "LePhiRecord",
    "PortalStatus",
    "TaiLieuNopRecord",
    "ThuTucRecord",
    "ThuTucTomTatRecord",
    "TienTrinhRecord",
    "format_portal_datetime",
    "parse_portal_datetime",
]

_PORTAL_FORMAT = "%Y%m%d%H%M%S"


def format_portal_datetime(value: dt.datetime | None) -> str:
    """Format an aware datetime as the portal's ``yyyyMMddHHmmss`` string in Vietnam time.

    Args:
        value: a timezone-aware datetime, or ``None``.

    Returns:
        14 digits, e.g. ``"20260315083000"``; the empty string for ``None`` (the portal's
        "absent" value).

    Raises:
        InvalidInputError: ``value`` is naive (its time zone would be a guess) or not a
            datetime.
    """
    if value is None:
        return ""
    # a naive datetime is refused: its time zone would be a guess (the portal reads local time)
    return to_vn(value, field="datetime").strftime(_PORTAL_FORMAT)


def parse_portal_datetime(value: str | None, *, field: str = "datetime") -> dt.datetime | None:
    """Parse a portal date string (``yyyyMMddHHmmss`` or ``yyyyMMdd``, Vietnam time).

    Args:
        value: the string as received; empty or ``None`` means absent.
        field: the wire field name, used in the error message.

    Returns:
        An aware datetime in ``Asia/Ho_Chi_Minh``, or ``None`` when absent.

    Raises:
        InvalidInputError: the string is not 8 or 14 digits forming a real date and time.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInputError(
            f"{field}: portal date must be a string yyyyMMddHHmmss, got {type(value).__name__}",
            field=field,
        )
    text = value.strip()
    if not text:
        return None
    fmt = {14: _PORTAL_FORMAT, 8: "%Y%m%d"}.get(len(text))
    if fmt is None or not text.isdigit():
        raise InvalidInputError(
            f"{field}: portal date must be 14 digits yyyyMMddHHmmss (or 8 digits yyyyMMdd), "
            f"got {len(text)} characters",
            field=field,
        )
    try:
        parsed = dt.datetime.strptime(text, fmt)
    except ValueError as exc:
        raise InvalidInputError(
            f"{field}: {text!r} is not a real date/time in the form yyyyMMddHHmmss",
            field=field,
        ) from exc
    return parsed.replace(tzinfo=VN_TZ)


class PortalStatus(IntEnum):
    """The portal's dossier status codes (``TrangThaiHoSo``), with its English names.

    Numbering from TD ``HoSoEventUtils.cs`` (pushed as is to Cổng DVCQG); English names from
    TD ``FormatTrangThaiHoSoDVCQG.cs``.
    """

    RECEIVING = 1
    """Mới đăng ký (``receiving``)."""
    NEW = 2
    """Được tiếp nhận (``new``)."""
    DENIED = 3
    """Không được tiếp nhận (``denied``)."""
    PROCESSING = 4
    """Đang xử lý (``processing``)."""
    WAITING = 5
    """Yêu cầu bổ sung giấy tờ (``waiting``)."""
    PAYING = 6
    """Yêu cầu thực hiện nghĩa vụ tài chính (``paying``)."""
    CANCELLED = 7
    """Công dân yêu cầu rút hồ sơ (``cancelled``)."""
    UNRESOLVED = 8
    """Dừng xử lý (``unresolved``)."""
    RELEASING = 9
    """Đã xử lý xong (``releasing``)."""
    DONE = 10
    """Đã trả kết quả (``done``)."""

    @property
    def english(self) -> str:
        """The portal's English status name, e.g. ``"processing"``."""
        return self.name.lower()

    @classmethod
    def parse(cls, value: int | str) -> PortalStatus:
        """Read a status from its code (``4``, ``"4"``) or English name (``"processing"``).

        Raises:
            InvalidInputError: not a code 1-10 nor one of the English names.
        """
        text = str(value).strip()
        if text.isdigit() and 1 <= int(text) <= 10:
            return cls(int(text))
        try:
            return cls[text.upper()]
        except KeyError:
            raise InvalidInputError(
                f"TrangThaiHoSo: unknown portal status {text[:20]!r}; expected a code 1-10 "
                "or one of " + ", ".join(m.english for m in cls),
                field="TrangThaiHoSo",
            ) from None


def _invalid(cls: type[BaseModel], exc: ValidationError) -> InvalidInputError:
    """The onestop error for a record that does not validate (no input values in the text)."""
    message, field = describe_validation_error(exc, model=cls.__name__)
    return InvalidInputError(message, field=field)


class WireModel(BaseModel):
    """Base of the wire models: tolerant of extra keys and of numbers sent as numbers.

    Building a record that does not validate (the constructor, :meth:`model_validate`,
    :meth:`model_validate_json`) raises :class:`~onestop.errors.InvalidInputError` naming the
    portal field (``TrangThaiHoSo: Field required``), never a bare pydantic error; the
    message never quotes the input, which may be personal data.
    """

    model_config = ConfigDict(
        extra="ignore",
        populate_by_name=True,
        coerce_numbers_to_str=True,
        frozen=True,
    )

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise _invalid(type(self), exc) from exc

    # Nested records are then validated inside pydantic-core; only top-level calls convert.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:
        """Validate a dict (portal field names or attribute names) into this record.

        Raises:
            InvalidInputError: the object does not fit the record.
        """
        try:
            return super().model_validate(obj, *args, **kwargs)
        except ValidationError as exc:
            raise _invalid(cls, exc) from exc

    @classmethod
    def model_validate_json(
        cls, json_data: str | bytes | bytearray, *args: Any, **kwargs: Any
    ) -> Self:
        """Parse a JSON document into this record.

        Raises:
            InvalidInputError: the JSON is malformed or does not fit the record.
        """
        try:
            return super().model_validate_json(json_data, *args, **kwargs)
        except ValidationError as exc:
            raise _invalid(cls, exc) from exc

    def to_wire(self) -> dict[str, Any]:
        """The JSON-ready dict with the portal's field names."""
        return self.model_dump(by_alias=True, mode="json")


def _none_to_empty(value: Any) -> Any:
    return "" if value is None else value


class DinhDanhRecord(WireModel):
    """One identity of the dossier holder (``DinhDanhCHS`` item).

    ``LoaiDinhDanh`` ``"1"`` is the 12-digit CCCD / personal ID, ``"2"`` the 9-digit CMND.
    """

    kind: str = Field(default="1", alias="LoaiDinhDanh")
    number: str = Field(default="", alias="SoDinhDanh", repr=False)


class KetNoiCSDLRecord(WireModel):
    """A national database consulted for the dossier (``DSKetNoiCSDL`` item)."""

    code: str = Field(default="", alias="MaCSDL")


class TaiLieuNopRecord(WireModel):
    """A submitted document (``TaiLieuNop`` item)."""

    file_id: str = Field(default="", alias="TepDinhKemId")
    file_name: str = Field(default="", alias="TenTepDinhKem")
    is_deleted: bool = Field(default=False, alias="IsDeleted")
    component_code: str = Field(default="", alias="MaThanhPhanHoSo")
    url: str = Field(default="", alias="DuongDanTaiTepTin")
    digitized: str = Field(default="0", alias="DuocSoHoa")
    reused: str = Field(default="0", alias="DuocTaiSuDung")
    from_national_store: str = Field(default="0", alias="DuocLayTuKhoDMQG")
    replacing_result_code: str = Field(default="", alias="MaKetQuaThayThe")


class LePhiRecord(WireModel):
    """A fee or charge (``DanhSachLePhi`` item); ``Gia`` is in VND."""

    name: str = Field(default="", alias="TenPhiLePhi")
    code: str = Field(default="", alias="MaPhiLePhi")
    collection_method: str = Field(default="", alias="HinhThucThu")
    amount: str = Field(default="0", alias="Gia")
    kind: str = Field(default="", alias="LoaiPhiLePhi")


class GiayToKhacRecord(WireModel):
    """Another attached paper (``DanhSachTepDinhKemKhac`` item)."""

    name: str = Field(default="", alias="TenGiayTo")
    quantity: str = Field(default="1", alias="SoLuong")
    kind: str = Field(default="", alias="LoaiGiayTo")


class HoSoBoSungRecord(WireModel):
    """A supplement request and its answer (``DanhSachHoSoBoSung`` item)."""

    supplement_id: str = Field(default="", alias="HoSoBoSungId")
    requested_by: str = Field(default="", alias="NguoiYeuCauBoSung", repr=False)
    content: str = Field(default="", alias="NoiDungBoSung")
    requested_at: str = Field(default="", alias="NgayBoSung")
    received_by: str = Field(default="", alias="NguoiTiepNhanBoSung", repr=False)
    reception_info: str = Field(default="", alias="ThongTinTiepNhan")
    received_at: str = Field(default="", alias="NgayTiepNhanBoSung")
    status: str = Field(default="", alias="TrangThaiBoSung")
    papers: tuple[GiayToKhacRecord, ...] = Field(default=(), alias="DanhSachGiayToBoSung")
    fees: tuple[LePhiRecord, ...] = Field(default=(), alias="DanhSachLePhiBoSung")
    previous_due_at: str = Field(default="", alias="NgayHenTraTruoc")
    new_due_at: str = Field(default="", alias="NgayHenTraMoi")


class GiayToKetQuaRecord(WireModel):
    """A result paper (``DanhSachGiayToKetQua`` item)."""

    name: str = Field(default="", alias="TenGiayTo")
    component_code: str = Field(default="", alias="MaThanhPhanHoSo")
    document_id: str = Field(default="", alias="GiayToId")
    url: str = Field(default="", alias="DuongDanTepTinKetQua")
    result_code: str = Field(default="", alias="MaGiayToKetQua")


class HoSoRecord(WireModel):
    """One dossier as sent with ``DongBoHoSoMC`` and returned by ``TraCuuHoSo``.

    Every scalar is a string as the portal expects; dates are ``yyyyMMddHHmmss`` in Vietnam
    time or ``""``. Fields holding personal data are hidden from ``repr``.
    """

    code: str = Field(alias="MaHoSo", min_length=1)
    other_code: str = Field(default="", alias="MaHoSoKhac")
    procedure_code: str = Field(default="", alias="MaTTHC")
    procedure_name: str = Field(default="", alias="TenTTHC")
    field_code: str = Field(default="", alias="MaLinhVuc")
    field_name: str = Field(default="", alias="TenLinhVuc")
    channel: str = Field(default="1", alias="KenhThucHien")
    holder_name: str = Field(default="", alias="ChuHoSo", repr=False)
    holder_kind: str = Field(default="1", alias="LoaiDoiTuong")
    holder_tech_id: str | None = Field(default=None, alias="MaDoiTuong", repr=False)
    other_info: str = Field(default="", alias="ThongTinKhac", repr=False)
    email: str = Field(default="", alias="Email", repr=False)
    fax: str = Field(default="", alias="Fax", repr=False)
    phone: str = Field(default="", alias="SoDienThoai", repr=False)
    holder_document_number: str = Field(default="", alias="SoGiayToChuHoSo", repr=False)
    summary: str = Field(default="", alias="TrichYeuHoSo", max_length=1000, repr=False)
    submitted_at: str = Field(default="", alias="NgayNopHoSo")
    received_at: str = Field(default="", alias="NgayTiepNhan")
    due_at: str = Field(default="", alias="NgayHenTra")
    returned_at: str = Field(default="", alias="NgayTra")
    finished_at: str = Field(default="", alias="NgayKetThucXuLy")
    refused_at: str = Field(default="", alias="NgayTuChoi")
    supplement_requested_at: str = Field(default="", alias="NgayYeuCauBoSung")
    status: str = Field(alias="TrangThaiHoSo")
    delivery: str = Field(default="0", alias="HinhThuc")
    return_info: str = Field(default="", alias="ThongTinTra", repr=False)
    processing_unit: str = Field(default="", alias="DonViXuLy")
    note: str = Field(default="", alias="GhiChu", repr=False)
    submission_place: str = Field(default="", alias="NoiNopHoSo")
    has_digitized_components: str = Field(default="0", alias="HoSoCoThanhPhanSoHoa")
    vneid_verified: str = Field(default="0", alias="TaiKhoanDuocXacThucVoiVNeID")
    paid_online: str = Field(default="0", alias="DuocThanhToanTrucTuyen")
    identities: tuple[DinhDanhRecord, ...] = Field(default=(), alias="DinhDanhCHS")
    databases: tuple[KetNoiCSDLRecord, ...] = Field(default=(), alias="DSKetNoiCSDL")
    files: tuple[TaiLieuNopRecord, ...] = Field(default=(), alias="TaiLieuNop")
    fees: tuple[LePhiRecord, ...] = Field(default=(), alias="DanhSachLePhi")
    other_attachments: tuple[GiayToKhacRecord, ...] = Field(
        default=(), alias="DanhSachTepDinhKemKhac"
    )
    supplements: tuple[HoSoBoSungRecord, ...] = Field(default=(), alias="DanhSachHoSoBoSung")
    results: tuple[GiayToKetQuaRecord, ...] = Field(default=(), alias="DanhSachGiayToKetQua")

    _empty_dates = field_validator(
        "submitted_at",
        "received_at",
        "due_at",
        "returned_at",
        "finished_at",
        "refused_at",
        "supplement_requested_at",
        mode="before",
    )(_none_to_empty)

    @property
    def portal_status(self) -> PortalStatus:
        """The status as :class:`PortalStatus` (accepts the code or the English name)."""
        return PortalStatus.parse(self.status)


class TienTrinhRecord(WireModel):
    """One processing step (``CapNhatTienDoHoSoMC`` ``data`` item).

    ``NguoiXuLy`` is limited to 50 characters (TD truncates it); ``ThoiDiemXuLy``,
    ``NgayBatDau`` and ``NgayKetThucTheoQuyDinh`` are ``yyyyMMddHHmmss``.
    """

    code: str = Field(alias="MaHoSo", min_length=1)
    handler: str = Field(default="", alias="NguoiXuLy", max_length=50, repr=False)
    handler_title: str = Field(default="", alias="ChucDanh")
    handled_at: str = Field(alias="ThoiDiemXuLy")
    department: str = Field(default="", alias="PhongBanXuLy")
    content: str = Field(default="", alias="NoiDungXuLy")
    status: str = Field(alias="TrangThai")
    started_at: str = Field(default="", alias="NgayBatDau")
    due_at: str = Field(default="", alias="NgayKetThucTheoQuyDinh")

    @property
    def key(self) -> tuple[str, str, str]:
        """What makes a step unique: ``(MaHoSo, ThoiDiemXuLy, TrangThai)``."""
        return (self.code, self.handled_at, self.status)


class LinhVucRecord(WireModel):
    """A field of the procedure (``LINHVUCTHUCHIEN`` item)."""

    code: str = Field(default="", alias="MALINHVUC")
    name: str = Field(default="", alias="TENLINHVUC")


class CoQuanRecord(WireModel):
    """An agency of the procedure (``COQUANTHUCHIEN`` and similar lists)."""

    code: str = Field(default="", alias="MADONVI")
    name: str = Field(default="", alias="TENDONVI")


class PhiLePhiRecord(WireModel):
    """A fee of one channel (``PHILEPHI`` item); ``SOTIEN`` as sent (VND)."""

    code: str = Field(default="", alias="MAPHILEPHI")
    amount: str = Field(default="", alias="SOTIEN")
    unit: str = Field(default="", alias="DONVI")
    description: str = Field(default="", alias="MOTA")


class ThoiGianRecord(WireModel):
    """A processing time of one channel (``THOIGIAN`` item), e.g. ``15`` ``Ngày làm việc``."""

    amount: str = Field(default="", alias="THOIGIANGIAIQUYET")
    unit: str = Field(default="", alias="DONVITINH")
    description: str = Field(default="", alias="MOTA")
    fees: tuple[PhiLePhiRecord, ...] = Field(default=(), alias="PHILEPHI")


class CachThucRecord(WireModel):
    """A way of carrying out the procedure (``CACHTHUCTHUCHIEN`` item)."""

    channel: str = Field(default="", alias="KENH")
    times: tuple[ThoiGianRecord, ...] = Field(default=(), alias="THOIGIAN")


class GiayToRecord(WireModel):
    """A required paper (``GIAYTO`` item)."""

    code: str = Field(default="", alias="MAGIAYTO")
    name: str = Field(default="", alias="TENGIAYTO")
    originals: str = Field(default="", alias="SOBANCHINH")
    copies: str = Field(default="", alias="SOBANSAO")
    replacing_result_code: str = Field(default="", alias="MA_KQ_THAYTHE")


class ThanhPhanHoSoRecord(WireModel):
    """The papers of one case (``THANHPHANHOSO`` item)."""

    case: str = Field(default="", alias="TRUONGHOP")
    papers: tuple[GiayToRecord, ...] = Field(default=(), alias="GIAYTO")


class KetQuaRecord(WireModel):
    """A result of the procedure (``KETQUATHUCHIEN`` item)."""

    code: str = Field(default="", alias="MAKETQUA")
    name: str = Field(default="", alias="TENKETQUA")


class CanCuPhapLyRecord(WireModel):
    """A legal text the procedure rests on (``CANCUPHAPLY`` item)."""

    number: str = Field(default="", alias="SOVANBAN")
    title: str = Field(default="", alias="TENVANBAN")
    issued_on: str = Field(default="", alias="NGAYBANHANH")
    issuer: str = Field(default="", alias="COQUANBANHANH")


class CapThucHienRecord(WireModel):
    """A level of government that carries out the procedure (``CAPTHUCHIEN`` item)."""

    code: str = Field(default="", alias="CAPTHUCHIEN")
    name: str = Field(default="", alias="TENCAP")


class ThuTucRecord(WireModel):
    """A procedure of the national catalogue (``LayThuTuc`` ``result`` item, UPPERCASE keys)."""

    code: str = Field(
        validation_alias=AliasChoices("MATTHC", "MaTTHC"), serialization_alias="MATTHC"
    )
    name: str = Field(default="", alias="TENTTHC")
    id: str = Field(default="", alias="ID")
    publishing_agency: str = Field(default="", alias="MACOQUANCONGBO")
    kind: str = Field(default="", alias="LOAITTHC")
    state: str = Field(default="", alias="TRANGTHAI")
    description: str = Field(default="", alias="MOTA")
    fields: tuple[LinhVucRecord, ...] = Field(default=(), alias="LINHVUCTHUCHIEN")
    channels: tuple[CachThucRecord, ...] = Field(default=(), alias="CACHTHUCTHUCHIEN")
    components: tuple[ThanhPhanHoSoRecord, ...] = Field(default=(), alias="THANHPHANHOSO")
    results: tuple[KetQuaRecord, ...] = Field(default=(), alias="KETQUATHUCHIEN")
    legal_bases: tuple[CanCuPhapLyRecord, ...] = Field(default=(), alias="CANCUPHAPLY")
    agencies: tuple[CoQuanRecord, ...] = Field(default=(), alias="COQUANTHUCHIEN")
    competent_agencies: tuple[CoQuanRecord, ...] = Field(default=(), alias="COQUANCOTHAMQUYEN")
    levels: tuple[CapThucHienRecord, ...] = Field(default=(), alias="CAPTHUCHIEN")


class ThuTucTomTatRecord(WireModel):
    """One line of the procedure list (``LayDanhSachTTHC`` ``result`` item)."""

    code: str = Field(
        validation_alias=AliasChoices("MATTHC", "MaTTHC"), serialization_alias="MATTHC"
    )
    name: str = Field(default="", alias="TENTTHC")


class DanhMucRecord(WireModel):
    """An entry of a dictionary service (``LayDanhMucCoQuan``, ``LayDanhMucLinhVuc``).

    The key names differ between dictionaries, so several spellings are accepted [inferred].
    """

    code: str = Field(
        validation_alias=AliasChoices("MA", "MACOQUAN", "MADONVI", "MALINHVUC"),
        serialization_alias="MA",
    )
    name: str = Field(
        "",
        validation_alias=AliasChoices("TEN", "TENCOQUAN", "TENDONVI", "TENLINHVUC"),
        serialization_alias="TEN",
    )


class Envelope(WireModel):
    """The portal's answer: ``{"error_code", "message", "result"}`` (plus ``session`` on login).

    ``error_code`` arrives as an int or a string (``0``, ``"0"``, ``"00"``, ``-3``…) and is kept
    as its normalised decimal string.
    """

    error_code: str = Field(validation_alias=AliasChoices("error_code", "errorCode"))
    message: str = ""
    result: Any = None
    session: str | None = Field(None, repr=False)

    @field_validator("error_code", mode="before")
    @classmethod
    def _normalise_code(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("error_code must be a number or a numeric string")
        if isinstance(value, int):
            return str(value)
        if isinstance(value, str):
            text = value.strip()
            if text.lstrip("+-").isdigit():
                return str(int(text))
            return text
        return value

    @field_validator("message", mode="before")
    @classmethod
    def _message_none(cls, value: Any) -> Any:
        return "" if value is None else value

    @property
    def ok(self) -> bool:
        """Whether ``error_code`` means success (``0``, ``"0"`` or ``"00"``)."""
        return self.error_code == "0"

    def result_items(self) -> list[dict[str, Any]]:
        """``result`` as a list of objects (``None`` → ``[]``, one object → a list of one)."""
        if self.result is None or self.result == "":
            return []
        if isinstance(self.result, dict):
            return [self.result]
        if isinstance(self.result, list) and all(isinstance(x, dict) for x in self.result):
            return list(self.result)
        raise ValueError("result is neither an object nor a list of objects")
