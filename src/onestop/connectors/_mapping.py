"""The one place that maps domain models (:mod:`onestop.models`) to the portal's wire records.

Field correspondences follow ``domain/integrations.md`` §1.2 (TD.DichVuCongApi
``HoSoDongBoDVC``, OpenCPS ``createSyncDossierBodyRequest``):

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
"""

from __future__ import annotations

from onestop.connectors._wire import (
    DossierRecord,
    FeeRecord,
    HolderIdentity,
    ProgressRecord,
    ResultDocument,
    SubmittedFile,
    SupplementRecord,
    format_portal_datetime,
)
from onestop.errors import InvalidInputError
from onestop.models import (
    DeliveryMethod,
    Dossier,
    DossierStatus,
    PaymentMethod,
)

__all__ = ["dossier_to_record", "progress_rows", "status_of_record"]

_ONLINE_PAYMENT = {PaymentMethod.NATIONAL_PORTAL: "1", PaymentMethod.PROVINCIAL_GATEWAY: "2"}


def _check_dossier(dossier: object) -> None:
    if not isinstance(dossier, Dossier):
        raise InvalidInputError(
            f"dossier: expected an onestop.models.Dossier (or a DossierRecord where accepted), "
            f"got {type(dossier).__name__}; read JSON with Dossier.from_json(text)",
            field="dossier",
        )


def _flag(value: bool) -> str:  # noqa: FBT001 - a value, not an option
    return "1" if value else "0"


def dossier_to_record(dossier: Dossier) -> DossierRecord:
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
    identities: list[HolderIdentity] = []
    if applicant.citizen_id is not None:
        identities.append(HolderIdentity(LoaiDinhDanh="1", SoDinhDanh=str(applicant.citizen_id)))
    if applicant.legacy_id is not None:
        identities.append(HolderIdentity(LoaiDinhDanh="2", SoDinhDanh=str(applicant.legacy_id)))
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
    return DossierRecord(
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
            SubmittedFile(
                TepDinhKemId=doc.sha256[:32],
                TenTepDinhKem=doc.name,
                MaThanhPhanHoSo=doc.component_code or "",
                DuocSoHoa=_flag(doc.digitized),
                DuocTaiSuDung=_flag(doc.reused),
            )
            for doc in dossier.documents
        ),
        DanhSachLePhi=tuple(
            FeeRecord(
                TenPhiLePhi=fee.name,
                MaPhiLePhi=fee.code or "",
                Gia=str(fee.amount),
                LoaiPhiLePhi=fee.kind.value,
            )
            for fee in dossier.fees
        ),
        DanhSachHoSoBoSung=tuple(
            SupplementRecord(
                HoSoBoSungId=str(i + 1),
                NoiDungBoSung=s.reason,
                NgayBoSung=format_portal_datetime(s.requested_at),
                NgayTiepNhanBoSung=format_portal_datetime(s.resubmitted_at),
                TrangThaiBoSung=_flag(s.resubmitted_at is not None),
            )
            for i, s in enumerate(dossier.supplements)
        ),
        DanhSachGiayToKetQua=tuple(
            ResultDocument(TenGiayTo=r.name, GiayToId=r.number or "", MaGiayToKetQua=r.code or "")
            for r in (dossier.result.documents if dossier.result is not None else ())
        ),
    )


def progress_rows(dossier: Dossier) -> list[ProgressRecord]:
    """Progress rows (``CapNhatTienDoHoSoMC``) for every status-changing event, oldest first.

    ``NguoiXuLy`` is the event's actor cut to 50 characters (the portal's limit, as TD does),
    ``NoiDungXuLy`` the event's note or action, ``TrangThai`` the status reached.

    Raises:
        InvalidInputError: ``dossier`` is not a :class:`~onestop.models.Dossier`.
    """
    _check_dossier(dossier)
    rows: list[ProgressRecord] = []
    for event in dossier.events:
        if event.from_status is event.to_status:
            continue
        rows.append(
            ProgressRecord(
                MaHoSo=str(dossier.code),
                NguoiXuLy=event.actor[:50],
                ThoiDiemXuLy=format_portal_datetime(event.at),
                NoiDungXuLy=(event.note or event.action.value)[:2000],
                TrangThai=str(event.to_status.code),
                NgayBatDau=format_portal_datetime(event.at),
                NgayKetThucTheoQuyDinh=format_portal_datetime(dossier.due_at),
            )
        )
    return rows


def status_of_record(record: DossierRecord) -> DossierStatus:
    """The domain status of a wire record (``TrangThaiHoSo`` code or English name)."""
    return DossierStatus.from_code(record.portal_status.value)
