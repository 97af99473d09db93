"""Domain :class:`~onestop.models.Dossier` objects for rows of the simulated table.

The table is the bulk view; a dossier that goes to the portal, the post office, the payment
platform or a printed receipt is rebuilt here through the dossier's own transition methods
(submit, accept, supplement, extension, completion, return), so that every state sent is a
state the domain model allows, with the dates of the row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache
from typing import Any

import attrs
import pyarrow as pa

from onestop.demo._catalogue import DEPARTMENTS, PROCEDURES, ProcedureSpec
from onestop.errors import InvalidInputError
from onestop.models import Applicant, Channel, Dossier, FeeItem, FeeKind, Procedure
from onestop.tz import VN_TZ

__all__ = ["EVENT_COLUMNS", "OFFICER", "DossierBuilder", "procedure_of"]

#: Who receives and returns at the centre's desk (no personal name).
OFFICER = "Bộ phận Một cửa"

_DEPT_BY_NUMBER = {d.number: d for d in DEPARTMENTS}
_SPEC_BY_CODE = {p.code: p for p in PROCEDURES}
_CHANNELS = {1: Channel.DIRECT, 2: Channel.ONLINE, 3: Channel.POSTAL}
#: The columns holding the instants a dossier changes state.
EVENT_COLUMNS = (
    "NgayNopHoSo",
    "NgayTiepNhan",
    "ngay_yeu_cau_bo_sung",
    "ngay_nhan_bo_sung",
    "ngay_gia_han",
    "NgayKetThucXuLy",
    "NgayTra",
)
_COLUMNS = (
    "MaHoSo",
    "MaTTHC",
    "KenhThucHien",
    "TrangThaiHoSo",
    "NgayNopHoSo",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayKetThucXuLy",
    "NgayTra",
    "han_ban_dau",
    "ngay_yeu_cau_bo_sung",
    "ngay_nhan_bo_sung",
    "ngay_gia_han",
    "phi",
)


@cache
def procedure_of(code: str, province: str = "H53") -> Procedure:
    """The domain :class:`~onestop.models.Procedure` of a procedure of the simulated catalogue.

    Raises:
        KeyError: ``code`` is not in the catalogue.
    """
    spec: ProcedureSpec = _SPEC_BY_CODE[code]
    dept = _DEPT_BY_NUMBER[spec.department]
    channels = ("direct", "online", "postal")
    time = {"amount": spec.days, "unit": "working_days"}
    return Procedure.model_validate(
        {
            "code": spec.code,
            "name_vi": spec.name,
            "field": {"code": f"LV-{spec.department:02d}", "name": spec.field_name},
            "levels": ["provincial"],
            "service_level": "partial",
            "implementing_agencies": [{"name": dept.name, "code": dept.agency_code(province)}],
            "competent_agencies": [{"name": dept.name}],
            "channels": list(channels),
            "processing_times": [{"channel": c, "time": time} for c in channels],
            "fees": (
                [{"name": "Phí, lệ phí", "amount": spec.fee, "kind": "fee"}] if spec.fee else []
            ),
            "documents": [
                {"name": "Đơn đề nghị (theo mẫu)", "originals": 1, "copies": 0},
                {"name": "Giấy tờ chứng minh theo quy định", "originals": 0, "copies": 1},
            ],
            "results": [{"name": "Kết quả giải quyết thủ tục hành chính"}],
        }
    )


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else value.replace(tzinfo=VN_TZ)


def _need(row: Mapping[str, Any], column: str) -> dt.datetime:
    """The aware instant of ``column``, which the row must have."""
    value = row[column]
    if value is None:
        raise InvalidInputError(
            f"{column}: empty in dossier {row['MaHoSo']}; a simulated row needs it here",
            field=column,
        )
    return _local(value)


def _local(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=VN_TZ)


@attrs.define
class DossierBuilder:
    """Rebuilds rows of the simulated table as domain dossiers, at any instant.

    Args:
        table: the table of :func:`~onestop.demo.simulate_records`.
        applicants: applicants to attribute the dossiers to, in turn (generated people).
        province: the province's level-1 code of the procedures' agencies.
    """

    table: pa.Table
    applicants: tuple[Applicant, ...]
    province: str = "H53"
    _rows: dict[str, list[Any]] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self._rows = {name: self.table.column(name).to_pylist() for name in _COLUMNS}

    def row(self, i: int) -> Mapping[str, Any]:
        """The values of row ``i`` (naive local datetimes)."""
        return {name: values[i] for name, values in self._rows.items()}

    def events(self, i: int) -> list[dt.datetime]:
        """The instants of row ``i``'s events (aware, in order), read from its dossier."""
        return sorted({event.at for event in self.dossier(i).events})

    def dossier(self, i: int, *, as_of: dt.datetime | None = None) -> Dossier:
        """Row ``i`` as a :class:`~onestop.models.Dossier`, with the events before ``as_of``.

        Args:
            i: the row.
            as_of: an aware instant; events at or after it have not happened (default: all).
        """
        r = self.row(i)

        def before(t: dt.datetime) -> bool:
            return as_of is None or t < as_of

        spec = _SPEC_BY_CODE[r["MaTTHC"]]
        procedure = procedure_of(spec.code, self.province)
        channel = _CHANNELS[r["KenhThucHien"]]
        status = r["TrangThaiHoSo"]
        submitted = _need(r, "NgayNopHoSo")
        received = _aware(r["NgayTiepNhan"])
        fees = (FeeItem(name="Phí, lệ phí", amount=spec.fee, kind=FeeKind.FEE),) if spec.fee else ()
        applicant = self.applicants[i % len(self.applicants)]
        by = _DEPT_BY_NUMBER[spec.department].name
        if received is None or status == 3:  # refused at intake
            d = Dossier.submit(
                code=r["MaHoSo"],
                procedure=procedure,
                applicant=applicant,
                channel=channel,
                at=submitted,
                by=OFFICER,
                fees=fees,
            )
            # refused a few minutes after the submission, on the same day
            midnight = dt.datetime.combine(submitted.date(), dt.time(23, 59), VN_TZ)
            at = min(submitted + dt.timedelta(minutes=15), max(submitted, midnight))
            if before(at):
                d = d.refuse(at=at, by=OFFICER, reason="Hồ sơ không thuộc thẩm quyền tiếp nhận")
            return d
        first_due = _need(r, "han_ban_dau")
        if channel is Channel.DIRECT:
            d = Dossier.submit(
                code=r["MaHoSo"],
                procedure=procedure,
                applicant=applicant,
                channel=channel,
                at=received,
                by=OFFICER,
                due_at=first_due,
                fees=fees,
            )
        else:
            d = Dossier.submit(
                code=r["MaHoSo"],
                procedure=procedure,
                applicant=applicant,
                channel=channel,
                at=submitted,
                by=OFFICER,
                fees=fees,
            )
            if not before(received):
                return d
            d = d.accept(at=received, by=OFFICER, due_at=first_due)
        start = received + dt.timedelta(minutes=10)
        if not before(start):
            return d
        d = d.start_processing(at=start, by=by)
        if status == 7:
            at = received + dt.timedelta(hours=1)
            if before(at):
                d = d.withdraw(at=at, by=OFFICER, reason="Người nộp đề nghị rút hồ sơ")
            return d
        sup_req = _aware(r["ngay_yeu_cau_bo_sung"])
        if sup_req is not None and before(sup_req):
            d = d.request_supplement(at=sup_req, by=by, reason="Thiếu giấy tờ theo quy định")
            sup_back = _aware(r["ngay_nhan_bo_sung"])
            if sup_back is None or not before(sup_back):
                return d
            # The clock restarts on the completed dossier (NĐ 61/2018 Art. 19(4)).
            due = _aware(r["NgayHenTra"]) if r["ngay_gia_han"] is None else None
            d = d.receive_supplement(at=sup_back, by=OFFICER, due_at=due or self._restart(i))
        ext = _aware(r["ngay_gia_han"])
        if ext is not None and before(ext):
            d = d.extend(
                at=ext,
                by=by,
                new_due_at=_need(r, "NgayHenTra"),
                reason="Cần thêm thời gian thẩm định",
            )
        finished = _aware(r["NgayKetThucXuLy"])
        if finished is None or not before(finished):
            return d
        d = d.complete(at=finished, by=by)
        returned = _aware(r["NgayTra"])
        if returned is not None and before(returned):
            d = d.return_result(at=returned, by=OFFICER)
        return d

    def _restart(self, i: int) -> dt.datetime:
        """The due date after the supplement of an extended row (before its extension)."""
        from onestop.deadlines import civil_service_calendar, compute_due
        from onestop.models import ProcessingTime

        r = self.row(i)
        back = _need(r, "ngay_nhan_bo_sung")
        spec = _SPEC_BY_CODE[r["MaTTHC"]]
        return compute_due(
            back, ProcessingTime.working_days(spec.days), calendar=civil_service_calendar()
        ).due_at
