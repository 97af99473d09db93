"""The fields of a flat dossier record, the column names that mean them, and value spellings.

Pure Python (no Arrow): the tables here are what :mod:`onestop.records` matches an export's
header and values against. Names are compared after :func:`fold`: Vietnamese diacritics
stripped, lower case, every character other than a letter or a digit removed, so that the
portal's ``MaHoSo``, a vendor's ``ma_ho_so`` and a spreadsheet's ``Mã hồ sơ`` all fold to
``"mahoso"``.

The portal names are those of the dossier record synchronised to the National Public Service
Portal (``DongBoHoSoMC``: ``MaHoSo``, ``MaTTHC``, ``KenhThucHien``, ``NgayTiepNhan``,
``NgayHenTra``, ``NgayKetThucXuLy``, ``NgayTra``, ``TrangThaiHoSo``, ``DonViXuLy``…), as sent
by the one-stop systems of Thanh Hóa (TD.DichVuCongApi) and OpenCPS.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

import attrs

from onestop.models import Channel, DossierStatus, TimeUnit
from onestop.models._provinces import ascii_name

__all__ = [
    "BOOLEAN_FALSE",
    "BOOLEAN_TRUE",
    "CHANNEL_SPELLINGS",
    "FIELDS",
    "PAID_ONLINE_FALSE",
    "PAID_ONLINE_TRUE",
    "STATUS_SPELLINGS",
    "UNIT_SPELLINGS",
    "FieldKind",
    "RecordField",
    "field_by_alias",
    "fold",
]

FieldKind = Literal["text", "instant", "integer", "channel", "status", "unit", "flag", "paid"]

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """``text`` folded for matching: no diacritics, lower case, letters and digits only.

    ``"Mã hồ sơ"``, ``"MaHoSo"`` and ``"ma_ho_so"`` all fold to ``"mahoso"``.
    """
    return _NON_ALNUM.sub("", ascii_name(text).lower())


@attrs.frozen(slots=True)
class RecordField:
    """One field of a flat dossier record.

    Attributes:
        name: the canonical column name in :mod:`onestop.records` tables (``"received_at"``).
        kind: how values are read: ``text``; ``instant`` (a Vietnam local time); ``integer``;
            ``channel``, ``status``, ``unit`` (code tables); ``flag`` (yes/no); ``paid``
            (the portal's ``DuocThanhToanTrucTuyen`` code).
        portal: the portal's field name, when it has one.
        aliases: other column names recognised without configuration (folded with :func:`fold`).
        description: what the field holds.
        required: a row without a value here is rejected.
    """

    name: str
    kind: FieldKind
    portal: str | None
    aliases: tuple[str, ...]
    description: str
    required: bool = attrs.field(default=False, kw_only=True)


#: The fields of a flat record, in output column order.
FIELDS: tuple[RecordField, ...] = (
    RecordField(
        "code",
        "text",
        "MaHoSo",
        ("ma_ho_so", "so_ho_so", "dossier_code", "code"),
        "Dossier code (mã số hồ sơ); unique within a record set.",
        required=True,
    ),
    RecordField(
        "procedure",
        "text",
        "MaTTHC",
        ("ma_thu_tuc", "ma_tthc", "ma_thu_tuc_hanh_chinh", "procedure", "procedure_code"),
        "Procedure code from the national procedure database (e.g. 1.000894).",
        required=True,
    ),
    RecordField(
        "procedure_name",
        "text",
        "TenTTHC",
        ("ten_thu_tuc", "procedure_name"),
        "Procedure name.",
    ),
    RecordField(
        "field",
        "text",
        "MaLinhVuc",
        ("ma_linh_vuc", "linh_vuc", "field", "sector"),
        "Field of activity code (mã lĩnh vực).",
    ),
    RecordField(
        "field_name",
        "text",
        "TenLinhVuc",
        ("ten_linh_vuc", "field_name"),
        "Field of activity name.",
    ),
    RecordField(
        "department",
        "text",
        "DonViXuLy",
        ("don_vi", "don_vi_xu_ly", "co_quan", "co_quan_xu_ly", "phong_ban", "department", "agency"),
        "The department or agency that handled the dossier.",
    ),
    RecordField(
        "channel",
        "channel",
        "KenhThucHien",
        ("kenh", "kenh_nop", "hinh_thuc_nop", "channel"),
        "Submission channel: 1 direct, 2 online, 3 postal, or a spelling of them.",
    ),
    RecordField(
        "status",
        "status",
        "TrangThaiHoSo",
        ("trang_thai", "trang_thai_ho_so", "status"),
        "National status code 1-10, or its name.",
    ),
    RecordField(
        "submitted_at",
        "instant",
        "NgayNopHoSo",
        ("ngay_nop", "ngay_nop_ho_so", "submitted_at"),
        "When the dossier was submitted; stands in for received_at when that is empty.",
    ),
    RecordField(
        "received_at",
        "instant",
        "NgayTiepNhan",
        ("ngay_nhan", "ngay_tiep_nhan", "received_at", "received"),
        "When the dossier was accepted (the clock starts here).",
        required=True,
    ),
    RecordField(
        "due_at",
        "instant",
        "NgayHenTra",
        ("ngay_hen_tra", "ngay_hen", "han_xu_ly", "han_tra", "due_at", "due"),
        "The appointment date stored by the exporting system (ngày hẹn trả).",
    ),
    RecordField(
        "finished_at",
        "instant",
        "NgayKetThucXuLy",
        ("ngay_ket_thuc", "ngay_ket_thuc_xu_ly", "ngay_xu_ly_xong", "finished_at", "finished"),
        "When processing ended (result ready).",
    ),
    RecordField(
        "returned_at",
        "instant",
        "NgayTra",
        ("ngay_tra", "ngay_tra_ket_qua", "returned_at", "returned"),
        "When the result was handed over or sent.",
    ),
    RecordField(
        "processing_amount",
        "integer",
        None,
        (
            "so_ngay_xu_ly",
            "thoi_gian_xu_ly",
            "thoi_han",
            "thoi_han_giai_quyet",
            "processing_time",
            "processing_amount",
        ),
        "The published processing time, in processing_unit.",
    ),
    RecordField(
        "processing_unit",
        "unit",
        "DonViTinh",
        ("don_vi_tinh", "processing_unit", "unit"),
        "Unit of processing_amount (default working days).",
    ),
    RecordField(
        "paid_online",
        "paid",
        "DuocThanhToanTrucTuyen",
        ("thanh_toan_truc_tuyen", "paid_online"),
        "Paid online: 1 on the national portal, 2 on the provincial gateway; 0 or 3 not.",
    ),
    RecordField(
        "fee_bearing",
        "flag",
        None,
        ("co_phi", "co_phi_le_phi", "fee_bearing"),
        "The procedure charges a fee or charge for this dossier.",
    ),
    RecordField(
        "digitised",
        "flag",
        "HoSoCoThanhPhanSoHoa",
        ("so_hoa", "co_so_hoa", "digitised", "digitized"),
        "The dossier has digitised components.",
    ),
    RecordField(
        "e_result",
        "flag",
        None,
        ("ket_qua_dien_tu", "co_ket_qua_dien_tu", "e_result"),
        "The result was also issued electronically.",
    ),
    RecordField(
        "reused",
        "flag",
        "DuocTaiSuDung",
        ("tai_su_dung", "reused"),
        "At least one component was reused from digitised data.",
    ),
    RecordField(
        "applicant",
        "text",
        "ChuHoSo",
        ("chu_ho_so", "nguoi_nop", "applicant"),
        "The applicant's name (optional; personal data, never echoed in errors).",
    ),
)

_BY_ALIAS: dict[str, RecordField] = {}
for _f in FIELDS:
    for _name in (_f.name, *(() if _f.portal is None else (_f.portal,)), *_f.aliases):
        _BY_ALIAS.setdefault(fold(_name), _f)


def field_by_alias(column: str) -> RecordField | None:
    """The field a column name stands for (portal name, alias or canonical name), if any."""
    return _BY_ALIAS.get(fold(column))


def _spellings(pairs: dict[str, object]) -> Mapping[str, object]:
    return MappingProxyType({fold(k): v for k, v in pairs.items()})


#: Folded spelling -> channel: national codes, the enum values, Vietnamese labels and the
#: snake-case forms vendors export (``truc_tiep``).
CHANNEL_SPELLINGS: Mapping[str, object] = _spellings(
    {
        **{str(c.code): c for c in Channel},
        **{c.value: c for c in Channel},
        **{c.label_vi: c for c in Channel},
        "truc_tiep": Channel.DIRECT,
        "tai quay": Channel.DIRECT,
        "mot cua": Channel.DIRECT,
        "truc_tuyen": Channel.ONLINE,
        "dvc": Channel.ONLINE,
        "dich vu cong": Channel.ONLINE,
        "buu_chinh": Channel.POSTAL,
        "buu dien": Channel.POSTAL,
        "bcci": Channel.POSTAL,
        "post": Channel.POSTAL,
    }
)

#: Folded spelling -> status: codes 1-10, enum values, Vietnamese and English labels.
STATUS_SPELLINGS: Mapping[str, object] = _spellings(
    {
        **{str(s.code): s for s in DossierStatus},
        **{s.value: s for s in DossierStatus},
        **{s.label_vi: s for s in DossierStatus},
        **{s.label_en: s for s in DossierStatus},
        "da tiep nhan": DossierStatus.RECEIVED,
        "tiep nhan": DossierStatus.RECEIVED,
        "tu choi": DossierStatus.REFUSED,
        "bo sung": DossierStatus.SUPPLEMENT_REQUESTED,
        "rut ho so": DossierStatus.WITHDRAWN,
        "da xu ly": DossierStatus.COMPLETED,
        "hoan thanh": DossierStatus.COMPLETED,
        "da tra": DossierStatus.RETURNED,
    }
)

#: Folded spelling -> time unit (the 766 field ``DonViTinh``: Giờ, Ngày, Ngày làm việc, Tháng).
UNIT_SPELLINGS: Mapping[str, object] = _spellings(
    {
        **{u.value: u for u in TimeUnit},
        **{u.label_vi: u for u in TimeUnit},
        "ngay_lam_viec": TimeUnit.WORKING_DAYS,
        "nglv": TimeUnit.WORKING_DAYS,
        "gio lam viec": TimeUnit.WORKING_HOURS,
        "ngay_lich": TimeUnit.CALENDAR_DAYS,
        "working days": TimeUnit.WORKING_DAYS,
        "calendar days": TimeUnit.CALENDAR_DAYS,
        "hours": TimeUnit.WORKING_HOURS,
        "months": TimeUnit.MONTHS,
        "ngay": TimeUnit.CALENDAR_DAYS,
    }
)

#: Folded spellings of yes and no in flag columns.
BOOLEAN_TRUE = frozenset(fold(s) for s in ("1", "true", "yes", "y", "x", "có", "co", "đúng"))
BOOLEAN_FALSE = frozenset(fold(s) for s in ("0", "false", "no", "n", "không", "khong", "sai"))
#: ``DuocThanhToanTrucTuyen``: 1 paid on the national portal, 2 on the provincial payment
#: gateway (online); 0 not paid online, 3 paid another way (the Thanh Hóa system's codes).
PAID_ONLINE_TRUE = BOOLEAN_TRUE | {"2"}
PAID_ONLINE_FALSE = BOOLEAN_FALSE | {"3"}
