"""The one place that maps domain models (:mod:`onestop.models`) to the portal's wire records.

Field correspondences follow the production clients (docs/connectors.md, "Sources":
TD.DichVuCongApi ``HoSoDongBoDVC``, OpenCPS ``createSyncDossierBodyRequest``):

======================================  =====================================================
domain                                  wire (``DongBoHoSoMC`` record)
======================================  =====================================================
``code``                                ``MaHoSo``
``procedure.code/name/field``           ``MaTTHC``, ``TenTTHC``, ``MaLinhVuc``, ``TenLinhVuc``
``channel.code``                        ``KenhThucHien`` (1 trực tiếp, 2 trực tuyến, 3 BCCI)
``applicant.kind.code``                 ``LoaiDoiTuong`` (1-4)
``applicant.name`` / IDs / contact      ``ChuHoSo``, ``SoGiayToChuHoSo``, ``DinhDanhCHS``,
                                        ``Email``, ``SoDienThoai``
``summary``                             ``TrichYeuHoSo`` (at most 1000 characters)
``submitted_at`` … ``due_at``           ``NgayNopHoSo``, ``NgayTiepNhan``, ``NgayHenTra``
completed / returned / refused times    ``NgayKetThucXuLy``, ``NgayTra``, ``NgayTuChoi``
last supplement request                 ``NgayYeuCauBoSung``, ``DanhSachHoSoBoSung``
``status.code``                         ``TrangThaiHoSo`` (1-10)
``result.delivery``                     ``HinhThuc`` (``1`` by post, else ``0``)
``payments[].method``                   ``DuocThanhToanTrucTuyen`` (1 DVCQG, 2 provincial)
``documents`` / ``fees`` / results      ``TaiLieuNop``, ``DanhSachLePhi``,
                                        ``DanhSachGiayToKetQua``
======================================  =====================================================

Every date is written as ``yyyyMMddHHmmss`` in Vietnam time. Events with a status change map to
progress rows (``CapNhatTienDoHoSoMC``).

From the portal to the domain: :func:`status_of_record` (``TrangThaiHoSo`` code or English name
→ :class:`~onestop.models.DossierStatus`) and :func:`procedure_from_record` (a ``LayThuTuc``
catalogue record → :class:`~onestop.models.Procedure`, whose processing times feed the deadline
engine).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from typing import Any

from onestop.connectors._wire import (
    DinhDanhRecord,
    GiayToKetQuaRecord,
    HoSoBoSungRecord,
    HoSoRecord,
    LePhiRecord,
    TaiLieuNopRecord,
    ThuTucRecord,
    TienTrinhRecord,
    format_portal_datetime,
)
from onestop.errors import InvalidInputError, OneStopError
from onestop.models import (
    AdministrativeLevel,
    AgencyCode,
    Channel,
    DeliveryMethod,
    Dossier,
    DossierStatus,
    PaymentMethod,
    Procedure,
    ProcessingTime,
    ServiceLevel,
    TimeUnit,
)

__all__ = ["dossier_to_record", "procedure_from_record", "progress_rows", "status_of_record"]

_ONLINE_PAYMENT = {PaymentMethod.NATIONAL_PORTAL: "1", PaymentMethod.PROVINCIAL_GATEWAY: "2"}


def _check_dossier(dossier: object) -> None:
    if not isinstance(dossier, Dossier):
        raise InvalidInputError(
            f"dossier: expected an onestop.models.Dossier (or a HoSoRecord where accepted), "
            f"got {type(dossier).__name__}; read JSON with Dossier.from_json(text)",
            field="dossier",
        )


def _flag(value: bool) -> str:  # noqa: FBT001 - a value, not an option
    return "1" if value else "0"


def dossier_to_record(dossier: Dossier) -> HoSoRecord:
    """The ``DongBoHoSoMC`` record of a domain dossier (full state; idempotent to send).

    Args:
        dossier: the domain dossier.

    Returns:
        The wire record, every value a string as the portal expects.

    Raises:
        InvalidInputError: ``dossier`` is not a :class:`~onestop.models.Dossier`.
    """
    _check_dossier(dossier)
    applicant = dossier.applicant
    identities: list[DinhDanhRecord] = []
    if applicant.citizen_id is not None:
        identities.append(DinhDanhRecord(LoaiDinhDanh="1", SoDinhDanh=str(applicant.citizen_id)))
    if applicant.legacy_id is not None:
        identities.append(DinhDanhRecord(LoaiDinhDanh="2", SoDinhDanh=str(applicant.legacy_id)))
    holder_number = next(
        (
            str(x)
            for x in (applicant.citizen_id, applicant.legacy_id, applicant.tax_code)
            if x is not None
        ),
        "",
    )
    refused_at = next(
        (e.at for e in reversed(dossier.events) if e.to_status is DossierStatus.REFUSED), None
    )
    last_supplement = dossier.supplements[-1] if dossier.supplements else None
    paid_online = next(
        (_ONLINE_PAYMENT[p.method] for p in dossier.payments if p.method in _ONLINE_PAYMENT), "0"
    )
    delivery = dossier.result.delivery if dossier.result is not None else None
    field = dossier.procedure.field
    return HoSoRecord(
        MaHoSo=str(dossier.code),
        MaTTHC=str(dossier.procedure.code),
        TenTTHC=dossier.procedure.name,
        MaLinhVuc=field.code if field is not None else "",
        TenLinhVuc=field.name if field is not None else "",
        KenhThucHien=str(dossier.channel.code),
        ChuHoSo=applicant.name,
        LoaiDoiTuong=str(applicant.kind.code),
        Email=applicant.contact.email or "",
        SoDienThoai=applicant.contact.phone or "",
        SoGiayToChuHoSo=holder_number,
        TrichYeuHoSo=(dossier.summary or "")[:1000],
        NgayNopHoSo=format_portal_datetime(dossier.submitted_at),
        NgayTiepNhan=format_portal_datetime(dossier.received_at),
        NgayHenTra=format_portal_datetime(dossier.due_at),
        NgayTra=format_portal_datetime(dossier.returned_at),
        NgayKetThucXuLy=format_portal_datetime(dossier.completed_at),
        NgayTuChoi=format_portal_datetime(refused_at),
        NgayYeuCauBoSung=format_portal_datetime(
            last_supplement.requested_at if last_supplement is not None else None
        ),
        TrangThaiHoSo=str(dossier.status.code),
        HinhThuc=_flag(delivery is not None and delivery.method is DeliveryMethod.POSTAL),
        HoSoCoThanhPhanSoHoa=_flag(any(d.digitized for d in dossier.documents)),
        DuocThanhToanTrucTuyen=paid_online,
        DinhDanhCHS=tuple(identities),
        TaiLieuNop=tuple(
            TaiLieuNopRecord(
                TepDinhKemId=doc.sha256[:32],
                TenTepDinhKem=doc.name,
                MaThanhPhanHoSo=doc.component_code or "",
                DuocSoHoa=_flag(doc.digitized),
                DuocTaiSuDung=_flag(doc.reused),
            )
            for doc in dossier.documents
        ),
        DanhSachLePhi=tuple(
            LePhiRecord(
                TenPhiLePhi=fee.name,
                MaPhiLePhi=fee.code or "",
                Gia=str(fee.amount),
                LoaiPhiLePhi=fee.kind.value,
            )
            for fee in dossier.fees
        ),
        DanhSachHoSoBoSung=tuple(
            HoSoBoSungRecord(
                HoSoBoSungId=str(i + 1),
                NoiDungBoSung=s.reason,
                NgayBoSung=format_portal_datetime(s.requested_at),
                NgayTiepNhanBoSung=format_portal_datetime(s.resubmitted_at),
                TrangThaiBoSung=_flag(s.resubmitted_at is not None),
            )
            for i, s in enumerate(dossier.supplements)
        ),
        DanhSachGiayToKetQua=tuple(
            GiayToKetQuaRecord(
                TenGiayTo=r.name, GiayToId=r.number or "", MaGiayToKetQua=r.code or ""
            )
            for r in (dossier.result.documents if dossier.result is not None else ())
        ),
    )


def progress_rows(dossier: Dossier) -> list[TienTrinhRecord]:
    """Progress rows (``CapNhatTienDoHoSoMC``) for every status-changing event, oldest first.

    ``NguoiXuLy`` is the event's actor cut to 50 characters (the portal's limit, as TD does),
    ``NoiDungXuLy`` the event's note or action, ``TrangThai`` the status reached.

    Raises:
        InvalidInputError: ``dossier`` is not a :class:`~onestop.models.Dossier`.
    """
    _check_dossier(dossier)
    code = str(dossier.code)
    due = format_portal_datetime(dossier.due_at)
    rows: list[TienTrinhRecord] = []
    for event in dossier.events:
        if event.from_status is event.to_status:
            continue
        at = format_portal_datetime(event.at)
        rows.append(
            TienTrinhRecord(
                MaHoSo=code,
                NguoiXuLy=event.actor[:50],
                ThoiDiemXuLy=at,
                NoiDungXuLy=(event.note or event.action.value)[:2000],
                TrangThai=str(event.to_status.code),
                NgayBatDau=at,
                NgayKetThucTheoQuyDinh=due,
            )
        )
    return rows


def status_of_record(record: HoSoRecord) -> DossierStatus:
    """The domain status of a wire record (``TrangThaiHoSo`` code or English name)."""
    return DossierStatus.from_code(record.portal_status.value)


# ----------------------------------------------------------------------------- catalogue


#: ``KENH`` of ``CACHTHUCTHUCHIEN``: the dossier record's ``KenhThucHien`` codes or the catalogue's
#: Vietnamese labels ("Trực tiếp", "Trực tuyến", "Dịch vụ bưu chính") [inferred].
_CHANNEL_WORDS: tuple[tuple[str, Channel], ...] = (
    ("trực tiếp", Channel.DIRECT),
    ("trực tuyến", Channel.ONLINE),
    ("bưu chính", Channel.POSTAL),
)
_CHANNEL_CODES = {str(c.code): c for c in Channel}

#: ``DONVITINH`` labels (casefolded) → unit; the labels of :attr:`TimeUnit.label_vi` and the
#: spellings seen in catalogues.
_UNIT_WORDS: dict[str, TimeUnit] = {
    "ngày làm việc": TimeUnit.WORKING_DAYS,
    "ngày": TimeUnit.CALENDAR_DAYS,
    "ngày lịch": TimeUnit.CALENDAR_DAYS,
    "giờ": TimeUnit.WORKING_HOURS,
    "giờ làm việc": TimeUnit.WORKING_HOURS,
    "tháng": TimeUnit.MONTHS,
    "trong ngày": TimeUnit.SAME_DAY,
}

#: ``TENCAP`` words → level (``CAPTHUCHIEN`` codes are undocumented, the names are not).
_LEVEL_WORDS: tuple[tuple[str, AdministrativeLevel], ...] = (
    ("tỉnh", AdministrativeLevel.PROVINCIAL),
    ("huyện", AdministrativeLevel.DISTRICT),
    ("xã", AdministrativeLevel.COMMUNE),
    ("bộ", AdministrativeLevel.CENTRAL),
    ("trung ương", AdministrativeLevel.CENTRAL),
)

_SHORT_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._\-/]*$")


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _channel(value: str) -> Channel:
    text = _norm(value)
    if text in _CHANNEL_CODES:
        return _CHANNEL_CODES[text]
    for word, channel in _CHANNEL_WORDS:
        if word in text:
            return channel
    raise InvalidInputError(
        f"KENH: unknown channel {value[:30]!r} in CACHTHUCTHUCHIEN; expected 1/2/3 or "
        "'Trực tiếp', 'Trực tuyến', 'Dịch vụ bưu chính'",
        field="KENH",
    )


def _processing_time(amount: str, unit: str) -> ProcessingTime:
    kind = _UNIT_WORDS.get(_norm(unit))
    if kind is None:
        raise InvalidInputError(
            f"DONVITINH: unknown time unit {unit[:30]!r}; expected one of "
            + ", ".join(repr(u.label_vi) for u in TimeUnit),
            field="DONVITINH",
        )
    if kind is TimeUnit.SAME_DAY:
        # The catalogue gives no cut-off hour: none is assumed (pass the procedure through
        # model_copy to add the sector's cut-off, e.g. 15:00 for civil status).
        return ProcessingTime(amount=0, unit=kind)
    text = amount.strip().replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        number = float("nan")
    if not (math.isfinite(number) and number >= 0 and number == int(number)):
        raise InvalidInputError(
            f"THOIGIANGIAIQUYET: expected a whole number of {kind.label_vi.lower()}, got "
            f"{amount[:20]!r}; fractional or textual times must be entered by hand",
            field="THOIGIANGIAIQUYET",
        )
    return ProcessingTime(amount=int(number), unit=kind)


def _vnd(value: str) -> int:
    text = _norm(value)
    digits = re.sub(r"[\s.,]|đồng|vnđ|vnd|đ", "", text)
    if not digits or "miễn" in text:
        return 0
    if not digits.isdigit():
        raise InvalidInputError(
            f"SOTIEN: expected an amount in VND, got {value[:30]!r}", field="SOTIEN"
        )
    return int(digits)


def _count(value: str, default: int) -> int:
    text = value.strip()
    return int(text) if text.isdigit() else default


def _short_code(value: str) -> str | None:
    text = value.strip()
    return text if text and len(text) <= 60 and _SHORT_CODE.match(text) else None


def _agency_code(value: str) -> AgencyCode | None:
    text = value.strip()
    if not text:
        return None
    try:
        return AgencyCode(text)
    except OneStopError:
        return None  # a local code that is not an electronic identifier (QĐ 20/2020)


def _date(value: str) -> dt.date | None:
    text = value.strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%Y%m%d"):
        try:
            return dt.datetime.strptime(text[:10], fmt).date()
        except ValueError:
            continue
    return None


def _levels(record: ThuTucRecord) -> tuple[AdministrativeLevel, ...]:
    found: list[AdministrativeLevel] = []
    for item in record.levels:
        name = _norm(item.name)
        level = next((lv for word, lv in _LEVEL_WORDS if word in name), None)
        level = level or AdministrativeLevel.OTHER
        if level not in found:
            found.append(level)
    if not found:
        raise InvalidInputError(
            "CAPTHUCHIEN: the catalogue record lists no level of government; pass "
            "levels=(AdministrativeLevel.PROVINCIAL,) (or the right ones) explicitly",
            field="CAPTHUCHIEN",
        )
    return tuple(found)


def procedure_from_record(
    record: ThuTucRecord,
    *,
    levels: Iterable[AdministrativeLevel] | None = None,
    service_level: ServiceLevel | None = None,
) -> Procedure:
    """The domain :class:`~onestop.models.Procedure` of a national catalogue record.

    ``record`` is what :meth:`~onestop.connectors.portal.PortalClient.get_procedure` returns
    (``LayThuTuc``, CSDLQG về TTHC; keys as OpenCPS and TD.DichVuCongApi read them). Mapping:

    * ``MATTHC``/``TENTTHC`` → ``code``/``name_vi``; the first ``LINHVUCTHUCHIEN`` → ``field``;
    * ``CAPTHUCHIEN`` names (Cấp Tỉnh/Huyện/Xã/Bộ) → ``levels``, unless ``levels`` is given;
    * each ``CACHTHUCTHUCHIEN`` channel (``KENH`` 1/2/3 or its label) → a channel, whose
      processing time is its **first** ``THOIGIAN`` (``THOIGIANGIAIQUYET`` + ``DONVITINH``:
      Ngày làm việc, Ngày, Giờ, Tháng, Trong ngày) and whose fees are that time's
      ``PHILEPHI`` (``SOTIEN`` in VND; "Miễn" or empty is 0);
    * ``THANHPHANHOSO``/``GIAYTO`` → documents, ``KETQUATHUCHIEN`` → results,
      ``CANCUPHAPLY`` → legal basis, ``COQUANTHUCHIEN``/``COQUANCOTHAMQUYEN`` → agencies.

    Which ``KENH`` labels and ``CAPTHUCHIEN`` names occur, and that the first ``THOIGIAN`` is
    the general case, are **inferred** from production clients (no official field table was
    readable); a "Trong ngày" time gets no cut-off hour, as the catalogue gives none.

    Args:
        record: the catalogue record.
        levels: the levels of government, when the record has no usable ``CAPTHUCHIEN``.
        service_level: the online service level; by default ``PARTIAL`` when the online
            channel is offered, else ``NONE`` (the catalogue record read here does not say
            whether the service is *toàn trình*).

    Returns:
        The validated procedure.

    Raises:
        InvalidInputError: a field the domain needs is missing or unreadable (the message
            names the catalogue key: ``LINHVUCTHUCHIEN``, ``KENH``, ``DONVITINH``…).
        InvalidDossierError: the mapped procedure is inconsistent (e.g. an empty name).
    """
    given: object = record
    if not isinstance(given, ThuTucRecord):
        raise InvalidInputError(
            f"record: expected a ThuTucRecord (from get_procedure or "
            f"ThuTucRecord.model_validate), got {type(given).__name__}",
            field="record",
        )
    if not record.fields or not record.fields[0].code.strip():
        raise InvalidInputError(
            f"LINHVUCTHUCHIEN: procedure {record.code!r} has no field (lĩnh vực) with a code",
            field="LINHVUCTHUCHIEN",
        )
    field = record.fields[0]
    channels: list[Channel] = []
    times: list[dict[str, Any]] = []
    fees: list[dict[str, Any]] = []
    for item in record.channels:
        channel = _channel(item.channel)
        if channel in channels:
            continue  # a channel listed twice: its first entry is kept
        if not item.times:
            raise InvalidInputError(
                f"THOIGIAN: channel {item.channel[:20]!r} of procedure {record.code!r} has no "
                "processing time",
                field="THOIGIAN",
            )
        first = item.times[0]
        channels.append(channel)
        times.append({"channel": channel, "time": _processing_time(first.amount, first.unit)})
        for fee in first.fees:
            fees.append(
                {
                    "name": fee.description.strip() or "Phí, lệ phí",
                    "amount": _vnd(fee.amount),
                    "code": _short_code(fee.code),
                    "channel": channel,
                }
            )
    if not channels:
        raise InvalidInputError(
            f"CACHTHUCTHUCHIEN: procedure {record.code!r} lists no channel",
            field="CACHTHUCTHUCHIEN",
        )
    chosen_levels = _levels(record) if levels is None else tuple(levels)
    if service_level is None:
        service_level = ServiceLevel.PARTIAL if Channel.ONLINE in channels else ServiceLevel.NONE
    data: dict[str, Any] = {
        "code": record.code.strip(),
        "name_vi": record.name.strip(),
        "field": {"code": field.code.strip(), "name": field.name.strip() or field.code.strip()},
        "levels": chosen_levels,
        "implementing_agencies": [
            {"name": a.name.strip(), "code": _agency_code(a.code)}
            for a in record.agencies
            if a.name.strip()
        ],
        "competent_agencies": [
            {"name": a.name.strip(), "code": _agency_code(a.code)}
            for a in record.competent_agencies
            if a.name.strip()
        ],
        "channels": channels,
        "processing_times": times,
        "fees": fees,
        "documents": [
            {
                "name": paper.name.strip(),
                "code": _short_code(paper.code),
                "originals": _count(paper.originals, 1),
                "copies": _count(paper.copies, 0),
                "case": component.case.strip() or None,
            }
            for component in record.components
            for paper in component.papers
            if paper.name.strip()
        ],
        "results": [
            {"name": r.name.strip(), "code": _short_code(r.code)}
            for r in record.results
            if r.name.strip()
        ],
        "legal_basis": [
            {
                "number": b.number.strip()[:100],
                "title": b.title.strip() or None,
                "issued_on": _date(b.issued_on),
                "issuer": b.issuer.strip() or None,
            }
            for b in record.legal_bases
            if b.number.strip()
        ],
        "service_level": service_level,
    }
    return Procedure.model_validate(data)
